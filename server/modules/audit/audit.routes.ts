import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { listAudit } from './audit.repo.ts';

const auditEntry = z.object({
  id: z.number(),
  action: z.string(),
  actor: z.object({ type: z.enum(['user', 'api_key', 'system']), id: z.number().nullable(), name: z.string().nullable() }),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});

export function auditRoutes({ db }: { db: Db }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/audit',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Security-relevant events of the workspace, newest first',
          params: z.object({ workspaceId: z.coerce.number().int().positive() }),
          querystring: z.object({
            before: z.coerce.number().int().positive().optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ entries: z.array(auditEntry), nextBefore: z.number().nullable() }) },
        },
      },
      async (request) => {
        const { workspaceId } = tenantOf(request);
        const { rows, nextBefore } = await listAudit(db, { workspaceId, before: request.query.before, limit: request.query.limit });
        return {
          entries: rows.map((row) => ({
            id: row.id,
            action: row.action,
            actor:
              row.actor_user_id !== null
                ? { type: 'user' as const, id: row.actor_user_id, name: row.user_name }
                : row.actor_api_key_id !== null
                  ? { type: 'api_key' as const, id: row.actor_api_key_id, name: row.api_key_name }
                  : { type: 'system' as const, id: null, name: null },
            targetType: row.target_type,
            targetId: row.target_id,
            ip: row.ip,
            data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
            createdAt: new Date(row.created_at).toISOString(),
          })),
          nextBefore,
        };
      },
    );
  };
}
