import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  addMembersInput,
  community,
  communityInput,
  communityMember,
  communityParams,
  communityPatch,
  listCommunitiesQuery,
  listMembersQuery,
  membershipParams,
  membershipPatch,
} from './communities.schema.ts';
import type { CommunitiesService } from './communities.service.ts';

/** Communities (network → chapter → micro-community), their keywords and memberships. */
export function communitiesRoutes({ communities }: { communities: CommunitiesService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/communities',
      {
        config: { access: 'communities.read' },
        schema: {
          tags: ['communities'],
          summary: 'Every community of the workspace as a flat list (parentId links build the tree), with direct and rolled-up counts',
          params: workspaceParams,
          querystring: listCommunitiesQuery,
          response: { 200: z.object({ communities: z.array(community) }) },
        },
      },
      async (request) => ({
        communities: await communities.list(tenantOf(request).workspaceId, { includeArchived: request.query.includeArchived }),
      }),
    );

    app.post(
      '/api/workspaces/:workspaceId/communities',
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['communities'],
          summary: 'Create a community; the slug comes from the name when omitted; keywords are unique in the workspace',
          params: workspaceParams,
          body: communityInput,
          response: { 201: community },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await communities.create(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/communities/:communityId',
      {
        config: { access: 'communities.read' },
        schema: { tags: ['communities'], summary: 'One community', params: communityParams, response: { 200: community } },
      },
      async (request) => communities.get(tenantOf(request).workspaceId, request.params.communityId),
    );

    app.patch(
      '/api/workspaces/:workspaceId/communities/:communityId',
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['communities'],
          summary: 'Change a community; keywords, when given, replace the current ones; archived: false restores it',
          params: communityParams,
          body: communityPatch,
          response: { 200: community },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return communities.update(tenant.actor, tenant.workspaceId, request.params.communityId, request.body);
      },
    );

    app.delete(
      '/api/workspaces/:workspaceId/communities/:communityId',
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['communities'],
          summary: 'Archive a community: memberships are kept, keywords released, the join page closes',
          params: communityParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        await communities.archive(tenant.actor, tenant.workspaceId, request.params.communityId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/communities/:communityId/members',
      {
        config: { access: 'communities.read' },
        schema: {
          tags: ['communities'],
          summary: 'Members of a community, newest member id first; page with cursor = nextCursor',
          params: communityParams,
          querystring: listMembersQuery,
          response: { 200: z.object({ members: z.array(communityMember), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => communities.listMembers(tenantOf(request).workspaceId, request.params.communityId, request.query),
    );

    app.post(
      '/api/workspaces/:workspaceId/communities/:communityId/members',
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['communities'],
          summary: 'Add members (up to 1,000); members who left come back with a new join date; pending requests are approved',
          params: communityParams,
          body: addMembersInput,
          response: { 200: z.object({ added: z.number(), alreadyMembers: z.number() }) },
        },
      },
      async (request) => communities.addMembers(tenantOf(request).workspaceId, request.params.communityId, request.body),
    );

    app.patch(
      '/api/workspaces/:workspaceId/communities/:communityId/members/:memberId',
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['communities'],
          summary: "Change a member's role in the community, or approve a pending request (status: active)",
          params: membershipParams,
          body: membershipPatch,
          response: { 200: communityMember },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return communities.updateMembership(
          tenant.actor,
          tenant.workspaceId,
          request.params.communityId,
          request.params.memberId,
          request.body,
        );
      },
    );

    app.delete(
      '/api/workspaces/:workspaceId/communities/:communityId/members/:memberId',
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['communities'],
          summary: 'Remove a member from the community (or decline a pending request); the history stays in the activity log',
          params: membershipParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await communities.removeMember(tenantOf(request).workspaceId, request.params.communityId, request.params.memberId);
        return reply.status(204).send(null);
      },
    );
  };
}
