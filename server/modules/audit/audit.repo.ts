import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type AuditInput = {
  workspaceId: number | null;
  actor: Actor | { type: 'user'; userId: number } | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  ip?: string | null;
  data?: Record<string, unknown>;
  at: number;
};

/** Appends a security-relevant event. Never pass secrets, tokens or phone numbers in `data`. */
export async function recordAudit(db: Executor, entry: AuditInput): Promise<void> {
  await db
    .insertInto('audit_entries')
    .values({
      workspace_id: entry.workspaceId,
      actor_user_id: entry.actor?.type === 'user' ? entry.actor.userId : null,
      actor_api_key_id: entry.actor?.type === 'api_key' ? entry.actor.apiKeyId : null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined ? null : String(entry.targetId),
      ip: entry.ip ?? null,
      data: entry.data ? JSON.stringify(entry.data) : null,
      created_at: entry.at,
    })
    .execute();
}

export async function listAudit(db: Executor, query: { workspaceId: number; before?: number | undefined; limit: number }) {
  let q = db
    .selectFrom('audit_entries as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .leftJoin('api_keys as k', (join) => join.onRef('k.id', '=', 'a.actor_api_key_id').on('k.workspace_id', '=', query.workspaceId))
    .select([
      'a.id',
      'a.action',
      'a.actor_user_id',
      'a.actor_api_key_id',
      'u.name as user_name',
      'k.name as api_key_name',
      'a.target_type',
      'a.target_id',
      'a.ip',
      'a.data',
      'a.created_at',
    ])
    .where('a.workspace_id', '=', query.workspaceId)
    .orderBy('a.id', 'desc')
    .limit(query.limit + 1);
  if (query.before !== undefined) q = q.where('a.id', '<', query.before);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return { rows: page, nextBefore: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}
