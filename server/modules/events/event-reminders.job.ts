import { sql } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { actionPath } from '../actions/actions.repo.ts';
import { memberToken } from '../links/member-token.ts';
import { createQuietHours, isValidTimezone, type QuietHours } from '../messaging/quiet-hours.ts';
import { dayBeforeText, feedbackText, hourBeforeText, textLang } from './event-texts.ts';
import { readSettings, textMember } from './events.repo.ts';

// Reminders of the Mobilize loop, found by a recurring job: the day before a shift, an hour before it, and a feedback
// text after it to those who came. Each is recorded on the RSVP (…_at, with the message id) in the transaction that
// queues it, by a conditional UPDATE, so a reminder is handled once however often (or concurrently) the job runs.
// Texts go only to members going (or, for feedback, who came) with SMS consent, inside their sending window: a
// reminder that falls in quiet hours waits for the window's start, and is skipped when the shift would be over by then.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DAY_BEFORE_MS = DAY;
export const HOUR_BEFORE_MS = HOUR;
/** Feedback is asked only of shifts that ended in the last two days (a job that was down does not text about old events). */
const FEEDBACK_WITHIN_MS = 2 * DAY;
const BATCH = 200;

type Kind = 'day' | 'hour' | 'feedback';
const COLUMNS = {
  day: { at: 'day_reminder_at', message: 'day_reminder_message_id' },
  hour: { at: 'hour_reminder_at', message: 'hour_reminder_message_id' },
  feedback: { at: 'feedback_at', message: 'feedback_message_id' },
} as const;

