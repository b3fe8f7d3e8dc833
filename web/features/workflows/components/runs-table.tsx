import { Anchor, Button, Group, NativeSelect, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { EXIT_REASONS, type ExitReason, RUN_STATUS_LABELS, RUN_STATUSES, type RunStatus } from '../../../../common/workflows.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { type Run, useRuns } from '../api/list-runs.ts';
import { RunStatusBadge } from './status-badge.tsx';

export const EXIT_REASON_LABELS: Record<ExitReason, string> = {
  opted_out: 'opted out',
  goal_reached: 'reached the goal',
  workflow_archived: 'workflow archived',
  member_deleted: 'member deleted',
  failed: 'a step kept failing',
};

const iso = (ms: number) => new Date(ms).toISOString();

export function exitReasonLabel(reason: string): string {
  return (EXIT_REASONS as readonly string[]).includes(reason) ? EXIT_REASON_LABELS[reason as ExitReason] : reason;
}

/** The runs, newest first: who, where they are, since when; each member links to their profile. */
export function RunsTable(props: { workflowId: string; live: boolean; stepTitle: (id: string) => string }) {
  const { workspaceId } = useCurrentWorkspace();
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [pages, setPages] = useState<(number | null)[]>([null]);
  const before = pages.at(-1) ?? null;
  const runs = useRuns(workspaceId, props.workflowId, { status, before, live: props.live && before === null });
  const rows = runs.data?.runs ?? [];
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={5}>Runs</Title>
          <NativeSelect
            aria-label="Run status"
            data={[{ value: '', label: 'Any status' }, ...RUN_STATUSES.map((s) => ({ value: s, label: RUN_STATUS_LABELS[s] }))]}
            value={status ?? ''}
            onChange={(event) => {
              setStatus((event.currentTarget.value || null) as RunStatus | null);
              setPages([null]);
            }}
            w={180}
          />
        </Group>
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {runs.isPending ? 'Loading…' : 'No runs yet.'}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={480} type="native">
            <Table verticalSpacing="xs" aria-label="Runs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Member</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Current step</Table.Th>
                  <Table.Th>Enrolled</Table.Th>
                  <Table.Th>Version</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((run) => (
                  <RunRow key={run.id} run={run} workspaceId={workspaceId} stepTitle={props.stepTitle} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {(pages.length > 1 || runs.data?.nextBefore) && (
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="compact-sm" disabled={pages.length <= 1} onClick={() => setPages(pages.slice(0, -1))}>
              Newer
            </Button>
            <Button
              variant="default"
              size="compact-sm"
              disabled={!runs.data?.nextBefore}
              onClick={() => setPages([...pages, runs.data?.nextBefore ?? null])}
            >
              Older
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function RunRow(props: { run: Run; workspaceId: string; stepTitle: (id: string) => string }) {
  const { run } = props;
  const where =
    run.status === 'held_out'
      ? 'Held out: gets no steps'
      : run.finishedAt !== null
        ? run.exitReason
          ? `Ended: ${exitReasonLabel(run.exitReason)}`
          : 'Finished'
        : run.currentStepId
          ? props.stepTitle(run.currentStepId)
          : '—';
  return (
    <Table.Tr data-run={run.id} data-member={run.memberId}>
      <Table.Td>
        <Anchor component={Link} to={`/w/${props.workspaceId}/members/${run.memberId}`} size="sm">
          {run.memberName}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <RunStatusBadge status={run.status} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-current-step={run.currentStepId ?? ''}>
          {where}
        </Text>
        {run.status === 'waiting' && run.waitingReplySince !== null && (
          <Text size="xs" c="dimmed">
            waiting for a reply
          </Text>
        )}
        {run.lastError && (
          <Text size="xs" c="red">
            {run.lastError}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(iso(run.enrolledAt))} style={{ whiteSpace: 'nowrap' }}>
          {formatRelative(iso(run.enrolledAt))}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">v{run.version}</Text>
      </Table.Td>
    </Table.Tr>
  );
}
