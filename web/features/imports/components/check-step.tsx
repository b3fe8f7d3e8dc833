import { Alert, Anchor, Badge, Button, Center, Code, Group, Loader, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDownload } from '@tabler/icons-react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import type { Import } from '../api/get-import.ts';
import { importErrorsCsvUrl, useImportErrors } from '../api/list-import-errors.ts';
import { Counts } from './import-display.tsx';

/** Step 3: the dry run. Counts of what would happen and the first rows that cannot be imported. */
export function CheckStep(props: { item: Import; onBack: () => void; onImport: () => void; pending: boolean; error: unknown }) {
  const { item } = props;
  if (item.status === 'validating') {
    const percent = item.totalRows ? Math.round((item.processedRows / item.totalRows) * 100) : 0;
    return (
      <Paper withBorder radius="md" p="xl">
        <Stack align="center" gap="sm">
          <Loader />
          <Text fw={600}>Checking {item.filename}…</Text>
          {item.totalRows ? (
            <>
              <Progress value={percent} w="100%" maw={480} size="lg" striped animated aria-label="Check progress" />
              <Text size="sm" c="dimmed">
                {item.processedRows.toLocaleString()} of {item.totalRows.toLocaleString()} rows
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              Nothing is saved during the check.
            </Text>
          )}
        </Stack>
      </Paper>
    );
  }
  const importable = Math.max(0, (item.totalRows ?? 0) - item.errorCount);
  return (
    <Stack>
      {item.errorCount === 0 ? (
        <Alert color="teal" variant="light" icon={<IconCircleCheck />} title="The file is ready">
          Every row can be imported. Nothing has been saved yet.
        </Alert>
      ) : (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconAlertTriangle />}
          title={`${item.errorCount.toLocaleString()} ${item.errorCount === 1 ? 'row' : 'rows'} cannot be imported`}
        >
          They are skipped; the others can be imported now. Fix them in the spreadsheet using the error report, and import them later.
        </Alert>
      )}
      <Counts
        counts={[
          { label: 'Rows', value: item.totalRows },
          { label: 'New members', value: item.createdCount, color: 'teal' },
          { label: 'Updated', value: item.updatedCount },
          { label: 'Duplicates', value: item.duplicateCount },
          { label: 'Errors', value: item.errorCount, color: 'red' },
        ]}
      />
      <FirstErrors item={item} />
      {props.error !== null && props.error !== undefined && (
        <Alert color="red" variant="light" role="alert">
          {errorDetail(props.error)}
        </Alert>
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={props.onBack}>
          Change the matching
        </Button>
        <Button size="md" onClick={props.onImport} loading={props.pending} disabled={importable === 0}>
          Import {importable.toLocaleString()} {importable === 1 ? 'row' : 'rows'}
        </Button>
      </Group>
    </Stack>
  );
}

const SHOWN = 20;

/** The first problems of the file with their line numbers; the CSV report has them all. Nothing when there are none. */
export function FirstErrors(props: { item: Import }) {
  const { workspaceId } = useCurrentWorkspace();
  const errors = useImportErrors(workspaceId, String(props.item.id), true);
  if (errors.isSuccess && errors.data.total === 0) return null;
  const shown = errors.data?.errors.slice(0, SHOWN) ?? [];
  return (
    <Paper withBorder radius="md">
      <Group justify="space-between" p="sm" pb={0}>
        <Title order={3} size="h5">
          Problems found
        </Title>
        <Anchor href={importErrorsCsvUrl(workspaceId, String(props.item.id))} download size="sm">
          <Group gap={4}>
            <IconDownload size={14} />
            Error report (CSV)
          </Group>
        </Anchor>
      </Group>
      {errors.isPending ? (
        <Center py="md">
          <Loader size="sm" />
        </Center>
      ) : errors.isError ? (
        <Text size="sm" c="red" p="sm">
          {errorDetail(errors.error)}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560} type="native">
          <Table verticalSpacing="xs" aria-label="Problems found">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Line</Table.Th>
                <Table.Th w={100}>Row</Table.Th>
                <Table.Th w={150}>Column</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((error) => (
                <Table.Tr key={`${error.line}:${error.field}:${error.message}`}>
                  <Table.Td>{error.line}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={error.severity === 'error' ? 'red' : 'yellow'} tt="none">
                      {error.severity === 'error' ? 'skipped' : 'warning'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{error.field ? <Code>{error.field}</Code> : '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{error.message}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {errors.data.total > shown.length && (
            <Text size="xs" c="dimmed" p="sm">
              The first {shown.length} of {errors.data.total.toLocaleString()}; the error report has them all.
            </Text>
          )}
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
