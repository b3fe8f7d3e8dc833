import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  rejectInput,
  storyInput,
  storyParams,
  storyPatch,
  storySummary,
  storyView,
  submissionParams,
  submissionsPage,
  submissionsQuery,
  submissionView,
} from './stories.schema.ts';
import { createStoriesService } from './stories.service.ts';

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

/** Story actions for organizers (write, publish, close) and the moderation queue for moderators. */
export function storiesRoutes(deps: Deps): FastifyPluginAsyncZod {
  const stories = createStoriesService(deps);
  return async (app) => {
    const base = '/api/workspaces/:workspaceId/stories';
    const tags = ['stories'];
    const actorOf = (tenant: ReturnType<typeof tenantOf>) => (tenant.actor.type === 'user' ? tenant.actor.userId : null);

    app.get(
      base,
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'Every story action, newest first, with its queue by status',
          params: workspaceParams,
          response: { 200: z.object({ stories: z.array(storySummary) }) },
        },
      },
      async (request) => ({ stories: await stories.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      base,
      {
        config: { access: 'actions.manage' },
        schema: {
          tags,
          summary: 'Create a draft story action: the prompt, whether a photo is asked for, the consent-to-publish wording',
          params: workspaceParams,
          body: storyInput,
          response: { 201: storyView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await stories.create(actorOf(tenant), tenant.workspaceId, request.body));
      },
    );

    app.get(
      `${base}/:actionId`,
      {
        config: { access: 'actions.read' },
        schema: { tags, summary: 'One story action', params: storyParams, response: { 200: storyView } },
      },
      async (request) => stories.get(tenantOf(request).workspaceId, request.params.actionId),
    );

    app.patch(
      `${base}/:actionId`,
      {
        config: { access: 'actions.manage' },
        schema: { tags, summary: 'Edit a story action', params: storyParams, body: storyPatch, response: { 200: storyView } },
      },
      async (request) => stories.update(tenantOf(request).workspaceId, request.params.actionId, request.body),
    );

    for (const [verb, to] of [
      ['publish', 'published'],
      ['close', 'closed'],
    ] as const) {
      app.post(
        `${base}/:actionId/${verb}`,
        {
          config: { access: 'actions.manage' },
          schema: {
            tags,
            summary: verb === 'publish' ? 'Publish (or reopen): the page takes stories' : 'Close: no new stories; the spotlight stays',
            params: storyParams,
            response: { 200: storyView },
          },
        },
        async (request) => stories.transition(tenantOf(request).workspaceId, request.params.actionId, to),
      );
    }

    app.delete(
      `${base}/:actionId`,
      { config: { access: 'actions.manage' }, schema: { tags, summary: 'Delete a draft story action', params: storyParams } },
      async (request, reply) => {
        await stories.remove(tenantOf(request).workspaceId, request.params.actionId);
        return reply.status(204).send();
      },
    );

    app.get(
      `${base}/:actionId/submissions`,
      {
        config: { access: 'stories.moderate' },
        schema: {
          tags,
          summary: 'The moderation queue: stories by status, newest first; `before` pages back',
          params: storyParams,
          querystring: submissionsQuery,
          response: { 200: submissionsPage },
        },
      },
      async (request) => stories.submissions(tenantOf(request).workspaceId, request.params.actionId, request.query),
    );

    app.post(
      `${base}/:actionId/submissions/:submissionId/approve`,
      {
        config: { access: 'stories.moderate' },
        schema: {
          tags,
          summary: 'Approve a story: it (and its photo) appears on the public spotlight',
          params: submissionParams,
          response: { 200: submissionView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const { actionId, submissionId } = request.params;
        return stories.moderate(tenant.workspaceId, actionId, submissionId, actorOf(tenant), { status: 'approved', reason: null });
      },
    );

    app.post(
      `${base}/:actionId/submissions/:submissionId/reject`,
      {
        config: { access: 'stories.moderate' },
        schema: {
          tags,
          summary: 'Reject a story (with a reason the team sees): it is never public',
          params: submissionParams,
          body: rejectInput,
          response: { 200: submissionView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const { actionId, submissionId } = request.params;
        return stories.moderate(tenant.workspaceId, actionId, submissionId, actorOf(tenant), {
          status: 'rejected',
          reason: request.body.reason || null,
        });
      },
    );

    app.get(
      `${base}/:actionId/submissions/:submissionId/photo`,
      {
        config: { access: 'stories.moderate' },
        schema: {
          tags,
          summary: 'The photo of a story, for signed-in staff (any status)',
          params: submissionParams,
          produces: ['image/*'],
        },
      },
      async (request, reply) => {
        const { actionId, submissionId } = request.params;
        const photo = await stories.photo(tenantOf(request).workspaceId, actionId, submissionId);
        return reply
          .type(photo.type)
          .header('cache-control', 'private, max-age=300')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(photo.data);
      },
    );
  };
}
