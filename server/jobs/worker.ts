import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { type Clock, systemClock } from '../lib/clock.ts';
import { type Logger, loggable } from '../lib/logger.ts';
import { randomToken } from '../lib/tokens.ts';
import { type Backoff, type JobContext, JobTimeoutError, PermanentJobError } from './define.ts';
import { createJobQueue, type Job } from './queue.ts';
import type { JobRegistry } from './registry.ts';

// A worker claims due jobs in batches (up to `concurrency` running at once), runs their handlers, renews each
// running job's lease every leaseMs/3 and records the outcome. Many workers, in one process or on many machines,
// share one queue; the database decides who runs what (queue.ts).
//
// What happens to a running handler:
//   - it resolves                  → done
//   - it throws PermanentJobError  → dead
//   - it throws anything else      → queued again after a backoff, or dead after maxAttempts
//   - it exceeds timeoutMs         → its signal is aborted and the job fails as retryable; the slot is freed at once
//   - the worker loses the lease   → its signal is aborted, nothing is recorded (the new owner's outcome stands)
//   - stop() gives up waiting      → its signal is aborted, nothing is recorded, the lease expires and the job runs
//                                    again elsewhere (handlers are idempotent)
// Unknown types and payloads that no longer validate go to dead: retrying cannot fix them.

export type WorkerDeps = {
  db: Kysely<Database>;
  registry: JobRegistry;
  clock?: Clock;
  logger: Logger;
  /** Handlers running at once. */
  concurrency: number;
  /** Wait between claims when the queue is empty. */
  pollMs: number;
  /** A job whose lease is not renewed for this long is taken over by another worker. */
  leaseMs: number;
  /** Recorded in jobs.locked_by; default host:pid:random. */
  workerId?: string;
  /** For the backoff jitter; [0, 1). */
  random?: () => number;
};

export type StopResult = {
  /** Handlers that were running when stop() was called and settled within the bound. */
  finished: number;
  /** Handlers still running at the bound: left to lease expiry, not marked failed. */
  abandoned: number;
};

export type Worker = {
  workerId: string;
  /** Starts the claim loop: claims again at once after a batch that returned jobs, waits pollMs when idle. */
  start: () => void;
  /** Stops claiming, waits up to timeoutMs for running handlers, then abandons the rest and resolves. */
  stop: (timeoutMs: number) => Promise<StopResult>;
  /** Reclaims expired leases, schedules recurring jobs, claims one batch and runs it to the end; for tests and scripts. */
  runOnce: () => Promise<number>;
};

type Phase = 'handler' | 'recording' | 'settled' | 'detached';

type Running = {
  job: Job;
  controller: AbortController;
  phase: Phase;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  renewing: boolean;
  /** Ends the wait for the handler without recording anything. */
  release: () => void;
  settled: Promise<void>;
};

type Outcome = { kind: 'ok' } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'detached' };

