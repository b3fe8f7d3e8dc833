import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// One-time codes sent by SMS from the public join page. Codes and phone numbers are stored only as keyed hashes; the
// velocity limits against SMS pumping (per number, per IP, per number prefix, per hour) count rows here, hence the
// three (workspace_id, …, created_at) indexes.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);

  await withId(db.schema.createTable('verification_codes'), d)
    .addColumn('workspace_id', ts, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique()) // SHA-256 of the random token the code form carries
    .addColumn('phone_hash', 'text', (c) => c.notNull()) // keyed hash (addressHash) of the E.164 number
    .addColumn('phone_prefix', 'text', (c) => c.notNull()) // first 7 digits of the E.164 number
    .addColumn('code_hash', 'text', (c) => c.notNull()) // keyed hash of token + code
    .addColumn('community_id', ts, (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('wording', 'text', (c) => c.notNull()) // the consent wording shown beside the checkbox
    .addColumn('source_url', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull()) // JSON: what the form gave (first name, email, postal code)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('consumed_at', ts)
    .execute();
  await db.schema
    .createIndex('verification_codes_phone_idx')
    .on('verification_codes')
    .columns(['workspace_id', 'phone_hash', 'created_at'])
    .execute();
  await db.schema.createIndex('verification_codes_ip_idx').on('verification_codes').columns(['workspace_id', 'ip', 'created_at']).execute();
  await db.schema
    .createIndex('verification_codes_prefix_idx')
    .on('verification_codes')
    .columns(['workspace_id', 'phone_prefix', 'created_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('verification_codes').ifExists().execute();
}
