import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { loggable } from '../lib/logger.ts';
import { consentWording, type JoinContext, type JoinService, wordingFingerprint } from '../modules/communities/join.service.ts';
import { COPY, type Lang, pickLang } from './i18n.ts';
import { codePage, guidelinesPage, type JoinUrls, joinFormPage, messagePage, thankYouPage, tooManyAttemptsPage } from './join.pages.ts';

type Deps = { join: JoinService; config: Pick<Config, 'publicUrl'> };
type Params = { workspaceSlug: string; communitySlug: string };
type FormBody = Record<string, unknown> | undefined;

/**
 * Per-address limit on the public POSTs, a coarse flood guard in front of the per-number / per-IP / per-prefix code
 * limits of the join service. (The app-wide limiter skips everything outside /api/, hence allowList.)
 */
const PUBLIC_POST_RATE = {
  max: 30,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `p:${request.ip}`,
};

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

/** The public join pages under /p/<workspace>/c/<community>: form → code by SMS → member. */
export function joinPages({ join, config }: Deps): FastifyPluginAsync {
  return async (app) => {
    const langOf = (request: FastifyRequest, body?: FormBody) =>
      pickLang(str(body, 'lang') || (request.query as Record<string, unknown> | undefined)?.lang, request.headers['accept-language']);

    const urlsOf = (ctx: JoinContext, lang: Lang): JoinUrls => {
      const base = `/p/${encodeURIComponent(ctx.workspace.slug)}/c/${encodeURIComponent(ctx.community.slug)}`;
      const q = `?lang=${lang}`;
      return {
        form: `${base}${q}`,
        verify: `${base}/verify${q}`,
        resend: `${base}/resend${q}`,
        guidelines: `${base}/guidelines${q}`,
        canonical: `${config.publicUrl}${base}`,
        otherLanguage: `${base}?lang=${COPY[lang].otherLanguage.lang}`,
      };
    };

    const notFound = (reply: FastifyReply, lang: Lang) =>
      send(reply, 404, messagePage({ lang, title: COPY[lang].notFoundTitle, text: COPY[lang].notFound }));

    const inviteOnly = (reply: FastifyReply, ctx: JoinContext, lang: Lang) =>
      send(
        reply,
        403,
        messagePage({
          lang,
          organization: ctx.workspace.name,
          title: COPY[lang].inviteTitle(ctx.community.name),
          text: COPY[lang].invite(ctx.community.name),
        }),
      );

    const limited = (reply: FastifyReply, lang: Lang, ctx?: JoinContext) =>
      send(
        reply,
        429,
        messagePage({
          lang,
          title: COPY[lang].limitedTitle,
          text: COPY[lang].limited,
          ...(ctx ? { organization: ctx.workspace.name } : {}),
        }),
      );

    const sendFailed = (reply: FastifyReply, ctx: JoinContext, lang: Lang) =>
      send(
        reply,
        503,
        messagePage({
          lang,
          organization: ctx.workspace.name,
          title: COPY[lang].sendFailedTitle,
          text: COPY[lang].sendFailed,
          links: [{ href: urlsOf(ctx, lang).form, label: COPY[lang].startAgain }],
        }),
      );

    const expired = (reply: FastifyReply, ctx: JoinContext, lang: Lang) =>
      send(
        reply,
        400,
        messagePage({
          lang,
          organization: ctx.workspace.name,
          title: COPY[lang].expiredTitle,
          text: COPY[lang].expired,
          links: [{ href: urlsOf(ctx, lang).form, label: COPY[lang].startAgain }],
        }),
      );

    async function context(request: FastifyRequest) {
      const { workspaceSlug, communitySlug } = request.params as Params;
      if (workspaceSlug.length > 100 || communitySlug.length > 100) return null;
      return join.findContext(workspaceSlug, communitySlug);
    }

    // Pages answer in HTML, errors included (the rate limiter's 429 too).
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = langOf(request);
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status === 429) return limited(reply, lang);
      if (status >= 500) request.log.error({ err: loggable(error) }, error.message);
      else request.log.info({ err: loggable(error) }, error.message);
      const t = COPY[lang];
      return send(reply, Math.min(status, 500), messagePage({ lang, title: t.errorTitle, text: status >= 500 ? t.error : t.badRequest }));
    });
    app.setNotFoundHandler((request, reply) => notFound(reply, langOf(request)));

    const pageOptions = { schema: { hide: true } };
    const postOptions = { schema: { hide: true }, bodyLimit: 16_384, config: { rateLimit: PUBLIC_POST_RATE } };

    app.get('/:workspaceSlug/c/:communitySlug', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      if (ctx.community.visibility === 'invite') return inviteOnly(reply, ctx, lang);
      const wording = consentWording(ctx, lang);
      return send(
        reply,
        200,
        joinFormPage({ ctx, lang, wording, wordingFingerprint: wordingFingerprint(wording), urls: urlsOf(ctx, lang) }),
        'public',
      );
    });

    app.get('/:workspaceSlug/c/:communitySlug/guidelines', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx || ctx.community.guidelines.trim() === '') return notFound(reply, lang);
      return send(reply, 200, guidelinesPage({ ctx, lang, urls: urlsOf(ctx, lang) }), 'public');
    });

    app.post('/:workspaceSlug/c/:communitySlug', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const values = {
        firstName: str(body, 'firstName'),
        phone: str(body, 'phone'),
        email: str(body, 'email'),
        postalCode: str(body, 'postalCode'),
        consent: str(body, 'consent') !== '',
      };
      const urls = urlsOf(ctx, lang);
      const result = await join.start(
        ctx,
        { ...values, wordingFingerprint: str(body, 'w'), honeypot: str(body, 'website') },
        {
          lang,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          sourceUrl: `${urls.canonical}${lang === 'en' ? '' : `?lang=${lang}`}`,
        },
      );
      switch (result.kind) {
        case 'invite_only':
          return inviteOnly(reply, ctx, lang);
        case 'invalid': {
          const wording = consentWording(ctx, lang);
          // A wording that changed in between must be read and ticked again.
          const keep = result.problems.consent?.kind === 'wording_changed' ? { ...values, consent: false } : values;
          return send(
            reply,
            400,
            joinFormPage({
              ctx,
              lang,
              wording,
              wordingFingerprint: wordingFingerprint(wording),
              urls,
              values: keep,
              problems: result.problems,
            }),
          );
        }
        case 'limited':
          return limited(reply, lang, ctx);
        case 'send_failed':
          return sendFailed(reply, ctx, lang);
        case 'code_sent':
          return send(
            reply,
            200,
            codePage({ ctx, lang, token: result.token, maskedPhone: result.maskedPhone, simulatorCode: result.simulatorCode, urls }),
          );
      }
    });

    app.post('/:workspaceSlug/c/:communitySlug/verify', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      if (ctx.community.visibility === 'invite') return inviteOnly(reply, ctx, lang);
      const result = await join.verify(ctx, {
        token: str(body, 'token'),
        code: str(body, 'code'),
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      const urls = urlsOf(ctx, lang);
      switch (result.kind) {
        case 'joined':
          return send(
            reply,
            200,
            thankYouPage({ ctx, lang, status: result.status, alreadyMember: result.alreadyMember, firstName: result.firstName }),
          );
        case 'wrong_code':
          return send(
            reply,
            400,
            codePage({
              ctx,
              lang,
              token: result.token,
              maskedPhone: result.maskedPhone,
              simulatorCode: null,
              error: COPY[lang].wrongCode(result.attemptsLeft),
              urls,
            }),
          );
        case 'too_many_attempts':
          return send(reply, 400, tooManyAttemptsPage({ ctx, lang, token: result.token, urls }));
        case 'expired':
          return expired(reply, ctx, lang);
      }
    });

    app.post('/:workspaceSlug/c/:communitySlug/resend', postOptions, async (request, reply) => {
      const body = request.body as FormBody;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      if (ctx.community.visibility === 'invite') return inviteOnly(reply, ctx, lang);
      const result = await join.resend(ctx, {
        token: str(body, 'token'),
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      switch (result.kind) {
        case 'code_sent':
          return send(
            reply,
            200,
            codePage({
              ctx,
              lang,
              token: result.token,
              maskedPhone: result.maskedPhone,
              simulatorCode: result.simulatorCode,
              urls: urlsOf(ctx, lang),
            }),
          );
        case 'limited':
          return limited(reply, lang, ctx);
        case 'send_failed':
          return sendFailed(reply, ctx, lang);
        case 'expired':
          return expired(reply, ctx, lang);
      }
    });
  };
}
