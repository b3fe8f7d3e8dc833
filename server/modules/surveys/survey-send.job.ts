import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, type JobDefinition, PermanentJobError, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Executor } from '../members/members.repo.ts';
import { type AudienceMember, audienceBatch, resolveAudience, type SkipReason } from '../messaging/audience.ts';
import { getDefaultSender } from '../messaging/channels.repo.ts';
import { createQuietHours, isValidTimezone } from '../messaging/quiet-hours.ts';
import { beginSurvey } from './survey-engine.ts';
import { ACTIVE_SEND_STATUSES, findSend, type SendAudience, type SurveySendRow, storedSendAudience } from './survey-sends.repo.ts';

// Sending a survey by SMS (`surveys.send`): the send's members (chosen by id, and those of its communities and tags)
// are walked in member id order, about SEND_BATCH at a time. Each batch is one transaction: the send row is claimed
// at its checkpoint (last_member_id), each member is screened (a phone, SMS consent, not already answering or done
// with the survey, the workspace's frequency cap) and asked the first question inside their sending window, and the
// counters move with the checkpoint. A run that stops (crash, lost lease, shutdown) resumes after the last committed
// batch; two runs at once take turns at the checkpoint; and survey_responses' unique (survey_id, member_id) means a
// member is never started twice. A cancel or a closed survey stops the send between batches.

export const SURVEY_SEND_JOB = 'surveys.send';

/** Members per batch (and per transaction). */
export const SEND_BATCH = 500;

const MAX_ATTEMPTS = 10;
const DAY = 86_400_000;

type Deps = { db: Db; clock: Clock };

/** A member the send reaches, and why they cannot get the survey (checked before whether they already answer it). */
type Recipient = { id: number; phone: string | null; timezone: string; skip: 'noConsent' | 'notFound' | null };

type BatchCounts = {
  processed: number;
  started: number;
  noConsent: number;
  alreadyStarted: number;
  alreadyCompleted: number;
  notFound: number;
  frequencyCap: number;
};

/**
 * The skip of a member of the communities or tags: no consent (never given, or opted out), or no phone. A landline
 * is texted like a member chosen by id (the consent rule is the survey's only filter on the number).
 */
function audienceSkip(skip: SkipReason | null): Recipient['skip'] {
  if (skip === 'no_consent' || skip === 'opted_out') return 'noConsent';
  if (skip === 'no_address') return 'notFound';
  return null;
}

/** Messages counted by the workspace's frequency cap that each member got since `since`. */
async function recentTexts(trx: Executor, workspaceId: number, memberIds: readonly number[], since: number) {
  const out = new Map<number, number>();
  if (memberIds.length === 0) return out;
  const rows = await trx
    .selectFrom('messages')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('member_id', 'in', [...memberIds])
    .where('direction', '=', 'out')
    .where('kind', 'in', ['broadcast', 'automation', 'p2p'])
    .where('state', '<>', 'cancelled')
    .where('created_at', '>=', since)
    .groupBy('member_id')
    .execute();
  for (const row of rows) if (row.member_id !== null) out.set(Number(row.member_id), Number(row.n));
  return out;
}

/**
 * The next batch after `after`: members chosen by id and members of the communities and tags, merged in id order and
 * each once, up to `upTo` (null: the audience ends with this batch).
 */
async function nextRecipients(
  trx: Executor,
  input: { workspaceId: number; audience: SendAudience; after: number; size: number },
): Promise<{ recipients: Recipient[]; notFound: number; upTo: number | null }> {
  const { workspaceId, audience, after, size } = input;
  const listedAfter = audience.memberIds.filter((id) => id > after);
  let upTo: number | null = listedAfter.length > size ? (listedAfter[size - 1] as number) : null;
  let fromAudience: AudienceMember[] = [];
  if (audience.communityIds.length > 0 || audience.tags.length > 0) {
    const resolved = await resolveAudience(trx, workspaceId, { communityIds: audience.communityIds, tags: audience.tags });
    fromAudience = await audienceBatch(trx, workspaceId, resolved, after, size, {
      only: { names: false, email: false, postalCode: false },
    });
    const last = fromAudience.at(-1);
    if (fromAudience.length === size && last && (upTo === null || last.id < upTo)) upTo = last.id;
  }
  const within = (id: number) => upTo === null || id <= upTo;
  const listed = listedAfter.filter(within);
  const found =
    listed.length === 0
      ? []
      : await trx
          .selectFrom('members')
          .select(['id', 'phone', 'timezone', 'sms_consent'])
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', listed)
          .where('merged_into', 'is', null)
          .where('erased_at', 'is', null)
          .execute();
  const listedSet = new Set(listed);
  const recipients: Recipient[] = [
    ...found.map(
      (m): Recipient => ({ id: m.id, phone: m.phone, timezone: m.timezone, skip: m.sms_consent === 'granted' ? null : 'noConsent' }),
    ),
    ...fromAudience
      .filter((m) => within(m.id) && !listedSet.has(m.id))
      .map((m): Recipient => ({ id: m.id, phone: m.phone, timezone: m.timezone, skip: audienceSkip(m.skip) })),
  ].sort((a, b) => a.id - b.id);
  return { recipients, notFound: listed.length - found.length, upTo };
}

