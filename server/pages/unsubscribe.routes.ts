import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { memberToken, verifyMemberToken } from '../modules/links/member-token.ts';
import { appendConsent } from '../modules/members/consent.repo.ts';
import { cancelQueuedFor } from '../modules/messaging/opt-out.ts';
import { document, html } from './html.ts';
import { pickLang } from './i18n.ts';
import { messagePage } from './join.pages.ts';

// The unsubscribe link of every email (and its List-Unsubscribe header, RFC 8058 one-click): /u/<token>. The token is
// keyed apart from the landing-page token, so a shared campaign link can never unsubscribe anyone.

const MAX_AGE_MS = 400 * 86_400_000;
const keyOf = (appSecret: string) => `${appSecret}:email-unsubscribe`;

export function unsubscribeToken(appSecret: string, input: { workspaceId: number; memberId: number; issuedAt: number }): string {
  return memberToken(keyOf(appSecret), input);
}

export function unsubscribeUrl(
  publicUrl: string,
  appSecret: string,
  input: { workspaceId: number; memberId: number; issuedAt: number },
): string {
  return `${publicUrl}/u/${unsubscribeToken(appSecret, input)}`;
}

const COPY = {
  en: {
    invalid: 'This unsubscribe link is not valid',
    invalidText: 'It may be incomplete or too old. Reply to the email and ask to be removed; a person will do it.',
    confirm: (org: string) => `Stop emails from ${org}?`,
    confirmText: 'You will get no more emails from us. Texts, if you get them, are not affected (reply STOP to those).',
    button: 'Unsubscribe',
    done: 'You are unsubscribed',
    doneText: (org: string) => `${org} will send you no more emails.`,
  },
  es: {
    invalid: 'Este enlace para darte de baja no es válido',
    invalidText: 'Puede estar incompleto o ser muy antiguo. Responde al correo y pide que te quiten; una persona lo hará.',
    confirm: (org: string) => `¿Dejar de recibir correos de ${org}?`,
    confirmText: 'No recibirás más correos. Los mensajes de texto, si los recibes, no cambian (responde BAJA a esos).',
    button: 'Darme de baja',
    done: 'Te diste de baja',
    doneText: (org: string) => `${org} no te enviará más correos.`,
  },
} as const;

export function unsubscribePages(deps: { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> }): FastifyPluginAsync {
  const { db, clock, appSecret } = deps;

  async function resolve(token: string) {
    const who = verifyMemberToken(keyOf(appSecret), token, clock.now(), MAX_AGE_MS);
    if (!who) return null;
    const row = await db
      .selectFrom('members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['m.id', 'm.email', 'm.email_consent', 'm.workspace_id', 'w.name'])
      .where('m.workspace_id', '=', who.workspaceId)
      .where('m.id', '=', who.memberId)
      .executeTakeFirst();
    return row ?? null;
  }

  return async (app) => {
    app.get<{ Params: { token: string } }>('/u/:token', { schema: { hide: true } }, async (request, reply) => {
      const lang = pickLang(request.query, request.headers['accept-language']);
      const t = COPY[lang];
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8');
      const member = await resolve(request.params.token);
      if (!member) return reply.status(404).send(messagePage({ lang, title: t.invalid, text: t.invalidText }));
      if (member.email_consent === 'revoked') {
        return reply.send(messagePage({ lang, title: t.done, text: t.doneText(member.name), organization: member.name }));
      }
      const body = html`<p class="org">${member.name}</p>
<h1>${t.confirm(member.name)}</h1>
<p>${t.confirmText}</p>
<form method="post" action="/u/${request.params.token}"><button type="submit">${t.button}</button></form>`;
      return reply.send(document({ lang, title: t.confirm(member.name), noindex: true }, body));
    });

    // A person's button, or a mail client's one-click POST (body "List-Unsubscribe=One-Click").
    app.post<{ Params: { token: string } }>('/u/:token', { schema: { hide: true } }, async (request, reply) => {
      const lang = pickLang(request.query, request.headers['accept-language']);
      const t = COPY[lang];
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
      const member = await resolve(request.params.token);
      if (!member) return reply.status(404).send(messagePage({ lang, title: t.invalid, text: t.invalidText }));
      if (member.email_consent !== 'revoked') {
        const now = clock.now();
        await db.transaction().execute(async (trx) => {
          await appendConsent(trx, appSecret, {
            workspaceId: member.workspace_id,
            memberId: member.id,
            channel: 'email',
            status: 'revoked',
            method: 'web_form',
            address: member.email,
            wording: 'Unsubscribed with the link in an email',
            sourceUrl: `${deps.config.publicUrl}/u/…`,
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? null,
            at: now,
          });
          await cancelQueuedFor(trx, { workspaceId: member.workspace_id, memberId: member.id, now, channel: 'email' });
        });
      }
      return reply.send(messagePage({ lang, title: t.done, text: t.doneText(member.name), organization: member.name }));
    });
  };
}
