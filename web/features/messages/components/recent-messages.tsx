import { Anchor, Paper, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { useMessages } from '../api/list-messages.ts';
import { iso } from './display.ts';
import { MessageStateBadge } from './message-state-badge.tsx';

/** The latest messages of a broadcast with their delivery state; refreshed every 2 s while it is sending. */
export function RecentMessages(props: { broadcastId: string; live: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  const messages = useMessages(workspaceId, { broadcastId: props.broadcastId }, { pollMs: props.live ? 2000 : false });
  const rows = messages.data ?? [];
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={4} mb="xs">
        Recent messages
      </Title>
      {messages.isError ? (
        <Text size="sm" c="red">
          The messages could not be loaded.
        </Text>
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {messages.isPending ? 'Loading…' : 'No message of this broadcast yet.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640} type="native">
          <Table aria-label="Recent messages" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Member</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th ta="right">Segments</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((message) => {
                const at = message.deliveredAt ?? message.sentAt ?? message.createdAt;
                return (
                  <Table.Tr key={message.id} data-state={message.state}>
                    <Table.Td>
                      {message.memberId ? (
                        <Anchor component={Link} to={`/w/${workspaceId}/members/${message.memberId}`} size="sm">
                          {message.memberName ?? `Member #${message.memberId}`}
                        </Anchor>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {message.kind === 'test' ? 'Test' : '—'}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {formatPhone(message.direction === 'out' ? message.to : message.from)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <MessageStateBadge state={message.state} errorCode={message.errorCode} />
                    </Table.Td>
                    <Table.Td ta="right">{message.segments}</Table.Td>
                    <Table.Td>
                      <Text size="sm" title={formatDateTime(iso(at))} style={{ whiteSpace: 'nowrap' }}>
                        {formatRelative(iso(at))}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