export type BatchOutcome = 'more' | 'done' | 'stopped';

/**
 * Asks one batch of the send's members, in one transaction with the send's counters and checkpoint. 'more': call
 * again; 'done': every member was processed; 'stopped': the send is cancelled, failed or finished (or the survey
 * closed: the send fails with that reason).
 */
export async function sendBatch(deps: Deps, input: { workspaceId: number; sendId: number; batchSize?: number }): Promise<BatchOutcome> {
  const { db, clock } = deps;
  const { workspaceId, sendId } = input;
  const row = await findSend(db, workspaceId, sendId);
  if (!row || !ACTIVE_SEND_STATUSES.includes(row.status)) return 'stopped';
  const from = row.last_member_id;
  return db.transaction().execute(async (trx): Promise<BatchOutcome> => {
    const now = clock.now();
    // The send row first: a cancel committed meanwhile is seen here, and a run ahead of this one moved the checkpoint.
    const claimed = await trx
      .updateTable('survey_sends')
      .set((eb) => ({ status: 'running', started_at: eb.fn.coalesce('started_at', eb.val(now)), updated_at: now }))
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', sendId)
      .where('status', 'in', [...ACTIVE_SEND_STATUSES])
      .where('last_member_id', '=', from)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) {
      const current = await findSend(trx, workspaceId, sendId);
      return current && ACTIVE_SEND_STATUSES.includes(current.status) ? 'more' : 'stopped';
    }
    const survey = await trx
      .selectFrom('surveys')
      .select('status')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', row.survey_id)
      .executeTakeFirst();
    if (survey?.status !== 'open') {
      await finish(trx, row, now, {
        status: 'failed',
        error: 'The survey was closed while it was being sent: members not reached by then were not asked.',
      });
      return 'stopped';
    }
    const senderId = row.sender_id ?? (await getDefaultSender(trx, workspaceId, 'sms'))?.id;
    if (senderId === undefined) throw new PermanentJobError('the workspace has no SMS sender: add one under Channels');
    const workspace = await trx
      .selectFrom('workspaces')
      .select(['timezone', 'quiet_hours_start', 'quiet_hours_end', 'frequency_cap', 'frequency_window_days'])
      .where('id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const quiet = createQuietHours({ start: workspace.quiet_hours_start, end: workspace.quiet_hours_end });

    const audience = storedSendAudience(row.audience);
    const batch = await nextRecipients(trx, { workspaceId, audience, after: from, size: input.batchSize ?? SEND_BATCH });
    const counts: BatchCounts = {
      processed: batch.recipients.length + batch.notFound,
      started: 0,
      noConsent: 0,
      alreadyStarted: 0,
      alreadyCompleted: 0,
      notFound: batch.notFound,
      frequencyCap: 0,
    };
    const ids = batch.recipients.map((r) => r.id);
    const existing =
      ids.length === 0
        ? []
        : await trx
            .selectFrom('survey_responses')
            .select(['member_id', 'status'])
            .where('workspace_id', '=', workspaceId)
            .where('survey_id', '=', row.survey_id)
            .where('member_id', 'in', ids)
            .execute();
    const statusOf = new Map(existing.map((e) => [Number(e.member_id), e.status]));
    const candidates: (Recipient & { phone: string })[] = [];
    for (const member of batch.recipients) {
      const status = statusOf.get(member.id);
      if (member.phone === null || member.skip === 'notFound') counts.notFound += 1;
      else if (member.skip === 'noConsent') counts.noConsent += 1;
      else if (status === 'completed') counts.alreadyCompleted += 1;
      else if (status !== undefined) counts.alreadyStarted += 1;
      else candidates.push({ ...member, phone: member.phone });
    }
    const recent = await recentTexts(
      trx,
      workspaceId,
      candidates.map((c) => c.id),
      now - workspace.frequency_window_days * DAY,
    );
    for (const member of candidates) {
      if ((recent.get(member.id) ?? 0) >= workspace.frequency_cap) {
        counts.frequencyCap += 1;
        continue;
      }
      const zone = isValidTimezone(member.timezone) ? member.timezone : workspace.timezone;
      const sendAt = quiet.nextAllowed(now, zone);
      // Started meanwhile (a keyword at the same moment): the insert lands once, and that start already asked.
      const started = await beginSurvey(
        trx,
        { workspaceId, surveyId: row.survey_id, memberId: member.id, phone: member.phone, senderId, now },
        { sendAt, expiresAt: quiet.windowEnd(sendAt, zone) },
      );
      if (started === 'started') counts.started += 1;
      else counts.alreadyStarted += 1;
    }

    const done = batch.upTo === null;
    await trx
      .updateTable('survey_sends')
      .set((eb) => ({
        processed: eb('processed', '+', counts.processed),
        started_count: eb('started_count', '+', counts.started),
        skipped_no_consent: eb('skipped_no_consent', '+', counts.noConsent),
        skipped_already_started: eb('skipped_already_started', '+', counts.alreadyStarted),
        skipped_already_completed: eb('skipped_already_completed', '+', counts.alreadyCompleted),
        skipped_not_found: eb('skipped_not_found', '+', counts.notFound),
        skipped_frequency_cap: eb('skipped_frequency_cap', '+', counts.frequencyCap),
        ...(done ? { status: 'done' as const, finished_at: now } : { last_member_id: batch.upTo as number }),
        updated_at: now,
      }))
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', sendId)
      .execute();
    return done ? 'done' : 'more';
  });
}

