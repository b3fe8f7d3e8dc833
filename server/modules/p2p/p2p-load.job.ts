import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, type JobDefinition, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { audienceWindow, resolveAudience } from '../messaging/audience.ts';
import { storedAudience } from '../messaging/broadcasts.repo.ts';
import { findCampaign, LOAD_DONE } from './p2p.repo.ts';

// Loading a launched campaign's contacts: the audience streams in windows of member ids after load_cursor (the same
// keyset reading as a broadcast's expansion); members who can be texted (SMS consent granted, a mobile number) become
// pending contacts. One transaction per window moves the cursor with the rows it wrote, so a run that stops resumes
// after the last window, and the unique (campaign_id, member_id) makes a window written twice land once. The campaign
// turns 'active' when the audience is exhausted; a pause or close meanwhile stops the run between windows.

export const P2P_LOAD_JOB = 'p2p.load_contacts';

/** Members of the workspace read per window. */
export const LOAD_WINDOW = 2_000;

const payload = z.object({ workspaceId: z.number().int().positive(), campaignId: z.number().int().positive() });

export type LoadResult = { outcome: 'done' | 'stopped'; loaded: number };

export async function loadCampaign(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: number; campaignId: number; signal?: AbortSignal; windowSize?: number },
): Promise<LoadResult> {
  const { db, clock } = deps;
  const { workspaceId, campaignId } = input;
  const row = await findCampaign(db, workspaceId, campaignId);
  if (row?.status !== 'loading') return { outcome: 'stopped', loaded: 0 };
  const audience = await resolveAudience(db, workspaceId, storedAudience(row.audience));
  let cursor = row.load_cursor;
  let loaded = 0;
  while (cursor !== LOAD_DONE) {
    if (input.signal?.aborted) throw input.signal.reason ?? new Error('the load was stopped');
    const from = cursor;
    const next = await db.transaction().execute(async (trx) => {
      const now = clock.now();
      // The campaign row first: a pause or close committed meanwhile is seen here; another run ahead moved the cursor.
      const claimed = await trx
        .updateTable('p2p_campaigns')
        .set({ updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', campaignId)
        .where('status', '=', 'loading')
        .where('load_cursor', '=', from)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return null;
      const window = await audienceWindow(trx, workspaceId, audience, from, input.windowSize ?? LOAD_WINDOW, {
        only: { names: false, email: false, postalCode: false },
      });
      const reachable = window.members.filter((m) => m.skip === null);
      let inserted = 0;
      if (reachable.length > 0) {
        const rows = await trx
          .insertInto('p2p_contacts')
          .values(
            reachable.map((m) => ({
              workspace_id: workspaceId,
              campaign_id: campaignId,
              member_id: m.id,
              texter_id: null,
              status: 'pending' as const,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['campaign_id', 'member_id']).doNothing())
          .returning('id')
          .execute();
        inserted = rows.length;
      }
      const last = window.upTo === null ? LOAD_DONE : window.upTo;
      await trx
        .updateTable('p2p_campaigns')
        .set((eb) => ({
          load_cursor: last,
          contact_count: eb('contact_count', '+', inserted),
          ...(last === LOAD_DONE ? { status: 'active' as const } : {}),
        }))
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', campaignId)
        .execute();
      return { cursor: last, inserted };
    });
    if (next === null) {
      const current = await findCampaign(db, workspaceId, campaignId);
      if (current?.status !== 'loading') return { outcome: 'stopped', loaded };
      cursor = current.load_cursor;
      continue;
    }
    cursor = next.cursor;
    loaded += next.inserted;
    // SQLite's driver is synchronous: let HTTP requests in between windows.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { outcome: 'done', loaded };
}

/**
 * `p2p.load_contacts`: writes a launched campaign's contacts. Enqueued at launch and on resume of a campaign paused
 * while loading; a run for a campaign that is not loading does nothing.
 */
export function createP2pLoadJob(deps: { db: Db; clock: Clock }): JobDefinition<{ workspaceId: number; campaignId: number }> {
  return defineJob({
    type: P2P_LOAD_JOB,
    payload,
    priority: PRIORITY.bulk,
    maxAttempts: 10,
    timeoutMs: 30 * 60_000,
    backoff: { baseMs: 2_000, capMs: 5 * 60_000 },
    handler: async (p, context) => {
      await loadCampaign(deps, { workspaceId: p.workspaceId, campaignId: p.campaignId, signal: context.signal });
    },
  });
}
