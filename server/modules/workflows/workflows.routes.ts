import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  enrollInput,
  enrollResult,
  hookInput,
  hookParams,
  hookTokenView,
  listQuery,
  notificationParams,
  notificationsPage,
  notificationsQuery,
  playbookInput,
  playbooksView,
  reportQuery,
  reportView,
  runDetail,
  runParams,
  runsPage,
  runsQuery,
  secretView,
  workflowInput,
  workflowParams,
  workflowPatch,
  workflowSummary,
  workflowView,
} from './workflows.schema.ts';
import type { WorkflowsService } from './workflows.service.ts';

// Workflows: drafts and versions (also from playbooks), status switches, enrollment, runs, the report; the
// inbound-webhook trigger; staff notifications. Reading is for anyone who may read messaging (analysts included);
// changing is for those who may manage broadcasts.

const READ = 'messaging.read';
const MANAGE = 'broadcasts.manage';

export function workflowsRoutes({ workflows }: { workflows: WorkflowsService }): FastifyPluginAsyncZod {
  return async (app) => {
    const base = '/api/workspaces/:workspaceId/workflows';
    const tags = ['workflows'];

    app.get(
      base,
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'The workspace’s workflows (archived ones only when asked for), newest first, with run counts',
          params: workspaceParams,
          querystring: listQuery,
          response: { 200: z.object({ workflows: z.array(workflowSummary) }) },
        },
      },
      async (request) => ({ workflows: await workflows.list(tenantOf(request).workspaceId, request.query.status) }),
    );

    app.post(
      base,
      {
        config: { access: MANAGE },
        schema: { tags, summary: 'Create a draft workflow', params: workspaceParams, body: workflowInput, response: { 201: workflowView } },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await workflows.create(createdBy, tenant.workspaceId, request.body));
      },
    );

    app.get(
      `${base}/playbooks`,
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Ready-to-use workflows (common/playbooks.ts): each with the parameters it takes',
          params: workspaceParams,
          response: { 200: playbooksView },
        },
      },
      async () => ({ playbooks: workflows.playbooks() }),
    );

    app.post(
      `${base}/from-playbook`,
      {
        config: { access: MANAGE },
        schema: {
          tags,
          summary: 'Create a draft workflow from a playbook and its parameters (ids must be this workspace’s)',
          params: workspaceParams,
          body: playbookInput,
          response: { 201: workflowView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await workflows.fromPlaybook(createdBy, tenant.workspaceId, request.body));
      },
    );

    app.get(
      `${base}/:workflowId`,
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'One workflow: its draft, published version and versions',
          params: workflowParams,
          response: { 200: workflowView },
        },
      },
      async (request) => workflows.get(tenantOf(request).workspaceId, request.params.workflowId),
    );

    app.patch(
      `${base}/:workflowId`,
      {
        config: { access: MANAGE },
        schema: {
          tags,
          summary: 'Change the name, description or draft definition (publish to use the draft)',
          params: workflowParams,
          body: workflowPatch,
          response: { 200: workflowView },
        },
      },
      async (request) => workflows.update(tenantOf(request).workspaceId, request.params.workflowId, request.body),
    );

    app.delete(
      `${base}/:workflowId`,
      {
        config: { access: MANAGE },
        schema: { tags, summary: 'Delete a workflow that was never published', params: workflowParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await workflows.remove(tenantOf(request).workspaceId, request.params.workflowId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${base}/:workflowId/publish`,
      {
        config: { access: MANAGE },
        schema: {
          tags,
          summary: 'Publish the draft as a new version: new enrollments use it, runs under way finish on theirs',
          params: workflowParams,
          response: { 200: workflowView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return workflows.publish(createdBy, tenant.workspaceId, request.params.workflowId);
      },
    );

    for (const action of ['pause', 'resume', 'archive'] as const) {
      app.post(
        `${base}/:workflowId/${action}`,
        {
          config: { access: MANAGE },
          schema: {
            tags,
            summary: {
              pause: 'Pause: no enrollments, runs stay where they are',
              resume: 'Resume a paused workflow: runs whose time has come go on',
              archive: 'Archive: runs under way end (exited), no more enrollments',
            }[action],
            params: workflowParams,
            response: { 200: workflowView },
          },
        },
        async (request) => workflows.setStatus(tenantOf(request).workspaceId, request.params.workflowId, action),
      );
    }

    app.post(
      `${base}/:workflowId/enroll`,
      {
        config: { access: MANAGE },
        schema: {
          tags,
          summary: 'Enroll members by id or a saved segment (the enrollment rule and holdout apply)',
          params: workflowParams,
          body: enrollInput,
          response: { 200: enrollResult },
        },
      },
      async (request) => workflows.enroll(tenantOf(request).workspaceId, request.params.workflowId, request.body),
    );

    app.get(
      `${base}/:workflowId/runs`,
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Runs, newest first, by status or member',
          params: workflowParams,
          querystring: runsQuery,
          response: { 200: runsPage },
        },
      },
      async (request) => workflows.runs(tenantOf(request).workspaceId, request.params.workflowId, request.query),
    );

    app.get(
      `${base}/:workflowId/runs/:runId`,
      {
        config: { access: READ },
        schema: { tags, summary: 'One member’s run with what each step did', params: runParams, response: { 200: runDetail } },
      },
      async (request) => workflows.run(tenantOf(request).workspaceId, request.params.workflowId, request.params.runId),
    );

    app.get(
      `${base}/:workflowId/report`,
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Per-step counts, runs, and the goal rate of treated against held-out members with a 95% interval',
          params: workflowParams,
          querystring: reportQuery,
          response: { 200: reportView },
        },
      },
      async (request) => workflows.report(tenantOf(request).workspaceId, request.params.workflowId, request.query.version),
    );

    app.post(
      `${base}/:workflowId/hook-token`,
      {
        config: { access: MANAGE },
        schema: {
          tags,
          summary: 'A new secret URL for the inbound-webhook trigger (shown once; the previous one stops working)',
          params: workflowParams,
          response: { 200: hookTokenView },
        },
      },
      async (request) => workflows.rotateHookToken(tenantOf(request).workspaceId, request.params.workflowId),
    );

    app.get(
      `${base}/:workflowId/webhook-secret`,
      {
        config: { access: MANAGE },
        schema: { tags, summary: 'The key webhook steps sign their requests with', params: workflowParams, response: { 200: secretView } },
      },
      async (request) => workflows.webhookSecret(tenantOf(request).workspaceId, request.params.workflowId),
    );

    app.post(
      '/api/hooks/workflows/:token',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Enroll the member with this phone or email in the workflow behind the token (inbound-webhook trigger)',
          params: hookParams,
          body: hookInput,
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
          response: { 202: z.object({ enrolled: z.boolean() }) },
        },
      },
      async (request, reply) => {
        const result = await workflows.hook(request.params.token, request.body, request.headers['idempotency-key']);
        return reply.status(202).send(result);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/notifications',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Notifications for staff (from workflows), newest first',
          params: workspaceParams,
          querystring: notificationsQuery,
          response: { 200: notificationsPage },
        },
      },
      async (request) => workflows.notifications(tenantOf(request).workspaceId, request.query),
    );

    app.post(
      '/api/workspaces/:workspaceId/notifications/:notificationId/read',
      {
        config: { access: MANAGE },
        schema: { tags, summary: 'Mark a notification read', params: notificationParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await workflows.markNotificationRead(tenantOf(request).workspaceId, request.params.notificationId);
        return reply.status(204).send(null);
      },
    );
  };
}
