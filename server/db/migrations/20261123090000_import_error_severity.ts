import type { AnyDb } from '../dialect.ts';

// The CSV import's report keeps warnings (a row imported with something left out: an invalid phone kept as given, a
// consent answer it could not read) beside errors (a row not imported). errorCount counts rows with an error.
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('import_errors')
    .addColumn('severity', 'text', (c) => c.notNull().defaultTo('error'))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('import_errors').dropColumn('severity').execute();
}
