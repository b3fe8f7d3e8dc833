import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';

describe.each(testDialects())('accounts on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ dialect });
  });
  afterEach(async () => {
    await t.close();
  });

  it('signs in with the demo login and returns the workspaces and a CSRF token', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'Organizer@Example.org', password: t.demo.password },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user.email).toBe('organizer@example.org');
    expect(body.workspaces).toEqual([{ id: t.demo.workspaceId, name: 'Groundswell Demo', slug: 'groundswell-demo', role: 'owner' }]);
    const cookie = response.cookies.find((c) => c.name === 'gs_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const session = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `gs_session=${cookie?.value}` } });
    expect(session.json().csrfToken).toBe(body.csrfToken);
  });

  it('refuses a wrong password with a specific error and pauses the account after repeated failures', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: t.demo.email, password: 'not-the-password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json()).toMatchObject({ code: 'auth.invalid_credentials', detail: 'The email or password is incorrect.' });

    for (let i = 1; i < t.config.loginMaxFailures; i++) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.demo.email, password: 'still-wrong' } });
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: t.demo.email, password: t.demo.password },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('auth.locked');
    expect(locked.json().detail).toMatch(/try again in 15 minutes/);
    expect(Number(locked.headers['retry-after'])).toBe(900);

    t.clock.advance(t.config.loginLockMs + 1);
    const after = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: t.demo.email, password: t.demo.password },
    });
    expect(after.statusCode).toBe(200);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.org', password: 'whatever-it-is' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('auth.invalid_credentials');
  });

  it('gives field-level errors for a malformed login', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'not-an-email' } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('request.invalid');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.email', message: 'must be an email address such as name@example.org' },
        expect.objectContaining({ path: 'body.password' }),
      ]),
    );
  });

  it('tells an expired session apart from no session', async () => {
    const client = await signIn(t.app, t.demo.email, t.demo.password);
    expect((await client.request({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
    t.clock.advance(t.config.sessionTtlMs + 1000);
    const expired = await client.request({ method: 'GET', url: '/api/auth/session' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'auth.session_expired', detail: 'Your session has expired; sign in again.' });
    const none = await t.app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(none.json().code).toBe('auth.required');
  });

  it('keeps an active session alive but ends it at the absolute maximum', async () => {
    const client = await signIn(t.app, t.demo.email, t.demo.password);
    const step = t.config.sessionTtlMs - 3_600_000;
    let elapsed = 0;
    while (elapsed + step < t.config.sessionMaxMs) {
      t.clock.advance(step);
      elapsed += step;
      expect((await client.request({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
    }
    t.clock.advance(t.config.sessionMaxMs - elapsed + 1);
    expect((await client.request({ method: 'GET', url: '/api/auth/session' })).json().code).toBe('auth.session_expired');
  });

  it('lets a person sign in again while an old session cookie is still around', async () => {
    const client = await signIn(t.app, t.demo.email, t.demo.password);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: client.cookie },
      payload: { email: t.demo.email, password: t.demo.password },
    });
    expect(again.statusCode).toBe(200);
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const client = await signIn(t.app, t.demo.email, t.demo.password);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/workspaces',
      headers: { cookie: client.cookie },
      payload: { name: 'Sneaky' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('auth.csrf_failed');
    const ok = await client.request({
      method: 'POST',
      url: '/api/workspaces',
      payload: { name: 'Parents for Safe Streets', timezone: 'America/Denver' },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      name: 'Parents for Safe Streets',
      slug: 'parents-for-safe-streets',
      timezone: 'America/Denver',
      quietHoursStart: '08:00',
    });
  });

  it('signs out and changes the password, ending other sessions', async () => {
    const first = await signIn(t.app, t.demo.email, t.demo.password);
    const second = await signIn(t.app, t.demo.email, t.demo.password);
    const wrong = await first.request({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: 'nope-nope-nope', newPassword: 'a-brand-new-password' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([{ path: 'body.currentPassword', message: 'is incorrect' }]);
    const short = await first.request({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: t.demo.password, newPassword: 'short' },
    });
    expect(short.json().errors).toEqual([{ path: 'body.newPassword', message: 'must be at least 10 characters' }]);
    const changed = await first.request({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: t.demo.password, newPassword: 'a-brand-new-password' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await second.request({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
    expect((await first.request({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
    expect((await first.request({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    expect((await first.request({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
    await expect(signIn(t.app, t.demo.email, 'a-brand-new-password')).resolves.toBeTruthy();
  });

  it('invites a texter who accepts, signs in and is limited by the role', async () => {
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const invited = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${ws}/invitations`,
      payload: { email: 'Tex@Example.org', role: 'texter' },
    });
    expect(invited.statusCode).toBe(201);
    const { acceptUrl, invitation } = invited.json();
    expect(invitation).toMatchObject({
      email: 'tex@example.org',
      role: 'texter',
      status: 'pending',
      invitedBy: { name: 'Demo Organizer' },
    });
    const token = new URL(acceptUrl).pathname.split('/').pop() ?? '';

    const info = await t.app.inject({ method: 'GET', url: `/api/invitations/${token}` });
    expect(info.json()).toEqual({ workspace: { name: 'Groundswell Demo' }, email: 'tex@example.org', role: 'texter', hasAccount: false });
    const noName = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { password: 'texting-all-day' },
    });
    expect(noName.json().errors).toEqual([{ path: 'body.name', message: 'is required' }]);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Tex Ter', password: 'texting-all-day' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().workspaces).toEqual([expect.objectContaining({ id: ws, role: 'texter' })]);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Tex Ter', password: 'texting-all-day' },
    });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('invitation.used');

    const texter = await signIn(t.app, 'tex@example.org', 'texting-all-day');
    expect((await texter.request({ method: 'GET', url: `/api/workspaces/${ws}` })).statusCode).toBe(200);
    const forbidden = await texter.request({ method: 'GET', url: `/api/workspaces/${ws}/users` });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().detail).toBe('Your role (texter) does not allow this (users.read); ask an owner or admin of the workspace.');
    const list = await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/users` });
    expect(list.json().users.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
      ['organizer@example.org', 'owner'],
      ['tex@example.org', 'texter'],
    ]);
  });

  it('expires and revokes invitations', async () => {
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const first = (
      await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/invitations`,
        payload: { email: 'a@example.org', role: 'analyst' },
      })
    ).json();
    const second = (
      await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/invitations`,
        payload: { email: 'b@example.org', role: 'moderator' },
      })
    ).json();
    expect((await owner.request({ method: 'DELETE', url: `/api/workspaces/${ws}/invitations/${second.invitation.id}` })).statusCode).toBe(
      204,
    );
    const secondToken = new URL(second.acceptUrl).pathname.split('/').pop();
    expect((await t.app.inject({ method: 'GET', url: `/api/invitations/${secondToken}` })).json().code).toBe('invitation.not_found');
    t.clock.advance(8 * 24 * 3_600_000);
    const firstToken = new URL(first.acceptUrl).pathname.split('/').pop();
    const expired = await t.app.inject({ method: 'GET', url: `/api/invitations/${firstToken}` });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('invitation.expired');
    const later = await signIn(t.app, t.demo.email, t.demo.password);
    const statuses = (await later.request({ method: 'GET', url: `/api/workspaces/${ws}/invitations` }))
      .json()
      .invitations.map((i: { status: string }) => i.status);
    expect(statuses).toEqual(['revoked', 'expired']);
  });

  it('creates an API key shown once, authenticates with it within its role and workspace, and revokes it', async () => {
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const created = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${ws}/api-keys`,
      payload: { name: 'Sync', role: 'admin' },
    });
    expect(created.statusCode).toBe(201);
    const { secret, apiKey } = created.json();
    expect(secret).toMatch(/^gs_[\w-]{40,}$/);
    expect(apiKey).toMatchObject({ name: 'Sync', role: 'admin', prefix: secret.slice(0, 10), lastUsedAt: null, revokedAt: null });

    const listed = await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/api-keys` });
    expect(listed.body).not.toContain(secret);
    const stored = await t.database.db.selectFrom('api_keys').select('key_hash').executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    const users = await t.app.inject({ method: 'GET', url: `/api/workspaces/${ws}/users`, headers: bearer });
    expect(users.statusCode).toBe(200);
    // Bearer requests need no CSRF token.
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/api/workspaces/${ws}`,
      headers: bearer,
      payload: { name: 'Demo (renamed)' },
    });
    expect(renamed.json().name).toBe('Demo (renamed)');
    const personal = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: bearer });
    expect(personal.statusCode).toBe(403);

    const analyst = (
      await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/api-keys`, payload: { name: 'Reports', role: 'analyst' } })
    ).json();
    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/workspaces/${ws}/audit`,
      headers: { authorization: `Bearer ${analyst.secret}` },
    });
    expect(denied.statusCode).toBe(403);

    expect((await owner.request({ method: 'DELETE', url: `/api/workspaces/${ws}/api-keys/${apiKey.id}` })).statusCode).toBe(204);
    const revoked = await t.app.inject({ method: 'GET', url: `/api/workspaces/${ws}/users`, headers: bearer });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({ code: 'auth.api_key_invalid', detail: 'This API key is unknown or has been revoked.' });
    const malformed = await t.app.inject({ method: 'GET', url: `/api/workspaces/${ws}/users`, headers: { authorization: 'Token abc' } });
    expect(malformed.json().detail).toBe('The Authorization header must be "Bearer <API key>".');
  });

  it('protects the last owner and lets only owners grant ownership', async () => {
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const demoted = await owner.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}/users/${owner.userId}`,
      payload: { role: 'admin' },
    });
    expect(demoted.statusCode).toBe(409);
    expect(demoted.json().code).toBe('user.last_owner');
    const removed = await owner.request({ method: 'DELETE', url: `/api/workspaces/${ws}/users/${owner.userId}` });
    expect(removed.json().code).toBe('user.last_owner');

    const { acceptUrl } = (
      await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/invitations`, payload: { email: 'ad@example.org', role: 'admin' } })
    ).json();
    await t.app.inject({
      method: 'POST',
      url: `${new URL(acceptUrl).pathname.replace('/invite/', '/api/invitations/')}/accept`,
      payload: { name: 'Ad Min', password: 'administering' },
    });
    const admin = await signIn(t.app, 'ad@example.org', 'administering');
    const grab = await admin.request({ method: 'PATCH', url: `/api/workspaces/${ws}/users/${admin.userId}`, payload: { role: 'owner' } });
    expect(grab.statusCode).toBe(403);
    expect(grab.json().detail).toBe('Only an owner can make someone an owner.');
    const badRole = await owner.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}/users/${admin.userId}`,
      payload: { role: 'emperor' },
    });
    expect(badRole.json().errors).toEqual([
      { path: 'body.role', message: 'must be one of owner, admin, organizer, texter, moderator, analyst' },
    ]);
    const promoted = await owner.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}/users/${admin.userId}`,
      payload: { role: 'owner' },
    });
    expect(promoted.json().role).toBe('owner');
    expect((await owner.request({ method: 'DELETE', url: `/api/workspaces/${ws}/users/${owner.userId}` })).statusCode).toBe(204);
  });

  it('records security-relevant actions in the audit log, newest first, paged', async () => {
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/api-keys`, payload: { name: 'K1', role: 'organizer' } });
    await owner.request({ method: 'PATCH', url: `/api/workspaces/${ws}`, payload: { quietHoursEnd: '20:30' } });
    const page1 = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/audit?limit=2` })).json();
    expect(page1.entries.map((e: { action: string }) => e.action)).toEqual(['workspace.updated', 'api_key.created']);
    expect(page1.entries[0]).toMatchObject({ actor: { type: 'user', name: 'Demo Organizer' }, data: { fields: ['quiet_hours_end'] } });
    const page2 = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/audit?limit=2&before=${page1.nextBefore}` })).json();
    expect(page2.entries.map((e: { action: string }) => e.action)).toEqual(['workspace.created']);
    expect(page2.nextBefore).toBeNull();
    const badQuiet = await owner.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}`,
      payload: { quietHoursEnd: '25:00', timezone: 'Mars/Olympus' },
    });
    expect(badQuiet.json().errors).toEqual(
      expect.arrayContaining([
        { path: 'body.quietHoursEnd', message: 'must be a time of day as HH:MM, e.g. 08:00' },
        { path: 'body.timezone', message: 'must be an IANA time zone such as America/Chicago' },
      ]),
    );
  });
});
