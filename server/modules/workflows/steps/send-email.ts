import { PRIORITY } from '../../../jobs/define.ts';
import { render } from './shared.ts';
import type { StepExecutor } from './types.ts';

// send_email: through the workspace's email channel (an SMTP account's sender), as an automation in the outbox; the
// dispatcher adds the unsubscribe link and checks email consent again. Without an email channel the step records
// "no email channel" and the run goes on.

export const sendEmail: StepExecutor<'send_email'> = {
  kind: 'send_email',
  async execute(step, ctx) {
    const { member, workspace, now } = ctx;
    const skip = (reason: string) => ({ kind: 'next' as const, exit: 'next', outcome: { skipped: reason } });
    const sender = await ctx.cache.sender(ctx.trx, workspace.id, 'email');
    if (!sender) return skip('no_email_channel');
    if (member.email === null) return skip('no_email');
    if (member.emailConsent !== 'granted') return skip('no_email_consent');
    const subject = render(ctx, step.id, 'subject', step.subject).replace(/\s+/g, ' ').trim().slice(0, 200);
    const body = render(ctx, step.id, 'body', step.body);
    const row = await ctx.trx
      .insertInto('messages')
      .values({
        workspace_id: workspace.id,
        direction: 'out',
        channel: 'email',
        kind: 'automation',
        member_id: member.id,
        broadcast_id: null,
        sender_id: sender.id,
        to_address: member.email,
        from_address: sender.address,
        subject,
        body,
        media_urls: null,
        segments: 1,
        encoding: 'gsm7',
        priority: PRIORITY.automation,
        state: 'queued',
        send_at: now,
        expires_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { kind: 'next', exit: 'next', outcome: { messageId: row.id } };
  },
};
