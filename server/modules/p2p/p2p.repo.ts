import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { dialectOf, forUpdateSkipLocked } from '../../db/dialect.ts';
import type { P2pCampaignStatus, P2pCampaignsTable } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';
import type { Script } from './p2p.schema.ts';

// Campaign rows and their contacts. Counters on the campaign row (contacts, sent, skipped, replied, opted out) move
// in the same transaction as the contact they are about; what is shown per texter and per answer is grouped from the
// campaign's own contacts (p2p_contacts_texter_idx), never from the messages or the activity log.

export type CampaignRow = Selectable<P2pCampaignsTable>;

/** load_cursor once every member of the audience was looked at. */
export const LOAD_DONE = Number.MAX_SAFE_INTEGER;

export function storedScript(textValue: string): Script {
  try {
    const value = JSON.parse(textValue) as Partial<Script>;
    return {
      initial: typeof value.initial === 'string' ? value.initial : '',
      question: typeof value.question === 'string' ? value.question : null,
      answers: Array.isArray(value.answers) ? value.answers : [],
      responses: Array.isArray(value.responses) ? value.responses : [],
    };
  } catch {
    return { initial: '', question: null, answers: [], responses: [] };
  }
}

export async function insertCampaign(executor: Executor, row: Insertable<P2pCampaignsTable>): Promise<CampaignRow> {
  return executor.insertInto('p2p_campaigns').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findCampaign(executor: Executor, workspaceId: number, campaignId: number): Promise<CampaignRow | undefined> {
  return executor
    .selectFrom('p2p_campaigns')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
}

export async function listCampaignRows(executor: Executor, workspaceId: number, statuses?: readonly P2pCampaignStatus[]) {
  let query = executor.selectFrom('p2p_campaigns').selectAll().where('workspace_id', '=', workspaceId);
  if (statuses) query = query.where('status', 'in', [...statuses]);
  return query.orderBy('id', 'desc').limit(500).execute();
}

/** Moves a campaign from one of `from` and applies `set`; undefined when it was not in one of them (a race lost). */
export async function transitionCampaign(
  executor: Executor,
  input: { workspaceId: number; campaignId: number; from: readonly P2pCampaignStatus[]; set: Updateable<P2pCampaignsTable> },
): Promise<CampaignRow | undefined> {
  return executor
    .updateTable('p2p_campaigns')
    .set(input.set)
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.campaignId)
    .where('status', 'in', [...input.from])
    .returningAll()
    .executeTakeFirst();
}

type Counter = 'contact_count' | 'sent_count' | 'skipped_count' | 'replied_count' | 'opted_out_count';

