import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';
import { loggable } from '../../lib/logger.ts';
import { pickLang } from '../../pages/i18n.ts';
import { messagePage } from '../../pages/join.pages.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { bumpStats } from '../messaging/stats.repo.ts';
import { LINK_CODE_PATTERN } from './link-rewrite.ts';
import { clickingMember, countClick, findLink, type ResolvedLink, touchMember } from './links.repo.ts';
import { memberToken } from './member-token.ts';

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> };

/** The query parameter that names the member on our own landing pages (see member-token.ts). */
export const MEMBER_TOKEN_PARAM = 'gsm';

// Apps fetch a link to draw its preview card (often before anyone taps it) and some security tools fetch every
// link in a message; counting those would credit members with clicks they never made. Listed by name: a bare
// "bot" would also match phones such as the Cubot.
const PREVIEWERS =
  /facebookexternalhit|facebot|twitterbot|slackbot|whatsapp|telegrambot|discordbot|linkpreview|linkedinbot|skypeuripreview|applebot|imessage|googlebot|google-pagerenderer|bingbot|pinterestbot|redditbot|embedly|iframely|vkshare|mastodon\/|cardyb/i;

const COPY = {
  en: { title: 'Link not found', text: 'This link does not work. It may have been mistyped or cut short; check the message you received.' },
  es: {
    title: 'Enlace no encontrado',
    text: 'Este enlace no funciona. Puede que esté mal escrito o incompleto; revisa el mensaje que recibiste.',
  },
} as const;

/** Whether this request is a person following the link (and so a click to count). */
function isClick(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const agent = request.headers['user-agent'] ?? '';
  return agent.trim() !== '' && !PREVIEWERS.test(agent);
}

/** The stored destination, only when it is an http(s) URL: nothing else is ever redirected to. */
function destinationOf(stored: string): URL | null {
  try {
    const url = new URL(stored);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : null;
  } catch {
    return null;
  }
}

function paramName(part: string): string {
  const raw = (part.split('=')[0] ?? '').replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The URL without any `name` parameter, plus `name=value` when given; the rest of the query is kept as written. */
function withParam(url: URL, name: string, value: string | null): string {
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part !== '' && paramName(part) !== name);
  const copy = new URL(url.href);
  copy.search = [...kept, ...(value === null ? [] : [`${name}=${encodeURIComponent(value)}`])].join('&');
  return copy.href;
}

/** The public short links /l/<code>: count the click, then send the member on to the destination. */
export function linkRoutes({ db, clock, appSecret, config }: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const ownOrigin = new URL(config.publicUrl).origin;

    const notFound = (request: FastifyRequest, reply: FastifyReply) => {
      const lang = pickLang(undefined, request.headers['accept-language']);
      return reply
        .status(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(messagePage({ lang, title: COPY[lang].title, text: COPY[lang].text }));
    };

    /** Counts a click in one transaction; the member the click is credited to, if any. */
    async function recordClick(link: ResolvedLink, now: number): Promise<number | null> {
      return db.transaction().execute(async (trx) => {
        const first = await countClick(trx, link, now);
        const memberId = link.memberId === null ? null : await clickingMember(trx, link.workspaceId, link.memberId);
        if (memberId !== null) {
          if (first) {
            const subject = link.broadcastId === null ? {} : { subjectType: 'broadcast', subjectId: link.broadcastId };
            await recordActivities(
              trx,
              [{ workspaceId: link.workspaceId, memberId, type: 'clicked', ...subject, data: { url: link.url }, occurredAt: now }],
              now,
            );
          }
          await touchMember(trx, link.workspaceId, memberId, now);
        }
        if (link.broadcastId !== null) await bumpStats(trx, link.workspaceId, link.broadcastId, { clicks: 1, clicked: first ? 1 : 0 });
        return memberId;
      });
    }

    app.get('/l/:code', { schema: { hide: true, params: z.object({ code: z.string() }) } }, async (request, reply) => {
      const { code } = request.params;
      if (!LINK_CODE_PATTERN.test(code)) return notFound(request, reply);
      const link = await findLink(db, code);
      if (!link) return notFound(request, reply);
      const destination = destinationOf(link.url);
      if (!destination) {
        request.log.warn({ workspaceId: link.workspaceId, code }, 'short link leads to a destination that is not http(s); refused');
        return notFound(request, reply);
      }

      const ours = destination.origin === ownOrigin;
      let memberId: number | null = null;
      let now = 0;
      if (isClick(request)) {
        now = clock.now();
        try {
          memberId = await recordClick(link, now);
        } catch (error) {
          // The person still gets where they were going; only the count is lost (and the next click retries it).
          request.log.error({ err: loggable(error), workspaceId: link.workspaceId, code }, 'could not record a link click');
        }
      }
      // On our own pages a token names the member. A token stored in the destination (an organizer who pasted the
      // address they landed on) is always dropped, or everyone would arrive as that organizer.
      const token = ours && memberId !== null ? memberToken(appSecret, { workspaceId: link.workspaceId, memberId, issuedAt: now }) : null;
      const location = ours ? withParam(destination, MEMBER_TOKEN_PARAM, token) : destination.href;

      // no-store: every tap must reach us to be counted, and the redirect may carry a member's token.
      // no-referrer: the destination learns nothing about the short link or the page it was tapped on.
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('x-robots-tag', 'noindex')
        .redirect(location, 302);
    });
  };
}
