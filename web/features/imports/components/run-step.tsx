import { Alert, Anchor, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconDownload, IconPlayerStop, IconUsers } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { notifyError } from '../../../lib/notify.ts';
import { useCancelImport } from '../api/cancel-import.ts';
import type { Import } from '../api/get-import.ts';
import { importsKeys } from '../api/keys.ts';
import { importErrorsCsvUrl } from '../api/list-import-errors.ts';
import { FirstErrors } from './check-step.tsx';
import { Counts, ImportStatusBadge } from './import-display.tsx';

/** Step 4: the import itself, with live progress (the import is polled every second while it runs). */
export function RunStep(props: { item: Import }) {
  const { item } = props;
  const { workspaceId } = useCurrentWorkspace();
  const queryClient = useQueryClient();
  const cancel = useCancelImport(workspaceId, String(item.id));
  const running = item.status === 'running';
  const percent = item.totalRows ? Math.min(100, Math.round((item.processedRows / item.totalRows) * 100)) : running ? 0 : 100;

  // When a run ends, the member list and community counts have changed.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) {
      for (const queryKey of importsKeys.affected(workspaceId)) void queryClient.invalidateQueries({ queryKey });
      void queryClient.invalidateQueries({ queryKey: importsKeys.list(workspaceId) });
    }
    wasRunning.current = running;
  }, [running, workspaceId, queryClient]);

  return (
    <Stack>
      <Paper withBorder radius="md" p="lg">
        <Stack gap="sm">
          <Group justify="space-between">
            <Group gap="xs">
              <Text fw={600}>{item.filename}</Text>
              <ImportStatusBadge item={item} />
            </Group>
            {running && (
              <Button
                variant="default"
                color="red"
                size="compact-sm"
                leftSection={<IconPlayerStop size={14} />}
                loading={cancel.isPending}
                onClick={() => cancel.mutate(undefined, { onError: (error) => notifyError(error, 'The import was not stopped') })}
              >
                Stop
              </Button>
            )}
          </Group>
          <Progress
            value={percent}
            size="xl"
            striped={running}
            animated={running}
            color={item.status === 'failed' ? 'red' : item.status === 'cancelled' ? 'gray' : 'teal'}
            aria-label="Import progress"
          />
          <Text size="sm" c="dimmed" data-testid="import-progress">
            {item.processedRows.toLocaleString()} of {item.totalRows?.toLocaleString() ?? '?'} rows ({percent}%)
            {item.finishedAt ? ` · finished ${formatDateTime(item.finishedAt)}` : ''}
          </Text>
        </Stack>
      </Paper>
      <Counts
        counts={[
          { label: 'New members', value: item.createdCount, color: 'teal' },
          { label: 'Updated', value: item.updatedCount },
          { label: 'Duplicates', value: item.duplicateCount },
          { label: 'Errors', value: item.errorCount, color: 'red' },
        ]}
      />
      {item.status === 'done' && (
        <Alert color="teal" variant="light" icon={<IconCircleCheck />} title="Import finished">
          {item.createdCount.toLocaleString()} new and {item.updatedCount.toLocaleString()} updated members.
          {item.errorCount > 0
            ? ` ${item.errorCount.toLocaleString()} ${item.errorCount === 1 ? 'row was' : 'rows were'} skipped; the error report says why.`
            : ''}
        </Alert>
      )}
      {item.status === 'failed' && (
        <Alert color="red" variant="light" title="The import stopped">
          {item.lastError ?? 'An unexpected error stopped it.'} Rows imported before it stopped are kept.
        </Alert>
      )}
      {item.status === 'cancelled' && (
        <Alert color="gray" variant="light" title="Import stopped">
          It was stopped after {item.processedRows.toLocaleString()} rows; those are kept.
        </Alert>
      )}
      {!running && <FirstErrors item={item} />}
      {!running && (
        <Group justify="space-between">
          <Group gap="xs">
            {item.errorCount > 0 && (
              <Button
                component="a"
                href={importErrorsCsvUrl(workspaceId, String(item.id))}
                download
                variant="default"
                leftSection={<IconDownload size={16} />}
              >
                Download error report
              </Button>
            )}
            <Anchor component={Link} to={`/w/${workspaceId}/members/import`} size="sm">
              Import another file
            </Anchor>
          </Group>
          <Button component={Link} to={`/w/${workspaceId}/members`} leftSection={<IconUsers size={16} />}>
            See the members
          </Button>
        </Group>
      )}
    </Stack>
  );
}
