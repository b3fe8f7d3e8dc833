import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { eventPage } from '../../pages/event.pages.ts';
import { eventUrls } from '../../pages/event.routes.ts';
import { pickLang } from '../../pages/i18n.ts';
import { sendPreview } from '../../pages/preview.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { findAction } from '../actions/actions.repo.ts';
import { readSettings, shiftsOf } from './events.repo.ts';
import {
  attendanceInput,
  event,
  eventInput,
  eventParams,
  eventPatch,
  eventSummary,
  rsvp,
  rsvpList,
  rsvpParams,
  rsvpsQuery,
  shiftParams,
} from './events.schema.ts';
import { createEventsService } from './events.service.ts';
import { type EventContext, eventConsentWording, wordingFingerprint } from './rsvp.service.ts';

/** Events: create and edit with shifts, publish / close / approve, RSVPs per shift, check-in, no-shows and a phone preview. */
export function eventsRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }): FastifyPluginAsyncZod {
  const events = createEventsService(deps);
  const { db, clock, config } = deps;
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/events',
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['events'],
          summary: 'Every event, newest first, with its next shift and seats taken',
          params: workspaceParams,
          response: { 200: z.object({ events: z.array(eventSummary) }) },
        },
      },
      async (request) => ({ events: await events.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      '/api/workspaces/:workspaceId/events',
      {
        config: { access: 'actions.manage' },
        schema: {
          tags: ['events'],
          summary: "Create a draft event with its shifts (local dates and times in the event's time zone)",
          params: workspaceParams,
          body: eventInput,
          response: { 201: event },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await events.create(tenant.workspaceId, createdBy, request.body));
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/events/:eventId',
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['events'],
          summary: 'One event with its shifts and their counters',
          params: eventParams,
          response: { 200: event },
        },
      },
      async (request) => events.get(tenantOf(request).workspaceId, request.params.eventId),
    );

    app.patch(
      '/api/workspaces/:workspaceId/events/:eventId',
      {
        config: { access: 'actions.manage' },
        schema: {
          tags: ['events'],
          summary: 'Change an event; shifts, when given, replace the current ones (a shift with RSVPs must be kept)',
          params: eventParams,
          body: eventPatch,
          response: { 200: event },
        },
      },
      async (request) => events.update(tenantOf(request).workspaceId, request.params.eventId, request.body),
    );

    for (const action of ['publish', 'close'] as const) {
      app.post(
        `/api/workspaces/:workspaceId/events/:eventId/${action}`,
        {
          config: { access: 'actions.manage' },
          schema: {
            tags: ['events'],
            summary:
              action === 'publish' ? 'Publish: the public page takes RSVPs' : 'Close: the page stays, RSVPs stop; reminders still go',
            params: eventParams,
            response: { 200: event },
          },
        },
        async (request) => events.setStatus(tenantOf(request).workspaceId, request.params.eventId, action),
      );
    }

    app.post(
      '/api/workspaces/:workspaceId/events/:eventId/approve',
      {
        config: { access: 'actions.manage' },
        schema: {
          tags: ['events'],
          summary: 'Approve a volunteer-hosted event, so it can be published',
          params: eventParams,
          response: { 200: event },
        },
      },
      async (request) => events.approve(tenantOf(request).workspaceId, request.params.eventId),
    );

    app.get(
      '/api/workspaces/:workspaceId/events/:eventId/rsvps',
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['events'],
          summary: 'RSVPs (of one shift with shiftId), by name, with counts per status; q searches names and phone endings',
          params: eventParams,
          querystring: rsvpsQuery,
          response: { 200: rsvpList },
        },
      },
      async (request) => events.rsvps(tenantOf(request).workspaceId, request.params.eventId, request.query),
    );

    app.get(
      '/api/workspaces/:workspaceId/events/:eventId/rsvps.csv',
      {
        config: { access: 'members.export' },
        schema: {
          tags: ['events'],
          summary: 'Download the RSVPs as CSV (name, phone, email, shift, status, guests, friend, source, ref, created, attended)',
          params: eventParams,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const { eventId } = request.params;
        const chunks = events.exportRsvpsCsv(tenantOf(request).workspaceId, eventId);
        // The header line is read now, so an unknown event answers 404 instead of a broken file.
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
          .header('content-disposition', `attachment; filename="event-${eventId}-rsvps.csv"`)
          .send(stream);
      },
    );

    app.post(
      '/api/workspaces/:workspaceId/events/:eventId/rsvps/:rsvpId/attendance',
      {
        config: { access: 'events.checkin' },
        schema: {
          tags: ['events'],
          summary: 'Check someone in (attended), mark a no-show, or undo (going)',
          params: rsvpParams,
          body: attendanceInput,
          response: { 200: rsvp },
        },
      },
      async (request) =>
        events.setAttendance(tenantOf(request).workspaceId, request.params.eventId, request.params.rsvpId, request.body.status),
    );

    app.post(
      '/api/workspaces/:workspaceId/events/:eventId/shifts/:shiftId/no-shows',
      {
        config: { access: 'events.checkin' },
        schema: {
          tags: ['events'],
          summary: 'After a shift: everyone still going is marked as a no-show',
          params: shiftParams,
          response: { 200: z.object({ marked: z.number() }) },
        },
      },
      async (request) => events.markNoShows(tenantOf(request).workspaceId, request.params.eventId, request.params.shiftId),
    );

    app.get(
      '/api/workspaces/:workspaceId/events/:eventId/preview',
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['events'],
          summary: 'The public page with its shifts as members will see it (drafts too), for the dashboard’s phone preview; HTML',
          params: eventParams,
          querystring: z.object({ lang: z.enum(['en', 'es']).optional() }),
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const action = await findAction(db, workspaceId, request.params.eventId, 'event');
        if (!action) {
          await events.get(workspaceId, request.params.eventId); // answers the 404 problem
          return;
        }
        const ws = await db
          .selectFrom('workspaces')
          .select(['id', 'name', 'slug', 'default_country', 'timezone'])
          .where('id', '=', workspaceId)
          .executeTakeFirstOrThrow();
        const ctx: EventContext = {
          workspace: { id: ws.id, name: ws.name, slug: ws.slug, defaultCountry: ws.default_country, timezone: ws.timezone },
          action,
          settings: readSettings(action.settings, ws.timezone),
          shifts: await shiftsOf(db, workspaceId, [action.id]),
        };
        const lang = pickLang(request.query.lang, request.headers['accept-language']);
        const wording = eventConsentWording(ctx, lang);
        const page = eventPage({
          ctx,
          lang,
          urls: eventUrls(ctx, lang, config.publicUrl),
          wording,
          wordingFingerprint: wordingFingerprint(wording),
          now: clock.now(),
          preview: true,
        });
        // The dashboard shows it in an iframe: framing by our own origin only.
        return sendPreview(reply, page);
      },
    );
  };
}
