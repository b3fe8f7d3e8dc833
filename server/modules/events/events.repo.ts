import { randomInt } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { EventRsvpsTable, EventShiftsTable, RsvpStatus } from '../../db/schema.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { complianceTexts, withFirstMessageFooter } from '../messaging/compliance-texts.ts';
import { queueReply } from '../messaging/outbox.ts';

// SQL of events: the kind's settings in actions.settings, shifts with their counters, RSVP status changes that keep
// those counters right, and the texts members get.

export type ShiftRow = Selectable<EventShiftsTable>;
export type RsvpRow = Selectable<EventRsvpsTable>;

export type EventSettings = {
  format: 'in_person' | 'virtual';
  location: string;
  address: string;
  joinUrl: string;
  /** IANA zone the shifts are written and shown in. */
  timezone: string;
  hostName: string;
  volunteerHosted: boolean;
  approval: 'approved' | 'pending';
};

export function readSettings(json: string, workspaceTimezone: string): EventSettings {
  let raw: Partial<EventSettings> = {};
  try {
    raw = JSON.parse(json) as Partial<EventSettings>;
  } catch {
    // Unreadable settings read as defaults.
  }
  return {
    format: raw.format === 'virtual' ? 'virtual' : 'in_person',
    location: raw.location ?? '',
    address: raw.address ?? '',
    joinUrl: raw.joinUrl ?? '',
    timezone: raw.timezone || workspaceTimezone,
    hostName: raw.hostName ?? '',
    volunteerHosted: raw.volunteerHosted === true,
    approval: raw.approval === 'pending' ? 'pending' : 'approved',
  };
}

/** A 4-digit door code: short enough to read off a sign and type on a phone. */
export const newCheckinCode = () => String(randomInt(0, 10_000)).padStart(4, '0');

