import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { actionPath } from './actions.repo.ts';

const TYPES = ['petition', 'event', 'call', 'survey', 'share', 'story'] as const;
const STATUSES = ['draft', 'published', 'closed'] as const;

const listQuery = z.object({
  type: z.enum(TYPES).optional(),
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  before: z.coerce.number().int().positive().optional(),
});

const actionSummary = z.object({
  id: z.number(),
  type: z.enum(TYPES),
  title: z.string(),
  slug: z.string(),
  status: z.enum(STATUSES),
  takenCount: z.number(),
  goal: z.number().nullable(),
  communityId: z.number().nullable(),
  /** The public page, relative to the site. */
  path: z.string(),
  createdAt: z.number(),
  publishedAt: z.number().nullable(),
});

/** Every action of the workspace, newest first (the Actions overview); each kind has its own routes for the rest. */
export function actionsRoutes(deps: { db: Db }): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/actions',
      {
        config: { access: 'actions.read' },
        schema: {
          tags: ['actions'],
          summary: 'Every action (petitions, events, calls …), newest first; `before` pages back',
          params: workspaceParams,
          querystring: listQuery,
          response: { 200: z.object({ actions: z.array(actionSummary) }) },
        },
      },
      async (request) => {
        const { workspaceId } = tenantOf(request);
        const q = request.query;
        const workspace = await db.selectFrom('workspaces').select('slug').where('id', '=', workspaceId).executeTakeFirstOrThrow();
        let query = db.selectFrom('actions').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(q.limit);
        if (q.type) query = query.where('type', '=', q.type);
        if (q.status) query = query.where('status', '=', q.status);
        if (q.before) query = query.where('id', '<', q.before);
        const rows = await query.execute();
        return {
          actions: rows.map((row) => ({
            id: row.id,
            type: row.type,
            title: row.title,
            slug: row.slug,
            status: row.status,
            takenCount: row.taken_count,
            goal: row.goal,
            communityId: row.community_id,
            path: actionPath(workspace.slug, row),
            createdAt: row.created_at,
            publishedAt: row.published_at,
          })),
        };
      },
    );
  };
}
