import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../common/roles.ts';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  answerInput,
  answerView,
  assignInput,
  assignmentView,
  assignView,
  campaignInput,
  campaignMemberParams,
  campaignParams,
  campaignPatch,
  campaignSummary,
  campaignView,
  contactParams,
  memberScriptView,
  previewInput,
  previewView,
  queueView,
  sendView,
  takeView,
  texterOption,
} from './p2p.schema.ts';
import { createP2pService, type Texter } from './p2p.service.ts';

/** The person texting: P2P texts are sent by people, so an API key cannot take contacts or send. */
function texterOf(request: FastifyRequest): Texter {
  const tenant = tenantOf(request);
  if (tenant.actor.type !== 'user') {
    throw new AppError({ code: 'auth.forbidden', status: 403, message: 'P2P texts are sent by a signed-in person, not an API key.' });
  }
  return { userId: tenant.actor.userId, canManage: can(tenant.role, 'p2p.manage') };
}

/** Peer-to-peer campaigns: the organizer's setup and the texter's queue. */
export function p2pRoutes(deps: { db: Db; clock: Clock }): FastifyPluginAsyncZod {
  const p2p = createP2pService(deps);
  return async (app) => {
    const base = '/api/workspaces/:workspaceId/p2p';
    const tags = ['p2p'];

    // ── The organizer ────────────────────────────────────────────────────────

    app.get(
      `${base}/campaigns`,
      {
        config: { access: 'p2p.manage' },
        schema: {
          tags,
          summary: 'P2P campaigns, newest first, with their progress',
          params: workspaceParams,
          response: { 200: z.object({ campaigns: z.array(campaignSummary) }) },
        },
      },
      async (request) => p2p.list(tenantOf(request).workspaceId),
    );

    app.post(
      `${base}/campaigns`,
      {
        config: { access: 'p2p.manage' },
        schema: {
          tags,
          summary: 'Create a draft campaign: audience, SMS sender, script (initial, question, answers, saved responses), batch size',
          params: workspaceParams,
          body: campaignInput,
          response: { 201: campaignView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await p2p.create(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.post(
      `${base}/campaigns/preview`,
      {
        config: { access: 'p2p.manage' },
        schema: {
          tags,
          summary: 'Who a campaign would reach and its initial rendered for a sample member; the problems that would stop a launch',
          params: workspaceParams,
          body: previewInput,
          response: { 200: previewView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return p2p.preview(tenant.workspaceId, request.body, tenant.actor.type === 'user' ? tenant.actor.userId : null);
      },
    );

    app.get(
      `${base}/campaigns/:campaignId`,
      {
        config: { access: 'p2p.manage' },
        schema: { tags, summary: 'One campaign with its script and stats', params: campaignParams, response: { 200: campaignView } },
      },
      async (request) => p2p.get(tenantOf(request).workspaceId, request.params.campaignId),
    );

    app.patch(
      `${base}/campaigns/:campaignId`,
      {
        config: { access: 'p2p.manage' },
        schema: {
          tags,
          summary: 'Change a campaign: name, script and batch size until it closes; audience and sender while it is a draft',
          params: campaignParams,
          body: campaignPatch,
          response: { 200: campaignView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return p2p.update(tenant.actor, tenant.workspaceId, request.params.campaignId, request.body);
      },
    );

    const actions = [
      ['launch', 'Launch a draft: its contacts load (members with SMS consent), then texters can take them', p2p.launch],
      ['pause', 'Pause a campaign: texters cannot send until it resumes', p2p.pause],
      ['resume', 'Resume a paused campaign', p2p.resume],
      ['close', 'Close a campaign for good: nothing more is sent', p2p.close],
    ] as const;
    for (const [action, summary, run] of actions) {
      app.post(
        `${base}/campaigns/:campaignId/${action}`,
        {
          config: { access: 'p2p.manage' },
          schema: { tags, summary, params: campaignParams, response: { 200: campaignView } },
        },
        async (request) => {
          const tenant = tenantOf(request);
          return run(tenant.actor, tenant.workspaceId, request.params.campaignId);
        },
      );
    }

    app.get(
      `${base}/texters`,
      {
        config: { access: 'p2p.manage' },
        schema: {
          tags,
          summary: 'People of the workspace whose role can text, who contacts can be handed to',
          params: workspaceParams,
          response: { 200: z.object({ users: z.array(texterOption) }) },
        },
      },
      async (request) => p2p.texters(tenantOf(request).workspaceId),
    );

    app.post(
      `${base}/campaigns/:campaignId/assign`,
      {
        config: { access: 'p2p.manage' },
        schema: {
          tags,
          summary: 'Hand up to `count` contacts nobody has yet to a texter of the workspace, atomically (no batch-size cap)',
          params: campaignParams,
          body: assignInput,
          response: { 200: assignView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return p2p.assign(tenant.actor, tenant.workspaceId, request.params.campaignId, request.body);
      },
    );

    // ── The texter ───────────────────────────────────────────────────────────

    app.get(
      `${base}/assignments`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: 'Campaigns open for texting, with my unsent and sent contacts and how many are left to take',
          params: workspaceParams,
          response: { 200: z.object({ campaigns: z.array(assignmentView) }) },
        },
      },
      async (request) => p2p.assignments(tenantOf(request).workspaceId, texterOf(request)),
    );

    app.post(
      `${base}/campaigns/:campaignId/take`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: 'Take the next contacts, up to the batch size held at once; two texters never get the same contact',
          params: campaignParams,
          response: { 200: takeView },
        },
      },
      async (request) => p2p.take(tenantOf(request).workspaceId, request.params.campaignId, texterOf(request)),
    );

    app.get(
      `${base}/campaigns/:campaignId/queue`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: 'My unsent contacts inside their sending window now, each with the initial as it will be sent',
          params: campaignParams,
          response: { 200: queueView },
        },
      },
      async (request) => p2p.queue(tenantOf(request).workspaceId, request.params.campaignId, texterOf(request)),
    );

    app.post(
      `${base}/campaigns/:campaignId/contacts/:contactId/send`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: "Send one contact's initial (one click or keypress); skipped with a reason when the member cannot be texted",
          params: contactParams,
          response: { 200: sendView },
        },
      },
      async (request) => p2p.send(tenantOf(request).workspaceId, request.params.campaignId, request.params.contactId, texterOf(request)),
    );

    app.post(
      `${base}/campaigns/:campaignId/contacts/:contactId/skip`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: 'Pass on a contact: they are not texted in this campaign',
          params: contactParams,
          response: { 200: sendView },
        },
      },
      async (request) => p2p.skip(tenantOf(request).workspaceId, request.params.campaignId, request.params.contactId, texterOf(request)),
    );

    app.post(
      `${base}/campaigns/:campaignId/contacts/:contactId/answer`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: "Record the member's answer: an activity, the answer's member tag, and its follow-up text to send",
          params: contactParams,
          body: answerInput,
          response: { 200: answerView },
        },
      },
      async (request) =>
        p2p.answer(tenantOf(request).workspaceId, request.params.campaignId, request.params.contactId, request.body.key, texterOf(request)),
    );

    app.get(
      `${base}/campaigns/:campaignId/members/:memberId`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: "The campaign's question for a member's conversation: its answers with their follow-ups rendered, and the answer so far",
          params: campaignMemberParams,
          response: { 200: memberScriptView },
        },
      },
      async (request) =>
        p2p.memberScript(tenantOf(request).workspaceId, request.params.campaignId, request.params.memberId, texterOf(request)),
    );

    app.post(
      `${base}/campaigns/:campaignId/members/:memberId/answer`,
      {
        config: { access: 'p2p.text' },
        schema: {
          tags,
          summary: "Record a member's answer from their conversation (the contact is found by member), like the contact's answer",
          params: campaignMemberParams,
          body: answerInput,
          response: { 200: answerView },
        },
      },
      async (request) =>
        p2p.answerMember(
          tenantOf(request).workspaceId,
          request.params.campaignId,
          request.params.memberId,
          request.body.key,
          texterOf(request),
        ),
    );
  };
}
