import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, type Dialect, openDatabase } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { randomToken } from '../../server/lib/tokens.ts';

/** The dialects every store test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDialects(): Dialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export type TestDatabase = DatabaseHandle & {
  /** The URL (and PostgreSQL schema) to open more connections to the same database, e.g. for a second worker. */
  url: string;
  searchPath: string | undefined;
  open: () => DatabaseHandle;
  destroy: () => Promise<void>;
};

/**
 * A fresh, migrated database: a SQLite file in a temporary folder, or a PostgreSQL schema of its own
 * (so test files can run in parallel against one server). `destroy` removes it.
 */
export async function createTestDatabase(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let url: string;
  let searchPath: string | undefined;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'groundswell-test-'));
    url = `sqlite:${join(dir, 'test.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error('TEST_DATABASE_URL is not set');
    url = base;
    searchPath = `t_${randomToken(9)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${searchPath}`);
    await admin.end();
    const schema = searchPath;
    cleanup = async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    };
  }
  const open = () => openDatabase(url, { poolSize: 10, ...(searchPath ? { searchPath } : {}) });
  const handle = open();
  if (options.migrate ?? true) await migrateToLatest(handle.db, { schema: searchPath });
  return {
    ...handle,
    url,
    searchPath,
    open,
    destroy: async () => {
      await handle.close();
      await cleanup();
    },
  };
}
