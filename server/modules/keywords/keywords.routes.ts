import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { keywordInput, keywordParams, keywordPatch, keywordView } from './keywords.schema.ts';
import { createKeywordsService } from './keywords.service.ts';

/** Keyword triggers: list, create, edit, delete. */
export function keywordsRoutes(deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  const keywords = createKeywordsService(deps);
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/keywords',
      {
        config: { access: 'messaging.read' },
        schema: {
          tags: ['keywords'],
          summary: 'Every keyword members can text, communities’ join keywords included, alphabetically, with what each does',
          params: workspaceParams,
          response: { 200: z.object({ keywords: z.array(keywordView) }) },
        },
      },
      async (request) => ({ keywords: await keywords.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      '/api/workspaces/:workspaceId/keywords',
      {
        config: { access: 'keywords.manage' },
        schema: {
          tags: ['keywords'],
          summary: 'Create a keyword: join a community, start a survey, answer with a link or an auto-reply; unique in the workspace',
          params: workspaceParams,
          body: keywordInput,
          response: { 201: keywordView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await keywords.create(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.patch(
      '/api/workspaces/:workspaceId/keywords/:keywordId',
      {
        config: { access: 'keywords.manage' },
        schema: {
          tags: ['keywords'],
          summary: 'Change a keyword; a community’s join keyword changes on the community too',
          params: keywordParams,
          body: keywordPatch,
          response: { 200: keywordView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return keywords.update(tenant.actor, tenant.workspaceId, request.params.keywordId, request.body);
      },
    );

    app.delete(
      '/api/workspaces/:workspaceId/keywords/:keywordId',
      {
        config: { access: 'keywords.manage' },
        schema: {
          tags: ['keywords'],
          summary: 'Delete a keyword: texting it reaches the inbox from now on; joins waiting for a YES are dropped',
          params: keywordParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        await keywords.remove(tenant.actor, tenant.workspaceId, request.params.keywordId);
        return reply.status(204).send(null);
      },
    );
  };
}
