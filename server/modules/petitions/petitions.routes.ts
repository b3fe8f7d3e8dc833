import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { pickLang } from '../../pages/i18n.ts';
import { petitionPage } from '../../pages/petition.pages.ts';
import { petitionUrls } from '../../pages/petition.routes.ts';
import { sendPreview } from '../../pages/preview.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { findAction } from '../actions/actions.repo.ts';
import { petitionConsentWording, wordingFingerprint } from './petition-signing.ts';
import { publicSigners, settingsOf } from './petitions.repo.ts';
import { petitionInput, petitionParams, petitionPatch, petitionResults, petitionSummary, petitionView } from './petitions.schema.ts';
import { createPetitionsService } from './petitions.service.ts';

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

/** Petitions for organizers: write, publish, close, results, CSV export and a phone preview of the page. */
export function petitionsRoutes(deps: Deps): FastifyPluginAsyncZod {
  const petitions = createPetitionsService(deps);
  const { db, config } = deps;
  return async (app) => {
    const base = '/api/workspaces/:workspaceId/petitions';

    app.get(
      base,
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['petitions'],
          summary: 'Every petition, newest first, with its signature count',
          params: workspaceParams,
          response: { 200: z.object({ petitions: z.array(petitionSummary) }) },
        },
      },
      async (request) => ({ petitions: await petitions.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      base,
      {
        config: { access: 'actions.manage' },
        schema: {
          tags: ['petitions'],
          summary: 'Create a draft petition (the slug comes from the title unless given)',
          params: workspaceParams,
          body: petitionInput,
          response: { 201: petitionView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await petitions.create(createdBy, tenant.workspaceId, request.body));
      },
    );

    app.get(
      `${base}/:actionId`,
      {
        config: { access: 'actions.read' },
        schema: { tags: ['petitions'], summary: 'One petition', params: petitionParams, response: { 200: petitionView } },
      },
      async (request) => petitions.get(tenantOf(request).workspaceId, request.params.actionId),
    );

    app.patch(
      `${base}/:actionId`,
      {
        config: { access: 'actions.manage' },
        schema: {
          tags: ['petitions'],
          summary: 'Edit a petition (any status; the counter and signatures are kept)',
          params: petitionParams,
          body: petitionPatch,
          response: { 200: petitionView },
        },
      },
      async (request) => petitions.update(tenantOf(request).workspaceId, request.params.actionId, request.body),
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
            tags: ['petitions'],
            summary: verb === 'publish' ? 'Publish (or reopen): the public page takes signatures' : 'Close: the page stays and says so',
            params: petitionParams,
            response: { 200: petitionView },
          },
        },
        async (request) => petitions.transition(tenantOf(request).workspaceId, request.params.actionId, to),
      );
    }

    app.delete(
      `${base}/:actionId`,
      {
        config: { access: 'actions.manage' },
        schema: { tags: ['petitions'], summary: 'Delete a draft petition', params: petitionParams },
      },
      async (request, reply) => {
        await petitions.remove(tenantOf(request).workspaceId, request.params.actionId);
        return reply.status(204).send();
      },
    );

    app.get(
      `${base}/:actionId/results`,
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['petitions'],
          summary: 'The count (a counter), the latest signatures and signatures per day',
          params: petitionParams,
          response: { 200: petitionResults },
        },
      },
      async (request) => petitions.results(tenantOf(request).workspaceId, request.params.actionId),
    );

    app.get(
      `${base}/:actionId/signatures.csv`,
      {
        config: { access: 'members.export' },
        schema: {
          tags: ['petitions'],
          summary: 'Download the signatures as CSV (name, email, phone, postal code, comment, signed at, source)',
          params: petitionParams,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const { actionId } = request.params;
        const rows = petitions.exportCsv(workspaceId, actionId);
        // The first chunk (the header line) is read now, so an unknown petition answers 404 instead of a broken file.
        const first = await rows.next();
        const stream = Readable.from(
          (async function* () {
            if (!first.done) yield first.value;
            yield* rows;
          })(),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="petition-${actionId}-signatures.csv"`)
          .send(stream);
      },
    );

    app.get(
      `${base}/:actionId/preview`,
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['petitions'],
          summary: 'The public page as members will see it (drafts too), for the dashboard’s phone preview; HTML',
          params: petitionParams,
          querystring: z.object({ lang: z.enum(['en', 'es']).optional() }),
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const action = await findAction(db, workspaceId, request.params.actionId, 'petition');
        if (!action) {
          await petitions.get(workspaceId, request.params.actionId); // answers the 404 problem
          return;
        }
        const ws = await db
          .selectFrom('workspaces')
          .select(['id', 'name', 'slug', 'default_country', 'timezone'])
          .where('id', '=', workspaceId)
          .executeTakeFirstOrThrow();
        const ctx = {
          action,
          settings: settingsOf(action),
          workspace: { id: ws.id, name: ws.name, slug: ws.slug, defaultCountry: ws.default_country, timezone: ws.timezone },
        };
        const lang = pickLang(request.query.lang, request.headers['accept-language']);
        const wording = petitionConsentWording(ctx, lang);
        const page = petitionPage({
          ctx,
          lang,
          urls: petitionUrls(ctx, lang, config.publicUrl),
          wording,
          wordingFingerprint: wordingFingerprint(wording),
          tracking: { ref: '', source: 'preview', medium: '' },
          signers: settingsOf(action).showSigners ? await publicSigners(db, workspaceId, action.id, 10) : [],
          preview: true,
        });
        // The dashboard shows it in an iframe: framing by our own origin only.
        return sendPreview(reply, page);
      },
    );
  };
}
