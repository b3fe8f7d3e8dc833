import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { defineJob, type JobDefinition, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { expandBroadcast } from './expand.ts';

export const BROADCAST_EXPAND_JOB = 'messaging.broadcast_expand';

export const broadcastExpandPayload = z.object({
  broadcastId: z.number().int().positive(),
  workspaceId: z.number().int().positive(),
});

/**
 * `messaging.broadcast_expand`: writes a launched broadcast's messages into the outbox (expand.ts). Enqueued at
 * launch (at the scheduled time for a later one) and on resume; a run for a broadcast that is not (or no longer)
 * expanding does nothing, and a retried run resumes after the last committed batch.
 */
export function createBroadcastExpandJob(deps: { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }): JobDefinition<{
  broadcastId: number;
  workspaceId: number;
}> {
  return defineJob({
    type: BROADCAST_EXPAND_JOB,
    payload: broadcastExpandPayload,
    priority: PRIORITY.bulk,
    maxAttempts: 10,
    timeoutMs: 60 * 60_000,
    backoff: { baseMs: 2_000, capMs: 5 * 60_000 },
    handler: async (payload, context) => {
      await expandBroadcast(deps, { workspaceId: payload.workspaceId, broadcastId: payload.broadcastId, signal: context.signal });
    },
  });
}
