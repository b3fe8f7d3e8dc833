import type { Kysely, Selectable } from 'kysely';
import type { InboundSms, StatusUpdate } from '../../channels/sms/contract.ts';
import { retryTransient } from '../../db/retry.ts';
import type { ChannelAccountsTable, Database, MessageState } from '../../db/schema.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import type { Clock } from '../../lib/clock.ts';
import { type Logger, loggable } from '../../lib/logger.ts';
import { normalizeMemberFields } from '../members/member-fields.ts';
import { type Executor, insertMember, workspaceOf } from '../members/members.repo.ts';
import { hasSurveyInProgress, SURVEY_SETTLE_MS } from '../surveys/survey-engine.ts';
import { PROCESS_INBOUND_JOB } from './inbound.job.ts';
import { optOutMember } from './opt-out.ts';
import { bumpStats, type StatKey } from './stats.repo.ts';

// What providers tell us, written durably before we acknowledge: delivery statuses (webhooks, SMPP receipts, the
// simulator) and inbound texts. Statuses only move forward: a late "sent" after "delivered" changes nothing, and a
// repeated callback changes nothing the second time. Inbound texts are stored once per provider id and handed to the
// compliance pipeline (inbound.job.ts) through a job enqueued in the same transaction.

export type Account = Pick<Selectable<ChannelAccountsTable>, 'id' | 'workspace_id' | 'provider'>;

type Counts = Partial<Record<StatKey, number>>;

/** The state a status moves a message to from `current`, or null when it must not change (already further along). */
function nextState(current: MessageState, status: StatusUpdate['status']): MessageState | null {
  const open = current === 'sending' || current === 'unknown';
  if (status === 'sent') return open ? 'sent' : null;
  if (open || current === 'sent') return status;
  return null;
}

/** Report counters for a transition; `finished` counts a message leaving the outbox for good, once. */
function countsFor(from: MessageState, to: MessageState, errorCode: string | null, costMicros: number | null): Counts {
  const counts: Counts = {};
  const add = (key: StatKey, n = 1) => {
    counts[key] = (counts[key] ?? 0) + n;
  };
  if (from === 'sending') add('finished');
  if (from === 'unknown') add('unknown', -1);
  if ((from === 'sending' || from === 'unknown') && (to === 'sent' || to === 'delivered')) add('sent');
  if (to === 'delivered') add('delivered');
  if (to === 'failed') {
    add('failed');
    add(`failed:${errorCode ?? 'unknown'}`);
  }
  if (costMicros && (from === 'sending' || from === 'unknown')) add('cost_micros', costMicros);
  return counts;
}

function merge(into: Map<number, Counts>, broadcastId: number | null, counts: Counts) {
  if (broadcastId === null) return;
  const current = into.get(broadcastId) ?? {};
  for (const [key, value] of Object.entries(counts) as [StatKey, number][]) current[key] = (current[key] ?? 0) + value;
  into.set(broadcastId, current);
}

export type UpdateOutcome = 'applied' | 'unchanged' | 'unmatched';
export type StatusResult = {
  applied: number;
  unchanged: number;
  unmatched: number;
  touchedBroadcasts: number[];
  /** One per update, in order. */
  outcomes: UpdateOutcome[];
};

type Planned = {
  id: number;
  from: MessageState;
  to: MessageState;
  broadcastId: number | null;
  memberId: number | null;
  phone: string;
  costMicros: number | null;
  /** Set when the message has no provider id yet (a callback that overtook the recording of the send). */
  providerId: string | null;
  errorCode: string | null;
  optedOut: boolean;
  /** Indexes of the updates that moved it, and the provider words they said (the history). */
  updates: number[];
};

/**
 * Applies status updates of one account in the caller's transaction. Messages are found by our id (callback URL) or
 * else by the provider's id; unmatched updates are counted, not stored (an SMPP receipt can arrive before the send's
 * result is recorded: the sink then looks again, and finally asks the SMSC to deliver it later). Updates are planned
 * in memory first (a batch may hold "sent" and "delivered" of one message), then written with one UPDATE per kind of
 * transition, each conditional on the state read, so a concurrent writer never gets a transition counted twice.
 */
