import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, type Dialect, openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { randomToken } from '../server/lib/tokens.ts';

// A fresh, migrated database per benchmark, like test/helpers/db.ts: a SQLite file in a temporary folder, or a
// PostgreSQL schema `bench_<random>` of its own. It is dropped afterwards, and on Ctrl-C (see dropAllBenchDatabases).

export type BenchDatabase = DatabaseHandle & {
  /** Another handle on the same database (its own pool). */
  open: () => DatabaseHandle;
  destroy: () => Promise<void>;
};

/** The PostgreSQL server cannot be reached: a setup problem, reported without a stack. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

const live = new Set<BenchDatabase>();

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}

export async function createBenchDatabase(dialect: Dialect, postgresUrl: string): Promise<BenchDatabase> {
  let url: string;
  let searchPath: string | undefined;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'groundswell-bench-'));
    url = `sqlite:${join(dir, 'bench.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    url = postgresUrl;
    const schema = `bench_${randomToken(9)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`;
    searchPath = schema;
    await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
    cleanup = () => withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  }
  const open = () => openDatabase(url, { poolSize: 10, ...(searchPath ? { searchPath } : {}) });
  const handle = open();
  let destroyed = false;
  const database: BenchDatabase = {
    ...handle,
    open,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      live.delete(database);
      try {
        await handle.close();
      } finally {
        await cleanup();
      }
    },
  };
  live.add(database);
  try {
    await migrateToLatest(handle.db, { schema: searchPath });
  } catch (error) {
    await database.destroy();
    throw error;
  }
  return database;
}

/** Drops every benchmark database still open (an interrupted run). */
export async function dropAllBenchDatabases(): Promise<void> {
  await Promise.allSettled([...live].map((database) => database.destroy()));
}

async function withClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnreachableError(
      `PostgreSQL at ${describeUrl(url)} is not reachable (${reason}). Start it, or pass --database-url (or set BENCH_DATABASE_URL).`,
      { cause: error },
    );
  }
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
