import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';

/** Keyword triggers: list, create, edit, delete. */
export function keywordsRoutes(_deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  return async () => {};
}
