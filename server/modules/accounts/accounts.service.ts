import { hash, verify } from '@node-rs/argon2';
import type { Role } from '../../../common/roles.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { randomToken, sha256 } from '../../lib/tokens.ts';
import { recordAudit } from '../audit/audit.repo.ts';

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;
const API_KEY_PREFIX = 'gs_';

type Deps = {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'sessionTtlMs' | 'loginMaxFailures' | 'loginLockMs' | 'publicUrl'>;
};

export type AccountsService = ReturnType<typeof createAccountsService>;

export const hashPassword = (plain: string) => hash(plain);

export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'workspace'
  );
}

export function createAccountsService({ db, clock, config }: Deps) {
  // A hash to verify against when the email is unknown, so response time does not reveal which emails exist.
  const decoyHash = hash(randomToken());

  async function startSession(userId: number, meta: { ip: string | null; userAgent: string | null }) {
    const token = randomToken();
    const csrfToken = randomToken(24);
    const now = clock.now();
    await db
      .insertInto('sessions')
      .values({
        id: sha256(token),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: now + config.sessionTtlMs,
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    return { token, csrfToken };
  }

  async function sessionView(userId: number, csrfToken: string) {
    const user = await db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    return { user, workspaces: await listMyWorkspaces(userId), csrfToken };
  }

  async function listMyWorkspaces(userId: number) {
    return db
      .selectFrom('workspace_users as wu')
      .innerJoin('workspaces as w', 'w.id', 'wu.workspace_id')
      .select(['w.id', 'w.name', 'w.slug', 'wu.role'])
      .where('wu.user_id', '=', userId)
      .orderBy('w.name')
      .execute();
  }

  async function login(input: { email: string; password: string; ip: string | null; userAgent: string | null }) {
    const now = clock.now();
    const user = await db
      .selectFrom('users')
      .select(['id', 'password_hash', 'failed_logins', 'locked_until'])
      .where('email', '=', input.email)
      .executeTakeFirst();
    if (user?.locked_until && user.locked_until > now) {
      const minutes = Math.ceil((user.locked_until - now) / 60_000);
      throw new AppError({
        code: 'auth.locked',
        status: 429,
        message: `Too many failed sign-ins for this account; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        headers: { 'retry-after': String(Math.ceil((user.locked_until - now) / 1000)) },
      });
    }
    const ok = await verify(user?.password_hash ?? (await decoyHash), input.password);
    if (!user || !ok) {
      if (user) {
        const failures = user.failed_logins + 1;
        const lock = failures >= config.loginMaxFailures;
        await db
          .updateTable('users')
          .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? now + config.loginLockMs : null })
          .where('id', '=', user.id)
          .execute();
        await recordAudit(db, {
          workspaceId: null,
          actor: null,
          action: lock ? 'auth.locked' : 'auth.login_failed',
          targetType: 'user',
          targetId: user.id,
          ip: input.ip,
          at: now,
        });
      }
      throw new AppError({ code: 'auth.invalid_credentials', status: 401, message: 'The email or password is incorrect.' });
    }
    await db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: now }).where('id', '=', user.id).execute();
    await recordAudit(db, { workspaceId: null, actor: { type: 'user', userId: user.id }, action: 'auth.login', ip: input.ip, at: now });
    const { token, csrfToken } = await startSession(user.id, input);
    return { token, view: await sessionView(user.id, csrfToken) };
  }

  async function logout(sessionId: string) {
    await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  async function changePassword(actor: Extract<Actor, { type: 'user' }>, input: { currentPassword: string; newPassword: string }) {
    const user = await db.selectFrom('users').select(['password_hash']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
    if (!(await verify(user.password_hash, input.currentPassword))) {
      throw new AppError({
        code: 'auth.invalid_credentials',
        status: 400,
        message: 'The current password is incorrect.',
        fields: [{ path: 'body.currentPassword', message: 'is incorrect' }],
      });
    }
    const passwordHash = await hashPassword(input.newPassword);
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', actor.userId).execute();
      // Other sessions end: a changed password must lock out whoever else held one.
      await trx.deleteFrom('sessions').where('user_id', '=', actor.userId).where('id', '!=', actor.sessionId).execute();
      await recordAudit(trx, { workspaceId: null, actor, action: 'auth.password_changed', at: clock.now() });
    });
  }

  async function createUser(input: { email: string; name: string; password: string }) {
    const existing = await db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst();
    if (existing) {
      throw new AppError({
        code: 'user.email_taken',
        status: 409,
        message: `A user with the email ${input.email} already exists.`,
        fields: [{ path: 'body.email', message: 'is already used by another account' }],
      });
    }
    const row = await db
      .insertInto('users')
      .values({
        email: input.email,
        name: input.name,
        password_hash: await hashPassword(input.password),
        created_at: clock.now(),
        last_login_at: null,
        locked_until: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function uniqueSlug(name: string) {
    const base = slugify(name);
    for (let n = 1; ; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      const taken = await db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst();
      if (!taken) return slug;
    }
  }

  async function createWorkspace(
    ownerId: number,
    input: { name: string; timezone?: string | undefined; defaultCountry?: string | undefined },
  ) {
    const slug = await uniqueSlug(input.name);
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const ws = await trx
        .insertInto('workspaces')
        .values({
          name: input.name,
          slug,
          timezone: input.timezone ?? 'America/New_York',
          default_country: input.defaultCountry ?? 'US',
          quiet_hours_start: '08:00',
          quiet_hours_end: '21:00',
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.insertInto('workspace_users').values({ workspace_id: ws.id, user_id: ownerId, role: 'owner', created_at: now }).execute();
      await recordAudit(trx, {
        workspaceId: ws.id,
        actor: { type: 'user', userId: ownerId },
        action: 'workspace.created',
        targetType: 'workspace',
        targetId: ws.id,
        at: now,
      });
      return ws;
    });
  }

  async function getWorkspace(workspaceId: number) {
    const ws = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
    if (!ws) throw new AppError({ code: 'workspace.not_found', status: 404, message: 'There is no such workspace.' });
    return ws;
  }

  async function updateWorkspace(
    actor: Actor,
    workspaceId: number,
    patch: {
      name?: string | undefined;
      timezone?: string | undefined;
      defaultCountry?: string | undefined;
      quietHoursStart?: string | undefined;
      quietHoursEnd?: string | undefined;
    },
  ) {
    const values = Object.fromEntries(
      Object.entries({
        name: patch.name,
        timezone: patch.timezone,
        default_country: patch.defaultCountry,
        quiet_hours_start: patch.quietHoursStart,
        quiet_hours_end: patch.quietHoursEnd,
      }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(values).length > 0) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('workspaces').set(values).where('id', '=', workspaceId).execute();
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'workspace.updated',
          targetType: 'workspace',
          targetId: workspaceId,
          data: { fields: Object.keys(values) },
          at: clock.now(),
        });
      });
    }
    return getWorkspace(workspaceId);
  }

  async function listUsers(workspaceId: number) {
    return db
      .selectFrom('workspace_users as wu')
      .innerJoin('users as u', 'u.id', 'wu.user_id')
      .select(['u.id', 'u.email', 'u.name', 'wu.role', 'wu.created_at', 'u.last_login_at'])
      .where('wu.workspace_id', '=', workspaceId)
      .orderBy('u.name')
      .execute();
  }

  async function membershipOf(workspaceId: number, userId: number) {
    const row = await db
      .selectFrom('workspace_users')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new AppError({ code: 'user.not_found', status: 404, message: 'This person is not a member of the workspace.' });
    return row;
  }

  async function assertNotLastOwner(workspaceId: number, userId: number, currentRole: Role) {
    if (currentRole !== 'owner') return;
    const owners = await db
      .selectFrom('workspace_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .where('user_id', '!=', userId)
      .executeTakeFirstOrThrow();
    if (Number(owners.n) === 0) {
      throw new AppError({
        code: 'user.last_owner',
        status: 409,
        message: 'A workspace needs at least one owner; make someone else owner first.',
      });
    }
  }

  function assertMayGrant(actorRole: Role, role: Role) {
    if (role === 'owner' && actorRole !== 'owner') {
      throw new AppError({ code: 'auth.forbidden', status: 403, message: 'Only an owner can make someone an owner.' });
    }
  }

  async function changeRole(actor: Actor, actorRole: Role, workspaceId: number, userId: number, role: Role) {
    const current = await membershipOf(workspaceId, userId);
    assertMayGrant(actorRole, role);
    if (current.role === 'owner' && actorRole !== 'owner') {
      throw new AppError({ code: 'auth.forbidden', status: 403, message: 'Only an owner can change the role of an owner.' });
    }
    if (role !== 'owner') await assertNotLastOwner(workspaceId, userId, current.role);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('workspace_users')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .execute();
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'user.role_changed',
        targetType: 'user',
        targetId: userId,
        data: { from: current.role, to: role },
        at: clock.now(),
      });
    });
    const user = (await listUsers(workspaceId)).find((u) => u.id === userId);
    if (!user) throw new AppError({ code: 'user.not_found', status: 404, message: 'This person is not a member of the workspace.' });
    return user;
  }

  async function removeUser(actor: Actor, actorRole: Role, workspaceId: number, userId: number) {
    const current = await membershipOf(workspaceId, userId);
    if (current.role === 'owner' && actorRole !== 'owner') {
      throw new AppError({ code: 'auth.forbidden', status: 403, message: 'Only an owner can remove an owner.' });
    }
    await assertNotLastOwner(workspaceId, userId, current.role);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('workspace_users').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
      await recordAudit(trx, { workspaceId, actor, action: 'user.removed', targetType: 'user', targetId: userId, at: clock.now() });
    });
  }

  function invitationStatus(row: { accepted_at: number | null; revoked_at: number | null; expires_at: number }) {
    if (row.accepted_at !== null) return 'accepted' as const;
    if (row.revoked_at !== null) return 'revoked' as const;
    return row.expires_at <= clock.now() ? ('expired' as const) : ('pending' as const);
  }

  async function listInvitations(workspaceId: number) {
    const rows = await db
      .selectFrom('invitations as i')
      .leftJoin('users as u', 'u.id', 'i.invited_by')
      .select([
        'i.id',
        'i.email',
        'i.role',
        'i.created_at',
        'i.expires_at',
        'i.accepted_at',
        'i.revoked_at',
        'i.invited_by',
        'u.name as inviter_name',
      ])
      .where('i.workspace_id', '=', workspaceId)
      .orderBy('i.id', 'desc')
      .execute();
    return rows.map((row) => ({ ...row, status: invitationStatus(row) }));
  }

  async function invite(actor: Actor, actorRole: Role, workspaceId: number, input: { email: string; role: Role }) {
    assertMayGrant(actorRole, input.role);
    const token = randomToken();
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('invitations')
        .values({
          workspace_id: workspaceId,
          email: input.email,
          role: input.role,
          token_hash: sha256(token),
          invited_by: actor.type === 'user' ? actor.userId : null,
          created_at: now,
          expires_at: now + INVITATION_TTL_MS,
          accepted_at: null,
          revoked_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'invitation.created',
        targetType: 'invitation',
        targetId: row.id,
        data: { role: input.role },
        at: now,
      });
      return row.id;
    });
    const invitation = (await listInvitations(workspaceId)).find((i) => i.id === id);
    if (!invitation) throw new Error('invitation vanished after insert');
    return { invitation, acceptUrl: `${config.publicUrl}/invite/${token}` };
  }

  async function revokeInvitation(actor: Actor, workspaceId: number, invitationId: number) {
    const result = await db
      .updateTable('invitations')
      .set({ revoked_at: clock.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new AppError({
        code: 'invitation.not_found',
        status: 404,
        message: 'There is no pending invitation with this id in the workspace.',
      });
    }
    await recordAudit(db, {
      workspaceId,
      actor,
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: invitationId,
      at: clock.now(),
    });
  }

  async function findInvitation(token: string) {
    const row = await db
      .selectFrom('invitations as i')
      .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
      .select(['i.id', 'i.workspace_id', 'i.email', 'i.role', 'i.expires_at', 'i.accepted_at', 'i.revoked_at', 'w.name as workspace_name'])
      .where('i.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null)
      throw new AppError({ code: 'invitation.not_found', status: 404, message: 'This invitation link is not valid; ask for a new one.' });
    if (row.accepted_at !== null)
      throw new AppError({ code: 'invitation.used', status: 410, message: 'This invitation has already been accepted; sign in instead.' });
    if (row.expires_at <= clock.now())
      throw new AppError({ code: 'invitation.expired', status: 410, message: 'This invitation has expired; ask for a new one.' });
    const user = await db.selectFrom('users').select('id').where('email', '=', row.email).executeTakeFirst();
    return { ...row, existingUserId: user?.id ?? null };
  }

  async function acceptInvitation(
    token: string,
    input: { name?: string | undefined; password: string; ip: string | null; userAgent: string | null },
  ) {
    const inv = await findInvitation(token);
    let userId = inv.existingUserId;
    if (userId !== null) {
      const user = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
      if (!(await verify(user.password_hash, input.password))) {
        throw new AppError({
          code: 'auth.invalid_credentials',
          status: 401,
          message: 'You already have an account; enter its current password.',
          fields: [{ path: 'body.password', message: 'is incorrect' }],
        });
      }
    } else if (!input.name) {
      throw new AppError({
        code: 'request.invalid',
        status: 400,
        message: 'Your name is required to create the account.',
        fields: [{ path: 'body.name', message: 'is required' }],
      });
    }
    const passwordHash = userId === null ? await hashPassword(input.password) : null;
    const now = clock.now();
    userId = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('invitations')
        .set({ accepted_at: now })
        .where('id', '=', inv.id)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0)
        throw new AppError({
          code: 'invitation.used',
          status: 410,
          message: 'This invitation has already been accepted; sign in instead.',
        });
      let id = inv.existingUserId;
      if (id === null) {
        const row = await trx
          .insertInto('users')
          .values({
            email: inv.email,
            name: input.name ?? inv.email,
            password_hash: passwordHash ?? '',
            created_at: now,
            last_login_at: now,
            locked_until: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = row.id;
      }
      await trx
        .insertInto('workspace_users')
        .values({ workspace_id: inv.workspace_id, user_id: id, role: inv.role, created_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: inv.role }))
        .execute();
      await recordAudit(trx, {
        workspaceId: inv.workspace_id,
        actor: { type: 'user', userId: id },
        action: 'invitation.accepted',
        targetType: 'invitation',
        targetId: inv.id,
        ip: input.ip,
        data: { role: inv.role },
        at: now,
      });
      return id;
    });
    const { token: sessionToken, csrfToken } = await startSession(userId, input);
    return { token: sessionToken, view: await sessionView(userId, csrfToken) };
  }

  async function listApiKeys(workspaceId: number) {
    return db
      .selectFrom('api_keys as k')
      .leftJoin('users as u', 'u.id', 'k.created_by')
      .select([
        'k.id',
        'k.name',
        'k.role',
        'k.prefix',
        'k.created_at',
        'k.last_used_at',
        'k.revoked_at',
        'k.created_by',
        'u.name as creator_name',
      ])
      .where('k.workspace_id', '=', workspaceId)
      .orderBy('k.id', 'desc')
      .execute();
  }

  async function createApiKey(actor: Actor, actorRole: Role, workspaceId: number, input: { name: string; role: Role }) {
    assertMayGrant(actorRole, input.role);
    const secret = `${API_KEY_PREFIX}${randomToken()}`;
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('api_keys')
        .values({
          workspace_id: workspaceId,
          name: input.name,
          role: input.role,
          prefix: secret.slice(0, 10),
          key_hash: sha256(secret),
          created_by: actor.type === 'user' ? actor.userId : null,
          created_at: now,
          last_used_at: null,
          revoked_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: row.id,
        data: { name: input.name, role: input.role },
        at: now,
      });
      return row.id;
    });
    const apiKey = (await listApiKeys(workspaceId)).find((k) => k.id === id);
    if (!apiKey) throw new Error('API key vanished after insert');
    return { apiKey, secret };
  }

  async function revokeApiKey(actor: Actor, workspaceId: number, apiKeyId: number) {
    const result = await db
      .updateTable('api_keys')
      .set({ revoked_at: clock.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', apiKeyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new AppError({ code: 'api_key.not_found', status: 404, message: 'There is no active API key with this id in the workspace.' });
    }
    await recordAudit(db, { workspaceId, actor, action: 'api_key.revoked', targetType: 'api_key', targetId: apiKeyId, at: clock.now() });
  }

  async function addMember(workspaceId: number, userId: number, role: Role) {
    await db
      .insertInto('workspace_users')
      .values({ workspace_id: workspaceId, user_id: userId, role, created_at: clock.now() })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  return {
    login,
    logout,
    sessionView,
    listMyWorkspaces,
    changePassword,
    createUser,
    createWorkspace,
    getWorkspace,
    updateWorkspace,
    listUsers,
    changeRole,
    removeUser,
    listInvitations,
    invite,
    revokeInvitation,
    findInvitation,
    acceptInvitation,
    listApiKeys,
    createApiKey,
    revokeApiKey,
    addMember,
  };
}
