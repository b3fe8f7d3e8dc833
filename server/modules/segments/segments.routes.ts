import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  membersPage,
  membersQuery,
  previewInput,
  previewView,
  segmentInput,
  segmentParams,
  segmentPatch,
  segmentView,
  snapshotView,
} from './segments.schema.ts';
import type { SegmentsService } from './segments.service.ts';

const BASE = '/api/workspaces/:workspaceId/segments';

/**
 * Segments: saved rule trees over members (fields, tags, communities, activities, messages), counted live, listed,
 * and frozen into snapshots when used. Reading needs members.read; changing them, what managing communities needs.
 */
export function segmentsRoutes({ segments }: { segments: SegmentsService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      BASE,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['segments'],
          summary: 'Saved segments, newest first, with their last count',
          params: workspaceParams,
          response: { 200: z.object({ segments: z.array(segmentView) }) },
        },
      },
      async (request) => ({ segments: await segments.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      BASE,
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['segments'],
          summary: 'Save a segment: a name and a rule tree (common/segments.ts); ids in the rules must be of this workspace',
          params: workspaceParams,
          body: segmentInput,
          response: { 201: segmentView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await segments.create(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.post(
      `${BASE}/preview`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['segments'],
          summary: 'Count and sample (20 newest members, phone masked) of rules being edited; nothing is saved',
          params: workspaceParams,
          body: previewInput,
          response: { 200: previewView },
        },
      },
      async (request) => segments.preview(tenantOf(request).workspaceId, request.body.rules),
    );

    app.get(
      `${BASE}/:segmentId`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['segments'],
          summary: 'One segment, counted now (lastCount is this count)',
          params: segmentParams,
          response: { 200: segmentView },
        },
      },
      async (request) => segments.get(tenantOf(request).workspaceId, request.params.segmentId),
    );

    app.patch(
      `${BASE}/:segmentId`,
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['segments'],
          summary: 'Rename a segment or replace its rules (snapshots already taken keep their members)',
          params: segmentParams,
          body: segmentPatch,
          response: { 200: segmentView },
        },
      },
      async (request) => segments.update(tenantOf(request).workspaceId, request.params.segmentId, request.body),
    );

    app.delete(
      `${BASE}/:segmentId`,
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['segments'],
          summary: 'Delete a segment; snapshots already taken (and broadcasts under way) keep their members',
          params: segmentParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await segments.remove(tenantOf(request).workspaceId, request.params.segmentId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      `${BASE}/:segmentId/members`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['segments'],
          summary: 'Members in the segment now, newest first; page with cursor = nextCursor',
          params: segmentParams,
          querystring: membersQuery,
          response: { 200: membersPage },
        },
      },
      async (request) => segments.members(tenantOf(request).workspaceId, request.params.segmentId, request.query),
    );

    app.post(
      `${BASE}/:segmentId/snapshot`,
      {
        config: { access: 'communities.manage' },
        schema: {
          tags: ['segments'],
          summary: 'Freeze who is in the segment now; the snapshot keeps them whatever changes later',
          params: segmentParams,
          response: { 201: snapshotView },
        },
      },
      async (request, reply) => reply.status(201).send(await segments.snapshot(tenantOf(request).workspaceId, request.params.segmentId)),
    );
  };
}
