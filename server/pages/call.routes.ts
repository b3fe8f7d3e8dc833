import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { CallOutcome } from '../db/schema.ts';
import { loggable } from '../lib/logger.ts';
import { actionPath } from '../modules/actions/actions.repo.ts';
import {
  type CallContext,
  type CallPageService,
  callConsentWording,
  callWordingFingerprint,
  type KnownMember,
} from '../modules/calls/call-page.service.ts';
import type { CallPatchService } from '../modules/calls/call-patch.service.ts';
import { CALL_COPY } from './call.copy.ts';
import { type CallUrls, callConnectingPage, callFormPage, callMessagePage, callTargetsPage } from './call.pages.ts';
import { type Lang, pickLang } from './i18n.ts';

type Deps = { calls: CallPageService; patches: CallPatchService; config: Pick<Config, 'publicUrl'> };
type Params = { workspaceSlug: string; slug: string };
type FormBody = Record<string, unknown> | undefined;

/** Per-address limit on the page's POSTs (the app-wide limiter skips everything outside /api/, hence allowList). */
const PUBLIC_POST_RATE = {
  max: 30,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `call:${request.ip}`,
};

const OUTCOMES: readonly string[] = ['reached', 'voicemail', 'busy', 'no_answer'];

const str = (body: FormBody, name: string) => {
  const value = body?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
};

function send(reply: FastifyReply, status: number, page: string, cache: 'no-store' | 'public' = 'no-store') {
  reply.status(status).type('text/html; charset=utf-8');
  if (cache === 'public') reply.header('cache-control', 'public, max-age=60').header('vary', 'accept-language');
  else reply.header('cache-control', 'no-store');
  return reply.send(page);
}

