import { sql } from 'kysely';
import { z } from 'zod';
import type { WorkflowTrigger } from '../../../common/workflows.ts';
import type { Db } from '../../db/database.ts';
import { dialectOf, jsonTextField } from '../../db/dialect.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Executor } from '../members/members.repo.ts';
import { createQuietHours, isValidTimezone } from '../messaging/quiet-hours.ts';
import { resolveSegment, selectSegment } from '../segments/segment-sql.ts';
import { findSegment, storedRules } from '../segments/segments.repo.ts';
import { type Enrollee, enrollMembers, kickTick } from './enroll.ts';
import { createVersionCache, type VersionCache, type WorkflowRow } from './workflows.repo.ts';

// workflows.scheduled_triggers, every 5 minutes: the triggers that come from the calendar rather than the activity log.
// - date_field: members whose birthday (custom field `birthday`, MM-DD or YYYY-MM-DD) or anniversary of joining is
//   today in the workspace's time zone, enrolled once that day (keyed by member and date) and woken at the trigger's
//   time of day in their own zone (10:00 unless set). A 29 February birthday is kept on 28 February in other years.
// - event: members going to (or, after it, who went to) a shift of the event, when the shift's start less or plus the
//   trigger's hours has come within the last day, once per RSVP.
// - entered_segment: the segment is evaluated again; members not in it last time are enrolled. The first evaluation
//   after publishing only records who is in it (members already in the segment have not "entered" it).
// Every enrollment is keyed or recorded in its transaction, so a run repeated by a retry enrolls nobody twice.

export const WORKFLOW_SCHEDULED_TRIGGERS_JOB = 'workflows.scheduled_triggers';
const CALENDAR_TRIGGERS = ['date_field', 'event', 'entered_segment'] as const;
const BATCH = 1_000;
const DAY = 86_400_000;
const YEARS_BACK = 60;
const DEFAULT_TIME = '10:00';
/** Any window: only its local-time arithmetic is used. */
const calendar = createQuietHours({ start: '00:00', end: '23:59' });

