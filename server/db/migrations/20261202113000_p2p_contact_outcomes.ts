import type { AnyDb } from '../dialect.ts';
import { dialectOf, int64 } from '../dialect.ts';

// A P2P contact remembers when the member first replied and when they opted out after the initial, so the campaign's
// replied and opted-out counters count each contact once however many texts follow.
export async function up(db: AnyDb): Promise<void> {
  const ts = int64(dialectOf(db));
  await db.schema.alterTable('p2p_contacts').addColumn('replied_at', ts).execute();
  await db.schema.alterTable('p2p_contacts').addColumn('opted_out_at', ts).execute();
  // Replies and opt-outs find the member's contacts (inbound.job.ts, opt-out.ts).
  await db.schema.createIndex('p2p_contacts_member_idx').on('p2p_contacts').columns(['workspace_id', 'member_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('p2p_contacts_member_idx').ifExists().execute();
  await db.schema.alterTable('p2p_contacts').dropColumn('opted_out_at').execute();
  await db.schema.alterTable('p2p_contacts').dropColumn('replied_at').execute();
}
