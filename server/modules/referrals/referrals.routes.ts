import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';
import { recruitmentTree, tallyOf } from './referrals.repo.ts';

// Who recruited whom: a member's recruitment tree (two generations) and the workspace's top recruiters and
// communities, all read from the roll-up counters and the referrals table (never from the activity log).

const counts = { recruits: z.number(), conversions: z.number(), shares: z.number() };
const person = z.object({ id: z.number(), name: z.string() });
const recruit = person.extend({
  actionId: z.number(),
  actionTitle: z.string(),
  source: z.string().nullable(),
  referredAt: z.number(),
});

const treeView = z.object({
  member: person.extend({ shareCode: z.string().nullable(), referredBy: person.nullable(), ...counts }),
  recruits: z.array(recruit.extend({ recruitCount: z.number(), recruits: z.array(recruit) })),
  direct: z.number().describe('People this member brought (first recruitments)'),
  secondGeneration: z.number().describe('People their recruits brought in turn'),
});

const leadersView = z.object({
  members: z.array(person.extend(counts)),
  communities: z.array(z.object({ id: z.number(), name: z.string(), ...counts })),
});

const nameOf = (row: { first_name: string | null; last_name: string | null }, id: number) =>
  [row.first_name, row.last_name].filter(Boolean).join(' ') || `Member #${id}`;

export function referralsRoutes({ db }: { db: Db }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/members/:memberId/referrals',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['referrals'],
          summary: 'A member’s recruitment tree: the people they brought and the people those brought, with counts',
          params: workspaceParams.extend({ memberId: idParam }),
          response: { 200: treeView },
        },
      },
      async (request) => {
        const { workspaceId } = tenantOf(request);
        const { memberId } = request.params;
        const member = await db
          .selectFrom('members')
          .select(['id', 'first_name', 'last_name', 'referred_by'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', memberId)
          .where('erased_at', 'is', null)
          .executeTakeFirst();
        if (!member)
          throw new AppError({ code: 'member.not_found', status: 404, message: 'There is no member with this id in the workspace.' });
        const referrer =
          member.referred_by === null
            ? undefined
            : await db
                .selectFrom('members')
                .select(['id', 'first_name', 'last_name'])
                .where('workspace_id', '=', workspaceId)
                .where('id', '=', member.referred_by)
                .where('erased_at', 'is', null)
                .executeTakeFirst();
        const code = await db
          .selectFrom('share_codes')
          .select('code')
          .where('workspace_id', '=', workspaceId)
          .where('member_id', '=', memberId)
          .executeTakeFirst();
        const tree = await recruitmentTree(db, workspaceId, memberId);
        const view = (row: (typeof tree.direct)[number]) => ({
          id: row.member_id,
          name: nameOf(row, row.member_id),
          actionId: row.action_id,
          actionTitle: row.action_title,
          source: row.source,
          referredAt: row.created_at,
        });
        return {
          member: {
            id: member.id,
            name: nameOf(member, member.id),
            shareCode: code?.code ?? null,
            referredBy: referrer ? { id: referrer.id, name: nameOf(referrer, referrer.id) } : null,
            ...tree.tallies(member.id),
          },
          recruits: tree.direct.map((row) => {
            const children = tree.second.filter((s) => s.referrer_id === row.member_id);
            return { ...view(row), recruitCount: tree.tallies(row.member_id).recruits, recruits: children.map(view) };
          }),
          direct: tree.tallies(member.id).recruits,
          secondGeneration: tree.direct.reduce((sum, row) => sum + tree.tallies(row.member_id).recruits, 0),
        };
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/referrals',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['referrals'],
          summary: 'Top recruiters and the communities that grow most by referral (from roll-up counters)',
          params: workspaceParams,
          response: { 200: leadersView },
        },
      },
      async (request) => {
        const { workspaceId } = tenantOf(request);
        const top = (scope: 'member' | 'community') =>
          db
            .selectFrom('referral_tallies')
            .select('scope_id')
            .where('workspace_id', '=', workspaceId)
            .where('scope', '=', scope)
            .orderBy('recruits', 'desc')
            .orderBy('conversions', 'desc')
            .orderBy('shares', 'desc')
            .orderBy('scope_id')
            .limit(20)
            .execute();
        const memberIds = (await top('member')).map((r) => Number(r.scope_id));
        const communityIds = (await top('community')).map((r) => Number(r.scope_id));
        const memberTallies = await tallyOf(db, workspaceId, 'member', memberIds);
        const communityTallies = await tallyOf(db, workspaceId, 'community', communityIds);
        const members =
          memberIds.length === 0
            ? []
            : await db
                .selectFrom('members')
                .select(['id', 'first_name', 'last_name'])
                .where('workspace_id', '=', workspaceId)
                .where('id', 'in', memberIds)
                .where('erased_at', 'is', null)
                .execute();
        const communities =
          communityIds.length === 0
            ? []
            : await db
                .selectFrom('communities')
                .select(['id', 'name'])
                .where('workspace_id', '=', workspaceId)
                .where('id', 'in', communityIds)
                .execute();
        return {
          members: memberIds.flatMap((id) => {
            const m = members.find((row) => row.id === id);
            return m ? [{ id, name: nameOf(m, id), ...memberTallies(id) }] : [];
          }),
          communities: communityIds.flatMap((id) => {
            const c = communities.find((row) => row.id === id);
            return c ? [{ id, name: c.name, ...communityTallies(id) }] : [];
          }),
        };
      },
    );
  };
}
