import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';

/** The inbox: conversations, replies, assignment, notes, tags, canned responses, live updates. */
export function inboxRoutes(_deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  return async () => {};
}
