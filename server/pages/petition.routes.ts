import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { GroupCommit } from '../db/group-commit.ts';
import type { Clock } from '../lib/clock.ts';
import { loggable } from '../lib/logger.ts';
import { actionPath, findAction } from '../modules/actions/actions.repo.ts';
import { memberToken } from '../modules/links/member-token.ts';
import {
  createPetitionSigning,
  type PetitionContext,
  petitionConsentWording,
  wordingFingerprint,
} from '../modules/petitions/petition-signing.ts';
import { COPY, type Lang, pickLang } from './i18n.ts';
import { messagePage } from './join.pages.ts';
import { PETITION_COPY } from './petition.copy.ts';
import { type PetitionUrls, type PetitionValues, petitionPage, type ShareLinks, type Tracking, thankYouPage } from './petition.pages.ts';

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'>; writer: GroupCommit };
type Params = { workspaceSlug: string; slug: string };
type Bag = Record<string, unknown> | undefined;

/** A coarse flood guard per address in front of the signing service's per-address / per-prefix limits. */
const PUBLIC_POST_RATE = {
  max: 30,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `pp:${request.ip}`,
};

const str = (bag: Bag, name: string) => {
  const value = bag?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
};

const clip = (value: string, max = 60) => value.trim().slice(0, max);

function send(reply: FastifyReply, status: number, page: string, cache: 'no-store' | 'public' = 'no-store') {
  reply.status(status).type('text/html; charset=utf-8');
  if (cache === 'public') reply.header('cache-control', 'public, max-age=30').header('vary', 'accept-language');
  else reply.header('cache-control', 'no-store');
  return reply.send(page);
}

/** The urls of a petition's page in a language. */
export function petitionUrls(ctx: PetitionContext, lang: Lang, publicUrl: string): PetitionUrls {
  const base = actionPath(ctx.workspace.slug, ctx.action);
  return {
    form: `${base}?lang=${lang}`,
    canonical: `${publicUrl}${base}`,
    otherLanguage: `${base}?lang=${COPY[lang].otherLanguage.lang}`,
  };
}

/** The share links of a signer: the petition with their ref code, tagged by network. */
function shareLinks(ctx: PetitionContext, canonical: string, refCode: string): ShareLinks {
  const url = (source: string) => `${canonical}?ref=${encodeURIComponent(refCode)}&source=${source}`;
  const text = ctx.action.share_text.trim() || ctx.action.title;
  const e = encodeURIComponent;
  return {
    sms: `sms:?&body=${e(`${text} ${url('sms')}`)}`,
    whatsapp: `https://wa.me/?text=${e(`${text} ${url('whatsapp')}`)}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${e(url('facebook'))}`,
    x: `https://x.com/intent/post?text=${e(text)}&url=${e(url('x'))}`,
  };
}

const PAGE_CACHE_ENTRIES = 2_000;
/** How long a sign-up may use a petition's context read by an earlier one (the signing re-reads the petition row). */
const CONTEXT_TTL_MS = 5_000;

