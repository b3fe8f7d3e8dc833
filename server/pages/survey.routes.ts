import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { loggable } from '../lib/logger.ts';
import { actionPath } from '../modules/actions/actions.repo.ts';
import {
  answerField,
  surveyConsentWording,
  type WebSurveyContext,
  type WebSurveys,
  wordingFingerprint,
} from '../modules/surveys/web-survey.ts';
import { COPY, type Lang, pickLang } from './i18n.ts';
import { messagePage } from './join.pages.ts';
import { SURVEY_COPY } from './survey.copy.ts';
import { type SurveyUrls, type SurveyValues, surveyPage, thankYouPage } from './survey.pages.ts';

type Deps = { surveys: WebSurveys; config: Pick<Config, 'publicUrl'> };
type Params = { workspaceSlug: string; slug: string };
type Bag = Record<string, unknown> | undefined;

/** A flood guard per address on answers (the app-wide limiter skips everything outside /api/, hence allowList). */
const PUBLIC_POST_RATE = {
  max: 30,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `ps:${request.ip}`,
};

const str = (bag: Bag, name: string) => {
  const value = bag?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
};

function send(reply: FastifyReply, status: number, page: string, cache: 'no-store' | 'public' = 'no-store') {
  reply.status(status).type('text/html; charset=utf-8');
  if (cache === 'public') reply.header('cache-control', 'public, max-age=30').header('vary', 'accept-language');
  else reply.header('cache-control', 'no-store');
  return reply.send(page);
}

function surveyUrls(ctx: WebSurveyContext, lang: Lang, publicUrl: string): SurveyUrls {
  const base = actionPath(ctx.workspace.slug, ctx.action);
  return { form: `${base}?lang=${lang}`, canonical: `${publicUrl}${base}`, otherLanguage: `${base}?lang=${COPY[lang].otherLanguage.lang}` };
}

/** The public survey pages under /p/<workspace>/survey/<slug>: every question on one page, then the thank-you. */
export function surveyPages({ surveys, config }: Deps): FastifyPluginAsync {
  return async (app) => {
    const langOf = (request: FastifyRequest, body?: Bag) =>
      pickLang(str(body, 'lang') || str(request.query as Bag, 'lang'), request.headers['accept-language']);

    const notFound = (reply: FastifyReply, lang: Lang) =>
      send(reply, 404, messagePage({ lang, title: COPY[lang].notFoundTitle, text: COPY[lang].notFound }));

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = langOf(request);
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      const t = COPY[lang];
      if (status === 429) return send(reply, 429, messagePage({ lang, title: t.limitedTitle, text: SURVEY_COPY[lang].limitedText }));
      if (status >= 500) request.log.error({ err: loggable(error) }, error.message);
      else request.log.info({ err: loggable(error) }, error.message);
      return send(reply, Math.min(status, 500), messagePage({ lang, title: t.errorTitle, text: status >= 500 ? t.error : t.badRequest }));
    });

    const context = (request: FastifyRequest) => {
      const { workspaceSlug, slug } = request.params as Params;
      return surveys.findContext(workspaceSlug, slug);
    };

    const pageOptions = { schema: { hide: true } };
    const postOptions = { schema: { hide: true }, bodyLimit: 65_536, config: { rateLimit: PUBLIC_POST_RATE } };

    app.get('/:workspaceSlug/survey/:slug', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const token = str(request.query as Bag, 'gsm');
      const known = token ? await surveys.prefill(ctx, token) : null;
      const wording = surveyConsentWording(ctx, lang);
      const q = request.query as Bag;
      const tracking = { ref: str(q, 'ref').slice(0, 20), source: (str(q, 'source') || str(q, 'utm_source')).slice(0, 60) };
      const page = surveyPage({
        ctx,
        lang,
        urls: surveyUrls(ctx, lang, config.publicUrl),
        wording,
        wordingFingerprint: wordingFingerprint(wording),
        tracking,
        ...(known
          ? {
              values: { answers: {}, firstName: known.firstName, phone: known.phone, email: known.email, consent: false },
              alreadyAnswered: known.answered,
            }
          : {}),
      });
      // A page that names a member is theirs alone; the anonymous page may be cached briefly.
      return send(reply, 200, page, token || tracking.ref ? 'no-store' : 'public');
    });

    app.post('/:workspaceSlug/survey/:slug', postOptions, async (request, reply) => {
      const body = request.body as Bag;
      const lang = langOf(request, body);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const urls = surveyUrls(ctx, lang, config.publicUrl);
      const values: SurveyValues = {
        answers: Object.fromEntries(ctx.questions.map((q) => [answerField(q.id), str(body, answerField(q.id))])),
        firstName: str(body, 'firstName'),
        phone: str(body, 'phone'),
        email: str(body, 'email'),
        consent: str(body, 'consent') !== '',
      };
      const tracking = { ref: str(body, 'ref').slice(0, 20), source: str(body, 'source').slice(0, 60) };
      const result = await surveys.answer(
        ctx,
        {
          answers: Object.fromEntries(ctx.questions.map((q) => [q.id, values.answers[answerField(q.id)] ?? ''])),
          firstName: values.firstName,
          phone: values.phone,
          email: values.email,
          consent: values.consent,
          wordingFingerprint: str(body, 'w'),
          honeypot: str(body, 'website'),
          ...tracking,
        },
        {
          lang,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          sourceUrl: `${urls.canonical}${lang === 'en' ? '' : `?lang=${lang}`}`,
        },
      );
      switch (result.kind) {
        case 'closed':
          return send(
            reply,
            409,
            messagePage({
              lang,
              organization: ctx.workspace.name,
              title: SURVEY_COPY[lang].closedTitle,
              text: SURVEY_COPY[lang].closedText,
            }),
          );
        case 'invalid': {
          const wording = surveyConsentWording(ctx, lang);
          // A wording that changed in between must be read and ticked again.
          const keep = result.problems.consent ? { ...values, consent: false } : values;
          return send(
            reply,
            400,
            surveyPage({
              ctx,
              lang,
              urls,
              wording,
              wordingFingerprint: wordingFingerprint(wording),
              values: keep,
              problems: result.problems,
              tracking,
            }),
          );
        }
        case 'answered':
        case 'already':
          return send(
            reply,
            200,
            thankYouPage({ ctx, lang, already: result.kind === 'already', firstName: result.firstName, consented: values.consent }),
          );
      }
    });
  };
}
