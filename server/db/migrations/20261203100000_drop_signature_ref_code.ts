import type { AnyDb } from '../dialect.ts';

// A signature's own `ref_code` predates members' share codes (share_codes, the same on every action) and is no longer
// read; dropping it (and its unique index) spares every sign-up a random code and an index entry.
export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('petition_signatures_ref_uq').ifExists().execute();
  await db.schema.alterTable('petition_signatures').dropColumn('ref_code').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('petition_signatures').addColumn('ref_code', 'text').execute();
}
