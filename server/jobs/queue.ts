import { type Insertable, type Kysely, type OnConflictBuilder, type Selectable, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { dialectOf, forUpdateSkipLocked } from '../db/dialect.ts';
import type { Database, JobsTable } from '../db/schema.ts';
import { type Clock, systemClock } from '../lib/clock.ts';
import { type Backoff, backoffDelay, DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, PRIORITY } from './define.ts';
import type { JobRegistry } from './registry.ts';

// The job queue: one table driver for SQLite and PostgreSQL (DESIGN.md §4).
//
// Life of a job:   queued ──claim──▶ running ──complete──▶ done
//                    ▲                  │
//                    └──fail (retry)────┤──fail (permanent / last attempt)──▶ dead ──retryDeadJob──▶ queued
//                    └──lease expired───┘  (or dead when that was the last attempt)
//
// Delivery is at least once: handlers are idempotent (see define.ts). Every write a worker makes about a running
// job (renew, complete, fail) is conditional on `state = 'running' AND locked_by = <worker>`, so a worker whose lease
// expired and was taken over cannot overwrite the new owner's outcome.
//
// All times come from the injected clock (epoch ms), not from the database, so tests drive delays and leases with a
// fake clock; in production the machines' clocks must agree to well within a lease (NTP does that).

export type JobState = JobsTable['state'];
export type Job = Selectable<JobsTable>;
/** A Kysely instance or a transaction: enqueue inside the transaction of the write that causes the job. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** last_error keeps the error message only (never the payload), cut to this length. */
export const MAX_ERROR_LENGTH = 2_000;
const LEASE_EXPIRED_ERROR = 'lease expired';

export type EnqueueInput = {
  type: string;
  /** Plain JSON. Validated with the definition's schema when the registry knows the type. */
  payload: unknown;
  /** Omit (or null) for system jobs. */
  workspaceId?: number | null;
  /** Epoch ms; default now. Give runAt or delayMs, not both. */
  runAt?: number;
  delayMs?: number;
  /** Default: the definition's priority, else PRIORITY.automation. */
  priority?: number;
  /** Unique per type: while a job with this type and key exists (done jobs are kept 7 days), nothing new is enqueued. */
  idempotencyKey?: string;
  /** Default: the definition's maxAttempts, else 5. */
  maxAttempts?: number;
};

export type EnqueueResult = { id: number; created: boolean };

export type FailInput = {
  job: Pick<Job, 'id' | 'attempts' | 'max_attempts'>;
  workerId: string;
  error: unknown;
  /** Straight to 'dead' (PermanentJobError, unknown type, invalid payload). */
  permanent?: boolean;
  backoff?: Backoff;
};

export type FailResult =
  | { recorded: true; state: 'queued'; runAt: number; error: string }
  | { recorded: true; state: 'dead'; error: string }
  /** The worker no longer holds the job (its lease expired and another worker took it): nothing was written. */
  | { recorded: false };

export type JobQueue = {
  enqueue: (executor: Executor, input: EnqueueInput) => Promise<EnqueueResult>;
  /** Many jobs at once (bulk fan-out, benchmarks), in one transaction; returns how many were created. */
  enqueueMany: (executor: Executor, inputs: readonly EnqueueInput[]) => Promise<number>;
  /** Leases up to `limit` due jobs to `workerId`, in claim order (priority, run_at, id); attempts is incremented. */
  claim: (input: { workerId: string; limit: number; leaseMs: number }) => Promise<Job[]>;
  /**
   * Running jobs whose lease expired (their worker died or hung): back to 'queued' to run again, or 'dead' with
   * last_error 'lease expired' when that was their last attempt. Workers call it before each claim.
   */
  reclaimExpired: (input?: { limit?: number }) => Promise<{ requeued: number; dead: number }>;
  /** Extends the lease of a running job; false when the worker lost it (expired and reclaimed). */
  renewLease: (input: { jobId: number; workerId: string; leaseMs: number }) => Promise<boolean>;
  /** Marks the job done; false (and nothing written) when the worker no longer holds it. */
  complete: (input: { jobId: number; workerId: string }) => Promise<boolean>;
  fail: (input: FailInput) => Promise<FailResult>;
  /** Ensures the next occurrence of every recurring type exists; returns how many jobs were created. */
  scheduleRecurring: (registry: JobRegistry) => Promise<number>;
};

export type JobQueueDeps = {
  db: Kysely<Database>;
  clock?: Clock;
  /** When given, enqueue validates payloads of the types it knows and takes their defaults. */
  registry?: JobRegistry;
  /** For the backoff jitter; [0, 1). */
  random?: () => number;
};

// Rows per INSERT in enqueueMany: 15 columns × 1,000 stays under both dialects' bound-parameter limits.
const INSERT_CHUNK = 1_000;
const RECLAIM_BATCH = 500;

const ignoreDuplicateKey = (oc: OnConflictBuilder<Database, 'jobs'>) =>
  oc.columns(['type', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing();

export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const { db, registry } = deps;
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const lockRows = forUpdateSkipLocked(dialectOf(db));
  /** Per recurring type, the occurrence this queue already ensured (saves a write per tick). */
  const ensuredSlots = new Map<string, number>();

  function toRow(input: EnqueueInput, now: number): Insertable<JobsTable> {
    const definition = registry?.get(input.type);
    if (definition) {
      const parsed = definition.payload.safeParse(input.payload);
      if (!parsed.success) {
        throw new Error(`Invalid payload for job "${input.type}": ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
      }
    }
    const payload = JSON.stringify(input.payload);
    if (payload === undefined) throw new Error(`Job "${input.type}": payload must be JSON`);
    if (input.runAt !== undefined && input.delayMs !== undefined) throw new Error(`Job "${input.type}": give runAt or delayMs, not both`);
    const priority = input.priority ?? definition?.priority ?? PRIORITY.automation;
    const maxAttempts = input.maxAttempts ?? definition?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(priority)) throw new Error(`Job "${input.type}": priority must be an integer`);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`Job "${input.type}": maxAttempts must be a positive integer`);
    if (input.idempotencyKey !== undefined && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 500)) {
      throw new Error(`Job "${input.type}": idempotencyKey must be 1 to 500 characters`);
    }
    return {
      workspace_id: input.workspaceId ?? null,
      type: input.type,
      payload,
      state: 'queued',
      priority,
      run_at: Math.round(input.runAt ?? now + (input.delayMs ?? 0)),
      attempts: 0,
      max_attempts: maxAttempts,
      lease_expires_at: null,
      locked_by: null,
      idempotency_key: input.idempotencyKey ?? null,
      last_error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
  }

  async function enqueue(executor: Executor, input: EnqueueInput): Promise<EnqueueResult> {
    const row = toRow(input, clock.now());
    const inserted = await executor.insertInto('jobs').values(row).onConflict(ignoreDuplicateKey).returning('id').executeTakeFirst();
    if (inserted) return { id: inserted.id, created: true };
    const key = row.idempotency_key;
    if (key == null) throw new Error(`Job "${row.type}" was not inserted`);
    // The conflicting row is committed (PostgreSQL waited for its transaction), so it is visible here.
    const existing = await executor
      .selectFrom('jobs')
      .select('id')
      .where('type', '=', row.type)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!existing) throw new Error(`Job "${row.type}" with idempotency key "${key}" conflicted but is gone; enqueue again`);
    return { id: existing.id, created: false };
  }

  async function insertChunks(executor: Executor, rows: Insertable<JobsTable>[]): Promise<number> {
    let created = 0;
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const result = await executor
        .insertInto('jobs')
        .values(rows.slice(start, start + INSERT_CHUNK))
        .onConflict(ignoreDuplicateKey)
        .executeTakeFirst();
      created += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return created;
  }

  async function enqueueMany(executor: Executor, inputs: readonly EnqueueInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const now = clock.now();
    const rows = inputs.map((input) => toRow(input, now));
    if (rows.length <= INSERT_CHUNK || executor.isTransaction) return insertChunks(executor, rows);
    return executor.transaction().execute((trx) => insertChunks(trx, rows));
  }

  async function claim({ workerId, limit, leaseMs }: { workerId: string; limit: number; leaseMs: number }): Promise<Job[]> {
    if (limit <= 0) return [];
    const now = clock.now();
    // Claim order is priority, then run_at, then id. Per-workspace fairness (one workspace's 100k bulk jobs must
    // not delay another's) can come later without a schema change: rank candidates with
    // row_number() over (partition by workspace_id order by run_at) in this subquery, or claim round-robin per
    // workspace; jobs_claim_idx and jobs_workspace_idx already serve both.
    const jobs = await db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        attempts: eb('attempts', '+', 1),
        lease_expires_at: now + leaseMs,
        locked_by: workerId,
        updated_at: now,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('state', '=', 'queued')
          .where('run_at', '<=', now)
          .orderBy('priority')
          .orderBy('run_at')
          .orderBy('id')
          .limit(limit)
          .$call(lockRows),
      )
      .returningAll()
      .execute();
    // RETURNING does not promise the subquery's order.
    return jobs.sort((a, b) => a.priority - b.priority || a.run_at - b.run_at || a.id - b.id);
  }

  async function reclaimExpired({ limit = RECLAIM_BATCH }: { limit?: number } = {}) {
    const now = clock.now();
    const lastAttempt = sql<boolean>`attempts >= max_attempts`;
    const rows = await db
      .updateTable('jobs')
      .set({
        state: sql<JobState>`case when ${lastAttempt} then ${sql.lit('dead')} else ${sql.lit('queued')} end`,
        // A literal, not a parameter: PostgreSQL would type a lone parameter in a CASE as text.
        finished_at: sql<number | null>`case when ${lastAttempt} then ${sql.lit(now)} else null end`,
        last_error: LEASE_EXPIRED_ERROR,
        lease_expires_at: null,
        locked_by: null,
        updated_at: now,
      })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('state', '=', 'running')
          .where('lease_expires_at', '<', now)
          .orderBy('id')
          .limit(limit)
          .$call(lockRows),
      )
      .returning('state')
      .execute();
    const dead = rows.filter((row) => row.state === 'dead').length;
    return { requeued: rows.length - dead, dead };
  }

  async function renewLease({ jobId, workerId, leaseMs }: { jobId: number; workerId: string; leaseMs: number }) {
    const now = clock.now();
    const result = await db
      .updateTable('jobs')
      .set({ lease_expires_at: now + leaseMs, updated_at: now })
      .where('id', '=', jobId)
      .where('state', '=', 'running')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async function complete({ jobId, workerId }: { jobId: number; workerId: string }) {
    const now = clock.now();
    const result = await db
      .updateTable('jobs')
      .set({ state: 'done', finished_at: now, lease_expires_at: null, updated_at: now })
      .where('id', '=', jobId)
      .where('state', '=', 'running')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async function fail({ job, workerId, error, permanent = false, backoff = DEFAULT_BACKOFF }: FailInput): Promise<FailResult> {
    const now = clock.now();
    const message = errorMessage(error);
    const retry = !permanent && job.attempts < job.max_attempts;
    const runAt = now + backoffDelay(job.attempts, backoff, random);
    const result = await db
      .updateTable('jobs')
      .set(
        retry
          ? { state: 'queued', run_at: runAt, last_error: message, lease_expires_at: null, locked_by: null, updated_at: now }
          : { state: 'dead', finished_at: now, last_error: message, lease_expires_at: null, updated_at: now },
      )
      .where('id', '=', job.id)
      .where('state', '=', 'running')
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return { recorded: false };
    return retry ? { recorded: true, state: 'queued', runAt, error: message } : { recorded: true, state: 'dead', error: message };
  }

  async function scheduleRecurring(jobs: JobRegistry): Promise<number> {
    const now = clock.now();
    let created = 0;
    for (const recurring of jobs.recurring()) {
      const { type, everyMs, offsetMs } = recurring;
      const next = Math.floor((now - offsetMs) / everyMs) * everyMs + offsetMs + everyMs;
      if (ensuredSlots.get(type) === next) continue;
      // The key makes every worker on every machine agree on one job per slot.
      const result = await enqueue(db, {
        type,
        payload: recurring.payload,
        runAt: next,
        priority: recurring.priority,
        maxAttempts: recurring.maxAttempts,
        idempotencyKey: `recurring:${type}:${next}`,
      });
      if (result.created) created++;
      ensuredSlots.set(type, next);
    }
    return created;
  }

  return { enqueue, enqueueMany, claim, reclaimExpired, renewLease, complete, fail, scheduleRecurring };
}

/** The error message to store and log: message only, never a payload or a stack, at most MAX_ERROR_LENGTH chars. */
function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

// ── Admin view ──────────────────────────────────────────────────────────────────────────────────────────────────
// Every query filters on workspace_id. The payload is not returned (it may hold phone numbers and message bodies).

export type JobSummary = Omit<Job, 'payload' | 'locked_by' | 'lease_expires_at' | 'idempotency_key'>;

const summaryColumns = [
  'id',
  'workspace_id',
  'type',
  'state',
  'priority',
  'run_at',
  'attempts',
  'max_attempts',
  'last_error',
  'created_at',
  'updated_at',
  'finished_at',
] as const;

/** A workspace's jobs, newest first; page with `before` = the last id of the previous page. */
export async function listJobs(
  db: Executor,
  input: { workspaceId: number; state?: JobState | 'failed'; limit: number; before?: number },
): Promise<JobSummary[]> {
  const limit = Math.max(1, Math.min(500, Math.floor(input.limit)));
  // 'failed' is a view, not a state: queued jobs whose last attempt failed and that wait for their retry.
  const state = input.state === 'failed' ? 'queued' : input.state;
  return db
    .selectFrom('jobs')
    .select(summaryColumns)
    .where('workspace_id', '=', input.workspaceId)
    .$if(state !== undefined, (qb) => qb.where('state', '=', state as JobState))
    .$if(input.state === 'failed', (qb) => qb.where('last_error', 'is not', null))
    .$if(input.before !== undefined, (qb) => qb.where('id', '<', input.before as number))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function countJobsByState(db: Executor, workspaceId: number): Promise<Record<JobState, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('state')
    .execute();
  const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const row of rows) counts[row.state] = Number(row.count);
  return counts;
}

/** dead → queued with attempts reset, to run now. False when the job is not in this workspace or not dead. */
export async function retryDeadJob(
  db: Executor,
  input: { workspaceId: number; jobId: number },
  clock: Clock = systemClock,
): Promise<boolean> {
  const now = clock.now();
  const result = await db
    .updateTable('jobs')
    .set({ state: 'queued', attempts: 0, run_at: now, finished_at: null, lease_expires_at: null, locked_by: null, updated_at: now })
    .where('id', '=', input.jobId)
    .where('workspace_id', '=', input.workspaceId)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
