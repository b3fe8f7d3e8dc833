import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { loggable } from '../lib/logger.ts';
import { actionPath } from '../modules/actions/actions.repo.ts';
import { isShareNetwork } from '../modules/shares/share-links.ts';
import {
  type ShareContext,
  type SharePageService,
  shareConsentWording,
  shareWordingFingerprint,
} from '../modules/shares/share-page.service.ts';
import { COPY, type Lang, pickLang } from './i18n.ts';
import { messagePage } from './join.pages.ts';
import { SHARE_COPY } from './share.copy.ts';
import { type ShareTracking, type ShareUrls, type ShareValues, shareFormPage, shareToolkitPage } from './share.pages.ts';

type Deps = { shares: SharePageService; config: Pick<Config, 'publicUrl'> };
type Params = { workspaceSlug: string; slug: string; network?: string };
type Bag = Record<string, unknown> | undefined;

/** Per-address limit on the page's POSTs (the app-wide limiter skips everything outside /api/, hence allowList). */
const PUBLIC_POST_RATE = {
  max: 30,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `share:${request.ip}`,
};
/** Taps are cheap for us but each one writes: a generous per-address ceiling against scripted counting. */
const TAP_RATE = {
  max: 60,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `share-go:${request.ip}`,
};

const str = (bag: Bag, name: string) => {
  const value = bag?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
};
const clip = (value: string, max = 60) => value.trim().slice(0, max);

function send(reply: FastifyReply, status: number, page: string, cache: 'no-store' | 'public' = 'no-store') {
  reply.status(status).type('text/html; charset=utf-8');
  if (cache === 'public') reply.header('cache-control', 'public, max-age=60').header('vary', 'accept-language');
  else reply.header('cache-control', 'no-store');
  return reply.send(page);
}

/** The addresses of a share page in a language. */
export function shareUrls(ctx: ShareContext, lang: Lang, publicUrl: string): ShareUrls {
  const base = actionPath(ctx.workspace.slug, ctx.action);
  return { form: `${base}?lang=${lang}`, canonical: `${publicUrl}${base}`, otherLanguage: `${base}?lang=${COPY[lang].otherLanguage.lang}` };
}

/** The public share pages under /p/<workspace>/share/<slug>: who you are → posts with one-tap buttons → /go/<network>. */
export function sharePages({ shares, config }: Deps): FastifyPluginAsync {
  return async (app) => {
    const langOf = (request: FastifyRequest, body?: Bag) =>
      pickLang(str(body, 'lang') || str(request.query as Bag, 'lang'), request.headers['accept-language']);
    const notFound = (reply: FastifyReply, lang: Lang) =>
      send(reply, 404, messagePage({ lang, title: COPY[lang].notFoundTitle, text: COPY[lang].notFound }));
    const context = (request: FastifyRequest) => {
      const { workspaceSlug, slug } = request.params as Params;
      return shares.findContext(workspaceSlug, slug);
    };

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = langOf(request);
      const t = COPY[lang];
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status === 429) return send(reply, 429, messagePage({ lang, title: t.limitedTitle, text: t.limited }));
      if (status >= 500) request.log.error({ err: loggable(error) }, error.message);
      else request.log.info({ err: loggable(error) }, error.message);
      return send(reply, Math.min(status, 500), messagePage({ lang, title: t.errorTitle, text: status >= 500 ? t.error : t.badRequest }));
    });

    const formPage = (
      ctx: ShareContext,
      lang: Lang,
      tracking: ShareTracking,
      extra: { values?: ShareValues; problems?: Parameters<typeof shareFormPage>[0]['problems'] } = {},
    ) => {
      const wording = shareConsentWording(ctx, lang);
      return shareFormPage({
        ctx,
        lang,
        urls: shareUrls(ctx, lang, config.publicUrl),
        wording,
        wordingFingerprint: shareWordingFingerprint(wording),
        tracking,
        ...extra,
      });
    };

    const pageOptions = { schema: { hide: true } };
    const postOptions = { schema: { hide: true }, bodyLimit: 16_384, config: { rateLimit: PUBLIC_POST_RATE } };

    app.get('/:workspaceSlug/share/:slug', pageOptions, async (request, reply) => {
      const query = request.query as Bag;
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const known = ctx.action.status === 'published' ? await shares.knownMember(ctx, str(query, 'gsm')) : null;
      if (known) {
        const page = shareToolkitPage({
          ctx,
          lang,
          urls: shareUrls(ctx, lang, config.publicUrl),
          firstName: known.firstName,
          buttons: shares.buttons(ctx, known.token, lang),
        });
        return send(reply, 200, page);
      }
      const tracking = {
        ref: clip(str(query, 'ref'), 20),
        source: clip(str(query, 'source') || str(query, 'utm_source')),
        medium: clip(str(query, 'medium') || str(query, 'utm_medium')),
      };
      // The anonymous page may be cached briefly (it names nobody; ref/source only fill hidden fields).
      return send(reply, 200, formPage(ctx, lang, tracking), tracking.ref || str(query, 'gsm') ? 'no-store' : 'public');
    });

    app.post('/:workspaceSlug/share/:slug', postOptions, async (request, reply) => {
      const body = request.body as Bag;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const t = SHARE_COPY[lang];
      const tracking = { ref: clip(str(body, 'ref'), 20), source: clip(str(body, 'source')), medium: clip(str(body, 'medium')) };
      const values = { firstName: str(body, 'firstName'), phone: str(body, 'phone'), consent: str(body, 'consent') !== '' };
      const urls = shareUrls(ctx, lang, config.publicUrl);
      if (str(body, 'website').trim() !== '') {
        // A bot: a page that looks done, with buttons that count nothing.
        return send(
          reply,
          200,
          shareToolkitPage({ ctx, lang, urls, firstName: values.firstName.trim() || null, buttons: shares.buttons(ctx, 'x', lang) }),
        );
      }
      const result = await shares.identify(
        ctx,
        { ...values, wordingFingerprint: str(body, 'w'), ...tracking },
        {
          lang,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          sourceUrl: `${urls.canonical}${lang === 'en' ? '' : `?lang=${lang}`}`,
        },
      );
      if (result.kind === 'closed') {
        return send(reply, 410, messagePage({ lang, organization: ctx.workspace.name, title: t.closedTitle, text: t.closed }));
      }
      if (result.kind === 'invalid') {
        const keep = result.problems.consent ? { ...values, consent: false } : values;
        return send(reply, 400, formPage(ctx, lang, tracking, { values: keep, problems: result.problems }));
      }
      return send(
        reply,
        200,
        shareToolkitPage({ ctx, lang, urls, firstName: result.firstName, buttons: shares.buttons(ctx, result.token, lang) }),
      );
    });

    app.get(
      '/:workspaceSlug/share/:slug/go/:network',
      { schema: { hide: true }, config: { rateLimit: TAP_RATE } },
      async (request, reply) => {
        const lang = langOf(request);
        const network = (request.params as Params).network ?? '';
        const ctx = await context(request);
        if (!ctx || !isShareNetwork(network)) return notFound(reply, lang);
        const location = await shares.tap(ctx, network, str(request.query as Bag, 't'));
        if (!location) return notFound(reply, lang);
        return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(location, 302);
      },
    );
  };
}
