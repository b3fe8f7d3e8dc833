import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';

const DAY = 24 * 3_600_000;

/**
 * Deletes sessions that expired more than a day ago (kept that long so a returning person is told "expired", not
 * "sign in"). Idempotent: a second run finds nothing.
 */
export function createSessionsCleanupJob({ db, clock }: { db: Db; clock: Clock }) {
  return defineJob({
    type: 'sessions.delete_expired',
    payload: z.object({}),
    priority: PRIORITY.maintenance,
    recurring: { everyMs: DAY / 4, payload: {} },
    handler: async (_payload, { logger }) => {
      const result = await db
        .deleteFrom('sessions')
        .where('expires_at', '<', clock.now() - DAY)
        .executeTakeFirst();
      const deleted = Number(result.numDeletedRows);
      if (deleted > 0) logger.info({ deleted }, 'deleted expired sessions');
    },
  });
}
