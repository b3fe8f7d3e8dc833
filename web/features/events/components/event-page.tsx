import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Grid,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconDownload, IconExternalLink, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { EmbedSnippet } from '../../../components/embed-snippet.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { PhonePreview } from '../../../components/phone-preview.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError } from '../../../lib/errors.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { type EventDetail, useEvent } from '../api/get-event.ts';
import { useNextStepOptions } from '../api/list-next-steps.ts';
import { type RsvpStatus, useRsvps } from '../api/list-rsvps.ts';
import { useMarkNoShows } from '../api/mark-no-shows.ts';
import { type EventInput, type ShiftInput, useSaveEvent } from '../api/save-event.ts';
import { useSetAttendance } from '../api/set-attendance.ts';
import { type EventTransition, useSetEventStatus } from '../api/set-event-status.ts';
import { EventStatusBadge, formatShift } from './event-status-badge.tsx';

/** A new event (/events/new) or one event: its RSVPs per shift and its editor. */
export function EventPage() {
  const { workspaceId } = useCurrentWorkspace();
  const actionId = useParams().actionId;
  const event = useEvent(workspaceId, actionId ?? '', actionId !== undefined);
  if (actionId === undefined) {
    return (
      <>
        <PageHeader title="New event" description="A draft: publish it when its page is ready." />
        <Grid gap="xl">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <EventEditor event={null} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <PhonePreview src={null} label="the event page" version={0} />
          </Grid.Col>
        </Grid>
      </>
    );
  }
  return (
    <QueryView query={event} errorTitle="Could not load the event">
      {(data) => <EventView event={data} />}
    </QueryView>
  );
}

