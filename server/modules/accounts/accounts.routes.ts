import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { clearSessionCookie, requireUser, setSessionCookie, tenantOf } from '../../http/auth.ts';
import {
  apiKey,
  email,
  idParam,
  invitation,
  iso,
  isoOrNull,
  password,
  personName,
  role,
  session,
  staffUser,
  workspace,
  workspaceInput,
  workspaceParams,
  workspacePatch,
  workspaceSummary,
} from './accounts.schema.ts';
import type { AccountsService } from './accounts.service.ts';

type Deps = { accounts: AccountsService; config: Pick<Config, 'cookieSecure' | 'sessionMaxMs'> };

const LOGIN_RATE = { max: 20, timeWindow: '1 minute' };
const meta = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

const workspaceView = (w: {
  id: number;
  name: string;
  slug: string;
  timezone: string;
  default_country: string;
  quiet_hours_start: string;
  quiet_hours_end: string;
  created_at: number;
}) => ({
  id: w.id,
  name: w.name,
  slug: w.slug,
  timezone: w.timezone,
  defaultCountry: w.default_country,
  quietHoursStart: w.quiet_hours_start,
  quietHoursEnd: w.quiet_hours_end,
  createdAt: iso(w.created_at),
});

const userView = (u: {
  id: number;
  email: string;
  name: string;
  role: z.infer<typeof role>;
  created_at: number;
  last_login_at: number | null;
}) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  joinedAt: iso(u.created_at),
  lastLoginAt: isoOrNull(u.last_login_at),
});

