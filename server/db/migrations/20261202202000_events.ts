import type { ColumnDefinitionBuilder } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Events (the Mobilize loop): an `actions` row of type 'event' (its settings JSON holds the format, place, time zone
// and host) with shifts people RSVP to. Each shift keeps its counters (seats taken, waitlist, attended) so pages and
// lists never count RSVPs; each RSVP keeps its reminder bookkeeping, so a reminder goes out once however often the
// reminder job runs.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('event_shifts'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('starts_at', ts, (c) => c.notNull())
    .addColumn('ends_at', ts, (c) => c.notNull())
    .addColumn('capacity', 'integer') // seats (guests included); NULL: no limit
    .addColumn('waitlist', 'integer', (c) => c.notNull().defaultTo(0)) // 1: a full shift takes a waitlist
    .addColumn('going_count', 'integer', (c) => c.notNull().defaultTo(0)) // seats taken by RSVPs going (guests included)
    .addColumn('waitlist_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attended_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('checkin_code', 'text', (c) => c.notNull()) // shown at the door for self check-in
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_shifts_action_idx').on('event_shifts').columns(['workspace_id', 'action_id', 'starts_at']).execute();
  await db.schema.createIndex('event_shifts_time_idx').on('event_shifts').columns(['starts_at']).execute();

  await withId(db.schema.createTable('event_rsvps'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('shift_id', ts, (c) => c.notNull().references('event_shifts.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // going | waitlisted | cancelled | attended | no_show
    .addColumn('guests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('friend_name', 'text')
    .addColumn('friend_phone', 'text')
    .addColumn('source', 'text') // event_page | staff | …
    .addColumn('ref', 'text') // referral code from the link
    .addColumn('ip', 'text') // velocity limits against SMS pumping (per address, per number prefix)
    .addColumn('phone_prefix', 'text')
    .addColumn('checked_in_at', ts)
    .addColumn('checkin_method', 'text') // self | organizer
    .addColumn('day_reminder_at', ts) // when the day-before reminder was handled (queued or skipped)
    .addColumn('day_reminder_message_id', ts)
    .addColumn('hour_reminder_at', ts)
    .addColumn('hour_reminder_message_id', ts)
    .addColumn('feedback_at', ts)
    .addColumn('feedback_message_id', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('event_rsvps_member_shift_uq', ['shift_id', 'member_id'])
    .execute();
  await db.schema
    .createIndex('event_rsvps_action_idx')
    .on('event_rsvps')
    .columns(['workspace_id', 'action_id', 'shift_id', 'status'])
    .execute();
  await db.schema.createIndex('event_rsvps_member_idx').on('event_rsvps').columns(['workspace_id', 'member_id']).execute();
  await db.schema.createIndex('event_rsvps_shift_status_idx').on('event_rsvps').columns(['shift_id', 'status']).execute();
  await db.schema.createIndex('event_rsvps_velocity_idx').on('event_rsvps').columns(['workspace_id', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('event_rsvps').ifExists().execute();
  await db.schema.dropTable('event_shifts').ifExists().execute();
}
