import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { loggable } from '../lib/logger.ts';
import { actionPath } from '../modules/actions/actions.repo.ts';
import { type EventContext, eventConsentWording, type RsvpService, wordingFingerprint } from '../modules/events/rsvp.service.ts';
import { MEMBER_TOKEN_PARAM } from '../modules/links/links.routes.ts';
import { EVENT_COPY } from './event.i18n.ts';
import { shiftIcs } from './event.ics.ts';
import {
  checkInPage,
  donePage,
  type EventUrls,
  emptyRsvpValues,
  eventMessagePage,
  eventPage,
  myRsvpPage,
  type RsvpValues,
  shiftWhen,
} from './event.pages.ts';
import { COPY, type Lang, pickLang } from './i18n.ts';
import { messagePage } from './join.pages.ts';

type Deps = { rsvps: RsvpService; clock: Clock; config: Pick<Config, 'publicUrl'> };
type Params = { workspaceSlug: string; slug: string };
type FormBody = Record<string, unknown> | undefined;

/** Per-address limit on the public POSTs (the app-wide limiter skips everything outside /api/). */
const PUBLIC_POST_RATE = {
  max: 30,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `pe:${request.ip}`,
};

const str = (body: FormBody, name: string) => {
  const value = body?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
};
const all = (body: FormBody, name: string): string[] => {
  const value = body?.[name];
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

function send(reply: FastifyReply, status: number, page: string, cache: 'no-store' | 'public' = 'no-store') {
  reply.status(status).type('text/html; charset=utf-8');
  if (cache === 'public') reply.header('cache-control', 'public, max-age=60').header('vary', 'accept-language');
  else reply.header('cache-control', 'no-store');
  return reply.send(page);
}

/** The addresses an event's pages link to, in one language. */
export function eventUrls(ctx: EventContext, lang: Lang, publicUrl: string): EventUrls {
  const base = actionPath(ctx.workspace.slug, ctx.action);
  const q = `?lang=${lang}`;
  return {
    page: `${base}${q}`,
    canonical: `${publicUrl}${base}`,
    otherLanguage: `${base}?lang=${EVENT_COPY[lang].otherLanguage.lang}`,
    checkIn: `${base}/check-in${q}`,
    cancel: `${base}/cancel${q}`,
    ics: (shiftId) => `${base}/${shiftId}.ics`,
    mine: (token) => `${base}/rsvp?t=${encodeURIComponent(token)}&lang=${lang}`,
  };
}

/** An event's public pages under /p/<workspace>/event/<slug>: the page and RSVP, calendar files, the member's page, check-in. */
export function eventPages({ rsvps, clock, config }: Deps): FastifyPluginAsync {
  return async (app) => {
    const query = (request: FastifyRequest) => (request.query as Record<string, unknown> | undefined) ?? {};
    const langOf = (request: FastifyRequest, body?: FormBody) =>
      pickLang(str(body, 'lang') || query(request).lang, request.headers['accept-language']);

    const urlsOf = (ctx: EventContext, lang: Lang): EventUrls => eventUrls(ctx, lang, config.publicUrl);

    const notFound = (reply: FastifyReply, lang: Lang) =>
      send(reply, 404, messagePage({ lang, title: COPY[lang].notFoundTitle, text: COPY[lang].notFound }));

    async function context(request: FastifyRequest) {
      const { workspaceSlug, slug } = request.params as Params;
      if (workspaceSlug.length > 100 || slug.length > 100) return null;
      return rsvps.findContext(workspaceSlug, slug);
    }

    // Pages answer in HTML, errors included (the rate limiter's 429 too).
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = langOf(request);
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      const t = COPY[lang];
      if (status === 429) return send(reply, 429, messagePage({ lang, title: t.limitedTitle, text: t.limited }));
      if (status >= 500) request.log.error({ err: loggable(error) }, error.message);
      else request.log.info({ err: loggable(error) }, error.message);
      return send(reply, Math.min(status, 500), messagePage({ lang, title: t.errorTitle, text: status >= 500 ? t.error : t.badRequest }));
    });

    const pageOptions = { schema: { hide: true } };
    const postOptions = { schema: { hide: true }, bodyLimit: 16_384, config: { rateLimit: PUBLIC_POST_RATE } };

    const formPage = (
      ctx: EventContext,
      lang: Lang,
      extra: { values?: RsvpValues; problems?: Parameters<typeof eventPage>[0]['problems']; gsm?: string } = {},
    ) => {
      const wording = eventConsentWording(ctx, lang);
      return eventPage({
        ctx,
        lang,
        urls: urlsOf(ctx, lang),
        wording,
        wordingFingerprint: wordingFingerprint(wording),
        now: clock.now(),
        ...extra,
      });
    };

    app.get('/:workspaceSlug/event/:slug', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const q = query(request);
      const ref = typeof q.ref === 'string' ? q.ref.slice(0, 60) : '';
      const source =
        typeof q.utm_source === 'string' ? q.utm_source.slice(0, 60) : typeof q.source === 'string' ? q.source.slice(0, 60) : '';
      const gsm = typeof q[MEMBER_TOKEN_PARAM] === 'string' ? (q[MEMBER_TOKEN_PARAM] as string) : '';
      const known = gsm ? await rsvps.prefill(ctx, gsm) : null;
      if (!known && !ref && !source) return send(reply, 200, formPage(ctx, lang), 'public');
      const values: RsvpValues = {
        ...emptyRsvpValues,
        ref,
        source,
        ...(known ? { firstName: known.firstName, phone: known.phone, email: known.email, consent: known.hasConsent } : {}),
      };
      // A page prefilled for one member is theirs alone: never cached.
      return send(reply, 200, formPage(ctx, lang, { values, ...(known ? { gsm } : {}) }));
    });

    app.post('/:workspaceSlug/event/:slug', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const values: RsvpValues = {
        firstName: str(body, 'firstName'),
        phone: str(body, 'phone'),
        email: str(body, 'email'),
        consent: str(body, 'consent') !== '',
        shiftIds: all(body, 'shift')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n > 0),
        guests: str(body, 'guests') || '0',
        friendName: str(body, 'friendName'),
        friendPhone: str(body, 'friendPhone'),
        ref: str(body, 'ref'),
        source: str(body, 'source'),
      };
      const urls = urlsOf(ctx, lang);
      const result = await rsvps.rsvp(
        ctx,
        {
          ...values,
          guests: Number.parseInt(values.guests, 10) || 0,
          wordingFingerprint: str(body, 'w'),
          honeypot: str(body, 'website'),
        },
        {
          lang,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          sourceUrl: `${urls.canonical}${lang === 'en' ? '' : `?lang=${lang}`}`,
        },
      );
      const t = EVENT_COPY[lang];
      switch (result.kind) {
        case 'honeypot':
          // A bot: a page that looks like success, nothing stored or sent.
          return send(reply, 200, eventMessagePage({ ctx, lang, title: t.goingTitle, text: t.going(null) }));
        case 'closed':
          return send(
            reply,
            409,
            eventMessagePage({
              ctx,
              lang,
              title: ctx.action.title,
              text: t.closedNote,
              links: [{ href: urls.page, label: t.backToEvent }],
            }),
          );
        case 'limited':
          return send(
            reply,
            429,
            messagePage({ lang, organization: ctx.workspace.name, title: COPY[lang].limitedTitle, text: COPY[lang].limited }),
          );
        case 'invalid': {
          const keep = result.problems.consent?.kind === 'wording_changed' ? { ...values, consent: false } : values;
          const gsm = str(body, 'gsm');
          return send(reply, 400, formPage(ctx, lang, { values: keep, problems: result.problems, ...(gsm ? { gsm } : {}) }));
        }
        case 'done': {
          // The next step opens prefilled: the member's token (the one of their RSVP page) goes along as ?gsm=.
          const next = await rsvps.nextStep(ctx);
          const href =
            next && `${actionPath(ctx.workspace.slug, next)}?${new URLSearchParams({ lang, [MEMBER_TOKEN_PARAM]: result.token })}`;
          return send(reply, 200, donePage({ ctx, lang, urls, result, next: next && href ? { ...next, href } : null }));
        }
      }
    });

    app.get('/:workspaceSlug/event/:slug/rsvp', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const token = typeof query(request).t === 'string' ? (query(request).t as string) : '';
      const data = token ? await rsvps.myRsvps(ctx, token) : null;
      const t = EVENT_COPY[lang];
      const urls = urlsOf(ctx, lang);
      if (!data)
        return send(
          reply,
          400,
          eventMessagePage({ ctx, lang, title: t.expiredTitle, text: t.expired, links: [{ href: urls.page, label: t.backToEvent }] }),
        );
      return send(reply, 200, myRsvpPage({ ctx, lang, urls, token, data }));
    });

    app.post('/:workspaceSlug/event/:slug/cancel', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const t = EVENT_COPY[lang];
      const urls = urlsOf(ctx, lang);
      const token = str(body, 't');
      const outcome = await rsvps.cancel(ctx, token, Number(str(body, 'shift')));
      if (outcome === 'expired')
        return send(
          reply,
          400,
          eventMessagePage({ ctx, lang, title: t.expiredTitle, text: t.expired, links: [{ href: urls.page, label: t.backToEvent }] }),
        );
      if (outcome === 'not_found') return notFound(reply, lang);
      return send(
        reply,
        200,
        eventMessagePage({
          ctx,
          lang,
          title: t.cancelledTitle,
          text: t.cancelled,
          links: [
            { href: urls.mine(token), label: t.yourRsvpTitle },
            { href: urls.page, label: t.backToEvent },
          ],
        }),
      );
    });

    app.get('/:workspaceSlug/event/:slug/check-in', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      return send(reply, 200, checkInPage({ ctx, lang, urls: urlsOf(ctx, lang) }));
    });

    app.post('/:workspaceSlug/event/:slug/check-in', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const t = EVENT_COPY[lang];
      const urls = urlsOf(ctx, lang);
      const phone = str(body, 'phone').slice(0, 30);
      const result = await rsvps.selfCheckIn(ctx, { phone, code: str(body, 'code').slice(0, 10) });
      switch (result.kind) {
        case 'checked_in':
          return send(
            reply,
            200,
            eventMessagePage({
              ctx,
              lang,
              title: t.checkedInTitle(result.firstName),
              text: `${result.already ? t.alreadyCheckedIn : t.checkedIn} ${shiftWhen(ctx, result.shift, lang)}`,
            }),
          );
        case 'wrong_code':
          return send(reply, 400, checkInPage({ ctx, lang, urls, phone, error: t.wrongCode }));
        case 'invalid_phone':
          return send(reply, 400, checkInPage({ ctx, lang, urls, phone, error: t.invalidPhone }));
        case 'no_rsvp':
          return send(reply, 404, checkInPage({ ctx, lang, urls, phone, error: t.noRsvp }));
      }
    });

    // A shift as a calendar file: /p/<workspace>/event/<slug>/<shiftId>.ics
    app.get('/:workspaceSlug/event/:slug/:shiftFile', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const match = /^(\d{1,15})\.ics$/.exec((request.params as { shiftFile: string }).shiftFile);
      const ctx = match ? await context(request) : null;
      const shift = ctx?.shifts.find((s) => s.id === Number(match?.[1]));
      if (!ctx || !shift) return notFound(reply, lang);
      const place =
        ctx.settings.format === 'virtual'
          ? EVENT_COPY[lang].online
          : [ctx.settings.location, ctx.settings.address].filter(Boolean).join(', ');
      const ics = shiftIcs({
        uid: `event-shift-${shift.id}@${new URL(config.publicUrl).host}`,
        title: ctx.action.title,
        description: ctx.action.summary,
        location: place,
        url: urlsOf(ctx, lang).canonical,
        startsAt: shift.starts_at,
        endsAt: shift.ends_at,
        now: clock.now(),
        organizer: ctx.workspace.name,
      });
      return reply
        .status(200)
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${ctx.action.slug}-${shift.id}.ics"`)
        .header('cache-control', 'public, max-age=60')
        .send(ics);
    });
  };
}
