import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission, type Role } from '../../common/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { safeEqual, sha256 } from '../lib/tokens.ts';
import { AppError } from './errors.ts';

export const SESSION_COOKIE = 'gs_session';

/** Who is calling: a signed-in person (cookie) or an API key (Bearer). */
export type Actor =
  | { type: 'user'; userId: number; sessionId: string; csrfToken: string }
  | { type: 'api_key'; apiKeyId: number; workspaceId: number; role: Role };

/** The workspace a request acts on, with the caller's role in it; every tenant query filters on `workspaceId`. */
export type Tenant = { workspaceId: number; role: Role; actor: Actor };

/** Every API route declares who may call it; routes without a declaration refuse to register. */
export type Access = 'public' | 'user' | Permission;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    tenant: Tenant | null;
    sessionProblem: 'expired' | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_EVERY_MS = 60_000;

type AuthDeps = { db: Db; clock: Clock; config: Pick<Config, 'sessionTtlMs' | 'sessionMaxMs'> };

export function registerAuth(app: FastifyInstance, { db, clock, config }: AuthDeps) {
  app.decorateRequest('actor', null);
  app.decorateRequest('tenant', null);
  app.decorateRequest('sessionProblem', null);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs') || route.url === '/api/openapi.json') return;
    if (!route.config?.access) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.access (public, user or a permission)`);
    }
    if (route.url.includes(':workspaceId') && (route.config.access === 'public' || route.config.access === 'user')) {
      throw new Error(`Route ${route.method} ${route.url} acts on a workspace and must name a permission`);
    }
  });

  // Runs before body validation, so a caller without access learns nothing from validation errors.
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config.access;
    // Public routes (sign-in, invitations, public pages) ignore credentials: a stale cookie must not get in the way.
    if (!access || access === 'public') return;
    await identify(request);
    const actor = requireActor(request);
    if (access === 'user') {
      if (actor.type !== 'user')
        throw new AppError({ code: 'auth.forbidden', status: 403, message: 'This route needs a signed-in person, not an API key.' });
      return;
    }
    request.tenant = await resolveTenant(request, actor, access);
  });

  async function identify(request: FastifyRequest) {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1])
        throw new AppError({ code: 'auth.api_key_invalid', status: 401, message: 'The Authorization header must be "Bearer <API key>".' });
      request.actor = await identifyApiKey(match[1]);
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.actor = await identifySession(request, token);
  }

  async function identifyApiKey(secret: string): Promise<Actor> {
    const key = await db
      .selectFrom('api_keys')
      .select(['id', 'workspace_id', 'role', 'revoked_at', 'last_used_at'])
      .where('key_hash', '=', sha256(secret))
      .executeTakeFirst();
    if (!key || key.revoked_at !== null) {
      throw new AppError({ code: 'auth.api_key_invalid', status: 401, message: 'This API key is unknown or has been revoked.' });
    }
    const now = clock.now();
    if (key.last_used_at === null || now - key.last_used_at > TOUCH_EVERY_MS) {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', key.id).execute();
    }
    return { type: 'api_key', apiKeyId: key.id, workspaceId: key.workspace_id, role: key.role };
  }

  async function identifySession(request: FastifyRequest, token: string): Promise<Actor | null> {
    const session = await db.selectFrom('sessions').selectAll().where('id', '=', sha256(token)).executeTakeFirst();
    if (!session) return null;
    const now = clock.now();
    if (session.expires_at <= now || session.created_at + config.sessionMaxMs <= now) {
      request.sessionProblem = 'expired';
      return null;
    }
    if (now - session.last_seen_at > TOUCH_EVERY_MS) {
      const expiresAt = Math.min(now + config.sessionTtlMs, session.created_at + config.sessionMaxMs);
      await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', session.id).execute();
    }
    const actor: Actor = { type: 'user', userId: session.user_id, sessionId: session.id, csrfToken: session.csrf_token };
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrf_token)) {
        throw new AppError({
          code: 'auth.csrf_failed',
          status: 403,
          message: 'Missing or wrong x-csrf-token header; reload the page and try again.',
        });
      }
    }
    return actor;
  }

  async function resolveTenant(request: FastifyRequest, actor: Actor, permission: Permission): Promise<Tenant> {
    const workspaceId = Number((request.params as Record<string, string>).workspaceId);
    const notFound = () =>
      new AppError({
        code: 'workspace.not_found',
        status: 404,
        message: 'There is no such workspace, or you are not a member of it.',
      });
    if (!Number.isSafeInteger(workspaceId) || workspaceId <= 0) throw notFound();
    let role: Role;
    if (actor.type === 'api_key') {
      if (actor.workspaceId !== workspaceId) throw notFound();
      role = actor.role;
    } else {
      const membership = await db
        .selectFrom('workspace_users')
        .select('role')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (!membership) throw notFound();
      role = membership.role;
    }
    if (!can(role, permission)) {
      throw new AppError({
        code: 'auth.forbidden',
        status: 403,
        message: `Your role (${role}) does not allow this (${permission}); ask an owner or admin of the workspace.`,
      });
    }
    return { workspaceId, role, actor };
  }
}

export function requireActor(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  if (request.sessionProblem === 'expired') {
    throw new AppError({ code: 'auth.session_expired', status: 401, message: 'Your session has expired; sign in again.' });
  }
  throw new AppError({ code: 'auth.required', status: 401, message: 'Sign in, or send an API key as "Authorization: Bearer <key>".' });
}

export function requireUser(request: FastifyRequest) {
  const actor = requireActor(request);
  if (actor.type !== 'user')
    throw new AppError({ code: 'auth.forbidden', status: 403, message: 'This route needs a signed-in person, not an API key.' });
  return actor;
}

/** The tenant resolved for this request; only routes that name a permission have one. */
export function tenantOf(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new Error(`Route ${request.routeOptions.url} has no tenant; declare a permission in config.access`);
  return request.tenant;
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeMs: number) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: Math.floor(maxAgeMs / 1000) });
}
