import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';

/** Peer-to-peer campaigns: the organizer's setup and the texter's queue. */
export function p2pRoutes(_deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  return async () => {};
}
