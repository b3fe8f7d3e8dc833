import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  accountInput,
  accountParams,
  accountPatch,
  accountView,
  listSendersQuery,
  providerView,
  senderInput,
  senderParams,
  senderPatch,
  senderView,
} from './channels.schema.ts';
import type { ChannelsService } from './channels.service.ts';

/** Providers, the workspace's provider accounts (credentials are write-only) and its senders. */
export function channelsRoutes({ channels }: { channels: ChannelsService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/providers',
      {
        config: { access: 'messaging.read' },
        schema: {
          tags: ['messaging'],
          summary: 'The SMS and email providers this server can use, with the credential fields each needs',
          params: workspaceParams,
          response: { 200: z.object({ providers: z.array(providerView) }) },
        },
      },
      async () => ({ providers: channels.providers() }),
    );

    app.get(
      '/api/workspaces/:workspaceId/channel-accounts',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['messaging'],
          summary: 'Provider accounts of the workspace; secrets only say whether they are set',
          params: workspaceParams,
          response: { 200: z.object({ accounts: z.array(accountView) }) },
        },
      },
      async (request) => ({ accounts: await channels.listAccounts(tenantOf(request).workspaceId) }),
    );

    app.post(
      '/api/workspaces/:workspaceId/channel-accounts',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['messaging'],
          summary: "Add a provider account; credentials are checked against the provider's fields and stored encrypted",
          params: workspaceParams,
          body: accountInput,
          response: { 201: accountView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await channels.createAccount(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.patch(
      '/api/workspaces/:workspaceId/channel-accounts/:accountId',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['messaging'],
          summary: 'Change an account; credentials are merged (a secret left empty keeps its value); disabled stops its sends',
          params: accountParams,
          body: accountPatch,
          response: { 200: accountView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return channels.updateAccount(tenant.actor, tenant.workspaceId, request.params.accountId, request.body);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/senders',
      {
        config: { access: 'messaging.read' },
        schema: {
          tags: ['messaging'],
          summary: 'Numbers, short codes, alphanumeric ids and email addresses the workspace sends from',
          params: workspaceParams,
          querystring: listSendersQuery,
          response: { 200: z.object({ senders: z.array(senderView) }) },
        },
      },
      async (request) => ({
        senders: await channels.listSenders(tenantOf(request).workspaceId, { includeArchived: request.query.includeArchived }),
      }),
    );

    app.post(
      '/api/workspaces/:workspaceId/senders',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['messaging'],
          summary: 'Add a sender to an account; the first sender of a channel becomes its default',
          params: workspaceParams,
          body: senderInput,
          response: { 201: senderView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        return reply.status(201).send(await channels.createSender(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    app.patch(
      '/api/workspaces/:workspaceId/senders/:senderId',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags: ['messaging'],
          summary: "Change a sender; isDefault: true makes it the channel's only default; archived: true retires it",
          params: senderParams,
          body: senderPatch,
          response: { 200: senderView },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return channels.updateSender(tenant.actor, tenant.workspaceId, request.params.senderId, request.body);
      },
    );
  };
}
