import { Badge, Button, Center, Code, Paper, Table, Text } from '@mantine/core';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { type AuditEntry, useAuditLog } from '../api/list-audit.ts';

export function AuditTab() {
  const { can } = useCurrentWorkspace();
  if (!can('audit.read')) return <NoAccess>Only owners and admins can read the audit log.</NoAccess>;
  return <AuditLog />;
}

function AuditLog() {
  const { workspaceId } = useCurrentWorkspace();
  const audit = useAuditLog(workspaceId);

  return (
    <QueryView query={audit} errorTitle="Could not load the audit log">
      {(data) => {
        const entries = data.pages.flatMap((page) => page.entries);
        if (entries.length === 0) {
          return (
            <Text size="sm" c="dimmed">
              Nothing recorded yet. Sign-ins, role changes, invitations and API keys will be listed here.
            </Text>
          );
        }
        return (
          <>
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={760} type="native">
                <Table verticalSpacing="xs" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Who</Table.Th>
                      <Table.Th>What</Table.Th>
                      <Table.Th>Target</Table.Th>
                      <Table.Th>Details</Table.Th>
                      <Table.Th>IP</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {entries.map((entry) => (
                      <AuditRow key={entry.id} entry={entry} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
            {audit.isFetchNextPageError && <ErrorAlert error={audit.error} title="Could not load older entries" />}
            <Center mt="md">
              {audit.hasNextPage ? (
                <Button variant="default" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
                  Load more
                </Button>
              ) : (
                <Text size="xs" c="dimmed">
                  That is the beginning of the log.
                </Text>
              )}
            </Center>
          </>
        );
      }}
    </QueryView>
  );
}

function AuditRow(props: { entry: AuditEntry }) {
  const { entry } = props;
  const details = entry.data ? Object.entries(entry.data).map(([key, value]) => `${key}: ${display(value)}`) : [];
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" title={formatDateTime(entry.createdAt)} style={{ whiteSpace: 'nowrap' }}>
          {formatRelative(entry.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{entry.actor.name ?? (entry.actor.type === 'system' ? 'Groundswell' : 'Deleted')}</Text>
        {entry.actor.type !== 'user' && (
          <Badge size="xs" variant="light" color="gray" tt="none">
            {entry.actor.type === 'api_key' ? 'API key' : 'system'}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Code>{entry.action}</Code>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{entry.targetType ? `${entry.targetType} ${entry.targetId ?? ''}`.trim() : '—'}</Text>
      </Table.Td>
      <Table.Td maw={280}>
        <Text size="xs" c="dimmed" lineClamp={2} title={details.join('\n')}>
          {details.join(' · ') || '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {entry.ip ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
