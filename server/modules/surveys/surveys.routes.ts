import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';

/** SMS surveys: questions, opening and closing, live results. */
export function surveysRoutes(_deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  return async () => {};
}
