import { recordActivities } from '../../activities/activities.repo.ts';
import { addTags } from '../../members/members.repo.ts';
import type { StepExecutor } from './types.ts';

// add_tag: tags the member (a 'tagged' activity when the tag is new to them, as when staff tag someone).

export const addTag: StepExecutor<'add_tag'> = {
  kind: 'add_tag',
  async execute(step, ctx) {
    const added = await addTags(ctx.trx, ctx.run.workspaceId, ctx.run.memberId, [step.tag], ctx.now);
    if (added.length > 0) {
      await recordActivities(
        ctx.trx,
        [
          {
            workspaceId: ctx.run.workspaceId,
            memberId: ctx.run.memberId,
            type: 'tagged',
            data: { tag: step.tag, workflowId: ctx.workflow.id },
            occurredAt: ctx.now,
          },
        ],
        ctx.now,
      );
    }
    return { kind: 'next', exit: 'next', outcome: { added: added.length > 0 } };
  },
};
