import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { ACTION_ACTIVITY_TYPES, type WorkflowGoal, workflowGoal } from '../../../common/workflows.ts';
import { differenceOfProportions, Z_95 } from '../workflows/report.ts';
import type { BroadcastRow, Executor } from './broadcasts.repo.ts';
import type { LiftView } from './broadcasts.schema.ts';

// Broadcast holdouts (issue 7): a broadcast may keep a random share of its audience out of the send and compare, on a
// goal (e.g. any action within 14 days), the members it texted with the members it held out.
//
// Who is held out is a keyed draw on (the broadcast's holdout_seed, member id): the same member always draws the same
// number for one broadcast, so an expansion window written again (a retry, a crash before commit) holds out the very
// same members, while two broadcasts draw independently of each other. The draw happens after the consent, address
// and frequency-cap screens, so both groups are drawn from the same members: those the broadcast would have texted.
//
// The lift report counts, from the broadcast's send start (its scheduled time, else its launch) through the goal's
// window, the members of each group who did one of the goal's activities: treated are the members with a message of
// the broadcast, whatever became of it (intent to treat: a failed or cancelled text still counts as treated), held
// out are the members in broadcast_holdouts. The difference and its 95 % interval (Newcombe's hybrid score, from
// Wilson intervals per group) come from the workflow report's functions.

const DAY = 86_400_000;
const TWO_32 = 4_294_967_296;
/** An activity's subject, when it names an action (as the workflow goal reads it). */
const ACTION_SUBJECTS = ['action', 'event'];

/** The goal of a broadcast given a holdout and no goal: any action within 14 days. */
export const DEFAULT_GOAL: WorkflowGoal = { types: [...ACTION_ACTIVITY_TYPES], withinDays: 14 };

/** A fresh seed for a broadcast's draw. */
export function newHoldoutSeed(): number {
  return randomInt(0, TWO_32);
}

/** MurmurHash3's 32-bit finalizer: every input bit moves about half of the output bits. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The member's draw for a broadcast, uniform in [0, 1). Not cryptographic (members cannot see or steer it), but
 * uniform and independent across members and seeds, and cheap enough for a million members in an expansion.
 */
export function holdoutDraw(seed: number, memberId: number): number {
  const low = memberId >>> 0;
  const high = Math.floor(memberId / TWO_32);
  return fmix32((seed >>> 0) ^ fmix32(low ^ Math.imul(high, 0x9e3779b1))) / TWO_32;
}

/** Whether the member is held out of a broadcast keeping `percent` % out. */
export function isHeldOut(seed: number, memberId: number, percent: number): boolean {
  return percent > 0 && holdoutDraw(seed, memberId) * 100 < percent;
}

/** broadcasts.goal as stored, or null (none, or unreadable). */
export function storedGoal(text: string | null): WorkflowGoal | null {
  if (text === null) return null;
  try {
    const parsed = workflowGoal.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** When the goal window of a broadcast starts: its scheduled time, else its launch; null before it is launched. */
export function sendStartOf(row: Pick<BroadcastRow, 'schedule_kind' | 'scheduled_at' | 'launched_at'>): number | null {
  if (row.schedule_kind === 'at' && row.scheduled_at !== null) return row.scheduled_at;
  return row.launched_at;
}

const NOT_SENT: readonly string[] = ['draft', 'scheduled'];

/** The lift report of a broadcast: two aggregate queries (treated, held out) over the activity log. */
export async function broadcastLift(db: Executor, row: BroadcastRow, now: number): Promise<LiftView> {
  const goal = storedGoal(row.goal);
  const start = sendStartOf(row);
  const base = {
    holdoutPercent: row.holdout_percent,
    goal: goal ? { types: goal.types, actionId: goal.actionId ?? null, withinDays: goal.withinDays } : null,
  };
  if (!goal || start === null || NOT_SENT.includes(row.status)) {
    return { ...base, window: null, treated: null, heldOut: null, difference: null, interval: null };
  }
  const until = start + goal.withinDays * DAY;
  const workspaceId = row.workspace_id;

  /** 1 when the member (a column of the outer query) did a goal activity in the window, else 0. */
  const reached = (member: 'm.member_id' | 'h.member_id') => {
    let activity = db
      .selectFrom('activities as a')
      .select(sql`1`.as('one'))
      .where('a.workspace_id', '=', workspaceId)
      .where('a.member_id', '=', sql.ref<number>(member))
      .where('a.type', 'in', [...goal.types])
      .where('a.occurred_at', '>=', start)
      .where('a.occurred_at', '<=', until);
    if (goal.actionId !== undefined)
      activity = activity.where('a.subject_type', 'in', ACTION_SUBJECTS).where('a.subject_id', '=', goal.actionId);
    return sql<number>`sum(case when exists ${activity} then 1 else 0 end)`;
  };

  const [treatedRow, heldRow] = await Promise.all([
    db
      .selectFrom('messages as m')
      .select((eb) => [eb.fn.countAll<number>().as('n'), reached('m.member_id').as('reached')])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.broadcast_id', '=', row.id)
      .where('m.kind', '=', 'broadcast')
      .where('m.member_id', 'is not', null)
      .executeTakeFirst(),
    db
      .selectFrom('broadcast_holdouts as h')
      .select((eb) => [eb.fn.countAll<number>().as('n'), reached('h.member_id').as('reached')])
      .where('h.workspace_id', '=', workspaceId)
      .where('h.broadcast_id', '=', row.id)
      .executeTakeFirst(),
  ]);
  const group = (counts: { n: number | string; reached: number | string | null } | undefined) => {
    const n = Number(counts?.n ?? 0);
    const hit = Number(counts?.reached ?? 0);
    return { n, reached: hit, rate: n > 0 ? hit / n : null };
  };
  const treated = group(treatedRow);
  const heldOut = group(heldRow);
  const comparison = differenceOfProportions(treated.reached, treated.n, heldOut.reached, heldOut.n);
  return {
    ...base,
    window: { from: start, until, open: now < until },
    treated,
    heldOut,
    difference: comparison?.difference ?? null,
    interval: comparison ? { ...comparison.interval, level: 0.95, method: `Newcombe hybrid score (Wilson), z = ${Z_95.toFixed(4)}` } : null,
  };
}
