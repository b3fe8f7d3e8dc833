import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';

/** One-time codes of the join page are kept a week (the velocity limits look back an hour; abuse reviews, a week). */
export const VERIFICATION_CODES_KEPT_MS = 7 * 24 * 3_600_000;

/**
 * Deletes the join page's one-time code rows older than a week: they hold an address, a user agent and hashes of
 * the number, needed for the velocity limits and abuse reviews, not forever. Idempotent: a second run finds nothing.
 */
export function createVerificationCleanupJob({ db, clock }: { db: Db; clock: Clock }) {
  return defineJob({
    type: 'join.delete_old_codes',
    payload: z.object({}),
    priority: PRIORITY.maintenance,
    recurring: { everyMs: 6 * 3_600_000, payload: {} },
    handler: async (_payload, { logger }) => {
      const result = await db
        .deleteFrom('verification_codes')
        .where('created_at', '<', clock.now() - VERIFICATION_CODES_KEPT_MS)
        .executeTakeFirst();
      const deleted = Number(result.numDeletedRows);
      if (deleted > 0) logger.info({ deleted }, 'deleted old one-time codes of the join page');
    },
  });
}