/** The public petition pages under /p/<workspace>/petition/<slug>: read, sign, then the next step. */
export function petitionPages({ db, clock, appSecret, config, writer }: Deps): FastifyPluginAsync {
  const signing = createPetitionSigning({ db, clock, appSecret, publicUrl: config.publicUrl, writer });
  // A petition shared widely is read far more often than it changes: the page nobody is named on is kept per language
  // and referral code, and served again while the petition's row (its text, status and count, bumped by every
  // signature) is the same — one lookup by primary key instead of the page's queries and its rendering (a renamed
  // workspace shows on the next signature or edit).
  const rendered = new Map<string, { page: string; actionId: number; version: string }>();
  const versionOf = async (actionId: number) =>
    JSON.stringify(await db.selectFrom('actions').selectAll().where('id', '=', actionId).executeTakeFirst());
  return async (app) => {
    const langOf = (request: FastifyRequest, body?: Bag) =>
      pickLang(str(body, 'lang') || str(request.query as Bag, 'lang'), request.headers['accept-language']);

    const notFound = (reply: FastifyReply, lang: Lang) =>
      send(reply, 404, messagePage({ lang, title: COPY[lang].notFoundTitle, text: COPY[lang].notFound }));

    const limited = (reply: FastifyReply, lang: Lang, ctx?: PetitionContext) =>
      send(
        reply,
        429,
        messagePage({
          lang,
          title: COPY[lang].limitedTitle,
          text: PETITION_COPY[lang].limitedText,
          ...(ctx ? { organization: ctx.workspace.name } : {}),
        }),
      );

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const lang = langOf(request);
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status === 429) return limited(reply, lang);
      if (status >= 500) request.log.error({ err: loggable(error) }, error.message);
      else request.log.info({ err: loggable(error) }, error.message);
      const t = COPY[lang];
      return send(reply, Math.min(status, 500), messagePage({ lang, title: t.errorTitle, text: status >= 500 ? t.error : t.badRequest }));
    });

    const context = (request: FastifyRequest) => {
      const { workspaceSlug, slug } = request.params as Params;
      return signing.findContext(workspaceSlug, slug);
    };

    // A burst of sign-ups reads the petition and its workspace once every few seconds, not once each: the signing
    // reads the petition's own row again in its transaction, so only the workspace's name may lag (as on the page).
    const contexts = new Map<string, { ctx: PetitionContext; until: number }>();
    const signingContext = async (request: FastifyRequest) => {
      const { workspaceSlug, slug } = request.params as Params;
      const key = `${workspaceSlug}\n${slug}`;
      const now = performance.now();
      const hit = contexts.get(key);
      if (hit && hit.until > now) return hit.ctx;
      const ctx = await context(request);
      if (contexts.size >= PAGE_CACHE_ENTRIES) contexts.clear();
      if (ctx?.action.status === 'published') contexts.set(key, { ctx, until: now + CONTEXT_TTL_MS });
      else contexts.delete(key);
      return ctx;
    };

    const pageOptions = { schema: { hide: true } };
    const postOptions = { schema: { hide: true }, bodyLimit: 16_384, config: { rateLimit: PUBLIC_POST_RATE } };

    app.get('/:workspaceSlug/petition/:slug', pageOptions, async (request, reply) => {
      const query = request.query as Bag;
      const lang = langOf(request);
      const token = str(query, 'gsm');
      const { workspaceSlug, slug } = request.params as Params;
      const cacheKey = token
        ? null
        : [
            workspaceSlug,
            slug,
            lang,
            str(query, 'ref'),
            str(query, 'source') || str(query, 'utm_source'),
            str(query, 'medium') || str(query, 'utm_medium'),
          ].join('\n');
      const cached = cacheKey === null ? undefined : rendered.get(cacheKey);
      if (cached && (await versionOf(cached.actionId)) === cached.version) return send(reply, 200, cached.page, 'public');
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const known = token ? await signing.prefill(ctx, token) : null;
      const wording = petitionConsentWording(ctx, lang);
      const tracking: Tracking = {
        ref: clip(str(query, 'ref'), 20),
        source: clip(str(query, 'source') || str(query, 'utm_source')) || (token ? 'sms' : ''),
        medium: clip(str(query, 'medium') || str(query, 'utm_medium')),
      };
      const page = petitionPage({
        ctx,
        lang,
        urls: petitionUrls(ctx, lang, config.publicUrl),
        wording,
        wordingFingerprint: wordingFingerprint(wording),
        tracking,
        signers: await signing.signers(ctx),
        ...(known
          ? {
              values: { ...known, comment: '', showName: false, consent: false },
              alreadySigned: known.signed,
            }
          : {}),
      });
      // A page that names a member is theirs alone; the anonymous page may be cached briefly.
      if (cacheKey !== null) {
        if (rendered.size >= PAGE_CACHE_ENTRIES) rendered.clear();
        rendered.set(cacheKey, { page, actionId: ctx.action.id, version: JSON.stringify(ctx.action) });
      }
      return send(reply, 200, page, known || token ? 'no-store' : 'public');
    });

    app.post('/:workspaceSlug/petition/:slug', postOptions, async (request, reply) => {
      const body = request.body as Bag;
      const lang = langOf(request, body);
      const ctx = await signingContext(request);
      if (!ctx) return notFound(reply, lang);
      const urls = petitionUrls(ctx, lang, config.publicUrl);
      const values: PetitionValues = {
        firstName: str(body, 'firstName'),
        lastName: str(body, 'lastName'),
        email: str(body, 'email'),
        phone: str(body, 'phone'),
        postalCode: str(body, 'postalCode'),
        comment: str(body, 'comment'),
        showName: str(body, 'showName') !== '',
        consent: str(body, 'consent') !== '',
      };
      const tracking: Tracking = { ref: clip(str(body, 'ref'), 20), source: clip(str(body, 'source')), medium: clip(str(body, 'medium')) };
      const result = await signing.sign(
        ctx,
        { ...values, ...tracking, wordingFingerprint: str(body, 'w'), honeypot: str(body, 'website') },
        {
          lang,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          sourceUrl: `${urls.canonical}${lang === 'en' ? '' : `?lang=${lang}`}`,
        },
      );
      if (result.kind === 'closed' || result.kind === 'invalid')
        contexts.delete(`${(request.params as Params).workspaceSlug}\n${(request.params as Params).slug}`);
      switch (result.kind) {
        case 'closed':
          return send(
            reply,
            409,
            messagePage({
              lang,
              organization: ctx.workspace.name,
              title: PETITION_COPY[lang].closedTitle,
              text: PETITION_COPY[lang].closedText,
              links: [{ href: urls.form, label: ctx.action.title }],
            }),
          );
        case 'limited':
          return limited(reply, lang, ctx);
        case 'invalid': {
          // New consent words: the page is shown again with them, read afresh.
          const page = result.problems.consent?.kind === 'wording_changed' ? ((await context(request)) ?? ctx) : ctx;
          const wording = petitionConsentWording(page, lang);
          const keep = result.problems.consent?.kind === 'wording_changed' ? { ...values, consent: false } : values;
          return send(
            reply,
            400,
            petitionPage({
              ctx: page,
              lang,
              urls,
              wording,
              wordingFingerprint: wordingFingerprint(wording),
              tracking,
              signers: await signing.signers(page),
              values: keep,
              problems: result.problems,
            }),
          );
        }
        case 'signed':
        case 'already': {
          const next = await nextStep(ctx, result.memberId, lang);
          return send(
            reply,
            200,
            thankYouPage({
              ctx,
              lang,
              already: result.kind === 'already',
              firstName: result.firstName,
              count: result.count,
              next,
              share: shareLinks(ctx, urls.canonical, result.refCode),
            }),
          );
        }
      }
    });

    /** The next action on the ladder, published, with a token so its page opens prefilled for this member. */
    async function nextStep(ctx: PetitionContext, memberId: number | null, lang: Lang) {
      if (ctx.action.next_action_id === null) return null;
      const next = await findAction(db, ctx.workspace.id, ctx.action.next_action_id);
      if (next?.status !== 'published') return null;
      const params = new URLSearchParams({ lang });
      if (memberId !== null) params.set('gsm', memberToken(appSecret, { workspaceId: ctx.workspace.id, memberId, issuedAt: clock.now() }));
      return { title: next.title, summary: next.summary, url: `${actionPath(ctx.workspace.slug, next)}?${params}` };
    }
  };
}
