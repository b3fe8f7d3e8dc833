import { type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.ts';
import { migrations } from './migrations/index.ts';

/** Brings the schema up to date. The Migrator's lock keeps concurrent instances from running the same migration. */
export async function migrateToLatest(db: Db, options: { schema?: string | undefined } = {}): Promise<string[]> {
  // With a PostgreSQL schema of its own (tests, benchmarks), the migrator's bookkeeping tables live in it too.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  return unwrap(await migrator.migrateToLatest());
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
