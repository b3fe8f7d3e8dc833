import { sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// The job queue (server/jobs/queue.ts). One table for both dialects; the claim query reads
// jobs_claim_idx, the admin view jobs_workspace_idx, the retention job jobs_done_idx.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);

  await withId(db.schema.createTable('jobs'), d)
    // NULL for system jobs (maintenance); deleting a workspace deletes its jobs.
    .addColumn('workspace_id', ts, (c) => c.references('workspaces.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('queued', 'running', 'done', 'dead')`))
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('run_at', ts, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_expires_at', ts)
    .addColumn('locked_by', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .execute();

  // Claim: WHERE state = 'queued' AND run_at <= now ORDER BY priority, run_at, id; also the scan of
  // running jobs whose lease expired (state = 'running').
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['state', 'priority', 'run_at', 'id']).execute();
  // Admin view: a workspace's jobs by state, newest first.
  await db.schema.createIndex('jobs_workspace_idx').on('jobs').columns(['workspace_id', 'state', 'id']).execute();
  // Idempotency keys are unique per type; jobs without a key (NULL) are not indexed at all.
  await db.schema
    .createIndex('jobs_idempotency_idx')
    .on('jobs')
    .columns(['type', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
  // Retention: done jobs by age. Partial, so only rows that reach 'done' pay for it; queries must compare state
  // with the literal 'done' (sql.lit) for SQLite to use it. `state` leads so that SQLite, without statistics,
  // prefers it to jobs_claim_idx.
  await db.schema
    .createIndex('jobs_done_idx')
    .on('jobs')
    .columns(['state', 'finished_at'])
    .where(sql.ref('state'), '=', sql.lit('done'))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('jobs').ifExists().execute();
}
