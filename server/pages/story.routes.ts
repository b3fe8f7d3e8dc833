import fastifyMultipart from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { loggable } from '../lib/logger.ts';
import { actionPath } from '../modules/actions/actions.repo.ts';
import {
  createStorySubmitting,
  MAX_PHOTO_BYTES,
  type Photo,
  type StoryContext,
  storyPublishWording,
  storySmsWording,
  wordingFingerprint,
} from '../modules/stories/story-submitting.ts';
import { COPY, type Lang, pickLang } from './i18n.ts';
import { messagePage } from './join.pages.ts';
import { STORY_COPY } from './story.copy.ts';
import { type StoryUrls, type StoryValues, spotlightPage, storyPage, storyThanksPage } from './story.pages.ts';

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> };
type Params = { workspaceSlug: string; slug: string };
type Bag = Record<string, unknown> | undefined;

/** A coarse flood guard per address in front of the per-address / per-prefix limits of the submitting service. */
const PUBLIC_POST_RATE = {
  max: 20,
  timeWindow: '1 minute',
  allowList: () => false,
  keyGenerator: (request: FastifyRequest) => `ps:${request.ip}`,
};

/** The story form is small: one photo, a dozen short fields, the story itself (3,000 characters, up to 12 KB). */
const MULTIPART_LIMITS = {
  files: 1,
  fileSize: MAX_PHOTO_BYTES,
  fields: 16,
  fieldSize: 16_384,
  fieldNameSize: 40,
  parts: 17,
  headerPairs: 50,
};

const SPOTLIGHT_PAGE = 8;

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

function storyUrls(ctx: StoryContext, lang: Lang, publicUrl: string): StoryUrls {
  const base = actionPath(ctx.workspace.slug, ctx.action);
  const other = COPY[lang].otherLanguage.lang;
  return {
    form: `${base}?lang=${lang}`,
    spotlight: `${base}/stories?lang=${lang}`,
    canonical: `${publicUrl}${base}`,
    otherLanguage: `${base}?lang=${other}`,
    spotlightOtherLanguage: `${base}/stories?lang=${other}`,
  };
}

/**
 * The form's fields and its photo. Multipart (what the page sends) is read part by part within tight limits, the photo
 * into memory up to 3 MB (a larger one is cut off and flagged); a URL-encoded post (no photo) is read as it is.
 */
async function readForm(request: FastifyRequest): Promise<{ bag: Record<string, string>; photo: Photo }> {
  if (!request.isMultipart()) {
    const body = request.body as Bag;
    const bag: Record<string, string> = {};
    for (const key of Object.keys(body ?? {})) bag[key] = str(body, key);
    return { bag, photo: null };
  }
  const bag: Record<string, string> = {};
  let photo: Photo = null;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      // An empty file input still sends a part with no name and no bytes: no photo.
      if (part.fieldname === 'photo' && (bytes.length > 0 || part.file.truncated)) photo = { bytes, tooLarge: part.file.truncated };
    } else if (typeof part.value === 'string') {
      bag[part.fieldname] = part.value;
    }
  }
  return { bag, photo };
}

