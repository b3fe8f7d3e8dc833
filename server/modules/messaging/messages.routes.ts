import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { randomToken } from '../../lib/tokens.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { displayName } from '../members/members.repo.ts';
import { getDefaultSender } from './channels.repo.ts';
import { storeInbound } from './ingest.ts';

const id = z.coerce.number().int().positive();

const listQuery = z.object({
  memberId: id.optional(),
  broadcastId: id.optional(),
  direction: z.enum(['in', 'out']).optional(),
  flagged: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: id.optional(),
});

const message = z.object({
  id: z.number(),
  direction: z.enum(['in', 'out']),
  channel: z.enum(['sms', 'email']),
  kind: z.string(),
  memberId: z.number().nullable(),
  memberName: z.string().nullable(),
  broadcastId: z.number().nullable(),
  to: z.string(),
  from: z.string(),
  body: z.string(),
  segments: z.number(),
  state: z.string(),
  errorCode: z.string().nullable(),
  flag: z.string().nullable(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
});

const simulatedInbound = z.object({
  from: z.string().trim().min(1, 'enter the phone number the text comes from').max(40),
  body: z.string().trim().min(1, 'enter the text').max(1_600),
});

/** Recent messages (a member's thread, a broadcast's sends, the simulator's phone) and texting in as a member. */
export function messagesRoutes(deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  const { db, clock } = deps;
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/messages',
      {
        config: { access: 'messaging.read' },
        schema: {
          tags: ['messages'],
          summary: 'Recent messages, newest first, optionally of one member or broadcast; `before` pages back',
          params: workspaceParams,
          querystring: listQuery,
          response: { 200: z.object({ messages: z.array(message) }) },
        },
      },
      async (request) => {
        const { workspaceId } = tenantOf(request);
        const q = request.query;
        let query = db
          .selectFrom('messages as m')
          .leftJoin('members as p', (join) => join.onRef('p.id', '=', 'm.member_id').on('p.workspace_id', '=', workspaceId))
          .select([
            'm.id',
            'm.direction',
            'm.channel',
            'm.kind',
            'm.member_id',
            'm.broadcast_id',
            'm.to_address',
            'm.from_address',
            'm.body',
            'm.segments',
            'm.state',
            'm.error_code',
            'm.flag',
            'm.created_at',
            'm.sent_at',
            'm.delivered_at',
            'p.first_name',
            'p.last_name',
          ])
          .where('m.workspace_id', '=', workspaceId)
          .orderBy('m.id', 'desc')
          .limit(q.limit);
        if (q.memberId !== undefined) query = query.where('m.member_id', '=', q.memberId);
        if (q.broadcastId !== undefined) query = query.where('m.broadcast_id', '=', q.broadcastId);
        if (q.direction !== undefined) query = query.where('m.direction', '=', q.direction);
        if (q.flagged === 'true') query = query.where('m.flag', 'is not', null);
        if (q.before !== undefined) query = query.where('m.id', '<', q.before);
        const rows = await query.execute();
        return {
          messages: rows.map((row) => ({
            id: row.id,
            direction: row.direction,
            channel: row.channel,
            kind: row.kind,
            memberId: row.member_id,
            memberName:
              row.member_id === null ? null : displayName({ id: row.member_id, first_name: row.first_name, last_name: row.last_name }),
            broadcastId: row.broadcast_id,
            to: row.to_address,
            from: row.from_address,
            body: row.body,
            segments: row.segments,
            state: row.state,
            errorCode: row.error_code,
            flag: row.flag,
            createdAt: row.created_at,
            sentAt: row.sent_at,
            deliveredAt: row.delivered_at,
          })),
        };
      },
    );

    app.post(
      '/api/workspaces/:workspaceId/simulator/inbound',
      {
        config: { access: 'simulator.use' },
        schema: {
          tags: ['messages'],
          summary: 'Text the workspace as a member would, through the built-in simulator (its default SMS sender must be the simulator)',
          params: workspaceParams,
          body: simulatedInbound,
          response: { 202: z.object({ messageId: z.number() }) },
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const workspace = await db
          .selectFrom('workspaces')
          .select('default_country')
          .where('id', '=', workspaceId)
          .executeTakeFirstOrThrow();
        const phone = normalizePhone(request.body.from, workspace.default_country);
        if (!phone.ok) {
          throw new AppError({
            code: 'request.invalid',
            status: 400,
            message: 'The phone number is not valid.',
            fields: [{ path: 'from', message: phone.message }],
          });
        }
        const sender = await getDefaultSender(db, workspaceId, 'sms');
        const account = sender
          ? await db
              .selectFrom('channel_accounts')
              .select(['id', 'workspace_id', 'provider'])
              .where('workspace_id', '=', workspaceId)
              .where('id', '=', sender.channel_account_id)
              .executeTakeFirst()
          : undefined;
        if (!sender || account?.provider !== 'simulator') {
          throw new AppError({
            code: 'simulator.unavailable',
            status: 409,
            message: "The workspace's default SMS sender is not the simulator, so there is no simulated phone to text from.",
          });
        }
        const now = clock.now();
        const stored = await db.transaction().execute((trx) =>
          storeInbound(
            trx,
            account,
            [
              {
                providerId: `SIMIN${randomToken(12)}`,
                from: phone.e164,
                to: sender.address,
                body: request.body.body,
                mediaUrls: [],
                receivedAt: now,
              },
            ],
            now,
          ),
        );
        return reply.status(202).send({ messageId: stored[0] as number });
      },
    );
  };
}
