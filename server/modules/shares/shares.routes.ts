import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { pickLang } from '../../pages/i18n.ts';
import { sendPreview } from '../../pages/preview.ts';
import { shareToolkitPage } from '../../pages/share.pages.ts';
import { shareUrls } from '../../pages/share.routes.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { findAction } from '../actions/actions.repo.ts';
import { SHARE_NETWORKS } from './share-links.ts';
import { shareSettingsOf } from './shares.repo.ts';
import { shareInput, shareParams, sharePatch, shareResults, shareSummary, shareView } from './shares.schema.ts';
import { createSharesService } from './shares.service.ts';

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

/** Share actions for organizers: write the suggested posts, publish, close, results and a phone preview. */
export function sharesRoutes(deps: Deps): FastifyPluginAsyncZod {
  const shares = createSharesService(deps);
  const { db, config } = deps;
  return async (app) => {
    const base = '/api/workspaces/:workspaceId/shares';
    const tags = ['shares'];

    app.get(
      base,
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'Every share action, newest first',
          params: workspaceParams,
          response: { 200: z.object({ shares: z.array(shareSummary) }) },
        },
      },
      async (request) => ({ shares: await shares.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      base,
      {
        config: { access: 'actions.manage' },
        schema: { tags, summary: 'Create a draft share action', params: workspaceParams, body: shareInput, response: { 201: shareView } },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await shares.create(createdBy, tenant.workspaceId, request.body));
      },
    );

    app.get(
      `${base}/:shareId`,
      {
        config: { access: 'actions.read' },
        schema: { tags, summary: 'One share action', params: shareParams, response: { 200: shareView } },
      },
      async (request) => shares.get(tenantOf(request).workspaceId, request.params.shareId),
    );

    app.patch(
      `${base}/:shareId`,
      {
        config: { access: 'actions.manage' },
        schema: {
          tags,
          summary: 'Edit a share action (counters are kept)',
          params: shareParams,
          body: sharePatch,
          response: { 200: shareView },
        },
      },
      async (request) => shares.update(tenantOf(request).workspaceId, request.params.shareId, request.body),
    );

    for (const [verb, to] of [
      ['publish', 'published'],
      ['close', 'closed'],
    ] as const) {
      app.post(
        `${base}/:shareId/${verb}`,
        {
          config: { access: 'actions.manage' },
          schema: {
            tags,
            summary:
              verb === 'publish'
                ? 'Publish (or reopen): the page hands out share links'
                : 'Close: the page stays and says so; taps stop counting',
            params: shareParams,
            response: { 200: shareView },
          },
        },
        async (request) => shares.transition(tenantOf(request).workspaceId, request.params.shareId, to),
      );
    }

    app.delete(
      `${base}/:shareId`,
      { config: { access: 'actions.manage' }, schema: { tags, summary: 'Delete a draft share action', params: shareParams } },
      async (request, reply) => {
        await shares.remove(tenantOf(request).workspaceId, request.params.shareId);
        return reply.status(204).send();
      },
    );

    app.get(
      `${base}/:shareId/results`,
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'Taps per network, the sign-ups they brought and the top sharers (counters)',
          params: shareParams,
          response: { 200: shareResults },
        },
      },
      async (request) => shares.results(tenantOf(request).workspaceId, request.params.shareId),
    );

    app.get(
      `${base}/:shareId/preview`,
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'The page with its buttons as a member sees it (drafts too), for the dashboard’s phone preview; HTML',
          params: shareParams,
          querystring: z.object({ lang: z.enum(['en', 'es']).optional() }),
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const action = await findAction(db, workspaceId, request.params.shareId, 'share');
        if (!action) {
          await shares.get(workspaceId, request.params.shareId); // answers the 404 problem
          return;
        }
        const ws = await db
          .selectFrom('workspaces')
          .select(['id', 'name', 'slug', 'default_country', 'timezone'])
          .where('id', '=', workspaceId)
          .executeTakeFirstOrThrow();
        const settings = shareSettingsOf(action);
        const ctx = {
          action,
          settings,
          workspace: { id: ws.id, name: ws.name, slug: ws.slug, defaultCountry: ws.default_country, timezone: ws.timezone },
          target: null,
        };
        const lang = pickLang(request.query.lang, request.headers['accept-language']);
        const buttons = SHARE_NETWORKS.flatMap((network) => {
          const post = settings.posts[network];
          return post ? [{ network, post, href: '#' }] : [];
        });
        const page = shareToolkitPage({ ctx, lang, urls: shareUrls(ctx, lang, config.publicUrl), firstName: null, buttons, preview: true });
        // The dashboard shows it in an iframe: framing by our own origin only.
        return sendPreview(reply, page);
      },
    );
  };
}
