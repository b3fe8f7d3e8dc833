import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  broadcastInput,
  broadcastParams,
  broadcastPatch,
  broadcastSummary,
  broadcastView,
  liftView,
  listBroadcastsQuery,
  previewInput,
  previewView,
  testInput,
} from './broadcasts.schema.ts';
import type { BroadcastsService } from './broadcasts.service.ts';

/** Broadcasts: compose and preview, schedule or launch, pause, resume, cancel, and send a test. */
export function broadcastsRoutes({ broadcasts }: { broadcasts: BroadcastsService }): FastifyPluginAsyncZod {
  return async (app) => {
    const base = '/api/workspaces/:workspaceId/broadcasts';
    const tags = ['broadcasts'];

    app.post(
      `${base}/preview`,
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'What a broadcast would do if launched now: reach, samples per language, segments, cost, drain time, problems',
          params: workspaceParams,
          body: previewInput,
          response: { 200: previewView },
        },
      },
      async (request) => broadcasts.preview(tenantOf(request).workspaceId, request.body),
    );

    app.get(
      base,
      {
        config: { access: 'messaging.read' },
        schema: {
          tags,
          summary: 'Broadcasts, newest first; page with cursor = nextCursor',
          params: workspaceParams,
          querystring: listBroadcastsQuery,
          response: { 200: z.object({ broadcasts: z.array(broadcastSummary), nextCursor: z.number().nullable() }) },
        },
      },
      async (request) => broadcasts.list(tenantOf(request).workspaceId, request.query),
    );

    app.post(
      base,
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'Create a draft broadcast',
          params: workspaceParams,
          body: broadcastInput,
          response: { 201: broadcastView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await broadcasts.create(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.get(
      `${base}/:broadcastId`,
      {
        config: { access: 'messaging.read' },
        schema: { tags, summary: 'One broadcast with its report', params: broadcastParams, response: { 200: broadcastView } },
      },
      async (request) => broadcasts.get(tenantOf(request).workspaceId, request.params.broadcastId),
    );

    app.get(
      `${base}/:broadcastId/lift`,
      {
        config: { access: 'messaging.read' },
        schema: {
          tags,
          summary:
            'The holdout comparison: goal rates of the texted and the held-out members over the goal window from the send start, the difference and its 95% interval',
          params: broadcastParams,
          response: { 200: liftView },
        },
      },
      async (request) => broadcasts.lift(tenantOf(request).workspaceId, request.params.broadcastId),
    );

    app.patch(
      `${base}/:broadcastId`,
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'Change a draft or scheduled broadcast; a scheduled one without a time ahead goes back to draft',
          params: broadcastParams,
          body: broadcastPatch,
          response: { 200: broadcastView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return broadcasts.update(tenant.actor, tenant.workspaceId, request.params.broadcastId, request.body);
      },
    );

    const actions = [
      [
        'launch',
        'Launch a draft: scheduled when its time is ahead, else expanding now; refused (422) with its problems',
        broadcasts.launch,
      ],
      ['pause', 'Pause a sending broadcast: what is queued is held', broadcasts.pause],
      ['resume', 'Resume a paused broadcast: held messages go back to the queue', broadcasts.resume],
      ['cancel', 'Cancel a broadcast: what was not sent is cancelled', broadcasts.cancel],
      [
        'resend-unknown',
        'Send again the messages whose outcome is unknown (a member may get the text twice); consent and quiet hours apply',
        broadcasts.resendUnknown,
      ],
    ] as const;
    for (const [action, summary, run] of actions) {
      app.post(
        `${base}/:broadcastId/${action}`,
        {
          config: { access: 'broadcasts.manage' },
          schema: { tags, summary, params: broadcastParams, response: { 200: broadcastView } },
        },
        async (request) => {
          const tenant = tenantOf(request);
          return run(tenant.actor, tenant.workspaceId, request.params.broadcastId);
        },
      );
    }

    app.post(
      `${base}/:broadcastId/test`,
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'Send the broadcast, prefixed [TEST], to up to five phones; numbers that opted out are refused',
          params: broadcastParams,
          body: testInput,
          response: { 200: z.object({ queued: z.number() }) },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return broadcasts.test(tenant.actor, tenant.workspaceId, request.params.broadcastId, request.body.phones);
      },
    );
  };
}
