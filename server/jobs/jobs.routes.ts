import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { tenantOf } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { idParam, iso, isoOrNull, workspaceParams } from '../modules/accounts/accounts.schema.ts';
import { recordAudit } from '../modules/audit/audit.repo.ts';
import { countJobsByState, listJobs, retryDeadJob } from './queue.ts';

const job = z.object({
  id: z.number(),
  type: z.string(),
  state: z.enum(['queued', 'running', 'done', 'dead']),
  attempts: z.number(),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  runAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** The workspace's background jobs for admins: what is queued, running, failing, and the dead letters to retry. */
export function jobsRoutes({ db, clock }: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/jobs',
      {
        config: { access: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: "The workspace's background jobs, newest first; state=failed lists jobs waiting to retry",
          params: workspaceParams,
          querystring: z.object({
            state: z.enum(['queued', 'running', 'done', 'dead', 'failed']).optional(),
            before: z.coerce.number().int().positive().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({
              jobs: z.array(job),
              counts: z.object({ queued: z.number(), running: z.number(), done: z.number(), dead: z.number() }),
            }),
          },
        },
      },
      async (request) => {
        const { workspaceId } = tenantOf(request);
        const { state, before, limit } = request.query;
        const rows = await listJobs(db, { workspaceId, limit, ...(state ? { state } : {}), ...(before ? { before } : {}) });
        return {
          jobs: rows.map((row) => ({
            id: row.id,
            type: row.type,
            state: row.state,
            attempts: row.attempts,
            maxAttempts: row.max_attempts,
            lastError: row.last_error,
            runAt: iso(row.run_at),
            createdAt: iso(row.created_at),
            updatedAt: iso(row.updated_at),
            finishedAt: isoOrNull(row.finished_at),
          })),
          counts: await countJobsByState(db, workspaceId),
        };
      },
    );

    app.post(
      '/api/workspaces/:workspaceId/jobs/:jobId/retry',
      {
        config: { access: 'jobs.manage' },
        schema: {
          tags: ['jobs'],
          summary: 'Run a dead job again (its attempts start over)',
          params: workspaceParams.extend({ jobId: idParam }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const retried = await retryDeadJob(db, { workspaceId: tenant.workspaceId, jobId: request.params.jobId }, clock);
        if (!retried) {
          const exists = await db
            .selectFrom('jobs')
            .select('state')
            .where('workspace_id', '=', tenant.workspaceId)
            .where('id', '=', request.params.jobId)
            .executeTakeFirst();
          throw exists
            ? new AppError({ code: 'job.not_dead', status: 409, message: `This job is ${exists.state}; only dead jobs can be retried.` })
            : new AppError({ code: 'job.not_found', status: 404, message: 'There is no job with this id in the workspace.' });
        }
        await recordAudit(db, {
          workspaceId: tenant.workspaceId,
          actor: tenant.actor,
          action: 'job.retried',
          targetType: 'job',
          targetId: request.params.jobId,
          at: clock.now(),
        });
        return reply.status(204).send(null);
      },
    );
  };
}
