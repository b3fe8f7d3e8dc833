import type { z } from 'zod';
import type { Logger } from '../lib/logger.ts';

// A job type is a definition: an explicit `type` string, a zod payload schema and a handler, one file per type
// (STYLE.md §8). A definition that needs the database or a service is built by a function taking those
// dependencies, e.g. `createJobsMaintenanceJob({ db, clock })`, and gathered by `createJobRegistry`.
//
// Handlers are idempotent. The queue runs a job at least once, not exactly once: a worker can die after the
// handler's side effect and before recording the completion, a lease can expire under a slow handler, a timed-out
// handler may still be finishing when the retry starts. Running a handler twice must change nothing the second
// time: key external calls on the job (or on the row they act on), check "already done" before acting, write
// results with insert … on conflict do nothing, record an attempt before calling a provider.

/** Claim order: lower runs first (then earlier run_at, then older id). */
export const PRIORITY = {
  /** An answer a person is waiting for (inbox replies, keyword responses, confirmations). */
  reply: 0,
  /** Workflow steps, activity fan-out, webhooks. */
  automation: 10,
  /** Broadcast expansion and sends, imports, exports. */
  bulk: 20,
  /** Housekeeping nobody waits for. */
  maintenance: 30,
} as const;

export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, capMs: 60 * 60_000 };

/** Exponential backoff with full jitter: the n-th retry waits a random time in [0, min(capMs, baseMs · 2^(n-1))). */
export type Backoff = { baseMs: number; capMs: number };

export type JobContext = {
  jobId: number;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** NULL for system jobs. */
  workspaceId: number | null;
  /**
   * Aborted when the job exceeds its timeout, when the worker loses the lease, and when a shutdown gives up waiting.
   * The outcome of an aborted handler is not recorded, so stop early: pass it to fetch() and check it between batches.
   */
  signal: AbortSignal;
  /** A child logger carrying jobId, jobType and attempt. Never log the payload (phone numbers, message bodies). */
  logger: Logger;
};

/** A recurring job: one occurrence per slot of `everyMs`, slots aligned on the epoch plus `offsetMs` (UTC). */
export type Recurrence<P> = {
  everyMs: number;
  /** e.g. everyMs: 1 day and offsetMs: 3 h runs daily at 03:00 UTC. */
  offsetMs?: number;
  payload: P;
};

export type JobDefinition<P = unknown> = {
  type: string;
  payload: z.ZodType<P>;
  // Method syntax on purpose: it lets a JobDefinition<{ … }> be listed as a JobDefinition (the registry's element
  // type); the worker always parses the payload with the same definition's schema before calling it.
  handler(payload: P, context: JobContext): Promise<void>;
  maxAttempts: number;
  timeoutMs: number;
  backoff: Backoff;
  /** The priority used when `enqueue` is not given one. */
  priority: number;
  recurring: Recurrence<P> | undefined;
};

export type JobDefinitionInput<P> = {
  /** Namespaced and stable: it is stored with every job, e.g. 'messaging.send_reply'. */
  type: string;
  /** Validated on enqueue (a bad payload throws) and again before the handler runs. Keep it plain JSON. */
  payload: z.ZodType<P>;
  /** Must be idempotent (see above). Throw PermanentJobError when retrying cannot help. */
  handler: (payload: P, context: JobContext) => Promise<void>;
  /** Runs before the job goes to 'dead' (default 5). */
  maxAttempts?: number;
  /** A run taking longer is aborted and failed as retryable (default 5 minutes). */
  timeoutMs?: number;
  backoff?: Partial<Backoff>;
  priority?: number;
  recurring?: Recurrence<P>;
};

/** A handler throws this when retrying cannot help (invalid data, a resource that is gone): the job goes to 'dead'. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** The reason a handler's signal is aborted when the job exceeds its timeout. */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

export function defineJob<P>(input: JobDefinitionInput<P>): JobDefinition<P> {
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const backoff = { ...DEFAULT_BACKOFF, ...input.backoff };
  if (!/^[a-z][a-z0-9_.:-]*$/.test(input.type)) throw new Error(`Job type "${input.type}" must be lower-case letters, digits and _ . : -`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`Job ${input.type}: maxAttempts must be a positive integer`);
  if (!(timeoutMs > 0)) throw new Error(`Job ${input.type}: timeoutMs must be positive`);
  if (!(backoff.baseMs >= 0 && backoff.capMs >= backoff.baseMs)) throw new Error(`Job ${input.type}: backoff needs 0 <= baseMs <= capMs`);
  if (input.recurring && !(Number.isInteger(input.recurring.everyMs) && input.recurring.everyMs > 0)) {
    throw new Error(`Job ${input.type}: recurring.everyMs must be a positive integer`);
  }
  return {
    type: input.type,
    payload: input.payload,
    handler: input.handler,
    maxAttempts,
    timeoutMs,
    backoff,
    priority: input.priority ?? PRIORITY.automation,
    recurring: input.recurring,
  };
}

/** The delay before retry number `attempt` (1 = the first retry): full jitter, `random` returns [0, 1). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 52)));
  return Math.floor(random() * ceiling);
}
