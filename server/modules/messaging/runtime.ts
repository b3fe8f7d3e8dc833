import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { type Logger, loggable } from '../../lib/logger.ts';
import { checkBroadcasts } from './broadcast-health.ts';
import { createChannelPool, createChannelSink } from './channel-pool.ts';
import { createDispatcher, type DispatcherOptions } from './dispatcher.ts';
import { createStatusWriter } from './ingest.ts';

/**
 * The messaging machinery one process shares between its HTTP side (webhooks) and its worker side (the dispatcher):
 * the adapters of the channel accounts, the group-committing status writer and the sink connection-based providers
 * deliver to.
 */
export function createMessagingRuntime(deps: { db: Kysely<Database>; clock: Clock; logger: Logger; appSecret: string; publicUrl: string }) {
  const statusWriter = createStatusWriter({
    db: deps.db,
    clock: deps.clock,
    appSecret: deps.appSecret,
    logger: deps.logger,
    afterCommit: async (workspaceId, broadcastIds) => checks.request(workspaceId, broadcastIds),
  });
  const checks = createThrottledChecks(deps);
  const sink = createChannelSink({ db: deps.db, clock: deps.clock, appSecret: deps.appSecret, statusWriter });
  const pool = createChannelPool({ db: deps.db, appSecret: deps.appSecret, sink, logger: deps.logger, clock: deps.clock });
  return {
    statusWriter,
    sink,
    pool,
    createDispatcher: (options: Partial<Pick<DispatcherOptions, 'maxInFlight' | 'leaseMs' | 'pollMs' | 'maxAttempts'>> = {}) =>
      createDispatcher({ ...deps, pool, ...options }),
    close: async () => {
      checks.stop();
      await pool.close();
    },
  };
}

const CHECK_EVERY_MS = 500;

/**
 * Completion and failure-spike checks of broadcasts after status callbacks, at most one per broadcast every half
 * second (a burst of thousands of callbacks needs one look, not thousands), with a trailing check so the last
 * callbacks of a broadcast are always looked at.
 */
function createThrottledChecks(deps: { db: Kysely<Database>; clock: Clock; logger: Logger }) {
  const lastCheck = new Map<number, number>();
  const pending = new Map<number, Set<number>>();
  let timer: NodeJS.Timeout | null = null;

  async function run(workspaceId: number, broadcastIds: number[]) {
    const now = Date.now();
    for (const id of broadcastIds) lastCheck.set(id, now);
    await checkBroadcasts(deps.db, { workspaceId, broadcastIds, now: deps.clock.now() }).catch((error: unknown) =>
      deps.logger.warn({ err: loggable(error) }, 'broadcast checks failed'),
    );
  }

  function flushLater() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      const work = [...pending.entries()];
      pending.clear();
      for (const [workspaceId, ids] of work) void run(workspaceId, [...ids]);
    }, CHECK_EVERY_MS);
    timer.unref();
  }

  return {
    async request(workspaceId: number, broadcastIds: number[]) {
      const now = Date.now();
      const due = broadcastIds.filter((id) => now - (lastCheck.get(id) ?? 0) >= CHECK_EVERY_MS);
      const later = broadcastIds.filter((id) => !due.includes(id));
      if (later.length > 0) {
        const set = pending.get(workspaceId) ?? new Set<number>();
        for (const id of later) set.add(id);
        pending.set(workspaceId, set);
        flushLater();
      }
      if (due.length > 0) await run(workspaceId, due);
      if (lastCheck.size > 10_000) lastCheck.clear();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
export type MessagingRuntime = ReturnType<typeof createMessagingRuntime>;
