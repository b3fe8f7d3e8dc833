import { normalizeKeyword } from '../../../common/keywords.ts';
import type { StepOf } from '../../../common/workflows.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { InboundStep } from '../messaging/inbound-context.ts';
import { enrollMembers, kickTick } from './enroll.ts';
import { readReply } from './steps/wait-for-reply.ts';
import { bumpStats } from './workflow-stats.ts';
import { createVersionCache, readDefinition } from './workflows.repo.ts';

// Workflows in the inbound pipeline (messaging/inbound.job.ts), inside its transaction:
// - workflowKeywordStep, with the keyword triggers: a text whose first word is an active workflow's keyword enrolls the
//   member (keyed by the text, so a reprocessed text enrolls nobody twice);
// - workflowReplyStep, where a reply something waits for is taken: a member's run waiting at a wait_for_reply step (the
//   most recent, when several wait) takes the text. A readable answer records its exit on the step's result and wakes
//   the run, and the text is the workflow's (a 'replied' activity credited to it, not the inbox's); a text it cannot
//   read takes the "other" exit when the step has one and still goes on to the inbox, or leaves the run waiting.

export const workflowKeywordStep: InboundStep = async (ctx) => {
  const first = normalizeKeyword(ctx.message.body).split(/\s+/)[0] ?? '';
  if (first === '') return null;
  const workflows = await ctx.trx
    .selectFrom('workflows')
    .select(['id', 'workspace_id', 'status', 'current_version_id'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('status', '=', 'active')
    .where('trigger_kind', '=', 'keyword')
    .where('trigger_keyword', '=', first)
    .execute();
  if (workflows.length === 0) return null;
  const versions = createVersionCache();
  let enrolled = 0;
  for (const workflow of workflows) {
    const result = await enrollMembers(ctx.trx, {
      workflow,
      versions,
      enrollees: [{ memberId: ctx.memberId, key: `m:${ctx.message.id}` }],
      now: ctx.now,
    });
    enrolled += result.enrolled;
  }
  if (enrolled > 0) await kickTick(ctx.trx, ctx.now);
  return 'workflow_keyword';
};

export const workflowReplyStep: InboundStep = async (ctx) => {
  const { trx, workspaceId, memberId, now } = ctx;
  const run = await trx
    .selectFrom('workflow_runs as r')
    .innerJoin('workflow_versions as v', 'v.id', 'r.version_id')
    .select(['r.id', 'r.workflow_id', 'r.version_id', 'r.current_step_id', 'r.visit', 'v.definition'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.member_id', '=', memberId)
    .where('r.status', '=', 'waiting')
    .where('r.waiting_reply_since', 'is not', null)
    .orderBy('r.waiting_reply_since', 'desc')
    .orderBy('r.id', 'desc')
    .executeTakeFirst();
  if (!run) return null;
  const step = readDefinition(run.definition).steps.find((s) => s.id === run.current_step_id);
  if (step?.kind !== 'wait_for_reply') return null;
  const reading = readReply(step as StepOf<'wait_for_reply'>, ctx.message.body);
  if (reading === null) return null;

  // The run moves only if it is still where we found it (a timeout may have taken it meanwhile).
  const woken = await trx
    .updateTable('workflow_runs')
    .set({ status: 'active', wake_at: now, waiting_reply_since: null, updated_at: now })
    .where('id', '=', run.id)
    .where('status', '=', 'waiting')
    .where('current_step_id', '=', step.id)
    .where('visit', '=', run.visit)
    .returning('id')
    .executeTakeFirst();
  if (!woken) return null;
  const result = await trx
    .selectFrom('workflow_step_results')
    .select('outcome')
    .where('run_id', '=', run.id)
    .where('step_id', '=', step.id)
    .where('visit', '=', run.visit)
    .executeTakeFirst();
  const outcome = {
    ...(result ? (JSON.parse(result.outcome) as Record<string, unknown>) : {}),
    answer: reading.answer,
    messageId: ctx.message.id,
    repliedAt: ctx.message.receivedAt,
    exit: reading.exit,
  };
  await trx
    .insertInto('workflow_step_results')
    .values({
      workspace_id: workspaceId,
      run_id: run.id,
      step_id: step.id,
      visit: run.visit,
      outcome: JSON.stringify(outcome),
      created_at: now,
      completed_at: now,
    })
    .onConflict((oc) => oc.columns(['run_id', 'step_id', 'visit']).doUpdateSet({ outcome: JSON.stringify(outcome), completed_at: now }))
    .execute();
  const key = (k: string) => ({ workspaceId, workflowId: run.workflow_id, versionId: run.version_id, stepId: step.id, key: k });
  await bumpStats(trx, [key('completed'), key(`exit:${reading.exit}`)]);
  await kickTick(trx, now);
  if (reading.exit === 'other') return null;
  await recordActivities(
    trx,
    [
      {
        workspaceId,
        memberId,
        type: 'replied',
        subjectType: 'workflow',
        subjectId: run.workflow_id,
        data: { messageId: ctx.message.id, runId: run.id, answer: reading.answer },
        occurredAt: now,
      },
    ],
    now,
  );
  return 'workflow_reply';
};
