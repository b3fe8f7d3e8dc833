import { analyzeSms } from '../../../common/sms-encoding.ts';
import type { WorkflowGoal } from '../../../common/workflows.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { findLinks, newLinkCode, replaceLinks, shortLinkBase, shortLinkLength, shortLinkUrl } from '../links/link-rewrite.ts';
import { countAudienceByLanguage, countContacted, firstReachable, resolveAudience } from './audience.ts';
import type { PreviewView, Problem, ScheduleInput } from './broadcasts.schema.ts';
import { getDefaultSender, listSenderRows, type SenderListRow } from './channels.repo.ts';
import { senderViewOf } from './channels.service.ts';
import { complianceTexts, withFirstMessageFooter } from './compliance-texts.ts';
import { sampleContext } from './expand.ts';
import { compileTemplates, validateTemplates } from './templates.ts';

/** A broadcast's editable fields, as stored or as given (preview, create, patch merged over the stored ones). */
export type Draftable = {
  name: string;
  channel: 'sms' | 'email';
  audience: { communityIds: number[]; tags: string[]; segmentId?: number | null | undefined };
  senderId: number | null;
  templates: Record<string, string>;
  defaultLanguage: string;
  subject: string | null;
  mediaUrl: string | null;
  trackLinks: boolean;
  utm: { source?: string; medium?: string; campaign?: string } | null;
  schedule: ScheduleInput;
  throttlePerMinute: number | null;
  /** 0–50; with a holdout the goal is always set (the default one when none was given). */
  holdoutPercent: number;
  goal: WorkflowGoal | null;
};

/**
 * What a broadcast would do if launched now: who it reaches, what each language variant looks like as sent, what it
 * costs and how long the sender takes to drain it, and every problem that would stop its launch.
 *
 * The sample is the message as it will be sent: tracked links are replaced by a short link of the real length, and
 * the first-message footer (organization + how to opt out) is included when most reachable members have never
 * received a message from the workspace — so a first broadcast shows, and is charged, the longer text.
 */