function EventView(props: { event: EventDetail }) {
  const { event } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const eventId = String(event.id);
  const transition = useSetEventStatus(workspaceId, eventId);
  const manage = can('actions.manage');
  const [tab, setTab] = useState<string | null>(event.status === 'draft' ? 'details' : 'rsvps');
  const [previewVersion, setPreviewVersion] = useState(0);
  const refreshPreview = () => setPreviewVersion((v) => v + 1);
  const act = (action: EventTransition, done: string) =>
    transition.mutate(action, {
      onSuccess: () => {
        notifySuccess(done);
        refreshPreview();
      },
      onError: (error) => notifyError(error, 'That did not work'),
    });

  return (
    <>
      <PageHeader
        title={event.title}
        description={`${event.going} coming (guests included) · ${event.shifts.length} ${event.shifts.length === 1 ? 'shift' : 'shifts'} · ${event.takenCount} RSVPs in all`}
        actions={
          <Group>
            <EventStatusBadge status={event.status} approval={event.approval} />
            {event.status !== 'draft' && (
              <Button component="a" href={event.path} target="_blank" variant="default" rightSection={<IconExternalLink size={14} />}>
                Public page
              </Button>
            )}
            {can('events.checkin') && event.status !== 'draft' && (
              <Button component={Link} to={`/w/${workspaceId}/actions/events/${event.id}/check-in`} variant="default">
                Check-in
              </Button>
            )}
            {manage && event.approval === 'pending' && (
              <Button color="orange" onClick={() => act('approve', 'Approved: the event can be published.')} loading={transition.isPending}>
                Approve
              </Button>
            )}
            {manage && event.status !== 'published' && (
              <Button
                onClick={() => act('publish', 'Published: the page takes RSVPs.')}
                loading={transition.isPending}
                disabled={event.approval === 'pending'}
              >
                {event.status === 'closed' ? 'Reopen' : 'Publish'}
              </Button>
            )}
            {manage && event.status === 'published' && (
              <Button
                variant="default"
                onClick={() => act('close', 'Closed: RSVPs stopped; reminders still go.')}
                loading={transition.isPending}
              >
                Close RSVPs
              </Button>
            )}
          </Group>
        }
      />
      {event.approval === 'pending' && (
        <Alert color="orange" variant="light" mb="md" title="Hosted by a volunteer">
          An organizer approves this event before it can be published.
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="rsvps">RSVPs</Tabs.Tab>
          <Tabs.Tab value="details">Details and shifts</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="rsvps">
          <RsvpsPanel event={event} />
        </Tabs.Panel>
        <Tabs.Panel value="details">
          <Grid gap="xl">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Stack maw={760}>
                <EventEditor event={event} onSaved={refreshPreview} />
                <EmbedSnippet url={event.url} title={event.title} published={event.status === 'published'} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <PhonePreview
                src={`/api/workspaces/${workspaceId}/events/${event.id}/preview`}
                label="the event page"
                version={previewVersion}
              />
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

const STATUS_COLORS: Record<RsvpStatus, string> = {
  going: 'blue',
  waitlisted: 'yellow',
  cancelled: 'gray',
  attended: 'teal',
  no_show: 'red',
};
const STATUS_LABELS: Record<RsvpStatus, string> = {
  going: 'Going',
  waitlisted: 'Waitlist',
  cancelled: 'Cancelled',
  attended: 'Attended',
  no_show: 'No-show',
};

function RsvpsPanel(props: { event: EventDetail }) {
  const { event } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const eventId = String(event.id);
  const [shiftId, setShiftId] = useState(String(event.shifts.find((s) => s.endsAt > Date.now())?.id ?? event.shifts[0]?.id ?? ''));
  const rsvps = useRsvps(workspaceId, eventId, shiftId);
  const attendance = useSetAttendance(workspaceId, eventId);
  const noShows = useMarkNoShows(workspaceId, eventId);
  const shift = event.shifts.find((s) => String(s.id) === shiftId);
  const checkin = can('events.checkin');
  return (
    <Stack>
      <Group align="flex-end">
        <Select
          label="Shift"
          data={event.shifts.map((s) => ({ value: String(s.id), label: formatShift(s.startsAt, s.endsAt, event.timezone) }))}
          value={shiftId}
          onChange={(value) => setShiftId(value ?? '')}
          allowDeselect={false}
          w={340}
        />
        {shift && (
          <Text size="sm" c="dimmed">
            {shift.going} going{shift.capacity !== null ? ` of ${shift.capacity}` : ''} · {shift.waitlisted} waiting · {shift.attended}{' '}
            checked in · door code <strong>{shift.checkinCode}</strong>
          </Text>
        )}
        {can('members.export') && (
          <Button
            component="a"
            href={`/api/workspaces/${workspaceId}/events/${event.id}/rsvps.csv`}
            variant="default"
            leftSection={<IconDownload size={16} />}
            ml="auto"
          >
            Export CSV
          </Button>
        )}
        {checkin && shift && shift.endsAt <= Date.now() && (
          <Button
            variant="default"
            loading={noShows.isPending}
            onClick={() =>
              noShows.mutate(shift.id, {
                onSuccess: (r) => notifySuccess(`${r.marked} marked as no-shows.`),
                onError: (error) => notifyError(error, 'Could not mark no-shows'),
              })
            }
          >
            Mark the rest as no-shows
          </Button>
        )}
      </Group>
      <QueryView query={rsvps} errorTitle="Could not load the RSVPs">
        {(data) => (
          <>
            <Group gap="xs">
              {(Object.keys(STATUS_LABELS) as RsvpStatus[]).map((status) => (
                <Badge key={status} color={STATUS_COLORS[status]} variant="light" data-count={status}>
                  {STATUS_LABELS[status]}: {data.counts[status]}
                </Badge>
              ))}
            </Group>
            {data.rsvps.length === 0 ? (
              <Paper withBorder radius="md" p="xl">
                <Text c="dimmed" ta="center">
                  No RSVPs for this shift yet.
                </Text>
              </Paper>
            ) : (
              <Paper withBorder radius="md">
                <Table.ScrollContainer minWidth={640} type="native">
                  <Table verticalSpacing="xs" aria-label="RSVPs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Guests / friend</Table.Th>
                        <Table.Th>Source</Table.Th>
                        <Table.Th />
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.rsvps.map((r) => (
                        <Table.Tr key={r.id} data-rsvp={r.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/w/${workspaceId}/members/${r.memberId}`} size="sm">
                              {r.name}
                            </Anchor>
                            {r.phoneLast4 && (
                              <Text size="xs" c="dimmed">
                                …{r.phoneLast4}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Badge color={STATUS_COLORS[r.status]} variant="light">
                              {STATUS_LABELS[r.status]}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">
                              {r.guests > 0 ? `+${r.guests}` : '—'}
                              {r.friendName ? ` · ${r.friendName}` : ''}
                              {r.friendPhone ? ` (${r.friendPhone})` : ''}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{[r.source, r.ref].filter(Boolean).join(' · ') || '—'}</Text>
                          </Table.Td>
                          <Table.Td>
                            {checkin && r.status !== 'cancelled' && (
                              <Group gap={4} justify="flex-end" wrap="nowrap">
                                {r.status !== 'attended' && (
                                  <Button size="compact-sm" onClick={() => attendance.mutate({ rsvpId: r.id, status: 'attended' })}>
                                    Attended
                                  </Button>
                                )}
                                {r.status !== 'no_show' && r.status !== 'waitlisted' && (
                                  <Button
                                    size="compact-sm"
                                    variant="default"
                                    onClick={() => attendance.mutate({ rsvpId: r.id, status: 'no_show' })}
                                  >
                                    No-show
                                  </Button>
                                )}
                                {(r.status === 'attended' || r.status === 'no_show') && (
                                  <Button
                                    size="compact-sm"
                                    variant="subtle"
                                    onClick={() => attendance.mutate({ rsvpId: r.id, status: 'going' })}
                                  >
                                    Undo
                                  </Button>
                                )}
                              </Group>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Paper>
            )}
          </>
        )}
      </QueryView>
    </Stack>
  );
}

type ShiftDraft = { key: string; id?: number; date: string; start: string; end: string; capacity: number | string; waitlist: boolean };

let draftKey = 0;
const newShift = (from?: ShiftDraft): ShiftDraft => ({
  key: `n${++draftKey}`,
  date: from?.date ?? new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
  start: from?.start ?? '10:00',
  end: from?.end ?? '12:00',
  capacity: from?.capacity ?? '',
  waitlist: from?.waitlist ?? true,
});

function EventEditor(props: { event: EventDetail | null; onSaved?: () => void }) {
  const { event } = props;
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const save = useSaveEvent(workspaceId, event ? String(event.id) : null);
  const readOnly = !can('actions.manage');
  const [title, setTitle] = useState(event?.title ?? '');
  const [summary, setSummary] = useState(event?.summary ?? '');
  const [description, setDescription] = useState(event?.description ?? '');
  const [format, setFormat] = useState<'in_person' | 'virtual'>(event?.format ?? 'in_person');
  const [location, setLocation] = useState(event?.location ?? '');
  const [address, setAddress] = useState(event?.address ?? '');
  const [joinUrl, setJoinUrl] = useState(event?.joinUrl ?? '');
  const [timezone, setTimezone] = useState(event?.timezone ?? '');
  const [hostName, setHostName] = useState(event?.hostName ?? '');
  const [volunteerHosted, setVolunteerHosted] = useState(event?.volunteerHosted ?? false);
  const [nextActionId, setNextActionId] = useState<number | null>(event?.nextActionId ?? null);
  const nextSteps = useNextStepOptions(workspaceId);
  // Published actions (never this event); the current choice stays listed even if it was closed since.
  const nextOptions = (nextSteps.data ?? [])
    .filter((a) => a.id !== event?.id)
    .map((a) => ({ value: String(a.id), label: `${a.title} (${a.type})` }));
  if (nextActionId !== null && !nextOptions.some((o) => o.value === String(nextActionId))) {
    nextOptions.unshift({ value: String(nextActionId), label: `Action #${nextActionId} (not published)` });
  }
  const [shifts, setShifts] = useState<ShiftDraft[]>(() =>
    event
      ? event.shifts.map((s) => ({
          key: `s${s.id}`,
          id: s.id,
          date: s.date,
          start: s.start,
          end: s.end,
          capacity: s.capacity ?? '',
          waitlist: s.waitlist,
        }))
      : [newShift()],
  );
  const update = (key: string, patch: Partial<ShiftDraft>) =>
    setShifts((list) => list.map((s) => (s.key === key ? { ...s, ...patch } : s)));

  const submit = () => {
    const input: EventInput = {
      title,
      summary,
      description,
      format,
      location,
      address,
      joinUrl,
      timezone,
      hostName,
      volunteerHosted,
      nextActionId,
      shifts: shifts.map(
        (s): ShiftInput => ({
          ...(s.id !== undefined ? { id: s.id } : {}),
          date: s.date,
          start: s.start,
          end: s.end,
          capacity: typeof s.capacity === 'number' ? s.capacity : null,
          waitlist: s.waitlist,
        }),
      ),
    };
    save.mutate(input, {
      onSuccess: (saved) => {
        notifySuccess(event ? 'Event saved.' : 'Draft created.');
        props.onSaved?.();
        if (!event) navigate(`/w/${workspaceId}/actions/events/${saved.id}`);
      },
    });
  };
  const error = (field: string) => fieldError(save.error, field);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack maw={760}>
        <TextInput
          label="Title"
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={error('title')}
          required
          disabled={readOnly}
          maxLength={120}
        />
        <TextInput
          label="Summary"
          description="One line: link previews and lists."
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
          disabled={readOnly}
          maxLength={200}
        />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={3}
          disabled={readOnly}
        />
        <SegmentedControl
          value={format}
          onChange={(value) => setFormat(value === 'virtual' ? 'virtual' : 'in_person')}
          data={[
            { value: 'in_person', label: 'In person' },
            { value: 'virtual', label: 'Online' },
          ]}
          disabled={readOnly}
          w={260}
        />
        {format === 'in_person' ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Place"
              placeholder="Central Library, room 2"
              value={location}
              onChange={(e) => setLocation(e.currentTarget.value)}
              error={error('location')}
              disabled={readOnly}
            />
            <TextInput label="Address" value={address} onChange={(e) => setAddress(e.currentTarget.value)} disabled={readOnly} />
          </SimpleGrid>
        ) : (
          <TextInput
            label="Join link"
            description="Shown only to people who RSVP, on their confirmation and in their texts."
            placeholder="https://meet.example.org/…"
            value={joinUrl}
            onChange={(e) => setJoinUrl(e.currentTarget.value)}
            error={error('joinUrl')}
            disabled={readOnly}
          />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Time zone"
            description="Shift times are in this zone."
            placeholder={`${workspace.name}'s time zone`}
            value={timezone}
            onChange={(e) => setTimezone(e.currentTarget.value)}
            error={error('timezone')}
            disabled={readOnly}
          />
          <TextInput label="Host" value={hostName} onChange={(e) => setHostName(e.currentTarget.value)} disabled={readOnly} />
        </SimpleGrid>
        <Select
          label="Next step"
          description="Shown after an RSVP as a button to another action, opened with the member's details filled in."
          placeholder="None"
          data={nextOptions}
          value={nextActionId === null ? null : String(nextActionId)}
          onChange={(value) => setNextActionId(value ? Number(value) : null)}
          clearable
          searchable
          error={error('nextActionId')}
          disabled={readOnly}
        />
        <Checkbox
          label="Hosted by a volunteer (an organizer approves it before it is published)"
          checked={volunteerHosted}
          onChange={(e) => setVolunteerHosted(e.currentTarget.checked)}
          disabled={readOnly}
        />
        <Paper withBorder radius="md" p="md">
          <Stack gap="sm">
            <Text fw={600}>Shifts</Text>
            {shifts.map((s, index) => (
              <Group key={s.key} align="flex-end" gap="xs" data-shift-row={index}>
                <TextInput
                  type="date"
                  label="Date"
                  value={s.date}
                  onChange={(e) => update(s.key, { date: e.currentTarget.value })}
                  disabled={readOnly}
                  w={160}
                />
                <TextInput
                  type="time"
                  label="Start"
                  value={s.start}
                  onChange={(e) => update(s.key, { start: e.currentTarget.value })}
                  disabled={readOnly}
                  w={120}
                />
                <TextInput
                  type="time"
                  label="End"
                  value={s.end}
                  onChange={(e) => update(s.key, { end: e.currentTarget.value })}
                  disabled={readOnly}
                  w={120}
                />
                <NumberInput
                  label="Capacity"
                  placeholder="No limit"
                  min={1}
                  value={s.capacity}
                  onChange={(value) => update(s.key, { capacity: value })}
                  disabled={readOnly}
                  w={120}
                />
                <Checkbox
                  label="Waitlist"
                  checked={s.waitlist}
                  onChange={(e) => update(s.key, { waitlist: e.currentTarget.checked })}
                  disabled={readOnly}
                  mb={8}
                />
                {!readOnly && shifts.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label="Remove shift"
                    mb={4}
                    onClick={() => setShifts((list) => list.filter((x) => x.key !== s.key))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                )}
              </Group>
            ))}
            {(error('end') || error('shifts')) && (
              <Text c="red" size="sm">
                {error('end') ?? error('shifts')}
              </Text>
            )}
            {!readOnly && (
              <Button
                variant="subtle"
                leftSection={<IconPlus size={16} />}
                onClick={() => setShifts((list) => [...list, newShift(list.at(-1))])}
                w="fit-content"
              >
                Add shift
              </Button>
            )}
          </Stack>
        </Paper>
        {save.isError && <ErrorAlert error={save.error} title="Could not save" />}
        {!readOnly && (
          <Group>
            <Button type="submit" loading={save.isPending}>
              {event ? 'Save' : 'Create draft'}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
