import type { WorkflowCondition, WorkflowGoal } from '../../../../common/workflows.ts';
import type { Executor } from '../../members/members.repo.ts';
import { isValidTimezone } from '../../messaging/quiet-hours.ts';
import type { TemplateContext } from '../../messaging/templates.ts';
import { resolveSegment, selectSegment } from '../../segments/segment-sql.ts';
import type { MemberFacts, StepContext } from './types.ts';

// What several step kinds share: a member's fields for templates, their time zone, and the conditions that condition
// steps, goal steps and goal checks test against one member.

const DAY = 86_400_000;

/** Activities whose subject is an action (most kinds say 'action', events say 'event'). */
const ACTION_SUBJECTS = ['action', 'event'];

export function templateContext(member: MemberFacts, workspaceName: string): TemplateContext {
  return {
    member: {
      first_name: member.firstName,
      last_name: member.lastName,
      email: member.email,
      postal_code: member.postalCode,
      language: member.language,
      custom: member.custom,
    },
    community: null,
    workspace: { name: workspaceName },
  };
}

/** A step's template for this member; the template is compiled once per version, step and field. */
export function render(ctx: StepContext, stepId: string, field: string, source: string): string {
  const compiled = ctx.cache.template(`${ctx.run.versionId}:${stepId}:${field}`, source);
  return compiled.render(ctx.member.language, templateContext(ctx.member, ctx.workspace.name));
}

/** The member's own zone when it is a real one, else the workspace's. */
export function zoneOf(ctx: Pick<StepContext, 'member' | 'workspace'>): string {
  return isValidTimezone(ctx.member.timezone) ? ctx.member.timezone : ctx.workspace.timezone;
}

/** Whether one member matches a condition now. */
export async function memberMatches(
  trx: Executor,
  input: { workspaceId: number; memberId: number; now: number },
  condition: WorkflowCondition,
): Promise<boolean> {
  const { workspaceId, memberId, now } = input;
  switch (condition.kind) {
    case 'has_tag': {
      const row = await trx
        .selectFrom('member_tags')
        .select('tag')
        .where('workspace_id', '=', workspaceId)
        .where('member_id', '=', memberId)
        .where('tag', '=', condition.tag)
        .executeTakeFirst();
      return row !== undefined;
    }
    case 'in_community': {
      const row = await trx
        .selectFrom('memberships')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('member_id', '=', memberId)
        .where('community_id', '=', condition.communityId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return row !== undefined;
    }
    case 'did_activity':
      return didActivity(trx, {
        workspaceId,
        memberId,
        types: condition.types,
        actionId: condition.actionId,
        since: condition.withinDays === undefined ? null : now - condition.withinDays * DAY,
        until: null,
      });
    case 'segment': {
      const seg = await resolveSegment(trx, workspaceId, condition.rule, now);
      const row = await selectSegment(trx, seg).select('m.id').where('m.id', '=', memberId).executeTakeFirst();
      return row !== undefined;
    }
  }
}

export async function didActivity(
  trx: Executor,
  input: {
    workspaceId: number;
    memberId: number;
    types: readonly string[];
    actionId: number | undefined;
    since: number | null;
    until: number | null;
  },
): Promise<boolean> {
  let query = trx
    .selectFrom('activities')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('member_id', '=', input.memberId)
    .where('type', 'in', [...input.types]);
  if (input.since !== null) query = query.where('occurred_at', '>=', input.since);
  if (input.until !== null) query = query.where('occurred_at', '<=', input.until);
  if (input.actionId !== undefined) {
    query = query.where('subject_type', 'in', ACTION_SUBJECTS).where('subject_id', '=', input.actionId);
  }
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** Whether an activity (as the triggers job reads it) is what a goal waits for. */
export function activityMeetsGoal(
  goal: WorkflowGoal,
  activity: { type: string; subject_type: string | null; subject_id: number | null },
): boolean {
  if (!(goal.types as readonly string[]).includes(activity.type)) return false;
  if (goal.actionId === undefined) return true;
  return activity.subject_type !== null && ACTION_SUBJECTS.includes(activity.subject_type) && activity.subject_id === goal.actionId;
}

/** Whether the run's member reached the goal since enrolling (within its window). */
export async function goalReached(ctx: Pick<StepContext, 'trx' | 'run' | 'definition' | 'now'>): Promise<boolean> {
  const goal = ctx.definition.goal;
  if (!goal) return false;
  if (ctx.run.goalReachedAt !== null) return true;
  return didActivity(ctx.trx, {
    workspaceId: ctx.run.workspaceId,
    memberId: ctx.run.memberId,
    types: goal.types,
    actionId: goal.actionId,
    since: ctx.run.enrolledAt,
    until: ctx.run.goalDeadline ?? ctx.now,
  });
}
