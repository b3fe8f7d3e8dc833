import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Keys of a broadcast's report counters (broadcast_stats). Each is bumped in the transaction of the change it counts.
 * - queued: messages written to the outbox; finished: messages that left it for good (accepted, failed at send,
 *   unknown, cancelled) — the broadcast is complete when finished reaches queued;
 * - sent (accepted by the provider), delivered, failed, `failed:<code>`, unknown (current; −1 when resolved), cancelled;
 * - clicked (members who clicked, first click per link), clicks (every click), replied, opted_out, cost_micros;
 * - skipped_no_consent, skipped_opted_out, skipped_no_address, skipped_landline, skipped_frequency_cap (at expansion);
 * - held_out: members of the audience held out of the send for the lift report (at expansion; neither queued nor skipped).
 */
export type StatKey =
  | 'queued'
  | 'finished'
  | 'sent'
  | 'delivered'
  | 'failed'
  | `failed:${string}`
  | 'unknown'
  | 'cancelled'
  | 'clicked'
  | 'clicks'
  | 'replied'
  | 'opted_out'
  | 'cost_micros'
  | 'skipped_no_consent'
  | 'skipped_opted_out'
  | 'skipped_no_address'
  | 'skipped_landline'
  | 'skipped_frequency_cap'
  | 'held_out';

/** Adds the given amounts (may be negative) to a broadcast's counters; zero amounts are skipped. */
export async function bumpStats(
  executor: Executor,
  workspaceId: number,
  broadcastId: number,
  amounts: Partial<Record<StatKey, number>>,
): Promise<void> {
  const rows = Object.entries(amounts)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] !== 0)
    .map(([key, value]) => ({ broadcast_id: broadcastId, workspace_id: workspaceId, key, value }))
    // Always the same lock order: two writers bumping one broadcast's counters never deadlock (PostgreSQL).
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (rows.length === 0) return;
  await executor
    .insertInto('broadcast_stats')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['broadcast_id', 'key']).doUpdateSet((eb) => ({ value: eb('broadcast_stats.value', '+', eb.ref('excluded.value')) })),
    )
    .execute();
}

/** Every counter of a broadcast, missing ones as 0 when read through `get`. */
export async function readStats(executor: Executor, workspaceId: number, broadcastId: number): Promise<Map<string, number>> {
  const rows = await executor
    .selectFrom('broadcast_stats')
    .select(['key', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .execute();
  return new Map(rows.map((row) => [row.key, Number(row.value)]));
}
