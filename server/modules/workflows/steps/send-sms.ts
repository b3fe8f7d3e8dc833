import { analyzeSms } from '../../../../common/sms-encoding.ts';
import { PRIORITY } from '../../../jobs/define.ts';
import { insertLinks } from '../../links/links.repo.ts';
import { complianceTexts, withFirstMessageFooter } from '../../messaging/compliance-texts.ts';
import { fillActionLinks, markActionLinks, memberActionLinks } from '../action-links.ts';
import { render, zoneOf } from './shared.ts';
import type { StepContext, StepExecutor } from './types.ts';

// send_sms: the member's text goes into the outbox as an automation, like an event reminder. Members without SMS
// consent, without a mobile number, or at the workspace's frequency cap are skipped with the reason recorded; the send
// is scheduled inside the member's sending window (quiet hours), and the dispatcher checks consent again before it goes.
// The first text a member ever gets carries the organization's name and how to opt out. `{{ links.action_<id> }}`
// becomes the member's own short link to the action (../action-links.ts); a text whose action is gone or not open is
// skipped rather than sent with a link to a closed page.

const DAY = 86_400_000;

/** Messages counted by the frequency cap that the member got in the window, and whether they were ever texted. */
async function history(ctx: StepContext, since: number) {
  const { trx, run } = ctx;
  const rows = await trx
    .selectFrom('messages')
    .select(['kind', 'created_at'])
    .where('workspace_id', '=', run.workspaceId)
    .where('member_id', '=', run.memberId)
    .where('direction', '=', 'out')
    .where('channel', '=', 'sms')
    .where('kind', '<>', 'test')
    .where('state', 'not in', ['cancelled', 'failed'])
    .orderBy('created_at', 'desc')
    .limit(ctx.workspace.frequencyCap + 1)
    .execute();
  const capped = rows.filter((m) => m.created_at >= since && (m.kind === 'broadcast' || m.kind === 'automation' || m.kind === 'p2p'));
  return { recent: capped.length, everTexted: rows.length > 0 };
}

export const sendSms: StepExecutor<'send_sms'> = {
  kind: 'send_sms',
  async execute(step, ctx) {
    const { member, workspace, now } = ctx;
    const skip = (reason: string) => ({ kind: 'next' as const, exit: 'next', outcome: { skipped: reason } });
    if (member.smsConsent !== 'granted') return skip('no_sms_consent');
    if (member.phone === null) return skip('no_phone');
    if (member.phoneType === 'landline') return skip('landline');
    const sender = await ctx.cache.sender(ctx.trx, workspace.id, 'sms');
    if (!sender) return skip('no_sms_sender');
    const { recent, everTexted } = await history(ctx, now - workspace.frequencyWindowDays * DAY);
    if (recent >= workspace.frequencyCap) return skip('frequency_cap');

    const linked = markActionLinks(step.body);
    let body = render(ctx, step.id, 'body', linked.source);
    if (body.trim() === '') return skip('empty_message');
    let links: Awaited<ReturnType<typeof memberActionLinks>> | null = null;
    if (linked.actionIds.length > 0) {
      links = await memberActionLinks(ctx, step.id, linked.actionIds);
      if ('skip' in links) return skip(links.skip);
      body = fillActionLinks(body, links.urls);
    }
    if (!everTexted) {
      const texts = complianceTexts(
        {
          name: workspace.name,
          help_text: workspace.helpText,
          opt_out_text: workspace.optOutText,
          opt_in_text: workspace.optInText,
          first_message_footer: workspace.firstMessageFooter,
        },
        member.language,
      );
      body = withFirstMessageFooter(body, texts.firstMessageFooter, workspace.name);
    }
    const zone = zoneOf(ctx);
    const quiet = ctx.cache.quietHours(workspace.quietHoursStart, workspace.quietHoursEnd);
    const sendAt = quiet.nextAllowed(now, zone);
    const analysis = analyzeSms(body);
    const row = await ctx.trx
      .insertInto('messages')
      .values({
        workspace_id: workspace.id,
        direction: 'out',
        channel: 'sms',
        kind: 'automation',
        member_id: member.id,
        broadcast_id: null,
        sender_id: sender.id,
        to_address: member.phone,
        from_address: sender.address,
        subject: null,
        body,
        media_urls: null,
        segments: Math.max(1, analysis.segments),
        encoding: analysis.encoding,
        priority: PRIORITY.automation,
        state: 'queued',
        send_at: sendAt,
        expires_at: quiet.windowEnd(sendAt, zone),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (links)
      await insertLinks(
        ctx.trx,
        links.rows.map((link) => ({ ...link, messageId: row.id })),
      );
    return { kind: 'next', exit: 'next', outcome: { messageId: row.id, sendAt } };
  },
};
