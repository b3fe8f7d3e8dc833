import type { Selectable } from 'kysely';
import type { CallTargetsTable } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';

// SQL of the calls module: the officials dataset, postal code → district, each action's fixed list and the call log.
// Every query filters on workspace_id.

export type CallTargetRow = Selectable<CallTargetsTable>;

const US_ZIP = /^(\d{5})(?:-?\d{4})?$/;

/**
 * A postal code as stored and looked up: upper case without spaces or dashes; a US ZIP+4 becomes its 5 digits.
 * Null when it cannot be a postal code.
 */
export function normalizePostalCode(raw: string, country: string): string | null {
  const trimmed = raw.trim().toUpperCase();
  if (country === 'US') {
    const zip = US_ZIP.exec(trimmed.replace(/\s+/g, ''));
    return zip?.[1] ?? null;
  }
  const compact = trimmed.replace(/[\s-]+/g, '');
  return /^[A-Z0-9]{2,10}$/.test(compact) ? compact : null;
}

/** The key a call is logged under for one person called: their name and number (ids change when a dataset is replaced). */
export const targetKey = (target: Pick<CallTargetRow, 'name' | 'phone'>) => `${target.name}|${target.phone}`;

/** The districts a postal code lies in. */
export async function districtsOf(executor: Executor, workspaceId: number, postalCode: string): Promise<string[]> {
  const rows = await executor
    .selectFrom('call_districts')
    .select('district')
    .where('workspace_id', '=', workspaceId)
    .where('postal_code', '=', postalCode)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.district);
}

/** The officials of the dataset answering for these districts (optionally of some offices only), in file order. */
export async function officialsFor(
  executor: Executor,
  workspaceId: number,
  districts: readonly string[],
  offices: readonly string[] = [],
): Promise<CallTargetRow[]> {
  if (districts.length === 0) return [];
  let query = executor
    .selectFrom('call_targets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('action_id', 'is', null)
    .where('district', 'in', [...districts]);
  if (offices.length > 0) query = query.where('office', 'in', [...offices]);
  return query.orderBy('position').orderBy('id').execute();
}

/** An action's fixed list, in its order. */
export async function fixedTargetsOf(executor: Executor, workspaceId: number, actionId: number): Promise<CallTargetRow[]> {
  return executor
    .selectFrom('call_targets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

/** What a member already logged for an action: target key → outcome. */
export async function loggedOutcomes(executor: Executor, workspaceId: number, actionId: number, memberId: number) {
  const rows = await executor
    .selectFrom('call_logs')
    .select(['target_key', 'outcome'])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .where('member_id', '=', memberId)
    .execute();
  return new Map(rows.map((r) => [r.target_key, r.outcome]));
}

/** The first postal code of the dataset whose districts have officials (of these offices when given), as a sample; null if none. */
export async function samplePostalCode(executor: Executor, workspaceId: number, offices: readonly string[] = []): Promise<string | null> {
  let query = executor
    .selectFrom('call_districts as d')
    .innerJoin('call_targets as t', (join) =>
      join.onRef('t.district', '=', 'd.district').onRef('t.workspace_id', '=', 'd.workspace_id').on('t.action_id', 'is', null),
    )
    .select('d.postal_code')
    .where('d.workspace_id', '=', workspaceId);
  if (offices.length > 0) query = query.where('t.office', 'in', [...offices]);
  const row = await query.orderBy('d.postal_code').limit(1).executeTakeFirst();
  return row?.postal_code ?? null;
}
