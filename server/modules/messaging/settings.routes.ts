import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { defaultComplianceTexts } from './compliance-texts.ts';

// The workspace's compliance settings: quiet hours, frequency cap, the failure rate that pauses a broadcast, and the
// wording of HELP / STOP / START replies and of the first message's footer (empty: the product's default wording).

const MAX_TEXT = 320;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM between 00:00 and 23:59');
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/Chicago');
const wholeNumber = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a whole number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const text = z.string().trim().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

/** Short links are `<base>/l/<code>`: the base is an origin (scheme, host, port) with nothing after it. */
const shortLinkBase = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .transform((value, ctx) => {
    if (value === '') return null;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL such as https://gs.example.org' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
      return z.NEVER;
    }
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must be only a scheme and host, without a path, e.g. https://gs.example.org' });
      return z.NEVER;
    }
    return url.origin;
  })
  .nullable();

export const messagingSettingsPatch = z.object({
  quietHoursStart: hhmm.optional(),
  quietHoursEnd: hhmm.optional(),
  timezone: timezone.optional(),
  frequencyCap: wholeNumber(1, 100, 'messages').optional(),
  frequencyWindowDays: wholeNumber(1, 90, 'days').optional(),
  failurePausePercent: wholeNumber(1, 100, 'percent').optional(),
  helpText: text.optional(),
  optOutText: text.optional(),
  optInText: text.optional(),
  firstMessageFooter: text.optional(),
  shortLinkBase: shortLinkBase.optional(),
});
export type MessagingSettingsPatch = z.infer<typeof messagingSettingsPatch>;

const texts = z.object({ helpText: z.string(), optOutText: z.string(), optInText: z.string(), firstMessageFooter: z.string() });

export const messagingSettings = texts.extend({
  quietHoursStart: z.string(),
  quietHoursEnd: z.string(),
  timezone: z.string(),
  frequencyCap: z.number(),
  frequencyWindowDays: z.number(),
  failurePausePercent: z.number(),
  shortLinkBase: z.string().nullable(),
  defaults: texts.describe('The wording used where a text is empty'),
});
export type MessagingSettings = z.infer<typeof messagingSettings>;

// Text settings are free wording; the audit keeps only that they changed.
const TEXT_KEYS = new Set(['helpText', 'optOutText', 'optInText', 'firstMessageFooter']);

export async function getMessagingSettings(db: Db, workspaceId: number): Promise<MessagingSettings> {
  const ws = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
  if (!ws) throw new AppError({ code: 'workspace.not_found', status: 404, message: 'There is no such workspace.' });
  return {
    quietHoursStart: ws.quiet_hours_start,
    quietHoursEnd: ws.quiet_hours_end,
    timezone: ws.timezone,
    frequencyCap: ws.frequency_cap,
    frequencyWindowDays: ws.frequency_window_days,
    failurePausePercent: ws.failure_pause_percent,
    helpText: ws.help_text,
    optOutText: ws.opt_out_text,
    optInText: ws.opt_in_text,
    firstMessageFooter: ws.first_message_footer,
    shortLinkBase: ws.short_link_base,
    defaults: defaultComplianceTexts(ws.name, 'en'),
  };
}

export async function updateMessagingSettings(
  deps: { db: Db; clock: Clock },
  tenant: { workspaceId: number; actor: Parameters<typeof recordAudit>[1]['actor'] },
  patch: MessagingSettingsPatch,
): Promise<MessagingSettings> {
  const { db, clock } = deps;
  const now = clock.now();
  const changed = Object.entries(patch).filter(([, value]) => value !== undefined);
  if (changed.length === 0) return getMessagingSettings(db, tenant.workspaceId);
  await db.transaction().execute(async (trx) => {
    const ws = await trx
      .selectFrom('workspaces')
      .select(['quiet_hours_start', 'quiet_hours_end'])
      .where('id', '=', tenant.workspaceId)
      .executeTakeFirstOrThrow();
    const start = patch.quietHoursStart ?? ws.quiet_hours_start;
    const end = patch.quietHoursEnd ?? ws.quiet_hours_end;
    if (start === end) {
      const path = patch.quietHoursEnd !== undefined ? 'body.quietHoursEnd' : 'body.quietHoursStart';
      throw new AppError({
        code: 'request.invalid',
        status: 400,
        message: `Quiet hours must start and end at different times (both are ${start}).`,
        fields: [{ path, message: 'must differ from the other end of the quiet hours' }],
      });
    }
    await trx
      .updateTable('workspaces')
      .set({
        quiet_hours_start: patch.quietHoursStart,
        quiet_hours_end: patch.quietHoursEnd,
        timezone: patch.timezone,
        frequency_cap: patch.frequencyCap,
        frequency_window_days: patch.frequencyWindowDays,
        failure_pause_percent: patch.failurePausePercent,
        help_text: patch.helpText,
        opt_out_text: patch.optOutText,
        opt_in_text: patch.optInText,
        first_message_footer: patch.firstMessageFooter,
        short_link_base: patch.shortLinkBase,
      })
      .where('id', '=', tenant.workspaceId)
      .execute();
    await recordAudit(trx, {
      workspaceId: tenant.workspaceId,
      actor: tenant.actor,
      action: 'messaging_settings.updated',
      targetType: 'workspace',
      targetId: tenant.workspaceId,
      data: { changed: changed.map(([key]) => key), values: Object.fromEntries(changed.filter(([key]) => !TEXT_KEYS.has(key))) },
      at: now,
    });
  });
  return getMessagingSettings(db, tenant.workspaceId);
}

/** Compliance settings of the workspace: everyone who reads messaging sees them, managers change them. */
export function messagingSettingsRoutes({ db, clock }: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/messaging-settings',
      {
        config: { access: 'messaging.read' },
        schema: {
          tags: ['messaging'],
          summary: 'Quiet hours, frequency cap, failure pause and compliance wording (empty texts use the defaults shown)',
          params: workspaceParams,
          response: { 200: messagingSettings },
        },
      },
      async (request) => getMessagingSettings(db, tenantOf(request).workspaceId),
    );

    app.patch(
      '/api/workspaces/:workspaceId/messaging-settings',
      {
        config: { access: 'compliance.manage' },
        schema: {
          tags: ['messaging'],
          summary: 'Change compliance settings; an empty text goes back to the default wording',
          params: workspaceParams,
          body: messagingSettingsPatch,
          response: { 200: messagingSettings },
        },
      },
      async (request) => updateMessagingSettings({ db, clock }, tenantOf(request), request.body),
    );
  };
}