export function accountsRoutes({ accounts, config }: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // ── Sessions ────────────────────────────────────────────────────────────
    app.post(
      '/api/auth/login',
      {
        config: { access: 'public', rateLimit: LOGIN_RATE },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password; sets the session cookie',
          body: z.object({ email, password: z.string().min(1, 'is required').max(200) }),
          response: { 200: session },
        },
      },
      async (request, reply) => {
        const { token, view } = await accounts.login({ ...request.body, ...meta(request) });
        setSessionCookie(reply, token, config.cookieSecure, config.sessionMaxMs);
        return view;
      },
    );

    app.get(
      '/api/auth/session',
      {
        config: { access: 'user' },
        schema: { tags: ['auth'], summary: 'The signed-in person, their workspaces and CSRF token', response: { 200: session } },
      },
      async (request) => {
        const actor = requireUser(request);
        return accounts.sessionView(actor.userId, actor.csrfToken);
      },
    );

    app.post(
      '/api/auth/logout',
      { config: { access: 'user' }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } } },
      async (request, reply) => {
        await accounts.logout(requireUser(request).sessionId);
        clearSessionCookie(reply, config.cookieSecure);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/password',
      {
        config: { access: 'user', rateLimit: LOGIN_RATE },
        schema: {
          tags: ['auth'],
          summary: 'Change your password; your other sessions are signed out',
          body: z.object({ currentPassword: z.string().min(1, 'is required').max(200), newPassword: password }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await accounts.changePassword(requireUser(request), request.body);
        return reply.status(204).send(null);
      },
    );

    // ── Workspaces ──────────────────────────────────────────────────────────
    app.get(
      '/api/workspaces',
      {
        config: { access: 'user' },
        schema: {
          tags: ['workspaces'],
          summary: 'Workspaces you belong to',
          response: { 200: z.object({ workspaces: z.array(workspaceSummary) }) },
        },
      },
      async (request) => ({ workspaces: await accounts.listMyWorkspaces(requireUser(request).userId) }),
    );

    app.post(
      '/api/workspaces',
      {
        config: { access: 'user' },
        schema: {
          tags: ['workspaces'],
          summary: 'Create a workspace; you become its owner',
          body: workspaceInput,
          response: { 201: workspace },
        },
      },
      async (request, reply) => {
        const ws = await accounts.createWorkspace(requireUser(request).userId, request.body);
        return reply.status(201).send(workspaceView(ws));
      },
    );

    app.get(
      '/api/workspaces/:workspaceId',
      {
        config: { access: 'workspace.read' },
        schema: { tags: ['workspaces'], summary: 'Workspace settings', params: workspaceParams, response: { 200: workspace } },
      },
      async (request) => workspaceView(await accounts.getWorkspace(tenantOf(request).workspaceId)),
    );

    app.patch(
      '/api/workspaces/:workspaceId',
      {
        config: { access: 'workspace.manage' },
        schema: {
          tags: ['workspaces'],
          summary: 'Change workspace settings',
          params: workspaceParams,
          body: workspacePatch,
          response: { 200: workspace },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return workspaceView(await accounts.updateWorkspace(tenant.actor, tenant.workspaceId, request.body));
      },
    );

    // ── Staff users and roles ───────────────────────────────────────────────
    app.get(
      '/api/workspaces/:workspaceId/users',
      {
        config: { access: 'users.read' },
        schema: {
          tags: ['users'],
          summary: 'Staff of the workspace and their roles',
          params: workspaceParams,
          response: { 200: z.object({ users: z.array(staffUser) }) },
        },
      },
      async (request) => ({ users: (await accounts.listUsers(tenantOf(request).workspaceId)).map(userView) }),
    );

    const userParams = workspaceParams.extend({ userId: idParam });
    app.patch(
      '/api/workspaces/:workspaceId/users/:userId',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['users'],
          summary: "Change a person's role",
          params: userParams,
          body: z.object({ role }),
          response: { 200: staffUser },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        return userView(await accounts.changeRole(tenant.actor, tenant.role, tenant.workspaceId, request.params.userId, request.body.role));
      },
    );

    app.delete(
      '/api/workspaces/:workspaceId/users/:userId',
      {
        config: { access: 'users.manage' },
        schema: { tags: ['users'], summary: 'Remove a person from the workspace', params: userParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        await accounts.removeUser(tenant.actor, tenant.role, tenant.workspaceId, request.params.userId);
        return reply.status(204).send(null);
      },
    );

    // ── Invitations ─────────────────────────────────────────────────────────
    const invitationView = (i: Awaited<ReturnType<AccountsService['listInvitations']>>[number]) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      status: i.status,
      createdAt: iso(i.created_at),
      expiresAt: iso(i.expires_at),
      invitedBy: i.invited_by === null ? null : { id: i.invited_by, name: i.inviter_name ?? '' },
    });

    app.get(
      '/api/workspaces/:workspaceId/invitations',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['users'],
          summary: 'Invitations sent',
          params: workspaceParams,
          response: { 200: z.object({ invitations: z.array(invitation) }) },
        },
      },
      async (request) => ({ invitations: (await accounts.listInvitations(tenantOf(request).workspaceId)).map(invitationView) }),
    );

    app.post(
      '/api/workspaces/:workspaceId/invitations',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['users'],
          summary: 'Invite a person by email; the acceptance link is returned once',
          params: workspaceParams,
          body: z.object({ email, role }),
          response: { 201: z.object({ invitation, acceptUrl: z.string() }) },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const { invitation: inv, acceptUrl } = await accounts.invite(tenant.actor, tenant.role, tenant.workspaceId, request.body);
        return reply.status(201).send({ invitation: invitationView(inv), acceptUrl });
      },
    );

    app.delete(
      '/api/workspaces/:workspaceId/invitations/:invitationId',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['users'],
          summary: 'Revoke a pending invitation',
          params: workspaceParams.extend({ invitationId: idParam }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        await accounts.revokeInvitation(tenant.actor, tenant.workspaceId, request.params.invitationId);
        return reply.status(204).send(null);
      },
    );

    const tokenParams = z.object({ token: z.string().min(10).max(100) });
    app.get(
      '/api/invitations/:token',
      {
        config: { access: 'public', rateLimit: LOGIN_RATE },
        schema: {
          tags: ['users'],
          summary: 'What an invitation link is for',
          params: tokenParams,
          response: { 200: z.object({ workspace: z.object({ name: z.string() }), email: z.string(), role, hasAccount: z.boolean() }) },
        },
      },
      async (request) => {
        const inv = await accounts.findInvitation(request.params.token);
        return { workspace: { name: inv.workspace_name }, email: inv.email, role: inv.role, hasAccount: inv.existingUserId !== null };
      },
    );

    app.post(
      '/api/invitations/:token/accept',
      {
        config: { access: 'public', rateLimit: LOGIN_RATE },
        schema: {
          tags: ['users'],
          summary: 'Accept an invitation (creating the account if needed) and sign in',
          params: tokenParams,
          body: z.object({ name: personName.optional(), password }),
          response: { 200: session },
        },
      },
      async (request, reply) => {
        const { token, view } = await accounts.acceptInvitation(request.params.token, { ...request.body, ...meta(request) });
        setSessionCookie(reply, token, config.cookieSecure, config.sessionMaxMs);
        return view;
      },
    );

    // ── API keys ────────────────────────────────────────────────────────────
    const apiKeyView = (k: Awaited<ReturnType<AccountsService['listApiKeys']>>[number]) => ({
      id: k.id,
      name: k.name,
      role: k.role,
      prefix: k.prefix,
      createdAt: iso(k.created_at),
      lastUsedAt: isoOrNull(k.last_used_at),
      revokedAt: isoOrNull(k.revoked_at),
      createdBy: k.created_by === null ? null : { id: k.created_by, name: k.creator_name ?? '' },
    });

    app.get(
      '/api/workspaces/:workspaceId/api-keys',
      {
        config: { access: 'api_keys.manage' },
        schema: {
          tags: ['api keys'],
          summary: 'API keys of the workspace',
          params: workspaceParams,
          response: { 200: z.object({ apiKeys: z.array(apiKey) }) },
        },
      },
      async (request) => ({ apiKeys: (await accounts.listApiKeys(tenantOf(request).workspaceId)).map(apiKeyView) }),
    );

    app.post(
      '/api/workspaces/:workspaceId/api-keys',
      {
        config: { access: 'api_keys.manage' },
        schema: {
          tags: ['api keys'],
          summary: 'Create an API key; the secret is returned once and stored only as a hash',
          params: workspaceParams,
          body: z.object({ name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'), role }),
          response: { 201: z.object({ apiKey, secret: z.string() }) },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const { apiKey: key, secret } = await accounts.createApiKey(tenant.actor, tenant.role, tenant.workspaceId, request.body);
        return reply.status(201).send({ apiKey: apiKeyView(key), secret });
      },
    );

    app.delete(
      '/api/workspaces/:workspaceId/api-keys/:apiKeyId',
      {
        config: { access: 'api_keys.manage' },
        schema: {
          tags: ['api keys'],
          summary: 'Revoke an API key',
          params: workspaceParams.extend({ apiKeyId: idParam }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        await accounts.revokeApiKey(tenant.actor, tenant.workspaceId, request.params.apiKeyId);
        return reply.status(204).send(null);
      },
    );
  };
}
