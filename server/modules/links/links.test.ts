import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../../test/helpers/db.ts';
import { readStats } from '../messaging/stats.repo.ts';
import { newLinkCode, shortLinkBase, shortLinkLength, shortLinkUrl, withUtm } from './link-rewrite.ts';
import { ensureLinkTargets, insertLinks } from './links.repo.ts';
import { linkRoutes } from './links.routes.ts';
import { memberToken, verifyMemberToken } from './member-token.ts';

const SECRET = 'links-test-secret-links-test-secret-0123456789';
const PUBLIC_URL = 'https://gs.example.org';
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
const HOUR = 60 * 60_000;

describe.each(testDialects())('short links on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let clock: TestClock;
  let ws: number;
  let member: number;
  let broadcast: number;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    clock = createTestClock();
    const now = clock.now();
    const { db } = database;
    const workspace = await db
      .insertInto('workspaces')
      .values({
        name: 'Safe Streets Coalition',
        slug: 'safe-streets',
        timezone: 'America/Chicago',
        default_country: 'US',
        quiet_hours_start: '08:00',
        quiet_hours_end: '21:00',
        created_at: now,
        short_link_base: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ws = Number(workspace.id);
    member = await addMember('+15125550142');
    const row = await db
      .insertInto('broadcasts')
      .values({
        workspace_id: ws,
        name: 'Rally day',
        channel: 'sms',
        status: 'sending',
        audience: '{"communityIds":[],"tags":[]}',
        templates: '{"en":"Rally at noon: https://act.example.org/rally"}',
        default_language: 'en',
        schedule_kind: 'now',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    broadcast = Number(row.id);

    app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(linkRoutes({ db, clock, appSecret: SECRET, config: { publicUrl: PUBLIC_URL } }));
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await database.destroy();
  });

  async function addMember(phone: string, extra: { merged_into?: number; erased_at?: number } = {}) {
    const now = clock.now();
    const row = await database.db
      .insertInto('members')
      .values({
        workspace_id: ws,
        phone,
        timezone: 'America/Chicago',
        timezone_source: 'workspace',
        created_at: now,
        updated_at: now,
        ...extra,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** A member's short link to a destination, as the broadcast expansion writes it. */
  async function linkTo(url: string, options: { memberId?: number | null; broadcastId?: number | null } = {}) {
    const broadcastId = options.broadcastId === undefined ? broadcast : options.broadcastId;
    const targets = await ensureLinkTargets(database.db, { workspaceId: ws, broadcastId, urls: [url], now: clock.now() });
    const targetId = targets.get(url);
    if (targetId === undefined) throw new Error('no target');
    const code = newLinkCode();
    const memberId = options.memberId === undefined ? member : options.memberId;
    await insertLinks(database.db, [{ code, workspaceId: ws, targetId, memberId, broadcastId, messageId: null, createdAt: clock.now() }]);
    return code;
  }

  const follow = (code: string, headers: Record<string, string> = { 'user-agent': PHONE_UA }, method: 'GET' | 'HEAD' = 'GET') =>
    app.inject({ method, url: `/l/${code}`, headers });

  const stats = async () => Object.fromEntries(await readStats(database.db, ws, broadcast));
  const linkRow = (code: string) =>
    database.db.selectFrom('links').select(['clicks', 'first_clicked_at']).where('code', '=', code).executeTakeFirstOrThrow();
  const clickedActivities = () =>
    database.db.selectFrom('activities').selectAll().where('workspace_id', '=', ws).where('type', '=', 'clicked').execute();
  const lastActive = async (id: number) =>
    (await database.db.selectFrom('members').select('last_active_at').where('id', '=', id).executeTakeFirstOrThrow()).last_active_at;

  function expectRedirect(response: LightMyRequestResponse, location: string) {
    expect(response.statusCode, response.body).toBe(302);
    expect(response.headers.location).toBe(location);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  }

  it('sends the member on to the destination with its UTM parameters and nothing else', async () => {
    const target = withUtm('https://act.example.org/rally?ref=a%20b#map', { source: 'groundswell', medium: 'sms', campaign: 'rally' });
    const code = await linkTo(target);
    const response = await follow(code);
    expectRedirect(response, 'https://act.example.org/rally?ref=a%20b&utm_source=groundswell&utm_medium=sms&utm_campaign=rally#map');
    expect(response.headers.location).not.toContain(code);
    expect(response.headers.location).not.toContain('gsm=');
  });

  it('records the first click as the member’s activity and counts it once; later clicks only add to the clicks', async () => {
    const url = 'https://act.example.org/rally?utm_source=groundswell';
    const code = await linkTo(url);
    const firstAt = clock.now();
    expectRedirect(await follow(code), url);

    const activities = await clickedActivities();
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ member_id: member, subject_type: 'broadcast', subject_id: broadcast, occurred_at: firstAt });
    expect(JSON.parse(activities[0]?.data ?? '{}')).toEqual({ url });
    expect(await stats()).toEqual({ clicked: 1, clicks: 1 });
    expect(await linkRow(code)).toEqual({ clicks: 1, first_clicked_at: firstAt });
    expect(await lastActive(member)).toBe(firstAt);

    clock.advance(HOUR);
    expectRedirect(await follow(code), url);
    expect(await clickedActivities()).toHaveLength(1);
    expect(await stats()).toEqual({ clicked: 1, clicks: 2 });
    expect(await linkRow(code)).toEqual({ clicks: 2, first_clicked_at: firstAt });
    expect(await lastActive(member)).toBe(clock.now());
  });

  it('counts each member’s link on its own', async () => {
    const other = await addMember('+15125550143');
    const url = 'https://act.example.org/rally';
    const mine = await linkTo(url);
    const theirs = await linkTo(url, { memberId: other });
    await follow(mine);
    await follow(theirs);
    await follow(theirs);
    expect((await clickedActivities()).map((a) => a.member_id).sort()).toEqual([member, other].sort());
    expect(await stats()).toEqual({ clicked: 2, clicks: 3 });
  });

  it('redirects link previews and HEAD requests without counting them', async () => {
    const url = 'https://act.example.org/rally';
    const code = await linkTo(url);
    const previewers = [
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
      'Twitterbot/1.0',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'WhatsApp/2.23.20.0 A',
      'TelegramBot (like TwitterBot)',
      'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
      'LinkPreview/1.0',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 (Applebot/0.1)',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    ];
    for (const agent of previewers) expectRedirect(await follow(code, { 'user-agent': agent }), url);
    expectRedirect(await follow(code, { 'user-agent': PHONE_UA }, 'HEAD'), url);

    expect(await linkRow(code)).toEqual({ clicks: 0, first_clicked_at: null });
    expect(await clickedActivities()).toEqual([]);
    expect(await stats()).toEqual({});
    expect(await lastActive(member)).toBeNull();
  });

  it('answers an unknown or malformed code with a friendly page, never a redirect', async () => {
    await linkTo('https://act.example.org/rally');
    for (const code of ['Zz9Zz9Zz9Z', 'short', 'abc%21defghij', '..%2F..%2Fetc', 'x'.repeat(40)]) {
      const response = await follow(code);
      expect(response.statusCode, code).toBe(404);
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<h1>Link not found</h1>');
      expect(response.body).toContain('name="viewport"');
    }
    const spanish = await follow('Zz9Zz9Zz9Z', { 'user-agent': PHONE_UA, 'accept-language': 'es-MX,es;q=0.9' });
    expect(spanish.body).toContain('Enlace no encontrado');
    expect(await stats()).toEqual({});
  });

  it('never redirects to a stored destination that is not http(s)', async () => {
    const now = clock.now();
    for (const bad of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example/x',
      'ftp://x.org/f',
      'vbscript:x',
    ]) {
      const target = await database.db
        .insertInto('link_targets')
        .values({ workspace_id: ws, broadcast_id: broadcast, url: bad, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const code = newLinkCode();
      await insertLinks(database.db, [
        { code, workspaceId: ws, targetId: Number(target.id), memberId: member, broadcastId: broadcast, messageId: null, createdAt: now },
      ]);
      const response = await follow(code);
      expect(response.statusCode, bad).toBe(404);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).not.toContain('alert');
    }
    expect(await clickedActivities()).toEqual([]);
  });

  it('identifies the member on our own pages with a token only this install can read', async () => {
    const url = `${PUBLIC_URL}/p/safe-streets/c/rally?lang=es&gsm=forged&utm_source=groundswell`;
    const code = await linkTo(url);
    const response = await follow(code);
    expect(response.statusCode).toBe(302);
    const location = new URL(String(response.headers.location));
    expect(location.origin).toBe(PUBLIC_URL);
    expect(location.pathname).toBe('/p/safe-streets/c/rally');
    expect(location.searchParams.get('lang')).toBe('es');
    expect(location.searchParams.get('utm_source')).toBe('groundswell');
    expect(location.searchParams.getAll('gsm')).toHaveLength(1);
    const token = location.searchParams.get('gsm') ?? '';
    expect(verifyMemberToken(SECRET, token, clock.now())).toEqual({ workspaceId: ws, memberId: member });
    expect(verifyMemberToken('another-install-secret-0123456789abcdef', token, clock.now())).toBeNull();

    // A preview of the same link carries no token, not even the one pasted into the destination.
    const preview = await follow(code, { 'user-agent': 'WhatsApp/2.23.20.0 A' });
    expect(preview.headers.location).toBe(`${PUBLIC_URL}/p/safe-streets/c/rally?lang=es&utm_source=groundswell`);
  });

  it('adds nothing identifying on other sites', async () => {
    const url = 'https://gs.example.org.evil.example/p?utm_source=groundswell';
    const code = await linkTo(url);
    expectRedirect(await follow(code), url);
    const http = await linkTo('http://gs.example.org/p');
    expectRedirect(await follow(http), 'http://gs.example.org/p');
  });

  it('credits a merged member’s click to the member they were merged into, and an erased member’s to nobody', async () => {
    const survivor = await addMember('+15125550150');
    const merged = await addMember('+15125550151', { merged_into: survivor });
    const erased = await addMember('+15125550152', { erased_at: clock.now() });
    const url = `${PUBLIC_URL}/p/safe-streets/c/rally`;
    const fromMerged = await follow(await linkTo(url, { memberId: merged }));
    expect(verifyMemberToken(SECRET, new URL(String(fromMerged.headers.location)).searchParams.get('gsm') ?? '', clock.now())).toEqual({
      workspaceId: ws,
      memberId: survivor,
    });
    expectRedirect(await follow(await linkTo(url, { memberId: erased })), url);
    expect((await clickedActivities()).map((a) => a.member_id)).toEqual([survivor]);
    expect(await stats()).toEqual({ clicked: 2, clicks: 2 });
  });

  it('counts links outside broadcasts without touching any broadcast report', async () => {
    const url = 'https://act.example.org/story';
    const code = await linkTo(url, { broadcastId: null });
    expectRedirect(await follow(code), url);
    const [activity] = await clickedActivities();
    expect(activity).toMatchObject({ member_id: member, subject_type: null, subject_id: null });
    expect(await stats()).toEqual({});
  });

  it('builds short links on the workspace’s own short-link domain, and they work there', async () => {
    await database.db.updateTable('workspaces').set({ short_link_base: 'https://go.safestreets.org/' }).where('id', '=', ws).execute();
    const { short_link_base } = await database.db
      .selectFrom('workspaces')
      .select('short_link_base')
      .where('id', '=', ws)
      .executeTakeFirstOrThrow();
    const base = shortLinkBase(short_link_base, PUBLIC_URL);
    const code = await linkTo('https://act.example.org/rally');
    const short = shortLinkUrl(base, code);
    expect(short).toBe(`https://go.safestreets.org/l/${code}`);
    expect(short).toHaveLength(shortLinkLength(base));
    const response = await app.inject({
      method: 'GET',
      url: new URL(short).pathname,
      headers: { host: 'go.safestreets.org', 'user-agent': PHONE_UA },
    });
    expectRedirect(response, 'https://act.example.org/rally');
    expect(shortLinkUrl(shortLinkBase(null, PUBLIC_URL), code)).toBe(`${PUBLIC_URL}/l/${code}`);
  });

  it('keeps one destination per broadcast and URL however often it is asked for', async () => {
    const { db } = database;
    const urls = ['https://a.example.org/', 'https://b.example.org/', 'https://a.example.org/'];
    const first = await ensureLinkTargets(db, { workspaceId: ws, broadcastId: broadcast, urls, now: clock.now() });
    const again = await ensureLinkTargets(db, { workspaceId: ws, broadcastId: broadcast, urls: urls.slice(0, 2), now: clock.now() });
    expect([...first.keys()].sort()).toEqual(['https://a.example.org/', 'https://b.example.org/']);
    expect(again).toEqual(first);
    const loose = await ensureLinkTargets(db, { workspaceId: ws, broadcastId: null, urls: ['https://a.example.org/'], now: clock.now() });
    const looseAgain = await ensureLinkTargets(db, {
      workspaceId: ws,
      broadcastId: null,
      urls: ['https://a.example.org/'],
      now: clock.now(),
    });
    expect(loose.get('https://a.example.org/')).not.toBe(first.get('https://a.example.org/'));
    expect(looseAgain).toEqual(loose);
    const count = await db
      .selectFrom('link_targets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });

  it('inserts a large broadcast’s links in one call and refuses a duplicate code', async () => {
    const targets = await ensureLinkTargets(database.db, {
      workspaceId: ws,
      broadcastId: broadcast,
      urls: ['https://a.example.org/'],
      now: clock.now(),
    });
    const targetId = targets.get('https://a.example.org/') ?? 0;
    const rows = Array.from({ length: 9000 }, () => ({
      code: newLinkCode(),
      workspaceId: ws,
      targetId,
      memberId: member,
      broadcastId: broadcast,
      messageId: null,
      createdAt: clock.now(),
    }));
    await insertLinks(database.db, rows);
    const count = await database.db
      .selectFrom('links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(9000);
    const duplicate = rows[0];
    if (!duplicate) throw new Error('no rows');
    await expect(insertLinks(database.db, [duplicate])).rejects.toThrow();
  });
});

describe('member tokens', () => {
  const now = Date.parse('2026-11-22T15:00:00Z');
  const input = { workspaceId: 3, memberId: 123_456_789, issuedAt: now };

  it('are compact, differ each time and name the member without showing the ids', () => {
    const a = memberToken(SECRET, input);
    const b = memberToken(SECRET, input);
    expect(a).toMatch(/^[A-Za-z0-9_-]{38}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('123456789');
    expect(verifyMemberToken(SECRET, a, now + 60_000)).toEqual({ workspaceId: 3, memberId: 123_456_789 });
    expect(verifyMemberToken(SECRET, b, now)).toEqual({ workspaceId: 3, memberId: 123_456_789 });
  });

  it('refuse altered, foreign, expired and malformed tokens', () => {
    const token = memberToken(SECRET, input);
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    expect(verifyMemberToken(SECRET, flipped, now)).toBeNull();
    expect(verifyMemberToken('a-different-secret-a-different-secret', token, now)).toBeNull();
    expect(verifyMemberToken(SECRET, token, now + 8 * 24 * HOUR)).toBeNull();
    expect(verifyMemberToken(SECRET, token, now + 2 * HOUR, HOUR)).toBeNull();
    expect(verifyMemberToken(SECRET, token, now - 24 * HOUR)).toBeNull();
    for (const bad of ['', 'forged', `${token}x`, token.slice(1), '!'.repeat(38)]) expect(verifyMemberToken(SECRET, bad, now)).toBeNull();
  });
});