/** Ends a send that is queued or running: failed (with why) or cancelled. */
async function finish(
  executor: Executor,
  row: Pick<SurveySendRow, 'workspace_id' | 'id'>,
  now: number,
  outcome: { status: 'failed' | 'cancelled'; error: string | null },
) {
  await executor
    .updateTable('survey_sends')
    .set({ status: outcome.status, error: outcome.error?.slice(0, 2_000) ?? null, finished_at: now, updated_at: now })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .where('status', 'in', [...ACTIVE_SEND_STATUSES])
    .execute();
}

/**
 * Runs a send to its end, batch by batch: 'done' when every member was processed, 'stopped' when it was cancelled,
 * failed or already finished. An aborted signal stops it between batches (the next run resumes there).
 */
export async function runSurveySend(
  deps: Deps,
  input: { workspaceId: number; sendId: number; signal?: AbortSignal; batchSize?: number },
): Promise<'done' | 'stopped'> {
  for (;;) {
    if (input.signal?.aborted) throw input.signal.reason ?? new Error('the send was stopped');
    const outcome = await sendBatch(deps, input);
    if (outcome !== 'more') return outcome;
    // SQLite's driver is synchronous: let HTTP requests in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const payload = z.object({ workspaceId: z.number().int().positive(), sendId: z.number().int().positive() });

/**
 * `surveys.send`: carries out a survey send recorded by POST /surveys/:id/send. A retried run resumes after the last
 * committed batch; a run for a send that is no longer queued or running does nothing. The last failed attempt marks
 * the send failed with its reason.
 */
export function createSurveySendJob(deps: Deps): JobDefinition<{ workspaceId: number; sendId: number }> {
  return defineJob({
    type: SURVEY_SEND_JOB,
    payload,
    priority: PRIORITY.bulk,
    maxAttempts: MAX_ATTEMPTS,
    timeoutMs: 60 * 60_000,
    backoff: { baseMs: 2_000, capMs: 5 * 60_000 },
    handler: async (p, context) => {
      try {
        await runSurveySend(deps, { workspaceId: p.workspaceId, sendId: p.sendId, signal: context.signal });
      } catch (error) {
        // Any other failure is retried, and the retry resumes after the last committed batch.
        if (error instanceof PermanentJobError || context.attempt >= MAX_ATTEMPTS) {
          const reason = error instanceof Error ? error.message : String(error);
          await finish(deps.db, { workspace_id: p.workspaceId, id: p.sendId }, deps.clock.now(), {
            status: 'failed',
            error: `Sending stopped: ${reason}. Members asked before it stopped keep their survey.`,
          });
        }
        throw error;
      }
    },
  });
}
