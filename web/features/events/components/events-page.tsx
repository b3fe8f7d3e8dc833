import { Anchor, Button, Paper, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useEvents } from '../api/list-events.ts';
import { EventStatusBadge, formatShift } from './event-status-badge.tsx';

/** Events: each with its next shift and seats taken; a new event opens the editor. */
export function EventsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const events = useEvents(workspaceId);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="Events"
        description="In person or online, with shifts, RSVPs, reminders by text and check-in at the door."
        actions={
          can('actions.manage') && (
            <Button component={Link} to={`/w/${workspaceId}/actions/events/new`} leftSection={<IconPlus size={16} />}>
              New event
            </Button>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="events" />
      <QueryView query={events} errorTitle="Could not load the events">
        {({ events: rows }) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No events yet. Create one, add its times, publish it and share its page.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={680} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Events">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Event</Table.Th>
                      <Table.Th>Next shift</Table.Th>
                      <Table.Th ta="right">Going / capacity</Table.Th>
                      <Table.Th>Status</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((event) => {
                      const to = `/w/${workspaceId}/actions/events/${event.id}`;
                      return (
                        <Table.Tr key={event.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-event={event.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(e) => e.stopPropagation()}>
                              {event.title}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              {event.format === 'virtual' ? 'Online' : 'In person'} · {event.shiftCount}{' '}
                              {event.shiftCount === 1 ? 'shift' : 'shifts'}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">
                              {event.nextShift ? formatShift(event.nextShift.startsAt, event.nextShift.endsAt, event.timezone) : 'Over'}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right" data-count="going">
                            {event.going.toLocaleString()} / {event.capacity === null ? '∞' : event.capacity.toLocaleString()}
                          </Table.Td>
                          <Table.Td>
                            <EventStatusBadge status={event.status} approval={event.approval} />
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
    </>
  );
}