/** 'YYYY-MM-DD' of an instant in a time zone. */
export function localDate(at: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    at,
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

type Workflow = Pick<WorkflowRow, 'id' | 'workspace_id' | 'status' | 'current_version_id'> & { timezone: string; trigger: WorkflowTrigger };

export function createScheduledTriggersRunner(deps: { db: Db; clock: Clock; versions?: VersionCache }) {
  const { db, clock } = deps;
  const versions = deps.versions ?? createVersionCache();
  const dialect = dialectOf(db);

  async function enroll(trx: Executor, workflow: Workflow, enrollees: Enrollee[], now: number) {
    if (enrollees.length === 0) return 0;
    const result = await enrollMembers(trx, { workflow, versions, enrollees, now });
    if (result.enrolled > 0) await kickTick(trx, now);
    return result.enrolled;
  }

  /** Birthdays and join anniversaries of today, in batches of members by id. */
  async function dates(workflow: Workflow, trigger: Extract<WorkflowTrigger, { kind: 'date_field' }>, now: number) {
    const zone = isValidTimezone(workflow.timezone) ? workflow.timezone : 'UTC';
    const today = localDate(now, zone);
    const year = Number(today.slice(0, 4));
    const monthDay = today.slice(5);
    const days = monthDay === '02-28' && !isLeap(year) ? ['02-28', '02-29'] : [monthDay];
    let enrolled = 0;
    let after = 0;
    for (;;) {
      let query = db
        .selectFrom('members')
        .select(['id', 'timezone'])
        .where('workspace_id', '=', workflow.workspace_id)
        .where('merged_into', 'is', null)
        .where('erased_at', 'is', null)
        .where('id', '>', after);
      if (trigger.field === 'birthday') {
        const birthday = jsonTextField(dialect, 'custom_fields', 'birthday');
        query = query.where((eb) => eb.or(days.flatMap((d) => [eb(birthday, '=', d), eb(birthday, 'like', `%-${d}`)])));
      } else {
        // Joined on this day of an earlier year (in the workspace's zone): one range per year.
        const ranges: (readonly [number, number])[] = [];
        for (let back = 1; back <= YEARS_BACK; back++) {
          for (const d of days) {
            const date = `${year - back}-${d}`;
            if (d === '02-29' && !isLeap(year - back)) continue;
            const start = calendar.localTime(0, zone, '00:00', date);
            ranges.push([start, start + DAY] as const);
          }
        }
        query = query.where((eb) => eb.or(ranges.map(([from, to]) => eb.and([eb('created_at', '>=', from), eb('created_at', '<', to)]))));
      }
      const batch = await query.orderBy('id').limit(BATCH).execute();
      if (batch.length === 0) break;
      after = batch[batch.length - 1]?.id as number;
      const time = trigger.time ?? DEFAULT_TIME;
      const enrollees = batch.map((m) => {
        const memberZone = isValidTimezone(m.timezone) ? m.timezone : zone;
        const at = calendar.localTime(now - DAY, memberZone, time, localDate(now, memberZone));
        return { memberId: m.id, key: `d:${m.id}:${today}`, wakeAt: Math.max(at, now) };
      });
      enrolled += await db.transaction().execute((trx) => enroll(trx, workflow, enrollees, now));
      if (batch.length < BATCH) break;
    }
    return enrolled;
  }

  /** RSVPs whose moment (the shift's start ∓ hours) came within the last day. */
  async function events(workflow: Workflow, trigger: Extract<WorkflowTrigger, { kind: 'event' }>, now: number) {
    const offset = trigger.hours * 3_600_000 * (trigger.when === 'before' ? -1 : 1);
    let enrolled = 0;
    let after = 0;
    for (;;) {
      const batch = await db
        .selectFrom('event_rsvps as r')
        .innerJoin('event_shifts as s', 's.id', 'r.shift_id')
        .select(['r.id', 'r.member_id'])
        .where('r.workspace_id', '=', workflow.workspace_id)
        .where('r.action_id', '=', trigger.actionId)
        .where('r.status', 'in', trigger.when === 'before' ? ['going'] : ['going', 'attended'])
        .where('s.starts_at', '<=', now - offset)
        .where('s.starts_at', '>', now - offset - DAY)
        .where('r.id', '>', after)
        .orderBy('r.id')
        .limit(BATCH)
        .execute();
      if (batch.length === 0) break;
      after = batch[batch.length - 1]?.id as number;
      enrolled += await db.transaction().execute((trx) =>
        enroll(
          trx,
          workflow,
          batch.map((r) => ({ memberId: r.member_id, key: `ev:${r.id}` })),
          now,
        ),
      );
      if (batch.length < BATCH) break;
    }
    return enrolled;
  }

  /** Members newly in the segment since the last evaluation. */
  async function segment(workflow: Workflow, trigger: Extract<WorkflowTrigger, { kind: 'entered_segment' }>, now: number) {
    const saved = await findSegment(db, workflow.workspace_id, trigger.segmentId);
    if (!saved) return 0;
    const seg = await resolveSegment(db, workflow.workspace_id, storedRules(saved.rules), now);
    const marker = `segment:${workflow.id}`;
    const baselined = (await db.selectFrom('workflow_cursors').select('name').where('name', '=', marker).executeTakeFirst()) !== undefined;
    let enrolled = 0;
    let after = 0;
    for (;;) {
      const ids = (await selectSegment(db, seg).select('m.id').where('m.id', '>', after).orderBy('m.id').limit(BATCH).execute()).map((r) =>
        Number(r.id),
      );
      if (ids.length === 0) break;
      after = ids[ids.length - 1] as number;
      enrolled += await db.transaction().execute(async (trx) => {
        const known = new Set(
          (
            await trx
              .selectFrom('workflow_segment_members')
              .select('member_id')
              .where('workflow_id', '=', workflow.id)
              .where('member_id', 'in', ids)
              .execute()
          ).map((r) => r.member_id),
        );
        const fresh = ids.filter((id) => !known.has(id));
        if (fresh.length === 0) return 0;
        await trx
          .insertInto('workflow_segment_members')
          .values(fresh.map((memberId) => ({ workflow_id: workflow.id, member_id: memberId, workspace_id: workflow.workspace_id })))
          .onConflict((oc) => oc.columns(['workflow_id', 'member_id']).doNothing())
          .execute();
        return baselined
          ? enroll(
              trx,
              workflow,
              fresh.map((memberId) => ({ memberId })),
              now,
            )
          : 0;
      });
      if (ids.length < BATCH) break;
    }
    // Members who left the segment may enter it again later.
    await db
      .deleteFrom('workflow_segment_members')
      .where('workflow_id', '=', workflow.id)
      .where(({ not, exists }) =>
        not(exists(selectSegment(db, seg).select('m.id').whereRef('m.id', '=', sql.ref('workflow_segment_members.member_id')))),
      )
      .execute();
    if (!baselined) {
      await db
        .insertInto('workflow_cursors')
        .values({ name: marker, last_id: 0, gaps: '[]', updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
    return enrolled;
  }

  return async function run(signal?: AbortSignal) {
    const now = clock.now();
    const rows = await db
      .selectFrom('workflows as w')
      .innerJoin('workspaces as s', 's.id', 'w.workspace_id')
      .select(['w.id', 'w.workspace_id', 'w.status', 'w.current_version_id', 's.timezone'])
      .where('w.status', '=', 'active')
      .where('w.trigger_kind', 'in', [...CALENDAR_TRIGGERS])
      .execute();
    await versions.load(
      db,
      rows.map((r) => r.current_version_id as number),
    );
    let enrolled = 0;
    for (const row of rows) {
      if (signal?.aborted) break;
      const trigger = versions.get(row.current_version_id as number)?.trigger;
      if (!trigger) continue;
      const workflow: Workflow = { ...row, trigger };
      if (trigger.kind === 'date_field') enrolled += await dates(workflow, trigger, now);
      else if (trigger.kind === 'event') enrolled += await events(workflow, trigger, now);
      else if (trigger.kind === 'entered_segment') enrolled += await segment(workflow, trigger, now);
    }
    return enrolled;
  };
}

export function createScheduledTriggersJob(deps: { db: Db; clock: Clock }) {
  const run = createScheduledTriggersRunner(deps);
  return defineJob({
    type: WORKFLOW_SCHEDULED_TRIGGERS_JOB,
    payload: z.object({}),
    priority: PRIORITY.automation,
    recurring: { everyMs: 5 * 60_000, payload: {} },
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    handler: async (_payload, { signal, logger }) => {
      const enrolled = await run(signal);
      if (enrolled > 0) logger.info({ enrolled }, 'enrolled by dates, events and segments');
    },
  });
}
