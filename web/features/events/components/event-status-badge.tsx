import { Badge, Group } from '@mantine/core';
import type { EventStatus } from '../api/list-events.ts';

const COLORS: Record<EventStatus, string> = { draft: 'gray', published: 'teal', closed: 'dark' };
const LABELS: Record<EventStatus, string> = { draft: 'Draft', published: 'Published', closed: 'Closed' };

/** The event's status, and "Needs approval" for a volunteer-hosted event waiting for an organizer. */
export function EventStatusBadge(props: { status: EventStatus; approval: 'approved' | 'pending' }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={COLORS[props.status]} variant="light">
        {LABELS[props.status]}
      </Badge>
      {props.approval === 'pending' && (
        <Badge color="orange" variant="light">
          Needs approval
        </Badge>
      )}
    </Group>
  );
}

/** "Sat, Nov 28, 10:00 AM – 1:00 PM CST" in the event's time zone. */
export function formatShift(startsAt: number, endsAt: number, timezone: string): string {
  const day = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
  const end = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  return `${day.format(startsAt)} – ${end.format(endsAt)}`;
}