export async function applyStatusUpdates(
  trx: Executor,
  appSecret: string,
  account: Account,
  updates: readonly StatusUpdate[],
  now: number,
  /** Re-planning rounds left for messages another writer moved between our read and our update. */
  retries = 2,
): Promise<StatusResult> {
  const outcomes: UpdateOutcome[] = updates.map(() => 'unmatched');
  const result: StatusResult = { applied: 0, unchanged: 0, unmatched: 0, touchedBroadcasts: [], outcomes };
  if (updates.length === 0) return result;
  const ourIds = [...new Set(updates.flatMap((u) => (u.messageId === null ? [] : [u.messageId])))];
  const providerIds = [...new Set(updates.flatMap((u) => (u.messageId === null && u.providerId !== null ? [u.providerId] : [])))];
  const columns = ['id', 'state', 'broadcast_id', 'member_id', 'provider_id', 'to_address', 'cost_micros'] as const;
  const rows = [];
  for (let i = 0; i < ourIds.length; i += 1_000) {
    rows.push(
      ...(await trx
        .selectFrom('messages')
        .select(columns)
        .where('workspace_id', '=', account.workspace_id)
        .where('direction', '=', 'out')
        .where('id', 'in', ourIds.slice(i, i + 1_000))
        .execute()),
    );
  }
  for (let i = 0; i < providerIds.length; i += 1_000) {
    rows.push(
      ...(await trx
        .selectFrom('messages')
        .select(columns)
        .where('provider', '=', account.provider)
        .where('provider_id', 'in', providerIds.slice(i, i + 1_000))
        .where('direction', '=', 'out')
        .where('workspace_id', '=', account.workspace_id)
        .execute()),
    );
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byProviderId = new Map(rows.flatMap((row) => (row.provider_id ? [[row.provider_id, row.id] as const] : [])));

  const planned = new Map<number, Planned>();
  updates.forEach((update, index) => {
    const id = update.messageId ?? (update.providerId === null ? undefined : byProviderId.get(update.providerId));
    const row = id === undefined ? undefined : byId.get(id);
    if (!row) return;
    const plan =
      planned.get(row.id) ??
      ({
        id: row.id,
        from: row.state,
        to: row.state,
        broadcastId: row.broadcast_id,
        memberId: row.member_id,
        phone: row.to_address,
        costMicros: row.cost_micros,
        providerId: row.provider_id === null ? update.providerId : null,
        errorCode: null,
        optedOut: false,
        updates: [],
      } satisfies Planned);
    const to = nextState(plan.to, update.status);
    if (to === null) {
      outcomes[index] = 'unchanged';
      return;
    }
    plan.to = to;
    if (to === 'failed') plan.errorCode = update.errorCode ?? 'unknown';
    plan.optedOut ||= update.optedOut;
    plan.providerId ??= row.provider_id === null ? update.providerId : null;
    plan.updates.push(index);
    planned.set(row.id, plan);
  });

  // One UPDATE per (from, to, error code) for messages whose provider id is known; one per message otherwise.
  const groups = new Map<string, Planned[]>();
  const single: Planned[] = [];
  for (const plan of planned.values()) {
    if (plan.providerId !== null) single.push(plan);
    else {
      const key = `${plan.from}|${plan.to}|${plan.errorCode ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), plan]);
    }
  }
  const changes = (plan: Pick<Planned, 'from' | 'to' | 'errorCode'>) => ({
    state: plan.to,
    error_code: plan.to === 'failed' ? plan.errorCode : null,
    sent_at: plan.from === 'sending' || plan.from === 'unknown' ? now : undefined,
    delivered_at: plan.to === 'delivered' ? now : undefined,
    lease_until: null,
    locked_by: null,
    updated_at: now,
  });
  const changed = new Set<number>();
  for (const group of groups.values()) {
    const first = group[0] as Planned;
    for (let i = 0; i < group.length; i += 1_000) {
      const done = await trx
        .updateTable('messages')
        .set(changes(first))
        .where(
          'id',
          'in',
          group.slice(i, i + 1_000).map((p) => p.id),
        )
        .where('state', '=', first.from)
        .returning('id')
        .execute();
      for (const row of done) changed.add(row.id);
    }
  }
  for (const plan of single) {
    const done = await trx
      .updateTable('messages')
      .set({ ...changes(plan), provider: account.provider, provider_id: plan.providerId })
      .where('id', '=', plan.id)
      .where('state', '=', plan.from)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0) changed.add(plan.id);
  }

  const stats = new Map<number, Counts>();
  const events: {
    workspace_id: number;
    message_id: number;
    status: string;
    error_code: string | null;
    occurred_at: number;
    created_at: number;
  }[] = [];
  // A message the dispatcher (or another callback) moved after we read it: read it again and plan anew.
  const touched = new Set<number>();
  const raced = [...planned.values()].filter((plan) => !changed.has(plan.id)).flatMap((plan) => plan.updates);
  if (raced.length > 0 && retries > 0) {
    const again = await applyStatusUpdates(
      trx,
      appSecret,
      account,
      raced.map((index) => updates[index] as StatusUpdate),
      now,
      retries - 1,
    );
    raced.forEach((index, i) => {
      outcomes[index] = again.outcomes[i] ?? 'unchanged';
    });
    for (const id of again.touchedBroadcasts) touched.add(id);
  }
  for (const plan of planned.values()) {
    if (!changed.has(plan.id)) {
      if (retries === 0) for (const index of plan.updates) outcomes[index] = 'unchanged';
      continue;
    }
    for (const index of plan.updates) {
      outcomes[index] = 'applied';
      const update = updates[index] as StatusUpdate;
      events.push({
        workspace_id: account.workspace_id,
        message_id: plan.id,
        status: update.providerStatus.slice(0, 40),
        error_code: update.errorCode,
        occurred_at: update.occurredAt,
        created_at: now,
      });
    }
    merge(stats, plan.broadcastId, countsFor(plan.from, plan.to, plan.errorCode, plan.costMicros));
    if (plan.optedOut && plan.memberId !== null) {
      await optOutMember(trx, appSecret, {
        workspaceId: account.workspace_id,
        memberId: plan.memberId,
        phone: plan.phone,
        method: 'provider',
        wording: `The carrier reported the recipient opted out (${account.provider} ${plan.errorCode ?? ''})`.trim(),
        now,
      });
    }
  }
  for (let i = 0; i < events.length; i += 500)
    await trx
      .insertInto('message_events')
      .values(events.slice(i, i + 500))
      .execute();
  for (const [broadcastId, counts] of [...stats].sort((a, b) => a[0] - b[0]))
    await bumpStats(trx, account.workspace_id, broadcastId, counts);
  for (const outcome of outcomes) result[outcome] += 1;
  for (const id of stats.keys()) touched.add(id);
  result.touchedBroadcasts = [...touched];
  return result;
}

/**
 * Stores inbound texts of one account (once per provider id) and enqueues their processing. A text from a number we
 * do not know creates a member without consent (texting in is not consent to broadcasts; a keyword may grant it).
 */
export async function storeInbound(trx: Executor, account: Account, messages: readonly InboundSms[], now: number): Promise<number[]> {
  const jobs = createJobQueue({ db: trx, clock: { now: () => now } });
  const stored: number[] = [];
  for (const inbound of messages) {
    const exists = await trx
      .selectFrom('messages')
      .select('id')
      .where('provider', '=', account.provider)
      .where('provider_id', '=', inbound.providerId)
      .where('direction', '=', 'in')
      .executeTakeFirst();
    if (exists) continue;
    const sender = await trx
      .selectFrom('senders')
      .select('id')
      .where('workspace_id', '=', account.workspace_id)
      .where('channel_account_id', '=', account.id)
      .where('address', '=', inbound.to)
      .executeTakeFirst();
    const memberId = await memberForPhone(trx, account, inbound.from, now);
    const row = await trx
      .insertInto('messages')
      .values({
        workspace_id: account.workspace_id,
        direction: 'in',
        channel: 'sms',
        kind: 'inbound',
        member_id: memberId,
        broadcast_id: null,
        sender_id: sender?.id ?? null,
        to_address: inbound.to,
        from_address: inbound.from,
        subject: null,
        body: inbound.body.slice(0, 5_000),
        media_urls: inbound.mediaUrls.length ? JSON.stringify(inbound.mediaUrls) : null,
        segments: 1,
        encoding: 'gsm7',
        priority: 0,
        state: 'received',
        send_at: inbound.receivedAt,
        expires_at: null,
        provider: account.provider,
        provider_id: inbound.providerId,
        created_at: now,
        updated_at: now,
        sent_at: inbound.receivedAt,
      })
      // The same text delivered twice at once (a provider retrying): the second insert changes nothing.
      .onConflict((oc) => oc.columns(['provider', 'provider_id', 'direction']).where('provider_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) continue;
    // A member in a survey: wait a moment, so an answer sent earlier but delivered later is still taken first.
    const settle = (await hasSurveyInProgress(trx, account.workspace_id, memberId)) ? { delayMs: SURVEY_SETTLE_MS } : {};
    await jobs.enqueue(trx, {
      type: PROCESS_INBOUND_JOB,
      payload: { messageId: row.id, workspaceId: account.workspace_id },
      workspaceId: account.workspace_id,
      priority: 0,
      idempotencyKey: `inbound:${row.id}`,
      ...settle,
    });
    await trx
      .updateTable('members')
      .set({ last_active_at: now })
      .where('workspace_id', '=', account.workspace_id)
      .where('id', '=', memberId)
      .execute();
    stored.push(row.id);
  }
  return stored;
}

async function memberForPhone(trx: Executor, account: Account, phone: string, now: number) {
  const found = await trx
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', account.workspace_id)
    .where('phone', '=', phone)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (found) return found.id;
  const workspace = await workspaceOf(trx, account.workspace_id);
  const { value } = normalizeMemberFields(
    { phone, source: 'inbound_sms' },
    { defaultCountry: workspace.default_country, workspaceTimezone: workspace.timezone },
  );
  return insertMember(trx, { workspaceId: account.workspace_id, fields: value, at: now });
}

// ── Group commit ───────────────────────────────────────────────────────────

type Pending = { account: Account; updates: readonly StatusUpdate[]; resolve: (r: StatusResult) => void; reject: (e: unknown) => void };

/**
 * Collects status updates arriving at the same moment (many concurrent webhook requests) and writes them in one
 * transaction, resolving each caller only after the commit: every callback is durable before it is acknowledged, and
 * a burst of 10,000 callbacks costs a few hundred transactions instead of 10,000.
 */
export function createStatusWriter(deps: {
  db: Kysely<Database>;
  clock: Clock;
  appSecret: string;
  logger: Pick<Logger, 'warn'>;
  /** Called after each commit with the broadcasts whose counters moved (failure-spike checks, completion). */
  afterCommit?: (workspaceId: number, broadcastIds: number[]) => Promise<void>;
  maxBatch?: number;
}) {
  const maxBatch = deps.maxBatch ?? 500;
  let queue: Pending[] = [];
  let scheduled = false;

  async function flush() {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      // All updates of one account in one call: a handful of statements for the whole group.
      const perAccount = new Map<number, Pending[]>();
      for (const item of batch) perAccount.set(item.account.id, [...(perAccount.get(item.account.id) ?? []), item]);
      const results = new Map<Pending, StatusResult>();
      const touched = new Map<number, Set<number>>();
      try {
        await retryTransient(() =>
          deps.db.transaction().execute(async (trx) => {
            results.clear();
            touched.clear();
            for (const items of perAccount.values()) {
              const account = (items[0] as Pending).account;
              const all = await applyStatusUpdates(
                trx,
                deps.appSecret,
                account,
                items.flatMap((item) => item.updates),
                deps.clock.now(),
              );
              let offset = 0;
              for (const item of items) {
                const outcomes = all.outcomes.slice(offset, offset + item.updates.length);
                offset += item.updates.length;
                results.set(item, {
                  applied: outcomes.filter((o) => o === 'applied').length,
                  unchanged: outcomes.filter((o) => o === 'unchanged').length,
                  unmatched: outcomes.filter((o) => o === 'unmatched').length,
                  touchedBroadcasts: all.touchedBroadcasts,
                  outcomes,
                });
              }
              const set = touched.get(account.workspace_id) ?? new Set<number>();
              for (const id of all.touchedBroadcasts) set.add(id);
              touched.set(account.workspace_id, set);
            }
          }),
        );
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      for (const item of batch) item.resolve(results.get(item) as StatusResult);
      if (deps.afterCommit) {
        for (const [workspaceId, ids] of touched) {
          if (ids.size === 0) continue;
          await deps
            .afterCommit(workspaceId, [...ids])
            .catch((error: unknown) => deps.logger.warn({ err: loggable(error) }, 'status writer: follow-up checks failed'));
        }
      }
    }
    scheduled = false;
  }

  return {
    write(account: Account, updates: readonly StatusUpdate[]): Promise<StatusResult> {
      return new Promise<StatusResult>((resolve, reject) => {
        queue.push({ account, updates, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}
export type StatusWriter = ReturnType<typeof createStatusWriter>;
