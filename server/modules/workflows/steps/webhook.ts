import { WORKFLOW_WEBHOOK_JOB } from '../webhook.job.ts';
import type { StepExecutor } from './types.ts';

// webhook: queues the delivery (workflows.webhook) in the tick's transaction and goes on; the job POSTs the run as
// signed JSON with an Idempotency-Key of run, step and visit, and the job system retries it with backoff.

export const webhook: StepExecutor<'webhook'> = {
  kind: 'webhook',
  async execute(step, ctx) {
    const { run } = ctx;
    await ctx.enqueue({
      type: WORKFLOW_WEBHOOK_JOB,
      workspaceId: run.workspaceId,
      payload: { workspaceId: run.workspaceId, runId: run.id, stepId: step.id, visit: run.visit, url: step.url },
      idempotencyKey: `${run.id}:${step.id}:${run.visit}`,
    });
    return { kind: 'next', exit: 'next', outcome: { url: step.url, delivery: 'queued' } };
  },
};
