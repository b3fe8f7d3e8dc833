import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { loggable } from '../../lib/logger.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  assignableUser,
  cannedInput,
  cannedParams,
  cannedPatch,
  cannedResponse,
  conversationDetail,
  conversationDetailQuery,
  conversationNote,
  conversationParams,
  conversationPatch,
  conversationSummary,
  conversationTagParams,
  inboxCounts,
  listConversationsQuery,
  noteInput,
  replyInput,
  replyResult,
  suggestionsResult,
  tagInput,
} from './inbox.schema.ts';
import { createInboxService, viewerOf } from './inbox.service.ts';
import { createInboxEvents, type InboxEvent } from './inbox-events.ts';

const HEARTBEAT_MS = 15_000;
const tags = ['inbox'];
const tagList = z.object({ tags: z.array(z.string()) });

/** The inbox: conversations, replies, assignment, notes, tags, canned responses, live updates. */
export function inboxRoutes(deps: { db: Db; clock: Clock; pollMs?: number }): FastifyPluginAsyncZod {
  const { db, clock } = deps;
  return async (app) => {
    const events = createInboxEvents({
      db,
      ...(deps.pollMs ? { intervalMs: deps.pollMs } : {}),
      onError: (error) => app.log.warn({ err: loggable(error) }, 'inbox live updates: a look at the conversations failed'),
    });
    const inbox = createInboxService({ db, clock, events });
    /** Open event streams, ended when the app closes (else the HTTP server would wait for them forever). */
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
      events.close();
    });
    app.addHook('onClose', async () => events.close());

    const base = '/api/workspaces/:workspaceId';

    app.get(
      `${base}/conversations`,
      {
        config: { access: 'inbox.read' },
        schema: {
          tags,
          summary:
            'Conversations the caller may see (texters: theirs and unassigned ones), newest activity first; filter by view, status, tag, community, campaign or q (name prefix or phone); page with cursor = nextCursor',
          params: workspaceParams,
          querystring: listConversationsQuery,
          response: { 200: z.object({ conversations: z.array(conversationSummary), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.list(tenant.workspaceId, viewerOf(tenant), request.query);
      },
    );

    app.get(
      `${base}/conversations/counts`,
      {
        config: { access: 'inbox.read' },
        schema: {
          tags,
          summary: "The caller's counters over open conversations: mine, unassigned, needing a response, flagged, all open",
          params: workspaceParams,
          response: { 200: inboxCounts },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.counts(tenant.workspaceId, viewerOf(tenant));
      },
    );

    app.get(
      `${base}/conversations/:conversationId`,
      {
        config: { access: 'inbox.read' },
        schema: {
          tags,
          summary: "A conversation with the member, the thread (oldest first; `before` pages back) and the team's notes",
          params: conversationParams,
          querystring: conversationDetailQuery,
          response: { 200: conversationDetail },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.get(tenant.workspaceId, viewerOf(tenant), request.params.conversationId, request.query);
      },
    );

    app.post(
      `${base}/conversations/:conversationId/read`,
      {
        config: { access: 'inbox.read' },
        schema: { tags, summary: 'Mark the conversation read', params: conversationParams, response: { 200: conversationSummary } },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.markRead(tenant.workspaceId, viewerOf(tenant), request.params.conversationId);
      },
    );

    app.post(
      `${base}/conversations/:conversationId/messages`,
      {
        config: { access: 'inbox.reply' },
        schema: {
          tags,
          summary:
            "Answer the member. Taking an unassigned conversation assigns it to you; refused when the member opted out, when someone else holds it, or (afterMessageId) when someone answered since; held until the member's sending window opens",
          params: conversationParams,
          body: replyInput,
          response: { 201: replyResult },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await inbox.reply(tenant.workspaceId, viewerOf(tenant), request.params.conversationId, request.body));
      },
    );

    app.patch(
      `${base}/conversations/:conversationId`,
      {
        config: { access: 'inbox.reply' },
        schema: {
          tags,
          summary:
            'Close or reopen, assign (assigneeId; null releases it; assigning someone else needs inbox.manage), or mark as needing a response',
          params: conversationParams,
          body: conversationPatch,
          response: { 200: conversationSummary },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.update(tenant.workspaceId, viewerOf(tenant), request.params.conversationId, request.body);
      },
    );

    app.post(
      `${base}/conversations/:conversationId/tags`,
      {
        config: { access: 'inbox.reply' },
        schema: {
          tags,
          summary: 'Tag the conversation (lower-cased)',
          params: conversationParams,
          body: tagInput,
          response: { 200: tagList },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.addTag(tenant.workspaceId, viewerOf(tenant), request.params.conversationId, request.body.tag);
      },
    );

    app.delete(
      `${base}/conversations/:conversationId/tags/:tag`,
      {
        config: { access: 'inbox.reply' },
        schema: { tags, summary: 'Remove a tag from the conversation', params: conversationTagParams, response: { 200: tagList } },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.removeTag(tenant.workspaceId, viewerOf(tenant), request.params.conversationId, request.params.tag);
      },
    );

    app.post(
      `${base}/conversations/:conversationId/notes`,
      {
        config: { access: 'inbox.reply' },
        schema: {
          tags,
          summary: 'An internal note on the conversation, for the team only (never texted)',
          params: conversationParams,
          body: noteInput,
          response: { 201: conversationNote },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply
          .status(201)
          .send(await inbox.addNote(tenant.workspaceId, viewerOf(tenant), request.params.conversationId, request.body.body));
      },
    );

    app.get(
      `${base}/conversations/:conversationId/suggestions`,
      {
        config: { access: 'inbox.reply' },
        schema: {
          tags,
          summary: "Saved replies rendered for this member, and up to 3 answers people gave to texts like the member's last one",
          params: conversationParams,
          response: { 200: suggestionsResult },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return inbox.suggestions(tenant.workspaceId, viewerOf(tenant), request.params.conversationId);
      },
    );

    app.get(
      `${base}/inbox/assignees`,
      {
        config: { access: 'inbox.manage' },
        schema: {
          tags,
          summary: 'People of the workspace conversations can be assigned to (roles that answer texts)',
          params: workspaceParams,
          response: { 200: z.object({ users: z.array(assignableUser) }) },
        },
      },
      async (request) => ({ users: await inbox.assignees(tenantOf(request).workspaceId) }),
    );

    app.get(
      `${base}/canned-responses`,
      {
        config: { access: 'inbox.read' },
        schema: {
          tags,
          summary: 'Saved replies (Liquid: member.*, texter.first_name, texter.name, workspace.name), by title',
          params: workspaceParams,
          response: { 200: z.object({ cannedResponses: z.array(cannedResponse) }) },
        },
      },
      async (request) => ({ cannedResponses: await inbox.listCanned(tenantOf(request).workspaceId) }),
    );

    app.post(
      `${base}/canned-responses`,
      {
        config: { access: 'inbox.manage' },
        schema: { tags, summary: 'Create a saved reply', params: workspaceParams, body: cannedInput, response: { 201: cannedResponse } },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const userId = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await inbox.createCanned(tenant.workspaceId, userId, request.body));
      },
    );

    app.patch(
      `${base}/canned-responses/:cannedResponseId`,
      {
        config: { access: 'inbox.manage' },
        schema: { tags, summary: 'Change a saved reply', params: cannedParams, body: cannedPatch, response: { 200: cannedResponse } },
      },
      async (request) => inbox.updateCanned(tenantOf(request).workspaceId, request.params.cannedResponseId, request.body),
    );

    app.delete(
      `${base}/canned-responses/:cannedResponseId`,
      {
        config: { access: 'inbox.manage' },
        schema: { tags, summary: 'Delete a saved reply', params: cannedParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await inbox.archiveCanned(tenantOf(request).workspaceId, request.params.cannedResponseId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      `${base}/inbox/events`,
      {
        config: { access: 'inbox.read' },
        schema: {
          tags,
          summary:
            "Live updates (text/event-stream): 'ready' once, then 'conversations' with the changed conversations the caller may see, the ids of those they no longer see, and new counts; a comment every 15 s keeps the line open",
          params: workspaceParams,
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no', // nginx: pass events through as they come
          'x-request-id': request.id,
        });
        raw.write('retry: 3000\n\n');
        const send = (event: InboxEvent) => {
          if (!raw.writableEnded) raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        };
        const unsubscribe = events.subscribe(tenant.workspaceId, { viewer: viewerOf(tenant), send });
        const heartbeat = setInterval(() => {
          if (!raw.writableEnded) raw.write(': heartbeat\n\n');
        }, HEARTBEAT_MS);
        const end = () => {
          clearInterval(heartbeat);
          unsubscribe();
          streams.delete(end);
          if (!raw.writableEnded) raw.end();
        };
        streams.add(end);
        request.raw.on('close', end);
        raw.on('close', end);
      },
    );
  };
}