export async function shiftsOf(executor: Executor, workspaceId: number, actionIds: readonly number[]): Promise<ShiftRow[]> {
  if (actionIds.length === 0) return [];
  return executor
    .selectFrom('event_shifts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('action_id', 'in', [...actionIds])
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}

/** Seats an RSVP holds on its shift: going, checked in, or marked no-show after the event. */
const holdsSeats = (status: RsvpStatus) => status === 'going' || status === 'attended' || status === 'no_show';

/**
 * Takes seats on a shift when they are free (all at once, in one conditional UPDATE, so two RSVPs for the last seat
 * cannot both get it). Returns false when the shift is full.
 */
export async function takeSeats(executor: Executor, shiftId: number, seats: number, now: number): Promise<boolean> {
  const row = await executor
    .updateTable('event_shifts')
    .set((eb) => ({ going_count: eb('going_count', '+', seats), updated_at: now }))
    .where('id', '=', shiftId)
    .where((eb) => eb.or([eb('capacity', 'is', null), eb(eb('going_count', '+', seats), '<=', eb.ref('capacity'))]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Moves an RSVP to a new status and the shift's counters with it. Seats are not checked here: callers that need a
 * free seat take it first with takeSeats (and pass `seatsTaken`). Returns false when the RSVP had moved meanwhile.
 */
export async function moveRsvp(
  executor: Executor,
  rsvp: Pick<RsvpRow, 'id' | 'shift_id' | 'status' | 'guests'>,
  to: RsvpStatus,
  now: number,
  options: { seatsTaken?: boolean; checkin?: 'self' | 'organizer' } = {},
): Promise<boolean> {
  const moved = await executor
    .updateTable('event_rsvps')
    .set({
      status: to,
      updated_at: now,
      ...(to === 'attended' ? { checked_in_at: now, checkin_method: options.checkin ?? 'organizer' } : {}),
      ...(rsvp.status === 'attended' && to !== 'attended' ? { checked_in_at: null, checkin_method: null } : {}),
    })
    .where('id', '=', rsvp.id)
    .where('status', '=', rsvp.status)
    .returning('id')
    .executeTakeFirst();
  if (!moved) return false;
  const seats = 1 + rsvp.guests;
  const seatDelta = options.seatsTaken ? 0 : seats * (Number(holdsSeats(to)) - Number(holdsSeats(rsvp.status)));
  const waitDelta = Number(to === 'waitlisted') - Number(rsvp.status === 'waitlisted');
  const attendedDelta = Number(to === 'attended') - Number(rsvp.status === 'attended');
  if (seatDelta !== 0 || waitDelta !== 0 || attendedDelta !== 0) {
    await executor
      .updateTable('event_shifts')
      .set((eb) => ({
        going_count: eb('going_count', '+', seatDelta),
        waitlist_count: eb('waitlist_count', '+', waitDelta),
        attended_count: eb('attended_count', '+', attendedDelta),
        updated_at: now,
      }))
      .where('id', '=', rsvp.shift_id)
      .execute();
  }
  return true;
}

/** Logs that a member came to an event (the activity analytics, segments and workflows read). */
export async function recordAttended(
  executor: Executor,
  input: {
    workspaceId: number;
    memberId: number;
    actionId: number;
    communityId: number | null;
    shiftId: number;
    method: string;
    now: number;
  },
) {
  await recordActivities(
    executor,
    [
      {
        workspaceId: input.workspaceId,
        memberId: input.memberId,
        type: 'attended',
        communityId: input.communityId,
        subjectType: 'event',
        subjectId: input.actionId,
        data: { shiftId: input.shiftId, method: input.method },
        occurredAt: input.now,
      },
    ],
    input.now,
  );
}

export type Schedule = { sendAt: number; expiresAt: number | null };

/**
 * Queues one text to a member from the workspace's default SMS sender: now at reply priority (a confirmation the
 * member is waiting for), or at a scheduled time inside their sending window as an automation (reminders). The
 * first text a member ever gets names the organization and says how to opt out. Callers check consent.
 */
export async function textMember(
  trx: Executor,
  input: { workspaceId: number; memberId: number; phone: string; language: string; body: string; now: number; schedule?: Schedule },
): Promise<number | null> {
  const texted = await trx
    .selectFrom('messages')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('member_id', '=', input.memberId)
    .where('direction', '=', 'out')
    .where('kind', '<>', 'test')
    .where('state', 'not in', ['cancelled', 'failed'])
    .limit(1)
    .executeTakeFirst();
  let body = input.body;
  if (!texted) {
    const workspace = await trx
      .selectFrom('workspaces')
      .select(['name', 'help_text', 'opt_out_text', 'opt_in_text', 'first_message_footer'])
      .where('id', '=', input.workspaceId)
      .executeTakeFirstOrThrow();
    body = withFirstMessageFooter(body, complianceTexts(workspace, input.language).firstMessageFooter, workspace.name);
  }
  const id = await queueReply(trx, {
    workspaceId: input.workspaceId,
    memberId: input.memberId,
    to: input.phone,
    body,
    kind: input.schedule ? 'automation' : 'reply',
    now: input.now,
  });
  if (id !== null && input.schedule) {
    await trx
      .updateTable('messages')
      .set({ send_at: input.schedule.sendAt, expires_at: input.schedule.expiresAt, priority: PRIORITY.automation })
      .where('id', '=', id)
      .execute();
  }
  return id;
}

/** Cancels reminders still waiting in the outbox (the member cancelled, or was moved off the shift). */
export async function cancelQueuedReminders(
  executor: Executor,
  rsvp: Pick<RsvpRow, 'day_reminder_message_id' | 'hour_reminder_message_id'>,
  now: number,
) {
  const ids = [rsvp.day_reminder_message_id, rsvp.hour_reminder_message_id].filter((id): id is number => id !== null);
  if (ids.length === 0) return;
  await executor
    .updateTable('messages')
    .set({ state: 'cancelled', updated_at: now })
    .where('id', 'in', ids)
    .where('state', 'in', ['queued', 'held'])
    .execute();
}
