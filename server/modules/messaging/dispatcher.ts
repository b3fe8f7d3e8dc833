import type { Kysely, Selectable } from 'kysely';
import { ProviderError } from '../../channels/sms/contract.ts';
import { dialectOf, forUpdateSkipLocked } from '../../db/dialect.ts';
import { retryTransient } from '../../db/retry.ts';
import type { Database, MessagesTable, SendersTable } from '../../db/schema.ts';
import { backoffDelay } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { type Logger, loggable } from '../../lib/logger.ts';
import { randomToken } from '../../lib/tokens.ts';
import { unsubscribeUrl } from '../../pages/unsubscribe.routes.ts';
import { checkBroadcasts } from './broadcast-health.ts';
import type { AccountRow, ChannelPool } from './channel-pool.ts';
import { consentOf, optOutMember } from './opt-out.ts';
import { createQuietHours } from './quiet-hours.ts';
import { bumpStats, type StatKey } from './stats.repo.ts';

// The dispatcher (DESIGN.md §4): claims due messages of each sender under the sender's token bucket, charged per
// segment; replies before automations before bulk (the priority column); senders visited in rotation so one
// workspace's big broadcast never starves another's. Each claim records the attempt (state 'sending', attempts + 1,
// a lease) before the provider is called. A send whose outcome is unknown — the provider timed out after the
// request, or this process died mid-call and its lease expired — becomes 'unknown' and is reconciled by a later
// status callback; it is never sent again blindly. Outcomes are written in small batches, one transaction each.

type Message = Selectable<MessagesTable>;
type Sender = Selectable<SendersTable>;
type Counts = Partial<Record<StatKey, number>>;

type Outcome =
  | { message: Message; kind: 'sent'; providerId: string; costMicros: number | null; provider: AccountRow['provider'] }
  | { message: Message; kind: 'error'; error: ProviderError; provider: AccountRow['provider']; accountId: number };

export type DispatcherOptions = {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  appSecret: string;
  publicUrl: string;
  pool: ChannelPool;
  /** Provider calls in flight at once (default 200: 2,000 sends/s at 100 ms per call). */
  maxInFlight?: number;
  /** Lease of a claimed message; a send still 'sending' after it is reconciled as unknown (default 60 s). */
  leaseMs?: number;
  /** Idle wait between rounds when nothing was due (default 100 ms). */
  pollMs?: number;
  /** Attempts before a retryable failure becomes final (default 5). */
  maxAttempts?: number;
};

const FLUSH_MS = 20;
const FLUSH_SIZE = 200;
const SENDERS_TTL_MS = 1_000;

