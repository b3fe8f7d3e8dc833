import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Actions: what an organizer asks members to do (sign, call, show up, answer, share, tell their story). The columns
// every kind shares live here; each kind keeps its own details in tables of its own (signatures, shifts, RSVPs, call
// targets …) and its own settings in `settings` (JSON). Each action has a public page at /p/<workspace>/<kind>/<slug>.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('actions'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('type', 'text', (c) => c.notNull()) // petition | event | call | survey | share | story
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo('')) // one line: link previews, lists
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('')) // paragraphs on the page
    .addColumn('status', 'text', (c) => c.notNull()) // draft | published | closed
    .addColumn('community_id', ts, (c) => c.references('communities.id').onDelete('set null'))
    .addColumn('consent_wording', 'text') // the SMS consent checkbox; NULL: the workspace's default
    .addColumn('next_action_id', ts) // the next step shown after taking part (ladder of engagement)
    .addColumn('share_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('image_url', 'text')
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')) // JSON, per kind
    .addColumn('goal', 'integer')
    .addColumn('taken_count', 'integer', (c) => c.notNull().defaultTo(0)) // signatures, RSVPs, calls … (a counter)
    .addColumn('survey_id', ts, (c) => c.references('surveys.id').onDelete('set null')) // kind 'survey'
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('published_at', ts)
    .addColumn('closed_at', ts)
    .addUniqueConstraint('actions_slug_uq', ['workspace_id', 'slug'])
    .execute();
  await db.schema.createIndex('actions_list_idx').on('actions').columns(['workspace_id', 'type', 'status', 'id']).execute();
  await db.schema
    .createIndex('actions_community_idx')
    .on('actions')
    .columns(['workspace_id', 'community_id'])
    .where(sql.ref('community_id'), 'is not', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('actions').ifExists().execute();
}