export function createEventRemindersRunner(deps: { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> }) {
  const { db, clock, appSecret, config } = deps;

  function candidates(kind: Kind, now: number, afterId: number) {
    const col = COLUMNS[kind];
    let query = db
      .selectFrom('event_rsvps as r')
      .innerJoin('event_shifts as s', 's.id', 'r.shift_id')
      .innerJoin('actions as a', 'a.id', 'r.action_id')
      .innerJoin('workspaces as w', 'w.id', 'r.workspace_id')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select([
        'r.id',
        'r.workspace_id',
        'r.member_id',
        's.starts_at',
        's.ends_at',
        'a.title',
        'a.slug',
        'a.type',
        'a.settings',
        'w.slug as workspace_slug',
        'w.name as workspace_name',
        'w.timezone as workspace_timezone',
        'w.quiet_hours_start',
        'w.quiet_hours_end',
        'm.phone',
        'm.language',
        'm.timezone',
      ])
      .where(`r.${col.at}`, 'is', null)
      .where('r.id', '>', afterId)
      .where('a.status', '!=', 'draft')
      .where('m.sms_consent', '=', 'granted')
      .where('m.phone', 'is not', null)
      .where('m.erased_at', 'is', null)
      .where('m.merged_into', 'is', null);
    if (kind === 'feedback') {
      query = query
        .where('r.status', '=', 'attended')
        .where('s.ends_at', '<=', now)
        .where('s.ends_at', '>', now - FEEDBACK_WITHIN_MS);
    } else {
      const lead = kind === 'day' ? DAY_BEFORE_MS : HOUR_BEFORE_MS;
      query = query
        .where('r.status', '=', 'going')
        .where('s.starts_at', '<=', now + lead)
        .where('s.ends_at', '>', now)
        // An RSVP made after the reminder was due has just had its confirmation.
        .where(sql<boolean>`${sql.ref('r.created_at')} + ${lead} <= ${sql.ref('s.starts_at')}`);
      // The day-before reminder is pointless once the hour-before one is due.
      if (kind === 'day') query = query.where('s.starts_at', '>', now + HOUR_BEFORE_MS);
    }
    return query.orderBy('r.id').limit(BATCH).execute();
  }

  type Candidate = Awaited<ReturnType<typeof candidates>>[number];

  const windows = new Map<string, QuietHours>();
  const quietOf = (start: string, end: string) => {
    const key = `${start}-${end}`;
    let quiet = windows.get(key);
    if (!quiet) {
      quiet = createQuietHours({ start, end });
      windows.set(key, quiet);
    }
    return quiet;
  };

  /** When the text may go (inside the member's window), or null when it would arrive too late to matter. */
  function scheduleOf(kind: Kind, c: Candidate, zone: string, now: number) {
    const quiet = quietOf(c.quiet_hours_start, c.quiet_hours_end);
    const sendAt = quiet.nextAllowed(now, zone);
    const deadline = kind === 'feedback' ? c.ends_at + FEEDBACK_WITHIN_MS : c.ends_at;
    if (sendAt >= deadline) return null;
    return { sendAt, expiresAt: Math.min(quiet.windowEnd(sendAt, zone), deadline) };
  }

  function bodyOf(kind: Kind, c: Candidate, now: number) {
    const settings = readSettings(c.settings, c.workspace_timezone);
    const lang = textLang(c.language);
    if (kind === 'feedback') return feedbackText({ workspace: c.workspace_name, title: c.title }, lang);
    const token = memberToken(appSecret, { workspaceId: c.workspace_id, memberId: c.member_id, issuedAt: now });
    const place = [settings.location, settings.address].filter(Boolean).join(', ');
    const facts = {
      workspace: c.workspace_name,
      title: c.title,
      startsAt: c.starts_at,
      timezone: settings.timezone,
      place: settings.format === 'in_person' && place ? place : null,
      joinUrl: settings.format === 'virtual' && settings.joinUrl ? settings.joinUrl : null,
      url: `${config.publicUrl}${actionPath(c.workspace_slug, { type: c.type, slug: c.slug })}/rsvp?t=${token}${lang === 'es' ? '&lang=es' : ''}`,
    };
    return kind === 'day' ? dayBeforeText(facts, lang) : hourBeforeText(facts, lang);
  }

  /** Handles every due reminder of one kind; returns how many texts were queued. */
  async function runKind(kind: Kind, now: number, signal?: AbortSignal) {
    const col = COLUMNS[kind];
    let queued = 0;
    let afterId = 0;
    while (!signal?.aborted) {
      const batch = await candidates(kind, now, afterId);
      if (batch.length === 0) break;
      afterId = batch[batch.length - 1]?.id ?? afterId;
      await db.transaction().execute(async (trx) => {
        for (const c of batch) {
          const claimed = await trx
            .updateTable('event_rsvps')
            .set({ [col.at]: now, updated_at: now })
            .where('id', '=', c.id)
            .where(col.at, 'is', null)
            .returning('id')
            .executeTakeFirst();
          if (!claimed || c.phone === null) continue;
          const zone = isValidTimezone(c.timezone) ? c.timezone : c.workspace_timezone;
          const schedule = scheduleOf(kind, c, zone, now);
          if (!schedule) continue; // recorded as handled: it would have arrived too late
          const id = await textMember(trx, {
            workspaceId: c.workspace_id,
            memberId: c.member_id,
            phone: c.phone,
            language: c.language,
            body: bodyOf(kind, c, now),
            now,
            schedule,
          });
          if (id !== null) {
            await trx
              .updateTable('event_rsvps')
              .set({ [col.message]: id })
              .where('id', '=', c.id)
              .execute();
            queued += 1;
          }
        }
      });
      if (batch.length < BATCH) break;
    }
    return queued;
  }

  return async function run(signal?: AbortSignal) {
    const now = clock.now();
    return {
      day: await runKind('day', now, signal),
      hour: await runKind('hour', now, signal),
      feedback: await runKind('feedback', now, signal),
    };
  };
}

/** Every 5 minutes: day-before, hour-before (30–60 minutes ahead) and feedback texts that are due. */
export function createEventRemindersJob(deps: { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> }) {
  const run = createEventRemindersRunner(deps);
  return defineJob({
    type: 'events.send_reminders',
    payload: z.object({}),
    priority: PRIORITY.automation,
    recurring: { everyMs: 5 * 60_000, payload: {} },
    handler: async (_payload, { signal, logger }) => {
      const queued = await run(signal);
      if (queued.day + queued.hour + queued.feedback > 0) logger.info(queued, 'queued event reminders');
    },
  });
}
