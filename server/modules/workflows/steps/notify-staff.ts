import { PRIORITY } from '../../../jobs/define.ts';
import { render } from './shared.ts';
import type { StepExecutor } from './types.ts';

// notify_staff: a notification in the dashboard (staff_notifications) and, when the step names an address, the same
// words by email through the workspace's email channel (recorded as "no email channel" when it has none).

export const notifyStaff: StepExecutor<'notify_staff'> = {
  kind: 'notify_staff',
  async execute(step, ctx) {
    const { trx, run, now, workspace } = ctx;
    const body = render(ctx, step.id, 'message', step.message).slice(0, 2000);
    const note = await trx
      .insertInto('staff_notifications')
      .values({
        workspace_id: run.workspaceId,
        source: 'workflow',
        body,
        member_id: run.memberId,
        workflow_id: run.workflowId,
        run_id: run.id,
        created_at: now,
        read_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (step.email === undefined) return { kind: 'next', exit: 'next', outcome: { notificationId: note.id } };
    const sender = await ctx.cache.sender(trx, workspace.id, 'email');
    if (!sender) return { kind: 'next', exit: 'next', outcome: { notificationId: note.id, emailSkipped: 'no_email_channel' } };
    const email = await trx
      .insertInto('messages')
      .values({
        workspace_id: workspace.id,
        direction: 'out',
        channel: 'email',
        kind: 'automation',
        member_id: null,
        broadcast_id: null,
        sender_id: sender.id,
        to_address: step.email,
        from_address: sender.address,
        subject: `${ctx.workflow.name}: ${body.split('\n')[0]?.slice(0, 120) ?? ''}`,
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
    return { kind: 'next', exit: 'next', outcome: { notificationId: note.id, emailMessageId: email.id } };
  },
};
