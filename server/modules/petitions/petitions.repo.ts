import { sql } from 'kysely';
import type { ActionRow } from '../actions/actions.repo.ts';
import type { Executor } from '../members/members.repo.ts';

// SQL for petition settings and signatures. Functions take `db | trx` first and filter every query on workspace_id.

/** What a petition keeps in `actions.settings` (JSON). */
export type PetitionSettings = { target: string; letter: string; askComment: boolean; showSigners: boolean };

export const DEFAULT_SETTINGS: PetitionSettings = { target: '', letter: '', askComment: true, showSigners: true };

export function settingsOf(row: Pick<ActionRow, 'settings'>): PetitionSettings {
  try {
    const value = JSON.parse(row.settings) as Partial<PetitionSettings>;
    return {
      target: typeof value.target === 'string' ? value.target : DEFAULT_SETTINGS.target,
      letter: typeof value.letter === 'string' ? value.letter : DEFAULT_SETTINGS.letter,
      askComment: typeof value.askComment === 'boolean' ? value.askComment : DEFAULT_SETTINGS.askComment,
      showSigners: typeof value.showSigners === 'boolean' ? value.showSigners : DEFAULT_SETTINGS.showSigners,
    };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

/** The latest signers who chose to be shown: first name and place only. */
export async function publicSigners(executor: Executor, workspaceId: number, actionId: number, limit: number) {
  return executor
    .selectFrom('petition_signatures')
    .select(['public_name', 'public_place', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .where('public', '=', 1)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findSignature(executor: Executor, workspaceId: number, actionId: number, memberId: number) {
  return executor
    .selectFrom('petition_signatures')
    .select(['id', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
}

/** Signatures of the last window from one address and from one number prefix (the velocity limits), in one query. */
export async function recentSignatures(
  executor: Executor,
  workspaceId: number,
  input: { ip: string; prefix: string | null; since: number },
): Promise<{ ip: number; prefix: number }> {
  const recent = (column: 'ip' | 'phone_prefix', value: string) =>
    executor
      .selectFrom('petition_signatures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where(column, '=', value)
      .where('created_at', '>', input.since);
  const row = await executor
    .selectNoFrom(() => [
      recent('ip', input.ip).as('ip'),
      ...(input.prefix === null ? [] : [recent('phone_prefix', input.prefix).as('prefix')]),
    ])
    .executeTakeFirstOrThrow();
  const counts = row as { ip: number | null; prefix?: number | null };
  return { ip: Number(counts.ip ?? 0), prefix: Number(counts.prefix ?? 0) };
}

const DAY_MS = 86_400_000;

/** Signatures with their signer, newest first (the results page and the CSV export, which pages with `before`). */
export async function signaturesWithMembers(
  executor: Executor,
  workspaceId: number,
  actionId: number,
  options: { limit: number; before?: number },
) {
  let query = executor
    .selectFrom('petition_signatures as s')
    .innerJoin('members as m', (join) => join.onRef('m.id', '=', 's.member_id').onRef('m.workspace_id', '=', 's.workspace_id'))
    .select([
      's.id',
      's.member_id',
      's.comment',
      's.public',
      's.source',
      's.medium',
      's.ref',
      's.created_at',
      'm.first_name',
      'm.last_name',
      'm.email',
      'm.phone',
      'm.postal_code',
    ])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.action_id', '=', actionId)
    .orderBy('s.id', 'desc')
    .limit(options.limit);
  if (options.before !== undefined) query = query.where('s.id', '<', options.before);
  return query.execute();
}

/** Signatures per UTC day over the last `days` days. */
export async function signaturesPerDay(executor: Executor, workspaceId: number, actionId: number, since: number) {
  const day = sql<number>`(created_at / ${sql.lit(DAY_MS)})`;
  const rows = await executor
    .selectFrom('petition_signatures')
    .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .where('created_at', '>=', since)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((row) => ({ day: new Date(Math.floor(Number(row.day)) * DAY_MS).toISOString().slice(0, 10), count: Number(row.n) }));
}