export function createDispatcher(options: DispatcherOptions) {
  const { db, clock, logger, pool } = options;
  const dialect = dialectOf(db);
  const workerId = `dispatch-${randomToken(6)}`;
  const maxInFlight = options.maxInFlight ?? 200;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;

  let inFlight = 0;
  let outcomes: Outcome[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let rotation = 0;
  let sendersCache: { at: number; rows: (Sender & { account: AccountRow })[] } | null = null;

  async function activeSenders() {
    const now = clock.now();
    if (sendersCache && now - sendersCache.at < SENDERS_TTL_MS) return sendersCache.rows;
    const senders = await db
      .selectFrom('senders')
      .selectAll()
      .where('archived_at', 'is', null)
      .where((eb) => eb.or([eb('paused_until', 'is', null), eb('paused_until', '<=', now)]))
      .execute();
    const accountIds = [...new Set(senders.map((s) => s.channel_account_id))];
    const accounts = accountIds.length
      ? await db.selectFrom('channel_accounts').selectAll().where('id', 'in', accountIds).where('status', '=', 'active').execute()
      : [];
    const byId = new Map(accounts.map((a) => [a.id, a]));
    // Interleave workspaces: first sender of each workspace, then the second of each, …
    const perWorkspace = new Map<number, (Sender & { account: AccountRow })[]>();
    for (const sender of senders) {
      const account = byId.get(sender.channel_account_id);
      if (!account) continue;
      const list = perWorkspace.get(sender.workspace_id) ?? [];
      list.push({ ...sender, account });
      perWorkspace.set(sender.workspace_id, list);
    }
    const rows: (Sender & { account: AccountRow })[] = [];
    const lists = [...perWorkspace.values()];
    for (let i = 0; lists.some((list) => i < list.length); i += 1)
      for (const list of lists) if (list[i]) rows.push(list[i] as Sender & { account: AccountRow });
    sendersCache = { at: now, rows };
    // Connection-based providers (SMPP) bind as soon as their account is active, so inbound texts and receipts arrive
    // even before the first send.
    for (const account of accounts) pool.forAccount(account);
    return rows;
  }

  /** Milliseconds until the emptiest bucket that stopped a claim has a token again (the loop sleeps no longer). */
  let refillInMs = Number.POSITIVE_INFINITY;

  /**
   * Claims due messages of one sender within its token bucket: refilled at `throughput` segments per second, holding
   * at most a twentieth of a second's worth (so no one-second window ever sees more than 5% above the rate), debited
   * per segment (a long message may take the bucket below zero; the next claim waits until it is positive again).
   */
  async function claim(sender: Sender, capacity: number): Promise<Message[]> {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const bucket = await trx
        .selectFrom('senders')
        .select(['bucket_tokens', 'bucket_at', 'throughput'])
        .where('id', '=', sender.id)
        .$call((qb) => (dialect === 'postgres' ? qb.forUpdate() : qb))
        .executeTakeFirst();
      if (!bucket) return [];
      const burst = Math.max(1, bucket.throughput / 20);
      const elapsed = Math.max(0, now - Number(bucket.bucket_at)) / 1000;
      let tokens = Math.min(burst, Number(bucket.bucket_tokens) + elapsed * bucket.throughput);
      if (tokens < 1) {
        refillInMs = Math.min(refillInMs, Math.ceil(((1 - tokens) * 1000) / bucket.throughput));
        return [];
      }
      const candidates = await trx
        .selectFrom('messages')
        .select(['id', 'segments'])
        .where('sender_id', '=', sender.id)
        .where('state', '=', 'queued')
        .where('send_at', '<=', now)
        .orderBy('priority')
        .orderBy('send_at')
        .orderBy('id')
        .limit(Math.min(capacity, Math.ceil(tokens)))
        .$call(forUpdateSkipLocked(dialect))
        .execute();
      const ids: number[] = [];
      for (const candidate of candidates) {
        if (tokens < 1) break;
        ids.push(candidate.id);
        tokens -= Math.max(1, candidate.segments);
      }
      await trx.updateTable('senders').set({ bucket_tokens: tokens, bucket_at: now }).where('id', '=', sender.id).execute();
      if (ids.length === 0) return [];
      return trx
        .updateTable('messages')
        .set((eb) => ({
          state: 'sending',
          attempts: eb('attempts', '+', 1),
          locked_by: workerId,
          lease_until: now + leaseMs,
          updated_at: now,
        }))
        .where('id', 'in', ids)
        .where('state', '=', 'queued')
        .returningAll()
        .execute();
    });
  }

  /** Consent and quiet hours are checked again right before sending: a STOP or the evening may have come since. */
  async function screen(messages: Message[]): Promise<Message[]> {
    if (messages.length === 0) return messages;
    const now = clock.now();
    const workspaceId = messages[0]?.workspace_id as number;
    // Broadcasts, automations and P2P initials need consent granted on their channel; a test to a staff phone and a
    // person's answer in the inbox (the member wrote first) must not reach someone who opted out; compliance texts and
    // automatic replies to a member who just wrote go out regardless.
    const checked = messages.filter((m) => m.member_id !== null && m.kind !== 'compliance' && m.kind !== 'reply');
    const consent = await consentOf(db, workspaceId, [...new Set(checked.map((m) => m.member_id as number))]);
    const blocked = checked.filter((m) => {
      const state = consent.get(m.member_id as number)?.[m.channel] ?? 'gone';
      return m.kind === 'test' || m.kind === 'conversation' ? state === 'revoked' || state === 'gone' : state !== 'granted';
    });
    const late = messages.filter((m) => !blocked.includes(m) && m.expires_at !== null && now >= m.expires_at);
    if (blocked.length > 0 || late.length > 0) {
      const window = await db
        .selectFrom('workspaces')
        .select(['quiet_hours_start', 'quiet_hours_end', 'timezone'])
        .where('id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      const zones = late.length
        ? await db
            .selectFrom('members')
            .select(['id', 'timezone'])
            .where('workspace_id', '=', workspaceId)
            .where(
              'id',
              'in',
              late.flatMap((m) => (m.member_id === null ? [] : [m.member_id])),
            )
            .execute()
        : [];
      const zoneOf = new Map(zones.map((z) => [z.id, z.timezone]));
      const quiet = createQuietHours({ start: window.quiet_hours_start, end: window.quiet_hours_end });
      await db.transaction().execute(async (trx) => {
        const stats = new Map<number, Counts>();
        for (const m of blocked) {
          const done = await trx
            .updateTable('messages')
            .set({ state: 'cancelled', error_code: 'no_consent', lease_until: null, locked_by: null, updated_at: now })
            .where('id', '=', m.id)
            .where('state', '=', 'sending')
            .executeTakeFirst();
          if (Number(done.numUpdatedRows) > 0 && m.broadcast_id !== null) add(stats, m.broadcast_id, { cancelled: 1, finished: 1 });
        }
        for (const m of late) {
          const zone = (m.member_id !== null && zoneOf.get(m.member_id)) || window.timezone;
          const next = quiet.nextAllowed(now, zone);
          await trx
            .updateTable('messages')
            // Waiting for the morning is no failed attempt.
            .set((eb) => ({
              state: 'queued',
              send_at: next,
              expires_at: quiet.windowEnd(next, zone),
              attempts: eb('attempts', '-', 1),
              lease_until: null,
              locked_by: null,
              updated_at: now,
            }))
            .where('id', '=', m.id)
            .where('state', '=', 'sending')
            .execute();
        }
        for (const [broadcastId, counts] of stats) await bumpStats(trx, workspaceId, broadcastId, counts);
      });
    }
    return messages.filter((m) => !blocked.includes(m) && !late.includes(m));
  }

  /** Every email carries its unsubscribe link, in the text and as List-Unsubscribe (one click in mail clients). */
  function emailBody(message: Message): { text: string; unsubscribeUrl: string | null } {
    if (message.member_id === null || message.kind === 'test') return { text: message.body, unsubscribeUrl: null };
    const url = unsubscribeUrl(options.publicUrl, options.appSecret, {
      workspaceId: message.workspace_id,
      memberId: message.member_id,
      issuedAt: clock.now(),
    });
    return { text: `${message.body}\n\n--\nTo stop these emails: ${url}`, unsubscribeUrl: url };
  }

  function callbackUrl(account: AccountRow, messageId: number) {
    return `${options.publicUrl}/webhooks/sms/${account.webhook_key}?m=${messageId}`;
  }

  async function send(message: Message, sender: Sender & { account: AccountRow }) {
    const pooled = pool.forAccount(sender.account);
    try {
      const result =
        pooled.channel === 'sms'
          ? await pooled.adapter.send({
              messageId: message.id,
              from: sender.address,
              senderKind: sender.kind,
              to: message.to_address,
              body: message.body,
              mediaUrls: message.media_urls ? (JSON.parse(message.media_urls) as string[]) : [],
              validUntil: message.expires_at,
              bulk: message.kind === 'broadcast' || message.kind === 'automation' || message.kind === 'p2p',
              statusCallbackUrl: callbackUrl(sender.account, message.id),
            })
          : await pooled.adapter.send({
              messageId: message.id,
              from: sender.address,
              to: message.to_address,
              subject: message.subject ?? '',
              ...emailBody(message),
            });
      const costMicros = result.costMicros ?? message.segments * sender.price_micros + (message.media_urls ? sender.mms_price_micros : 0);
      note({ message, kind: 'sent', providerId: result.providerId, costMicros, provider: sender.account.provider });
    } catch (error) {
      const providerError =
        error instanceof ProviderError
          ? error
          : new ProviderError('unknown', error instanceof Error ? error.message : 'the adapter failed', { cause: error });
      if (!(error instanceof ProviderError))
        logger.error({ err: loggable(error), messageId: message.id }, 'dispatcher: adapter threw an unexpected error');
      note({ message, kind: 'error', error: providerError, provider: sender.account.provider, accountId: sender.account.id });
    }
  }

  function note(outcome: Outcome) {
    outcomes.push(outcome);
    if (outcomes.length >= FLUSH_SIZE) void scheduleFlush(0);
    else void scheduleFlush(FLUSH_MS);
  }

  function scheduleFlush(ms: number) {
    if (flushTimer && ms > 0) return;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(() => {
      flushTimer = null;
      flushing = flushing
        .then(flush)
        .catch((error: unknown) => logger.error({ err: loggable(error) }, 'dispatcher: could not record send outcomes'));
    }, ms);
  }

  async function flush() {
    // Rows in id order, so concurrent writers (status callbacks) lock them in the same order and never deadlock.
    const batch = outcomes.sort((a, b) => a.message.id - b.message.id);
    outcomes = [];
    if (batch.length === 0) return;
    const now = clock.now();
    const touched = new Map<number, Set<number>>();
    await retryTransient(() => record(batch, now, touched));
    for (const [workspaceId, ids] of touched) await checkBroadcasts(db, { workspaceId, broadcastIds: [...ids], now });
  }

  async function record(batch: Outcome[], now: number, touched: Map<number, Set<number>>) {
    touched.clear();
    await db.transaction().execute(async (trx) => {
      const stats = new Map<number, Counts>();
      const current = new Map(
        (
          await trx
            .selectFrom('messages')
            .select(['id', 'state'])
            .where(
              'id',
              'in',
              batch.map((o) => o.message.id),
            )
            .execute()
        ).map((row) => [row.id, row.state]),
      );
      for (const outcome of batch) {
        const m = outcome.message;
        const state = current.get(m.id);
        const counts: Counts = {};
        if (outcome.kind === 'sent') {
          let moved = false;
          if (state === 'sending' || state === 'unknown') {
            const done = await trx
              .updateTable('messages')
              .set({
                state: 'sent',
                provider: outcome.provider,
                provider_id: outcome.providerId,
                cost_micros: outcome.costMicros,
                sent_at: now,
                lease_until: null,
                locked_by: null,
                updated_at: now,
              })
              .where('id', '=', m.id)
              .where('state', '=', state)
              .executeTakeFirst();
            moved = Number(done.numUpdatedRows) > 0;
          }
          if (moved) {
            counts.sent = 1;
            if (state === 'sending') counts.finished = 1;
            else counts.unknown = -1;
            if (outcome.costMicros) counts.cost_micros = outcome.costMicros;
          } else {
            // A status callback got here first (it carries our id): keep its state, add what only the send knows.
            await trx
              .updateTable('messages')
              .set({ provider_id: outcome.providerId, cost_micros: outcome.costMicros, provider: outcome.provider })
              .where('id', '=', m.id)
              .where('provider_id', 'is', null)
              .execute();
            if (outcome.costMicros) counts.cost_micros = outcome.costMicros;
          }
        } else if (state === 'sending') {
          Object.assign(counts, await settleError(trx, outcome, now));
        }
        if (m.broadcast_id !== null) {
          add(stats, m.broadcast_id, counts);
          const set = touched.get(m.workspace_id) ?? new Set<number>();
          set.add(m.broadcast_id);
          touched.set(m.workspace_id, set);
        }
      }
      for (const [broadcastId, counts] of [...stats].sort((a, b) => a[0] - b[0])) {
        const workspaceId = batch.find((o) => o.message.broadcast_id === broadcastId)?.message.workspace_id as number;
        await bumpStats(trx, workspaceId, broadcastId, counts);
      }
    });
  }

  /** Writes the result of a failed send; returns the report counters it moves. */
  async function settleError(
    trx: Parameters<Parameters<ReturnType<typeof db.transaction>['execute']>[0]>[0],
    outcome: Extract<Outcome, { kind: 'error' }>,
    now: number,
  ): Promise<Counts> {
    const { message: m, error } = outcome;
    const base = { lease_until: null, locked_by: null, updated_at: now, error_detail: error.message.slice(0, 300) };
    const requeue = async (delayMs: number, keepAttempt: boolean): Promise<Counts> => {
      await trx
        .updateTable('messages')
        .set((eb) => ({
          ...base,
          state: 'queued',
          send_at: now + delayMs,
          error_code: error.code,
          attempts: keepAttempt ? eb('attempts', '-', 1) : eb.ref('attempts'),
        }))
        .where('id', '=', m.id)
        .where('state', '=', 'sending')
        .execute();
      return {};
    };
    const fail = async (code: string): Promise<Counts> => {
      const done = await trx
        .updateTable('messages')
        .set({ ...base, state: 'failed', error_code: code })
        .where('id', '=', m.id)
        .where('state', '=', 'sending')
        .executeTakeFirst();
      return Number(done.numUpdatedRows) > 0 ? ({ failed: 1, [`failed:${code}`]: 1, finished: 1 } as Counts) : {};
    };
    switch (error.kind) {
      case 'retryable':
        if (m.attempts >= maxAttempts) return fail(error.code ?? 'retries_exhausted');
        return requeue(backoffDelay(m.attempts, { baseMs: 2_000, capMs: 300_000 }) + 500, false);
      case 'rate_limited': {
        const wait = Math.max(500, error.retryAfterMs ?? 1_000);
        await trx
          .updateTable('senders')
          .set({ paused_until: now + wait, bucket_tokens: 0, bucket_at: now + wait })
          .where('id', '=', m.sender_id ?? 0)
          .execute();
        sendersCache = null;
        return requeue(wait, true);
      }
      case 'auth':
        await trx
          .updateTable('channel_accounts')
          .set({
            status: 'auth_failed',
            status_detail: `The provider rejected the credentials: ${error.message}`.slice(0, 300),
            updated_at: now,
          })
          .where('id', '=', outcome.accountId)
          .execute();
        sendersCache = null;
        return requeue(60_000, true);
      case 'opted_out': {
        const counts = await fail(error.code ?? 'opted_out');
        if (m.member_id !== null) {
          await optOutMember(trx, options.appSecret, {
            workspaceId: m.workspace_id,
            memberId: m.member_id,
            phone: m.to_address,
            method: 'provider',
            wording: `The provider reported the recipient opted out (${outcome.provider} ${error.code ?? ''})`.trim(),
            now,
          });
        }
        return counts;
      }
      case 'permanent':
        return fail(error.code ?? 'rejected');
      case 'unknown': {
        const done = await trx
          .updateTable('messages')
          .set({ ...base, state: 'unknown', error_code: error.code ?? 'outcome_unknown' })
          .where('id', '=', m.id)
          .where('state', '=', 'sending')
          .executeTakeFirst();
        return Number(done.numUpdatedRows) > 0 ? { unknown: 1, finished: 1 } : {};
      }
    }
  }

  /** Sends whose lease expired while 'sending' (a dispatcher died mid-call): unknown, never resent blindly. */
  async function reconcileExpired(): Promise<number> {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const expired = await trx
        .updateTable('messages')
        .set({
          state: 'unknown',
          error_code: 'outcome_unknown',
          error_detail: 'The sending worker stopped before the provider answered.',
          lease_until: null,
          locked_by: null,
          updated_at: now,
        })
        .where('state', '=', 'sending')
        .where('lease_until', '<', now)
        .returning(['id', 'workspace_id', 'broadcast_id'])
        .execute();
      const stats = new Map<number, Counts>();
      const workspaceOf = new Map<number, number>();
      for (const row of expired) {
        if (row.broadcast_id === null) continue;
        add(stats, row.broadcast_id, { unknown: 1, finished: 1 });
        workspaceOf.set(row.broadcast_id, row.workspace_id);
      }
      for (const [broadcastId, counts] of stats) await bumpStats(trx, workspaceOf.get(broadcastId) as number, broadcastId, counts);
      return expired.length;
    });
  }

  let reconciledAt = 0;

  /** One round: reconcile (at most once a second), then claim and start sends for every sender. Returns how many sends it started. */
  async function round(): Promise<number> {
    if (clock.now() - reconciledAt >= 1_000 || clock.now() < reconciledAt) {
      reconciledAt = clock.now();
      await reconcileExpired();
    }
    const senders = await activeSenders();
    if (senders.length === 0) return 0;
    rotation = (rotation + 1) % senders.length;
    let started = 0;
    for (let i = 0; i < senders.length; i += 1) {
      const sender = senders[(rotation + i) % senders.length] as Sender & { account: AccountRow };
      // Each sender still to visit gets an equal share of the free slots: one workspace's big broadcast cannot take
      // them all while another's replies wait.
      const free = maxInFlight - inFlight;
      if (free <= 0) break;
      const claimed = await screen(await claim(sender, Math.ceil(free / (senders.length - i))));
      for (const message of claimed) {
        inFlight += 1;
        started += 1;
        void send(message, sender).finally(() => {
          inFlight -= 1;
          // Claim again once half the slots are free: one claim per batch, not one per finished send.
          if (inFlight <= maxInFlight / 2) wake?.();
        });
      }
    }
    return started;
  }

  async function idle() {
    const wait = Math.max(1, Math.min(pollMs, refillInMs));
    refillInMs = Number.POSITIVE_INFINITY;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = inFlight >= maxInFlight ? done : null;
    });
  }

  return {
    workerId,
    /** One round and waits for its sends and their recorded outcomes (tests, benchmarks). */
    async runOnce(): Promise<number> {
      const started = await round();
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await this.flushNow();
      return started;
    },
    async flushNow() {
      if (flushTimer) {
        clearTimeout(flushTimer);
        flushTimer = null;
      }
      flushing = flushing.then(flush);
      await flushing;
    },
    inFlight: () => inFlight,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            const started = await round();
            if (started === 0 || inFlight >= maxInFlight) await idle();
          } catch (error) {
            logger.error({ err: loggable(error) }, 'dispatcher: round failed');
            await idle();
          }
        }
      })();
    },
    /** Stops claiming, waits (bounded) for sends in flight and records their outcomes. */
    async stop(timeoutMs = 10_000) {
      running = false;
      wake?.();
      await loop;
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await this.flushNow();
    },
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;

function add(into: Map<number, Counts>, broadcastId: number, counts: Counts) {
  const current = into.get(broadcastId) ?? {};
  for (const [key, value] of Object.entries(counts) as [StatKey, number][]) current[key] = (current[key] ?? 0) + value;
  into.set(broadcastId, current);
}