export function createWorker(deps: WorkerDeps): Worker {
  const { db, registry, logger, concurrency, pollMs, leaseMs } = deps;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('Worker concurrency must be a positive integer');
  if (!(pollMs > 0 && leaseMs > 0)) throw new Error('Worker pollMs and leaseMs must be positive');
  const clock = deps.clock ?? systemClock;
  const workerId = deps.workerId ?? `${hostname()}:${process.pid}:${randomToken(6)}`;
  const queue = createJobQueue({ db, clock, registry, ...(deps.random ? { random: deps.random } : {}) });
  const heartbeatMs = Math.max(1, Math.floor(leaseMs / 3));

  const active = new Map<number, Running>();
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let loopDone: Promise<void> = Promise.resolve();
  let finishedWhileStopping = 0;
  const waker = createWaker();

  // Reclaiming expired leases and scheduling recurring jobs need not run before every claim: a lease is long.
  const housekeepingEveryMs = Math.min(5_000, Math.max(1, Math.floor(leaseMs / 4)));
  let lastHousekeeping = Number.NEGATIVE_INFINITY;

  async function tick(limit: number, forceHousekeeping = false): Promise<Job[]> {
    const now = clock.now();
    if (forceHousekeeping || now - lastHousekeeping >= housekeepingEveryMs) {
      lastHousekeeping = now;
      const reclaimed = await queue.reclaimExpired();
      if (reclaimed.requeued > 0 || reclaimed.dead > 0) {
        logger.warn({ workerId, ...reclaimed }, 'reclaimed jobs whose lease expired (a worker stopped or crashed)');
      }
      await queue.scheduleRecurring(registry);
    }
    return queue.claim({ workerId, limit, leaseMs });
  }

  function launch(job: Job): Promise<void> {
    // A claim that returned after stop() gave up: leave these to lease expiry too.
    if (state === 'stopped') return Promise.resolve();
    const running: Running = {
      job,
      controller: new AbortController(),
      phase: 'handler',
      heartbeat: undefined,
      timer: undefined,
      renewing: false,
      release: () => {},
      settled: Promise.resolve(),
    };
    active.set(job.id, running);
    running.settled = execute(running)
      .catch((error: unknown) => logger.error({ err: loggable(error), jobId: job.id, jobType: job.type }, 'job runner failed'))
      .finally(() => {
        if (running.phase !== 'detached') running.phase = 'settled';
        if (active.get(job.id) === running) {
          active.delete(job.id);
          if (state === 'stopping') finishedWhileStopping++;
        }
        waker.wake();
      });
    return running.settled;
  }

  async function execute(running: Running): Promise<void> {
    const { job } = running;
    const definition = registry.get(job.type);
    if (!definition) {
      const error = new Error(`unknown job type "${job.type}": no definition is registered in this worker`);
      return recordFailure(running, error, { permanent: true });
    }
    let payload: unknown;
    try {
      payload = definition.payload.parse(JSON.parse(job.payload));
    } catch (error) {
      // Never store the JSON parser's message: it quotes the payload.
      const detail = error instanceof z.ZodError ? z.prettifyError(error) : 'not valid JSON';
      return recordFailure(running, new Error(`invalid payload: ${detail}`), { permanent: true });
    }

    const context: JobContext = {
      jobId: job.id,
      attempt: job.attempts,
      workspaceId: job.workspace_id,
      signal: running.controller.signal,
      logger: logger.child({ jobId: job.id, jobType: job.type, attempt: job.attempts }),
    };
    running.heartbeat = setInterval(() => void renew(running), heartbeatMs);
    const outcome = await new Promise<Outcome>((resolve) => {
      running.release = () => resolve({ kind: 'detached' });
      running.timer = setTimeout(() => resolve({ kind: 'timeout' }), definition.timeoutMs);
      Promise.resolve()
        .then(() => definition.handler(payload, context))
        .then(
          () => resolve({ kind: 'ok' }),
          (error: unknown) => resolve({ kind: 'error', error }),
        );
    });
    clearTimers(running);
    if (outcome.kind === 'detached' || running.phase === 'detached') return;

    if (outcome.kind === 'ok') return recordCompletion(running);
    if (outcome.kind === 'timeout') {
      const error = new JobTimeoutError(`timed out after ${definition.timeoutMs} ms`);
      running.controller.abort(error);
      return recordFailure(running, error, { backoff: definition.backoff });
    }
    const permanent = outcome.error instanceof PermanentJobError;
    return recordFailure(running, outcome.error, { permanent, backoff: definition.backoff });
  }

  async function recordCompletion(running: Running) {
    const { job } = running;
    running.phase = 'recording';
    try {
      if (await queue.complete({ jobId: job.id, workerId })) logger.debug(fields(job), 'job done');
      else logger.warn(fields(job), 'job finished after its lease was taken over; outcome ignored');
    } catch (error) {
      logger.error({ ...fields(job), err: loggable(error) }, 'could not record a job outcome; it runs again when its lease expires');
    }
  }

  async function recordFailure(running: Running, error: unknown, options: { permanent?: boolean; backoff?: Backoff }) {
    const { job } = running;
    running.phase = 'recording';
    try {
      const result = await queue.fail({ job, workerId, error, ...options });
      // Failures are logged with the job's id, type and attempt and the error message; never the payload.
      if (!result.recorded) {
        logger.warn(fields(job), 'job failed after its lease was taken over; outcome ignored');
      } else if (result.state === 'queued') {
        logger.warn({ ...fields(job), error: result.error, retryInMs: result.runAt - clock.now() }, 'job failed; will retry');
      } else {
        logger.warn({ ...fields(job), maxAttempts: job.max_attempts, error: result.error }, 'job failed; dead');
      }
    } catch (writeError) {
      logger.error({ ...fields(job), err: writeError }, 'could not record a job outcome; it runs again when its lease expires');
    }
  }

  function fields(job: Job) {
    return { workerId, jobId: job.id, jobType: job.type, attempt: job.attempts };
  }

  async function renew(running: Running) {
    if (running.renewing || running.phase !== 'handler') return;
    running.renewing = true;
    try {
      const held = await queue.renewLease({ jobId: running.job.id, workerId, leaseMs });
      if (!held && running.phase === 'handler') {
        logger.warn(fields(running.job), 'lost the lease of a running job (it expired and was taken over); aborting it');
        detach(running, new Error('lease lost'));
      }
    } catch (error) {
      logger.warn({ ...fields(running.job), err: loggable(error) }, 'could not renew a job lease');
    } finally {
      running.renewing = false;
    }
  }

  /** Stops waiting for a handler: aborts its signal, records nothing, frees its slot. */
  function detach(running: Running, reason: Error) {
    if (running.phase !== 'handler') return;
    running.phase = 'detached';
    clearTimers(running);
    running.controller.abort(reason);
    running.release();
  }

  function clearTimers(running: Running) {
    clearInterval(running.heartbeat);
    clearTimeout(running.timer);
  }

  // Claims in batches: once half the slots are free, or when a slot has waited a poll interval for the others.
  const batchThreshold = Math.max(1, Math.ceil(concurrency / 2));
  let lastClaimAt = 0;

  async function loop() {
    while (state === 'running') {
      const free = concurrency - active.size;
      if (free <= 0) {
        await waker.wait();
        continue;
      }
      const waited = Date.now() - lastClaimAt;
      if (free < batchThreshold && active.size > 0 && waited < pollMs) {
        await waker.wait(pollMs - waited);
        continue;
      }
      lastClaimAt = Date.now();
      let claimed = 0;
      try {
        const jobs = await tick(free);
        claimed = jobs.length;
        for (const job of jobs) void launch(job);
      } catch (error) {
        logger.error({ workerId, err: loggable(error) }, 'claiming jobs failed');
      }
      if (claimed === 0 && state === 'running') await waker.wait(pollMs);
    }
  }

  return {
    workerId,

    start() {
      if (state !== 'idle') throw new Error(`Worker ${workerId} was already started`);
      state = 'running';
      loopDone = loop();
    },

    async stop(timeoutMs: number): Promise<StopResult> {
      if (state === 'stopped' || state === 'stopping') return { finished: 0, abandoned: 0 };
      const deadline = Date.now() + Math.max(0, timeoutMs);
      state = 'stopping';
      finishedWhileStopping = 0;
      waker.wake();
      await within(loopDone, deadline);
      await within(Promise.all([...active.values()].map((running) => running.settled)), deadline);
      state = 'stopped';
      const left = [...active.values()];
      for (const running of left) detach(running, new Error('worker shutting down'));
      if (left.length > 0) {
        logger.warn({ workerId, abandoned: left.length }, 'stopped with jobs still running; they run again when their lease expires');
      }
      return { finished: finishedWhileStopping, abandoned: left.length };
    },

    async runOnce(): Promise<number> {
      const jobs = await tick(Math.max(0, concurrency - active.size), true);
      await Promise.all(jobs.map(launch));
      return jobs.length;
    },
  };
}

/** Resolves when `promise` settles or at `deadline` (epoch ms, wall clock), whichever comes first. */
async function within(promise: Promise<unknown>, deadline: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([
      promise.then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A sleep that `wake()` cuts short (a freed slot, stop()). */
function createWaker() {
  let wakeUp: (() => void) | undefined;
  return {
    wait(ms?: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = ms === undefined ? undefined : setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          if (wakeUp === done) wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    },
    wake() {
      wakeUp?.();
    },
  };
}