export async function bumpCampaign(executor: Executor, workspaceId: number, campaignId: number, counter: Counter, by: number, at: number) {
  if (by === 0) return;
  await executor
    .updateTable('p2p_campaigns')
    .set((eb) => ({ [counter]: eb(counter, '+', by), updated_at: at }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', campaignId)
    .execute();
}

/** Per texter: contacts handed to them and initials sent; per answer key: contacts tagged with it. */
export async function contactBreakdown(executor: Executor, workspaceId: number, campaignId: number) {
  const rows = await executor
    .selectFrom('p2p_contacts')
    .select(['texter_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .groupBy(['texter_id', 'status'])
    .execute();
  const answers = await executor
    .selectFrom('p2p_contacts')
    .select(['answer', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('answer', 'is not', null)
    .groupBy('answer')
    .execute();
  const texterIds = [...new Set(rows.map((r) => r.texter_id).filter((id): id is number => id !== null))];
  const names = new Map<number, string>();
  if (texterIds.length > 0) {
    for (const user of await executor.selectFrom('users').select(['id', 'name']).where('id', 'in', texterIds).execute()) {
      names.set(Number(user.id), user.name);
    }
  }
  return {
    rows: rows.map((r) => ({ texterId: r.texter_id === null ? null : Number(r.texter_id), status: r.status, count: Number(r.n) })),
    answers: Object.fromEntries(answers.map((a) => [a.answer as string, Number(a.n)])),
    names,
  };
}

/**
 * Hands the next `limit` pending contacts to a texter, atomically: on PostgreSQL the candidates are locked with SKIP
 * LOCKED, so two texters taking at once get different contacts and never wait on each other; SQLite has one writer.
 * Returns how many were taken.
 */
export async function claimContacts(
  executor: Executor,
  input: { workspaceId: number; campaignId: number; texterId: number; limit: number; now: number },
): Promise<number> {
  if (input.limit <= 0) return 0;
  const lock = forUpdateSkipLocked(dialectOf(executor));
  const taken = await executor
    .updateTable('p2p_contacts')
    .set({ status: 'assigned', texter_id: input.texterId, assigned_at: input.now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('p2p_contacts')
        .select('id')
        .where('workspace_id', '=', input.workspaceId)
        .where('campaign_id', '=', input.campaignId)
        .where('status', '=', 'pending')
        .orderBy('id')
        .limit(input.limit)
        .$call(lock),
    )
    // Re-checked on the row itself: a contact taken meanwhile (READ COMMITTED re-reads it) stays with its texter.
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return taken.length;
}

/** Contacts of the campaign no texter has taken yet. */
export async function countPending(executor: Executor, workspaceId: number, campaignId: number): Promise<number> {
  const row = await executor
    .selectFrom('p2p_contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Messages counted by the workspace's frequency cap that the member got since `since` (P2P initials included). */
export async function recentTexts(executor: Executor, workspaceId: number, memberId: number, since: number): Promise<number> {
  const row = await executor
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .where('direction', '=', 'out')
    .where('kind', 'in', ['broadcast', 'automation', 'p2p'])
    .where('state', '<>', 'cancelled')
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The P2P campaign the member's conversation belongs to, if any (set by the initial a texter sent). */
async function conversationCampaign(executor: Executor, workspaceId: number, memberId: number): Promise<number | null> {
  const row = await executor
    .selectFrom('conversations')
    .select('campaign_id')
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return row?.campaign_id == null ? null : Number(row.campaign_id);
}

/**
 * A member's text reached the inbox: when their conversation came from a P2P initial, the campaign counts a reply —
 * once per contact, however many texts follow.
 */
export async function countP2pReply(executor: Executor, input: { workspaceId: number; memberId: number; at: number }): Promise<void> {
  await markOutcome(executor, input, 'replied_at', 'replied_count');
}

/** The member opted out: the campaign whose initial opened their conversation counts it, once per contact. */
export async function countP2pOptOut(executor: Executor, input: { workspaceId: number; memberId: number; at: number }): Promise<void> {
  await markOutcome(executor, input, 'opted_out_at', 'opted_out_count');
}

async function markOutcome(
  executor: Executor,
  input: { workspaceId: number; memberId: number; at: number },
  column: 'replied_at' | 'opted_out_at',
  counter: 'replied_count' | 'opted_out_count',
) {
  const campaignId = await conversationCampaign(executor, input.workspaceId, input.memberId);
  if (campaignId === null) return;
  const marked = await executor
    .updateTable('p2p_contacts')
    .set({ [column]: input.at })
    .where('workspace_id', '=', input.workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('member_id', '=', input.memberId)
    .where('status', '=', 'sent')
    .where(column, 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (marked) await bumpCampaign(executor, input.workspaceId, campaignId, counter, 1, input.at);
}

/** The contacts of a texter's latest batch (those handed over by their last take). */
export async function latestBatch(executor: Executor, workspaceId: number, campaignId: number, texterId: number) {
  const rows = await executor
    .selectFrom('p2p_contacts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('texter_id', '=', texterId)
    .where('assigned_at', '=', (eb) =>
      eb
        .selectFrom('p2p_contacts as x')
        .select((e) => e.fn.max('x.assigned_at').as('at'))
        .where('x.workspace_id', '=', workspaceId)
        .where('x.campaign_id', '=', campaignId)
        .where('x.texter_id', '=', texterId),
    )
    .groupBy('status')
    .execute();
  const by = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { size: by('assigned') + by('sent') + by('skipped'), sent: by('sent'), skipped: by('skipped') };
}

/** Per campaign: the texter's unsent and sent contacts. */
export async function texterCounts(executor: Executor, workspaceId: number, campaignIds: readonly number[], texterId: number) {
  const out = new Map<number, { assigned: number; sent: number }>();
  if (campaignIds.length === 0) return out;
  const rows = await executor
    .selectFrom('p2p_contacts')
    .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', 'in', [...campaignIds])
    .where('texter_id', '=', texterId)
    .where('status', 'in', ['assigned', 'sent'])
    .groupBy(['campaign_id', 'status'])
    .execute();
  for (const row of rows) {
    const id = Number(row.campaign_id);
    const entry = out.get(id) ?? { assigned: 0, sent: 0 };
    if (row.status === 'assigned') entry.assigned = Number(row.n);
    else entry.sent = Number(row.n);
    out.set(id, entry);
  }
  return out;
}

/** Pending contacts per campaign. */
export async function pendingCounts(executor: Executor, workspaceId: number, campaignIds: readonly number[]) {
  const out = new Map<number, number>();
  if (campaignIds.length === 0) return out;
  const rows = await executor
    .selectFrom('p2p_contacts')
    .select(['campaign_id', sql<number>`count(*)`.as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', 'in', [...campaignIds])
    .where('status', '=', 'pending')
    .groupBy('campaign_id')
    .execute();
  for (const row of rows) out.set(Number(row.campaign_id), Number(row.n));
  return out;
}