/** The public call-your-representative pages under /p/<workspace>/call/<slug>: form → people to call → outcomes. */
export function callPages({ calls, patches, config }: Deps): FastifyPluginAsync {
  return async (app) => {
    const query = (request: FastifyRequest) => (request.query as Record<string, unknown> | undefined) ?? {};
    const langOf = (request: FastifyRequest, body?: FormBody) =>
      pickLang(str(body, 'lang') || query(request).lang, request.headers['accept-language']);

    async function urlsOf(ctx: CallContext, lang: Lang, gsm: string): Promise<CallUrls> {
      const base = actionPath(ctx.workspace_slug, ctx);
      const next = await calls.nextStep(ctx);
      const nextQuery = new URLSearchParams({ lang, ...(gsm ? { gsm } : {}) }).toString();
      return {
        form: `${base}?lang=${lang}`,
        outcome: `${base}/outcome?lang=${lang}`,
        connect: `${base}/connect?lang=${lang}`,
        canonical: `${config.publicUrl}${base}`,
        otherLanguage: `${base}?lang=${CALL_COPY[lang].otherLanguage.lang}`,
        next: next ? { href: `${actionPath(ctx.workspace_slug, next)}?${nextQuery}`, title: next.title } : null,
      };
    }

    const message = (
      reply: FastifyReply,
      status: number,
      lang: Lang,
      title: string,
      text: string,
      extra: Partial<Parameters<typeof callMessagePage>[0]> = {},
    ) => send(reply, status, callMessagePage({ lang, title, text, ...extra }));
    const notFound = (reply: FastifyReply, lang: Lang) =>
      message(reply, 404, lang, CALL_COPY[lang].notFoundTitle, CALL_COPY[lang].notFound);

    async function context(request: FastifyRequest) {
      const { workspaceSlug, slug } = request.params as Params;
      return calls.findContext(workspaceSlug, slug);
    }

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = langOf(request);
      const t = CALL_COPY[lang];
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status === 429) return message(reply, 429, lang, t.limitedTitle, t.limited);
      if (status >= 500) request.log.error({ err: loggable(error) }, error.message);
      else request.log.info({ err: loggable(error) }, error.message);
      return message(reply, Math.min(status, 500), lang, t.errorTitle, status >= 500 ? t.error : t.badRequest);
    });

    const pageOptions = { schema: { hide: true } };
    const postOptions = { schema: { hide: true }, bodyLimit: 16_384, config: { rateLimit: PUBLIC_POST_RATE } };

    const formPage = (ctx: CallContext, lang: Lang, urls: CallUrls, known: KnownMember | null, gsm: string, extra: object = {}) => {
      const wording = callConsentWording(ctx, lang);
      return callFormPage({
        ctx,
        lang,
        urls,
        known,
        gsm: known ? gsm : '',
        wording,
        wordingFingerprint: callWordingFingerprint(wording),
        ...extra,
      });
    };

    app.get('/:workspaceSlug/call/:slug', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const gsm = typeof query(request).gsm === 'string' ? String(query(request).gsm) : '';
      const known = ctx.status === 'published' ? await calls.knownMember(ctx, gsm) : null;
      // A page that names a member is theirs alone; the anonymous page may be cached briefly.
      const tracking = {
        ref: String(query(request).ref ?? '').slice(0, 20),
        source: String(query(request).source ?? query(request).utm_source ?? '').slice(0, 60),
      };
      const page = formPage(ctx, lang, await urlsOf(ctx, lang, known ? gsm : ''), known, gsm, { tracking });
      return send(reply, 200, page, known || tracking.ref ? 'no-store' : 'public');
    });

    app.post('/:workspaceSlug/call/:slug', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const t = CALL_COPY[lang];
      if (ctx.status !== 'published') return message(reply, 410, lang, t.closedTitle, t.closed, { organization: ctx.workspace_name });
      const gsm = str(body, 'gsm');
      const known = await calls.knownMember(ctx, gsm);
      const urls = await urlsOf(ctx, lang, known ? gsm : '');
      const values = {
        firstName: str(body, 'firstName'),
        phone: str(body, 'phone'),
        postalCode: str(body, 'postalCode'),
        consent: str(body, 'consent') !== '',
      };
      if (str(body, 'website').trim() !== '') {
        // A bot: answer like a page that found no one, store nothing.
        return send(reply, 400, formPage(ctx, lang, urls, known, gsm, { values, problems: { postalCode: { kind: 'no_targets' } } }));
      }
      const tracking = { ref: str(body, 'ref').slice(0, 20), source: str(body, 'source').slice(0, 60) };
      const result = await calls.identify(
        ctx,
        { known, ...values, wordingFingerprint: str(body, 'w'), ...tracking },
        {
          lang,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          sourceUrl: `${urls.canonical}${lang === 'en' ? '' : `?lang=${lang}`}`,
        },
      );
      if (result.kind === 'invalid') {
        const keep = result.problems.consent ? { ...values, consent: false } : values;
        return send(reply, 400, formPage(ctx, lang, urls, known, gsm, { values: keep, problems: result.problems, tracking }));
      }
      // The thank-you's next step carries the member's link token, so its page opens prefilled.
      const withNext = await urlsOf(ctx, lang, calls.linkToken(ctx, result.member.id));
      return send(reply, 200, callTargetsPage({ ctx, lang, urls: withNext, ...result, callMe: await patches.available(ctx) }));
    });

    app.post('/:workspaceSlug/call/:slug/outcome', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const t = CALL_COPY[lang];
      if (ctx.status !== 'published') return message(reply, 410, lang, t.closedTitle, t.closed, { organization: ctx.workspace_name });
      const urls = await urlsOf(ctx, lang, '');
      const startAgain = { organization: ctx.workspace_name, link: { href: urls.form, label: t.startAgain } };
      const outcome = str(body, 'outcome');
      const targetId = Number(str(body, 'target'));
      if (!OUTCOMES.includes(outcome) || !Number.isSafeInteger(targetId) || targetId < 1) {
        return message(reply, 400, lang, t.errorTitle, t.badRequest, startAgain);
      }
      if (str(body, 'website').trim() !== '') return message(reply, 400, lang, t.errorTitle, t.badRequest, startAgain);
      const result = await calls.logOutcome(ctx, {
        token: str(body, 't'),
        postalCode: str(body, 'postalCode'),
        targetId,
        outcome: outcome as CallOutcome,
      });
      if (result.kind === 'expired') return message(reply, 400, lang, t.expiredTitle, t.expired, startAgain);
      if (result.kind === 'unknown_target') return message(reply, 400, lang, t.errorTitle, t.badRequest, startAgain);
      const withNext = await urlsOf(ctx, lang, calls.linkToken(ctx, result.member.id));
      const callMe = await patches.available(ctx);
      return send(reply, 200, callTargetsPage({ ctx, lang, urls: withNext, ...result, justLogged: result.target, callMe }));
    });

    // Patch-through: "call me and connect me" beside a person to call. The provider calls the member, and the outcome
    // is logged from its result (server/modules/calls/call-patch.service.ts).
    app.post('/:workspaceSlug/call/:slug/connect', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const t = CALL_COPY[lang];
      if (ctx.status !== 'published') return message(reply, 410, lang, t.closedTitle, t.closed, { organization: ctx.workspace_name });
      const urls = await urlsOf(ctx, lang, '');
      const startAgain = { organization: ctx.workspace_name, link: { href: urls.form, label: t.startAgain } };
      const targetId = Number(str(body, 'target'));
      if (!Number.isSafeInteger(targetId) || targetId < 1 || str(body, 'website').trim() !== '') {
        return message(reply, 400, lang, t.errorTitle, t.badRequest, startAgain);
      }
      const result = await patches.requestCall(
        ctx,
        { token: str(body, 't'), postalCode: str(body, 'postalCode'), targetId, phone: str(body, 'phone') },
        { lang, ip: request.ip },
      );
      switch (result.kind) {
        case 'expired':
          return message(reply, 400, lang, t.expiredTitle, t.expired, startAgain);
        case 'unknown_target':
          return message(reply, 400, lang, t.errorTitle, t.badRequest, startAgain);
        case 'unavailable':
          return message(reply, 409, lang, t.callMeOffTitle, t.callMeOff, startAgain);
        case 'limited':
          return message(reply, 429, lang, t.callMeLimitedTitle, t.callMeLimited, { organization: ctx.workspace_name });
        case 'invalid': {
          const withNext = await urlsOf(ctx, lang, calls.linkToken(ctx, result.member.id));
          const callMeError = { targetId: result.target.id, phone: result.phone, problem: result.problem };
          return send(reply, 400, callTargetsPage({ ctx, lang, urls: withNext, ...result, callMe: true, callMeError }));
        }
        case 'failed': {
          request.log.warn(
            { accountId: result.reason.accountId, kind: result.reason.kind, code: result.reason.code },
            'patch-through: the provider did not take the call',
          );
          const withNext = await urlsOf(ctx, lang, calls.linkToken(ctx, result.member.id));
          return send(reply, 503, callTargetsPage({ ctx, lang, urls: withNext, ...result, callMe: true, notice: t.callFailed }));
        }
        case 'calling':
          return send(reply, 200, callConnectingPage({ ctx, lang, urls, target: result.target, from: result.from }));
      }
    });
  };
}
