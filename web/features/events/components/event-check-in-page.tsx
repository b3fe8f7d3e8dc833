import { Anchor, Badge, Button, Group, Paper, Progress, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError } from '../../../lib/notify.ts';
import { type EventDetail, useEvent } from '../api/get-event.ts';
import { useRsvps } from '../api/list-rsvps.ts';
import { useSetAttendance } from '../api/set-attendance.ts';
import { formatShift } from './event-status-badge.tsx';

/** At the door, on a phone: the door code, counts, search by name, one tap to check someone in. */
export function EventCheckInPage() {
  const { workspaceId } = useCurrentWorkspace();
  const eventId = useParams().actionId ?? '';
  const event = useEvent(workspaceId, eventId);
  return (
    <QueryView query={event} errorTitle="Could not load the event">
      {(data) => <CheckIn event={data} />}
    </QueryView>
  );
}

/** The shift happening now, else the next one, else the last. */
function currentShift(event: EventDetail) {
  const now = Date.now();
  return (
    event.shifts.find((s) => s.startsAt - 2 * 3_600_000 <= now && now <= s.endsAt) ??
    event.shifts.find((s) => s.endsAt > now) ??
    event.shifts.at(-1)
  );
}

function CheckIn(props: { event: EventDetail }) {
  const { event } = props;
  const { workspaceId } = useCurrentWorkspace();
  const eventId = String(event.id);
  const [shiftId, setShiftId] = useState(String(currentShift(event)?.id ?? ''));
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 200);
  const rsvps = useRsvps(workspaceId, eventId, shiftId, q);
  const attendance = useSetAttendance(workspaceId, eventId);
  const shift = event.shifts.find((s) => String(s.id) === shiftId);

  return (
    <Stack maw={520} mx="auto" gap="sm">
      <title>{`Check-in · ${event.title} · Groundswell`}</title>
      <Anchor component={Link} to={`/w/${workspaceId}/actions/events/${event.id}`} size="sm">
        ← {event.title}
      </Anchor>
      <Title order={2}>Check-in</Title>
      {event.shifts.length > 1 && (
        <Select
          aria-label="Shift"
          data={event.shifts.map((s) => ({ value: String(s.id), label: formatShift(s.startsAt, s.endsAt, event.timezone) }))}
          value={shiftId}
          onChange={(value) => setShiftId(value ?? '')}
          allowDeselect={false}
        />
      )}
      {shift && (
        <Paper withBorder radius="md" p="md">
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Text size="sm" c="dimmed">
                {formatShift(shift.startsAt, shift.endsAt, event.timezone)}
              </Text>
              <Text fw={700} size="xl" data-count="checked-in">
                {shift.attended} checked in
              </Text>
              <Text size="sm">
                of {shift.going} going{shift.waitlisted > 0 ? ` · ${shift.waitlisted} on the waitlist` : ''}
              </Text>
            </Stack>
            <Stack gap={0} align="flex-end">
              <Text size="xs" c="dimmed">
                Door code
              </Text>
              <Text fw={800} size="2rem" ff="monospace" data-door-code>
                {shift.checkinCode}
              </Text>
            </Stack>
          </Group>
          <Progress value={shift.going > 0 ? (100 * shift.attended) / shift.going : 0} mt="sm" aria-label="Checked in" />
          <Text size="xs" c="dimmed" mt="xs">
            Members can check themselves in at {event.path}/check-in with this code.
          </Text>
        </Paper>
      )}
      <TextInput
        size="md"
        leftSection={<IconSearch size={18} />}
        placeholder="Search by name or last digits of the phone"
        aria-label="Search RSVPs"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <QueryView query={rsvps} errorTitle="Could not load the RSVPs">
        {(data) => (
          <Stack gap="xs">
            {data.rsvps.filter((r) => r.status !== 'cancelled').length === 0 && (
              <Text c="dimmed" ta="center" py="md">
                {q ? 'Nobody by that name.' : 'No RSVPs yet.'}
              </Text>
            )}
            {data.rsvps
              .filter((r) => r.status !== 'cancelled')
              .map((r) => {
                const checkedIn = r.status === 'attended';
                return (
                  <Paper key={r.id} withBorder radius="md" p="sm" data-rsvp={r.id}>
                    <Group justify="space-between" wrap="nowrap">
                      <Stack gap={0}>
                        <Text fw={600}>{r.name}</Text>
                        <Text size="xs" c="dimmed">
                          {r.phoneLast4 ? `…${r.phoneLast4}` : ''}
                          {r.guests > 0 ? ` · +${r.guests} guest${r.guests === 1 ? '' : 's'}` : ''}
                          {r.status === 'waitlisted' ? ' · waitlist' : ''}
                        </Text>
                      </Stack>
                      {checkedIn ? (
                        <Group gap={4} wrap="nowrap">
                          <Badge color="teal" size="lg">
                            Checked in
                          </Badge>
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            aria-label={`Undo check-in of ${r.name}`}
                            onClick={() =>
                              attendance.mutate({ rsvpId: r.id, status: 'going' }, { onError: (e) => notifyError(e, 'Could not undo') })
                            }
                          >
                            Undo
                          </Button>
                        </Group>
                      ) : (
                        <Button
                          size="md"
                          onClick={() =>
                            attendance.mutate(
                              { rsvpId: r.id, status: 'attended' },
                              { onError: (e) => notifyError(e, 'Could not check in') },
                            )
                          }
                          loading={attendance.isPending && attendance.variables?.rsvpId === r.id}
                          aria-label={`Check in ${r.name}`}
                        >
                          Check in
                        </Button>
                      )}
                    </Group>
                  </Paper>
                );
              })}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
