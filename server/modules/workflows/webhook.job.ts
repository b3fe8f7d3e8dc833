import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, PermanentJobError, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { openSecret } from '../../lib/secrets.ts';

// workflows.webhook: a webhook step's POST. The body is the run, the step and the member as JSON, built from the step's
// stored result (so every retry sends the same bytes); it is signed with HMAC-SHA256 under the workflow's own secret
// (`X-Groundswell-Signature: sha256=<hex>`), and `Idempotency-Key` is run:step:visit, so a receiver can drop a repeat.
// A 2xx is recorded on the step's result; a network error, a timeout, 408, 429 or a 5xx is retried with backoff by the
// job system; any other answer (a 4xx: the receiver refuses it) is final.

export const WORKFLOW_WEBHOOK_JOB = 'workflows.webhook';
export const SIGNATURE_HEADER = 'X-Groundswell-Signature';
const TIMEOUT_MS = 10_000;

const payload = z.object({
  workspaceId: z.number().int().positive(),
  runId: z.number().int().positive(),
  stepId: z.string(),
  visit: z.number().int().positive(),
  url: z.url(),
});

/** `sha256=` + the hex HMAC-SHA256 of the body: what a receiver recomputes with the workflow's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

export function createWorkflowWebhookJob(deps: { db: Db; clock: Clock; appSecret: string; fetch?: typeof fetch }) {
  const { db, appSecret } = deps;
  const post = deps.fetch ?? fetch;
  return defineJob({
    type: WORKFLOW_WEBHOOK_JOB,
    payload,
    priority: PRIORITY.automation,
    maxAttempts: 8,
    backoff: { baseMs: 5_000, capMs: 3_600_000 },
    timeoutMs: 2 * TIMEOUT_MS,
    handler: async (input, { signal }) => {
      const row = await db
        .selectFrom('workflow_step_results as r')
        .innerJoin('workflow_runs as run', 'run.id', 'r.run_id')
        .innerJoin('workflows as w', 'w.id', 'run.workflow_id')
        .innerJoin('workflow_versions as v', 'v.id', 'run.version_id')
        .innerJoin('members as m', 'm.id', 'run.member_id')
        .select([
          'r.created_at as stepAt',
          'r.outcome',
          'run.enrolled_at',
          'w.id as workflowId',
          'w.name as workflowName',
          'w.webhook_secret',
          'v.number as version',
          'm.id as memberId',
          'm.first_name',
          'm.last_name',
          'm.email',
          'm.phone',
          'm.postal_code',
          'm.language',
          'm.erased_at',
        ])
        .where('r.workspace_id', '=', input.workspaceId)
        .where('r.run_id', '=', input.runId)
        .where('r.step_id', '=', input.stepId)
        .where('r.visit', '=', input.visit)
        .executeTakeFirst();
      if (!row) throw new PermanentJobError('the run or its step result is gone');
      const erased = row.erased_at !== null;
      const body = JSON.stringify({
        event: 'workflow.step',
        workflow: { id: row.workflowId, name: row.workflowName, version: row.version },
        run: { id: input.runId, enrolledAt: iso(row.enrolled_at) },
        step: { id: input.stepId, visit: input.visit, at: iso(row.stepAt) },
        member: {
          id: row.memberId,
          firstName: erased ? null : row.first_name,
          lastName: erased ? null : row.last_name,
          email: erased ? null : row.email,
          phone: erased ? null : row.phone,
          postalCode: erased ? null : row.postal_code,
          language: row.language,
        },
      });
      const secret = openSecret(appSecret, row.webhook_secret);
      let response: Response;
      try {
        response = await post(input.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Groundswell-Webhooks/1',
            [SIGNATURE_HEADER]: signBody(secret, body),
            'Idempotency-Key': `${input.runId}:${input.stepId}:${input.visit}`,
          },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
          redirect: 'manual',
        });
        await response.body?.cancel();
      } catch (error) {
        throw new Error(`webhook not delivered: ${error instanceof Error ? error.message : String(error)}`);
      }
      const status = response.status;
      if (status >= 200 && status < 300) {
        const outcome = {
          ...(JSON.parse(row.outcome) as Record<string, unknown>),
          delivery: 'delivered',
          status,
          deliveredAt: deps.clock.now(),
        };
        await db
          .updateTable('workflow_step_results')
          .set({ outcome: JSON.stringify(outcome) })
          .where('run_id', '=', input.runId)
          .where('step_id', '=', input.stepId)
          .where('visit', '=', input.visit)
          .execute();
        return;
      }
      if (status === 408 || status === 429 || status >= 500) throw new Error(`webhook answered ${status}`);
      throw new PermanentJobError(`webhook refused with ${status}`);
    },
  });
}
