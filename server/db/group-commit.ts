import { sql, type Transaction } from 'kysely';
import type { Db } from './database.ts';
import { dialectOf } from './dialect.ts';
import { retryTransient } from './retry.ts';
import type { Database } from './schema.ts';

// Group commit for small writes that arrive many at once (sign-ups on a petition shared widely). Writes that arrive
// while a transaction is running wait and then go together in the next one: each in a savepoint of its own, so one
// that fails (a double submission, a unique key) is rolled back alone and the others are kept; one commit makes them
// all durable, and each caller hears of its own write only after that commit. Under load a batch grows to the number
// of writes that arrived meanwhile, so the cost of a commit (the WAL pages on SQLite, the flush on PostgreSQL) is
// shared instead of paid per request; a lone write goes at once.
//
// Counters many writes bump (an action's taken_count, a community's member_count) are collected per write and applied
// once per batch in a fixed order, so concurrent batches neither queue on one hot row per write nor deadlock.

export type CounterKey = 'actions.taken_count' | 'communities.member_count';

/** Counter increments a write asks for; applied in its batch's transaction just before the commit. */
export type Counters = { add: (key: CounterKey, workspaceId: number, id: number, by: number, at: number) => void };

export type GroupWrite = { trx: Transaction<Database>; counters: Counters };

export type GroupCommit = {
  /** Runs `work` in the next batch's transaction; resolves with its result once that transaction has committed. */
  run: <T>(work: (write: GroupWrite) => Promise<T>) => Promise<T>;
  /** Waits for the writes already handed in. */
  drain: () => Promise<void>;
};

type Pending = { work: (write: GroupWrite) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };

type Tally = Map<string, { key: CounterKey; workspaceId: number; id: number; by: number; at: number }>;

function tally(): { counters: Counters; entries: Tally } {
  const entries: Tally = new Map();
  return {
    entries,
    counters: {
      add: (key, workspaceId, id, by, at) => {
        const name = `${key}|${workspaceId}|${id}`;
        const entry = entries.get(name);
        if (entry) {
          entry.by += by;
          entry.at = Math.max(entry.at, at);
        } else entries.set(name, { key, workspaceId, id, by, at });
      },
    },
  };
}

function merge(into: Tally, from: Tally) {
  for (const [name, entry] of from) {
    const current = into.get(name);
    if (current) {
      current.by += entry.by;
      current.at = Math.max(current.at, entry.at);
    } else into.set(name, { ...entry });
  }
}

async function applyCounters(trx: Transaction<Database>, entries: Tally) {
  // Sorted by table and id: two batches bumping the same rows lock them in the same order.
  const sorted = [...entries.values()].filter((e) => e.by !== 0).sort((a, b) => a.key.localeCompare(b.key) || a.id - b.id);
  for (const e of sorted) {
    if (e.key === 'actions.taken_count') {
      await trx
        .updateTable('actions')
        .set((eb) => ({ taken_count: eb('taken_count', '+', e.by), updated_at: e.at }))
        .where('workspace_id', '=', e.workspaceId)
        .where('id', '=', e.id)
        .execute();
    } else {
      await trx
        .updateTable('communities')
        .set((eb) => ({ member_count: eb('member_count', '+', e.by), updated_at: e.at }))
        .where('workspace_id', '=', e.workspaceId)
        .where('id', '=', e.id)
        .execute();
    }
  }
}

const MAX_BATCH = 64;

/**
 * One writer per process and database. SQLite has one writer, so batches go one at a time; PostgreSQL takes a few
 * batches at once (each on a connection of its own), which keeps its round trips overlapping.
 */
export function createGroupCommit(db: Db, options: { maxBatch?: number; lanes?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? MAX_BATCH;
  const lanes = options.lanes ?? (dialectOf(db) === 'postgres' ? 4 : 1);
  const queue: Pending[] = [];
  const idle: (() => void)[] = [];
  let running = 0;

  async function commit() {
    // The batch is taken when the transaction has its connection, not when it is asked for: on SQLite the reads that
    // come before a write (the page's action, the velocity limits) queue for the same connection, and the writes they
    // lead to join this batch instead of each starting one of their own.
    let batch: Pending[] | undefined;
    let outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await retryTransient(() =>
        db.transaction().execute(async (trx) => {
          batch ??= queue.splice(0, maxBatch);
          outcomes = [];
          const total: Tally = new Map();
          for (const pending of batch) {
            const own = tally();
            // A lone write needs no savepoint: its failure rolls back the whole (one-write) transaction anyway.
            if (batch.length === 1) {
              const value = await pending.work({ trx, counters: own.counters });
              merge(total, own.entries);
              outcomes.push({ ok: true, value });
              continue;
            }
            await sql`savepoint group_write`.execute(trx);
            try {
              const value = await pending.work({ trx, counters: own.counters });
              await sql`release savepoint group_write`.execute(trx);
              merge(total, own.entries);
              outcomes.push({ ok: true, value });
            } catch (error) {
              await sql`rollback to savepoint group_write`.execute(trx);
              await sql`release savepoint group_write`.execute(trx);
              outcomes.push({ ok: false, error });
            }
          }
          await applyCounters(trx, total);
        }),
      );
    } catch (error) {
      // The transaction itself failed (or its only write did): nothing of the batch is stored.
      for (const pending of batch ?? queue.splice(0, maxBatch)) pending.reject(error);
      return;
    }
    batch?.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) pending.resolve(outcome.value);
      else pending.reject(outcome ? outcome.error : new Error('group commit: a write has no outcome'));
    });
  }

  let scheduled = false;
  function pump() {
    // A batch starts on the next turn of the event loop: the requests whose bytes arrived in this turn reach the
    // queue first (SQLite answers synchronously, so a transaction started at once would run to its commit alone).
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      // One transaction per lane at most, and no more lanes busy than there are writes waiting.
      while (running < Math.min(lanes, queue.length)) {
        running += 1;
        void commit().finally(() => {
          running -= 1;
          if (queue.length > 0) pump();
          else if (running === 0) for (const wake of idle.splice(0)) wake();
        });
      }
    });
  }

  return {
    run: <T>(work: (write: GroupWrite) => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        pump();
      }),
    drain: () => (running === 0 && queue.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}