export async function evaluateBroadcast(
  deps: { db: Db; config: Pick<Config, 'publicUrl'>; now?: number },
  workspaceId: number,
  draft: Draftable,
): Promise<PreviewView> {
  const { db, config } = deps;
  const problems: Problem[] = [];
  const ws = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const channelLabel = draft.channel === 'sms' ? 'SMS' : 'email';

  let senderRow: SenderListRow | undefined;
  if (draft.senderId !== null) {
    [senderRow] = await listSenderRows(db, workspaceId, { includeArchived: true, senderId: draft.senderId });
    if (!senderRow) problems.push({ field: 'senderId', message: 'The chosen sender does not exist in this workspace.' });
    else if (senderRow.channel !== draft.channel)
      problems.push({ field: 'senderId', message: `The chosen sender sends ${senderRow.channel}, not ${channelLabel}.` });
    else if (senderRow.archived_at !== null)
      problems.push({ field: 'senderId', message: 'The chosen sender is archived; choose another one.' });
  } else {
    const fallback = await getDefaultSender(db, workspaceId, draft.channel);
    if (fallback) [senderRow] = await listSenderRows(db, workspaceId, { includeArchived: true, senderId: fallback.id });
    if (!senderRow)
      problems.push({ field: 'senderId', message: `There is no ${channelLabel} sender: add one under Channels, or choose one.` });
  }
  if (senderRow && senderRow.account_status !== 'active' && senderRow.archived_at === null) {
    problems.push({
      field: 'senderId',
      message: `The sender's provider account is ${senderRow.account_status.replace('_', ' ')}; fix it under Channels.`,
    });
  }
  if (draft.mediaUrl) {
    if (draft.channel !== 'sms') problems.push({ field: 'mediaUrl', message: 'Images can only be sent by SMS (MMS).' });
    else if (senderRow && senderRow.supports_mms !== 1)
      problems.push({ field: 'mediaUrl', message: 'The sender cannot send MMS: remove the image or choose a sender with MMS.' });
  }
  if (draft.channel === 'email' && !draft.subject?.trim()) problems.push({ field: 'subject', message: 'An email needs a subject.' });

  const templateProblems = validateTemplates(draft.templates, draft.defaultLanguage);
  for (const problem of templateProblems) problems.push({ field: `templates.${problem.language}`, message: problem.message });
  const compiled = templateProblems.length === 0 ? compileTemplates(draft.templates, draft.defaultLanguage) : null;
  const languageFor = (language: string) =>
    compiled ? compiled.languageFor(language) : language in draft.templates ? language : draft.defaultLanguage;

  // Resolved once (communities' descendants, the segment's rules) for the counts and samples below.
  const segmentId = draft.audience.segmentId ?? null;
  const segmentGone =
    segmentId !== null &&
    !(await db.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('id', '=', segmentId).executeTakeFirst());
  const audience = await resolveAudience(db, workspaceId, segmentGone ? { ...draft.audience, segmentId: null } : draft.audience, {
    now: deps.now ?? Date.now(),
  });
  const breakdown = await countAudienceByLanguage(db, workspaceId, audience, draft.channel);
  const recipients = breakdown.counts;
  if (segmentGone) problems.push({ field: 'audience', message: 'The segment of the audience no longer exists: choose another one.' });
  else if (recipients.total === 0)
    problems.push({ field: 'audience', message: 'The audience is empty: choose communities, tags or a segment with members.' });
  else if (recipients.reachable === 0)
    problems.push({ field: 'audience', message: `No member of the audience can receive ${channelLabel} (consent, address).` });

  const languages: Record<string, number> = {};
  const memberLanguages = new Map<string, string[]>();
  for (const [memberLanguage, count] of breakdown.reachableByLanguage) {
    const language = languageFor(memberLanguage);
    languages[language] = (languages[language] ?? 0) + count;
    memberLanguages.set(language, [...(memberLanguages.get(language) ?? []), memberLanguage]);
  }

  const contacted =
    draft.channel === 'sms' && recipients.reachable > 0 ? await countContacted(db, workspaceId, audience, draft.channel) : 0;
  const withFooter = draft.channel === 'sms' && contacted * 2 <= recipients.reachable;
  const base = shortLinkBase(ws.short_link_base, config.publicUrl);
  const sampleLink = shortLinkUrl(base, newLinkCode());
  if (sampleLink.length !== shortLinkLength(base)) throw new Error('short links changed length');

  const community =
    draft.audience.communityIds[0] === undefined
      ? null
      : ((await db
          .selectFrom('communities')
          .select(['name', 'slug'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', draft.audience.communityIds[0])
          .executeTakeFirst()) ?? null);
  const order = [
    draft.defaultLanguage,
    ...Object.keys(draft.templates)
      .filter((l) => l !== draft.defaultLanguage)
      .sort(),
  ];
  const renders: PreviewView['renders'] = [];
  if (compiled) {
    for (const language of order) {
      if (!(language in draft.templates)) continue;
      const member = await firstReachable(db, workspaceId, audience, draft.channel, memberLanguages.get(language) ?? []);
      const context = member
        ? {
            member: {
              first_name: member.first_name,
              last_name: member.last_name,
              email: member.email,
              postal_code: member.postal_code,
              language: member.language,
              custom: parseCustom(member.custom_fields),
            },
            community,
            workspace: { name: ws.name },
          }
        : { ...sampleContext(ws.name, community), member: { ...sampleContext(ws.name, community).member, language } };
      let sample = compiled.render(language, context);
      if (draft.trackLinks && findLinks(sample).length > 0) sample = replaceLinks(sample, () => sampleLink);
      if (withFooter) sample = withFirstMessageFooter(sample, complianceTexts(ws, language).firstMessageFooter, ws.name);
      if (draft.channel === 'sms') {
        const analysis = analyzeSms(sample);
        renders.push({
          language,
          sample,
          encoding: analysis.encoding,
          units: analysis.units,
          segments: Math.max(1, analysis.segments),
          ucs2Chars: analysis.ucs2Chars,
        });
      } else {
        renders.push({ language, sample, encoding: 'gsm7', units: sample.length, segments: 1, ucs2Chars: [] });
      }
    }
  }
  const segmentsOf = new Map(renders.map((r) => [r.language, r.segments]));
  const segmentsPerMessage = renders.reduce((max, r) => Math.max(max, r.segments), 0);
  // Each language's reachable members times its own segment count: a long Spanish variant costs what it costs.
  let units = 0;
  for (const [language, count] of Object.entries(languages)) units += count * (segmentsOf.get(language) ?? segmentsPerMessage);
  const price = senderRow?.price_micros ?? 0;
  const costMicros =
    units * price + (draft.mediaUrl && draft.channel === 'sms' ? recipients.reachable * (senderRow?.mms_price_micros ?? 0) : 0);
  let drainSeconds = senderRow && senderRow.throughput > 0 ? units / senderRow.throughput : 0;
  if (draft.throttlePerMinute) drainSeconds = Math.max(drainSeconds, recipients.reachable / (draft.throttlePerMinute / 60));
  return {
    recipients,
    languages,
    renders,
    segmentsPerMessage,
    costMicros,
    drainSeconds: Math.ceil(drainSeconds),
    sender: senderRow ? senderViewOf(senderRow) : null,
    problems,
  };
}

/** A member's custom fields as templates see them; anything unreadable is no fields at all. */
export function parseCustom(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