/** The public story pages under /p/<workspace>/story/<slug>: tell, then the spotlight of approved stories. */
export function storyPages({ db, clock, appSecret, config }: Deps): FastifyPluginAsync {
  const submitting = createStorySubmitting({ db, clock, appSecret });
  return async (app) => {
    // Multipart is parsed only inside this plugin (the photo form), never elsewhere in the app.
    await app.register(fastifyMultipart, { limits: MULTIPART_LIMITS, throwFileSizeLimit: false });

    const langOf = (request: FastifyRequest, bag?: Bag) =>
      pickLang(str(bag, 'lang') || str(request.query as Bag, 'lang'), request.headers['accept-language']);

    const notFound = (reply: FastifyReply, lang: Lang) =>
      send(reply, 404, messagePage({ lang, title: COPY[lang].notFoundTitle, text: COPY[lang].notFound }));

    const limited = (reply: FastifyReply, lang: Lang, ctx?: StoryContext) =>
      send(
        reply,
        429,
        messagePage({
          lang,
          title: COPY[lang].limitedTitle,
          text: STORY_COPY[lang].limitedText,
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
      return submitting.findContext(workspaceSlug, slug);
    };

    const formPage = (ctx: StoryContext, lang: Lang, extra: Partial<Parameters<typeof storyPage>[0]> & { source: string }) => {
      const smsWording = storySmsWording(ctx, lang);
      const publishWording = storyPublishWording(ctx, lang);
      return storyPage({
        ctx,
        lang,
        urls: storyUrls(ctx, lang, config.publicUrl),
        smsWording,
        smsFingerprint: wordingFingerprint(smsWording),
        publishWording,
        publishFingerprint: wordingFingerprint(publishWording),
        ...extra,
      });
    };

    const pageOptions = { schema: { hide: true } };

    app.get('/:workspaceSlug/story/:slug', pageOptions, async (request, reply) => {
      const query = request.query as Bag;
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const token = str(query, 'gsm');
      const known = token ? await submitting.prefill(ctx, token) : null;
      const source = clip(str(query, 'source') || str(query, 'utm_source')) || (token ? 'sms' : '');
      const page = formPage(ctx, lang, {
        source,
        ...(known ? { values: { story: '', display: 'name', publish: false, consent: false, ...known } } : {}),
      });
      // A page that names a member is theirs alone; the anonymous page may be cached briefly.
      return send(reply, 200, page, known || token ? 'no-store' : 'public');
    });

    app.post(
      '/:workspaceSlug/story/:slug',
      { schema: { hide: true }, bodyLimit: 16_384, config: { rateLimit: PUBLIC_POST_RATE } },
      async (request, reply) => {
        const { bag, photo } = await readForm(request);
        const lang = langOf(request, bag);
        const ctx = await context(request);
        if (!ctx) return notFound(reply, lang);
        const urls = storyUrls(ctx, lang, config.publicUrl);
        const values: StoryValues = {
          story: str(bag, 'story'),
          firstName: str(bag, 'firstName'),
          city: str(bag, 'city'),
          email: str(bag, 'email'),
          phone: str(bag, 'phone'),
          display: str(bag, 'display') === 'anonymous' ? 'anonymous' : 'name',
          publish: str(bag, 'publish') !== '',
          consent: str(bag, 'consent') !== '',
        };
        const source = clip(str(bag, 'source'));
        const result = await submitting.submit(
          ctx,
          { ...values, source, wordingFingerprint: str(bag, 'w'), publishFingerprint: str(bag, 'pw'), honeypot: str(bag, 'website') },
          photo,
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
                title: STORY_COPY[lang].closedTitle,
                text: STORY_COPY[lang].closedText,
                links: [{ href: urls.spotlight, label: STORY_COPY[lang].backToStories }],
              }),
            );
          case 'limited':
            return limited(reply, lang, ctx);
          case 'invalid': {
            const changed = (k: 'publish' | 'consent') => result.problems[k]?.kind === 'wording_changed';
            const keep: StoryValues = {
              ...values,
              publish: values.publish && !changed('publish'),
              consent: values.consent && !changed('consent'),
            };
            return send(reply, 400, formPage(ctx, lang, { source, values: keep, problems: result.problems, photoAgain: photo !== null }));
          }
          case 'submitted':
            return send(reply, 200, storyThanksPage({ ctx, lang, urls, firstName: result.firstName }));
        }
      },
    );

    app.get('/:workspaceSlug/story/:slug/stories', pageOptions, async (request, reply) => {
      const lang = langOf(request);
      const ctx = await context(request);
      if (!ctx) return notFound(reply, lang);
      const page = Math.min(Math.max(1, Number.parseInt(str(request.query as Bag, 'page'), 10) || 1), 1_000);
      const rows = await submitting.spotlight(ctx, SPOTLIGHT_PAGE + 1, (page - 1) * SPOTLIGHT_PAGE);
      const base = actionPath(ctx.workspace.slug, ctx.action);
      return send(
        reply,
        200,
        spotlightPage({
          ctx,
          lang,
          urls: storyUrls(ctx, lang, config.publicUrl),
          stories: rows.slice(0, SPOTLIGHT_PAGE),
          photoUrl: (publicId) => `${base}/photos/${encodeURIComponent(publicId)}`,
          page,
          more: rows.length > SPOTLIGHT_PAGE,
        }),
        'public',
      );
    });

    app.get('/:workspaceSlug/story/:slug/photos/:publicId', pageOptions, async (request, reply) => {
      const ctx = await context(request);
      const photo = ctx ? await submitting.publicPhoto(ctx, (request.params as { publicId: string }).publicId) : undefined;
      if (!photo?.photo_type) return notFound(reply, langOf(request));
      // An approved photo never changes under its random name: cache it for long (a week, so a story taken down later
      // does not linger in caches for ever), and never let a browser sniff it into something else.
      return reply
        .type(photo.photo_type)
        .header('cache-control', 'public, max-age=604800')
        .header('x-content-type-options', 'nosniff')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(photo.data);
    });
  };
}
