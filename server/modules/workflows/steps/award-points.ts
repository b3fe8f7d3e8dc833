import { recordActivities } from '../../activities/activities.repo.ts';
import type { StepExecutor } from './types.ts';

// award_points: a 'points_awarded' activity with { points } on the member's timeline, credited to the workflow.

export const awardPoints: StepExecutor<'award_points'> = {
  kind: 'award_points',
  async execute(step, ctx) {
    await recordActivities(
      ctx.trx,
      [
        {
          workspaceId: ctx.run.workspaceId,
          memberId: ctx.run.memberId,
          type: 'points_awarded',
          subjectType: 'workflow',
          subjectId: ctx.workflow.id,
          data: { points: step.points },
          occurredAt: ctx.now,
        },
      ],
      ctx.now,
    );
    return { kind: 'next', exit: 'next', outcome: { points: step.points } };
  },
};
