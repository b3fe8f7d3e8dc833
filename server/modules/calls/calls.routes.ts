import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { pickLang } from '../../pages/i18n.ts';
import { sendPreview } from '../../pages/preview.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import type { CallPreview } from './call-preview.ts';
import {
  call,
  callInput,
  callParams,
  callPatch,
  callResults,
  district,
  districtParams,
  importInput,
  importResult,
  listQuery,
  lookupQuery,
  official,
  officialParams,
  voiceLines,
} from './calls.schema.ts';
import type { CallsService } from './calls.service.ts';

const IMPORT_BODY_LIMIT = 24 * 1024 * 1024;

/** Call-your-representative actions, their targets dataset and a phone preview of the page. */
export function callsRoutes(deps: { calls: CallsService; preview: CallPreview }): FastifyPluginAsyncZod {
  const { calls, preview } = deps;
  return async (app) => {
    const tags = ['calls'];

    app.post(
      '/api/workspaces/:workspaceId/calls',
      {
        config: { access: 'actions.manage' },
        schema: { tags, summary: 'Create a draft call action', params: workspaceParams, body: callInput, response: { 201: call } },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await calls.create(tenant.workspaceId, createdBy, request.body));
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/calls/voice-lines',
      {
        config: { access: 'actions.manage' },
        schema: {
          tags,
          summary: 'The channel accounts that can call members for patch-through (Twilio), with the numbers they call from',
          params: workspaceParams,
          response: { 200: voiceLines },
        },
      },
      async (request) => calls.voiceLines(tenantOf(request).workspaceId),
    );

    app.get(
      '/api/workspaces/:workspaceId/calls/:callId',
      { config: { access: 'actions.read' }, schema: { tags, summary: 'One call action', params: callParams, response: { 200: call } } },
      async (request) => calls.get(tenantOf(request).workspaceId, request.params.callId),
    );

    app.patch(
      '/api/workspaces/:workspaceId/calls/:callId',
      {
        config: { access: 'actions.manage' },
        schema: {
          tags,
          summary: 'Change a call action; fixedTargets, when given, replaces the list',
          params: callParams,
          body: callPatch,
          response: { 200: call },
        },
      },
      async (request) => calls.update(tenantOf(request).workspaceId, request.params.callId, request.body),
    );

    app.delete(
      '/api/workspaces/:workspaceId/calls/:callId',
      {
        config: { access: 'actions.manage' },
        schema: { tags, summary: 'Delete a draft call action', params: callParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await calls.remove(tenantOf(request).workspaceId, request.params.callId);
        return reply.status(204).send(null);
      },
    );

    for (const [verb, status] of [
      ['publish', 'published'],
      ['close', 'closed'],
    ] as const) {
      app.post(
        `/api/workspaces/:workspaceId/calls/:callId/${verb}`,
        {
          config: { access: 'actions.manage' },
          schema: {
            tags,
            summary:
              verb === 'publish'
                ? 'Publish (or reopen) the call: its public page takes calls'
                : 'Close the call: the page stays, says so, and takes no more calls',
            params: callParams,
            response: { 200: call },
          },
        },
        async (request) => calls.setStatus(tenantOf(request).workspaceId, request.params.callId, status),
      );
    }

    app.get(
      '/api/workspaces/:workspaceId/calls/:callId/results',
      {
        config: { access: 'actions.read' },
        schema: { tags, summary: 'Calls logged, by outcome and by person called', params: callParams, response: { 200: callResults } },
      },
      async (request) => calls.results(tenantOf(request).workspaceId, request.params.callId),
    );

    app.get(
      '/api/workspaces/:workspaceId/calls/:callId/log.csv',
      {
        config: { access: 'members.export' },
        schema: {
          tags,
          summary: 'Download the call log as CSV (member, person called, outcome, time)',
          params: callParams,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const { callId } = request.params;
        const chunks = calls.exportLogCsv(tenantOf(request).workspaceId, callId);
        // The header line is read now, so an unknown call answers 404 instead of a broken file.
        const first = await chunks.next();
        const stream = Readable.from(
          (async function* () {
            if (!first.done) yield first.value;
            yield* chunks;
          })(),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="call-${callId}-log.csv"`)
          .send(stream);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/calls/:callId/preview',
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'The page and the people to call, script filled in, as members will see them (drafts too), for the phone preview; HTML',
          params: callParams,
          querystring: z.object({ lang: z.enum(['en', 'es']).optional() }),
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const lang = pickLang(request.query.lang, request.headers['accept-language']);
        const page = await preview.page(workspaceId, request.params.callId, lang);
        if (page === null) {
          await calls.get(workspaceId, request.params.callId); // answers the 404 problem
          return;
        }
        // The dashboard shows it in an iframe: framing by our own origin only.
        return sendPreview(reply, page);
      },
    );

    for (const kind of ['officials', 'districts'] as const) {
      app.post(
        `/api/workspaces/:workspaceId/call-targets/${kind}/import`,
        {
          bodyLimit: IMPORT_BODY_LIMIT,
          config: { access: 'actions.manage' },
          schema: {
            tags,
            summary:
              kind === 'officials'
                ? 'Import officials from CSV (name, title, office, district, phone, party); a file with a bad line imports nothing'
                : 'Import postal code → district from CSV (postal_code, district); a file with a bad line imports nothing',
            params: workspaceParams,
            body: importInput,
            response: { 200: importResult },
          },
        },
        async (request) => calls.importTargets(tenantOf(request).workspaceId, kind, request.body),
      );
    }

    app.get(
      '/api/workspaces/:workspaceId/call-targets/officials',
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'The officials members can be asked to call, in file order; q searches name, district and office',
          params: workspaceParams,
          querystring: listQuery,
          response: { 200: z.object({ officials: z.array(official), total: z.number() }) },
        },
      },
      async (request) => calls.listOfficials(tenantOf(request).workspaceId, request.query),
    );

    app.delete(
      '/api/workspaces/:workspaceId/call-targets/officials/:officialId',
      {
        config: { access: 'actions.manage' },
        schema: { tags, summary: 'Remove one official', params: officialParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await calls.removeOfficial(tenantOf(request).workspaceId, request.params.officialId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/call-targets/districts',
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: 'Postal code → district mappings; q matches a postal code prefix or a district',
          params: workspaceParams,
          querystring: listQuery,
          response: { 200: z.object({ districts: z.array(district), total: z.number() }) },
        },
      },
      async (request) => calls.listDistricts(tenantOf(request).workspaceId, request.query),
    );

    app.delete(
      '/api/workspaces/:workspaceId/call-targets/districts/:districtId',
      {
        config: { access: 'actions.manage' },
        schema: { tags, summary: 'Remove one postal code → district mapping', params: districtParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await calls.removeDistrict(tenantOf(request).workspaceId, request.params.districtId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/call-targets/lookup',
      {
        config: { access: 'actions.read' },
        schema: {
          tags,
          summary: "Who a postal code's members would call: its districts and their officials",
          params: workspaceParams,
          querystring: lookupQuery,
          response: { 200: z.object({ postalCode: z.string(), districts: z.array(z.string()), officials: z.array(official) }) },
        },
      },
      async (request) => calls.lookup(tenantOf(request).workspaceId, request.query.postalCode),
    );
  };
}
