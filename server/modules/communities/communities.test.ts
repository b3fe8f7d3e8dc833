import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { createTestClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, testDialects } from '../../../test/helpers/db.ts';
import { loadConfig } from '../../config.ts';
import { seedDemoIfEmpty } from '../../db/seed.ts';

describe.each(testDialects())('communities on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let phoneSeq = 0;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    phoneSeq = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function community(body: Record<string, unknown>) {
    const response = await api('POST', '/communities', { visibility: 'public', ...body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number; slug: string; keywords: string[] };
  }

  async function member(firstName: string, lastName = 'Tester') {
    phoneSeq += 1;
    const response = await api('POST', '/members', { firstName, lastName, phone: `+1 512 555 ${String(100 + phoneSeq).padStart(4, '0')}` });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }

  const add = async (communityId: number, memberIds: number[], role?: string) => {
    const response = await api('POST', `/communities/${communityId}/members`, { memberIds, ...(role ? { role } : {}) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { added: number; alreadyMembers: number };
  };

  const counts = async () => {
    const list = (await api('GET', '/communities')).json().communities as { id: number; memberCount: number; totalMemberCount: number }[];
    return Object.fromEntries(list.map((c) => [c.id, [c.memberCount, c.totalMemberCount]]));
  };

  it('lists the tree flat with direct counts and distinct active members rolled up through every level', async () => {
    const network = await community({ name: 'Climate Action Texas' });
    const austin = await community({ name: 'Austin', parentId: network.id });
    const houston = await community({ name: 'Houston', parentId: network.id });
    const parents = await community({ name: 'Climate – Austin Parents', parentId: austin.id });
    const [ana, ben, cy, dee, eve, fay] = [
      await member('Ana'),
      await member('Ben'),
      await member('Cy'),
      await member('Dee'),
      await member('Eve'),
      await member('Fay'),
    ];
    await add(network.id, [ana]);
    await add(austin.id, [ana, ben, cy]);
    await add(houston.id, [cy, dee]);
    await add(parents.id, [ben, eve]);
    // A pending request counts nowhere.
    await t.database.db
      .insertInto('memberships')
      .values({
        workspace_id: ws,
        community_id: parents.id,
        member_id: fay,
        role: 'member',
        status: 'pending',
        source: 'join_page',
        joined_at: t.clock.now(),
        left_at: null,
        updated_at: t.clock.now(),
      })
      .execute();

    expect(await counts()).toEqual({
      [network.id]: [1, 5], // Ana, Ben, Cy, Dee, Eve: Cy is in two chapters and counts once
      [austin.id]: [3, 4], // Ana, Ben, Cy + Eve from the micro-community (Ben is in both)
      [houston.id]: [2, 2],
      [parents.id]: [2, 2],
    });

    // Cy leaves Houston but is still in Austin: the network keeps counting Cy once.
    expect((await api('DELETE', `/communities/${houston.id}/members/${cy}`)).statusCode).toBe(204);
    expect(await counts()).toMatchObject({ [network.id]: [1, 5], [houston.id]: [1, 1] });

    const list = (await api('GET', '/communities')).json().communities as Record<string, unknown>[];
    const parentsView = list.find((c) => c.id === parents.id);
    expect(parentsView).toMatchObject({
      name: 'Climate – Austin Parents',
      slug: 'climate-austin-parents',
      parentId: austin.id,
      visibility: 'public',
      keywords: [],
      leaders: [],
      archived: false,
      joinUrl: `${t.config.publicUrl}/p/groundswell-demo/c/climate-austin-parents`,
    });
    expect(list.map((c) => c.name)).toEqual(['Austin', 'Climate – Austin Parents', 'Climate Action Texas', 'Houston']);
  });

  it('upper-cases keywords, keeps them unique in the workspace, refuses reserved words, and releases them on archive', async () => {
    const streets = await community({ name: 'Safe Streets', keywords: ['streets', 'Bikes'] });
    expect(streets.keywords).toEqual(['BIKES', 'STREETS']);

    const taken = await api('POST', '/communities', { name: 'Streets Again', visibility: 'public', keywords: ['WALK', 'Streets'] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'keyword.taken',
      errors: [{ path: 'body.keywords.1', message: 'STREETS is already the keyword of the community "Safe Streets"' }],
    });
    expect(taken.json().detail).toContain('STREETS is already the keyword of the community "Safe Streets"');

    for (const word of ['stop', 'Help', 'YES', 'baja', 'OptOut']) {
      const reserved = await api('POST', '/communities', { name: `Reserved ${word}`, visibility: 'public', keywords: [word] });
      expect(reserved.statusCode, word).toBe(400);
      expect(reserved.json().errors).toEqual([
        { path: 'body.keywords.0', message: 'is reserved for opt-out, opt-in and help (STOP, START, HELP …); choose another word' },
      ]);
    }
    const malformed = await api('POST', '/communities', {
      name: 'Bad',
      visibility: 'public',
      keywords: ['X', 'two words', 'a'.repeat(21)],
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.keywords.0', 'body.keywords.1', 'body.keywords.2']);
    expect(await t.database.db.selectFrom('communities').select('id').where('workspace_id', '=', ws).execute()).toHaveLength(1);

    // PATCH replaces the set; a community may keep its own keyword.
    const patched = await api('PATCH', `/communities/${streets.id}`, { keywords: ['STREETS', 'CROSSWALK'] });
    expect(patched.json().keywords).toEqual(['CROSSWALK', 'STREETS']);

    expect((await api('DELETE', `/communities/${streets.id}`)).statusCode).toBe(204);
    const again = await community({ name: 'Streets Again', keywords: ['STREETS'] });
    expect(again.keywords).toEqual(['STREETS']);
    const kept = await t.database.db.selectFrom('keywords').select(['keyword', 'target_id']).where('workspace_id', '=', ws).execute();
    expect(kept).toEqual([{ keyword: 'STREETS', target_id: again.id }]);
  });

  it('derives unique slugs from names and refuses a slug already taken', async () => {
    expect((await community({ name: 'Climate – Austin Parents' })).slug).toBe('climate-austin-parents');
    expect((await community({ name: 'Climate: Austin Parents!' })).slug).toBe('climate-austin-parents-2');
    expect((await community({ name: 'Niños Seguros' })).slug).toBe('ninos-seguros');
    const taken = await api('POST', '/communities', { name: 'Other', slug: 'ninos-seguros', visibility: 'public' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'community.slug_taken', errors: [{ path: 'body.slug' }] });
    const bad = await api('POST', '/communities', { name: 'Other', slug: 'Not a slug', visibility: 'secret' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.slug', 'body.visibility']);
  });

  it('refuses parents that would make a loop, that belong to another workspace, or that are archived', async () => {
    const a = await community({ name: 'A' });
    const b = await community({ name: 'B', parentId: a.id });
    const c = await community({ name: 'C', parentId: b.id });
    const loop = await api('PATCH', `/communities/${a.id}`, { parentId: c.id });
    expect(loop.statusCode).toBe(400);
    expect(loop.json()).toMatchObject({
      code: 'community.invalid_parent',
      errors: [{ path: 'body.parentId', message: 'is inside this community, which would make a loop' }],
    });
    const self = await api('PATCH', `/communities/${b.id}`, { parentId: b.id });
    expect(self.json().errors).toEqual([{ path: 'body.parentId', message: 'cannot be the community itself' }]);

    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const foreign = (
      await owner.request({
        method: 'POST',
        url: `/api/workspaces/${other}/communities`,
        payload: { name: 'Theirs', visibility: 'public' },
      })
    ).json().id as number;
    const cross = await api('PATCH', `/communities/${c.id}`, { parentId: foreign });
    expect(cross.json().errors).toEqual([{ path: 'body.parentId', message: 'is not a community of this workspace' }]);
    const create = await api('POST', '/communities', { name: 'D', visibility: 'public', parentId: foreign });
    expect(create.statusCode).toBe(400);

    // Moving a branch elsewhere is fine; so is detaching it.
    expect((await api('PATCH', `/communities/${c.id}`, { parentId: a.id })).json().parentId).toBe(a.id);
    expect((await api('PATCH', `/communities/${c.id}`, { parentId: null })).json().parentId).toBeNull();
    expect((await api('DELETE', `/communities/${b.id}`)).statusCode).toBe(204);
    const archivedParent = await api('PATCH', `/communities/${c.id}`, { parentId: b.id });
    expect(archivedParent.json().errors).toEqual([{ path: 'body.parentId', message: 'is archived' }]);
  });

  it('keeps join, leave and re-join in the activity log and the count right', async () => {
    const streets = await community({ name: 'Safe Streets' });
    const ana = await member('Ana');
    expect(await add(streets.id, [ana])).toEqual({ added: 1, alreadyMembers: 0 });
    expect(await add(streets.id, [ana])).toEqual({ added: 0, alreadyMembers: 1 });
    t.clock.advance(60_000);
    expect((await api('DELETE', `/communities/${streets.id}/members/${ana}`)).statusCode).toBe(204);
    expect((await api('GET', `/communities/${streets.id}`)).json().memberCount).toBe(0);
    t.clock.advance(60_000);
    expect(await add(streets.id, [ana])).toEqual({ added: 1, alreadyMembers: 0 });

    const history = await t.database.db
      .selectFrom('activities')
      .select(['type', 'occurred_at'])
      .where('workspace_id', '=', ws)
      .where('member_id', '=', ana)
      .where('community_id', '=', streets.id)
      .where('type', 'in', ['joined', 'left'])
      .orderBy('id')
      .execute();
    const start = t.clock.now() - 120_000;
    expect(history).toEqual([
      { type: 'joined', occurred_at: start },
      { type: 'left', occurred_at: start + 60_000 },
      { type: 'joined', occurred_at: start + 120_000 },
    ]);
    const membership = await t.database.db
      .selectFrom('memberships')
      .selectAll()
      .where('community_id', '=', streets.id)
      .where('member_id', '=', ana)
      .executeTakeFirstOrThrow();
    expect(membership).toMatchObject({ status: 'active', joined_at: t.clock.now(), left_at: null });
    expect((await api('GET', `/communities/${streets.id}`)).json().memberCount).toBe(1);

    // The member's timeline (newest first) shows the same story.
    const timeline = await api('GET', `/members/${ana}/timeline`);
    expect(timeline.statusCode).toBe(200);
    const story = (timeline.json().activities as { type: string; community: { id: number } | null; occurredAt: string }[])
      .filter((a) => a.type === 'joined' || a.type === 'left')
      .map((a) => [a.type, a.community?.id, a.occurredAt]);
    expect(story).toEqual([
      ['joined', streets.id, new Date(start + 120_000).toISOString()],
      ['left', streets.id, new Date(start + 60_000).toISOString()],
      ['joined', streets.id, new Date(start).toISOString()],
    ]);
  });

  it('approves requests, changes roles, lists leaders and pages through members', async () => {
    const flyers = await community({ name: 'Fearful Flyers', visibility: 'request' });
    const ids = [await member('Ana'), await member('Ben'), await member('Cy'), await member('Dee')];
    await add(flyers.id, ids.slice(0, 3));
    const [first, second, third] = ids;
    const pendingId = ids[3] as number;
    await t.database.db
      .insertInto('memberships')
      .values({
        workspace_id: ws,
        community_id: flyers.id,
        member_id: pendingId,
        role: 'member',
        status: 'pending',
        source: 'join_page',
        joined_at: t.clock.now(),
        left_at: null,
        updated_at: t.clock.now(),
      })
      .execute();

    const pending = await api('GET', `/communities/${flyers.id}/members?status=pending`);
    expect(pending.json()).toEqual({
      members: [
        {
          memberId: pendingId,
          firstName: 'Dee',
          lastName: 'Tester',
          phone: '+15125550104',
          role: 'member',
          status: 'pending',
          source: 'join_page',
          joinedAt: new Date(t.clock.now()).toISOString(),
          leftAt: null,
        },
      ],
      nextCursor: null,
    });
    const approved = await api('PATCH', `/communities/${flyers.id}/members/${pendingId}`, { status: 'active' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ memberId: pendingId, status: 'active' });

    const promoted = await api('PATCH', `/communities/${flyers.id}/members/${second}`, { role: 'leader' });
    expect(promoted.json()).toMatchObject({ memberId: second, role: 'leader', status: 'active' });
    const view = (await api('GET', `/communities/${flyers.id}`)).json();
    expect(view).toMatchObject({ memberCount: 4, totalMemberCount: 4, leaders: [{ memberId: second, name: 'Ben Tester' }] });
    const roleChange = await t.database.db
      .selectFrom('activities')
      .select(['type', 'data'])
      .where('member_id', '=', second as number)
      .where('type', '=', 'role_changed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(roleChange.data ?? '{}')).toEqual({ from: 'member', to: 'leader' });

    const page1 = (await api('GET', `/communities/${flyers.id}/members?limit=3`)).json();
    expect(page1.members.map((m: { memberId: number }) => m.memberId)).toEqual([pendingId, third, second]);
    const page2 = (await api('GET', `/communities/${flyers.id}/members?limit=3&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ members: [{ memberId: first }], nextCursor: null });
    const leaders = (await api('GET', `/communities/${flyers.id}/members?role=leader`)).json();
    expect(leaders.members.map((m: { memberId: number }) => m.memberId)).toEqual([second]);

    expect((await api('PATCH', `/communities/${flyers.id}/members/${pendingId}`, {})).statusCode).toBe(400);
    const stranger = await member('Eve');
    const notIn = await api('PATCH', `/communities/${flyers.id}/members/${stranger}`, { role: 'mentor' });
    expect([notIn.statusCode, notIn.json().code]).toEqual([404, 'membership.not_found']);
  });

  it('adds 1,000 members in one request and refuses ids of other workspaces without naming anything of theirs', async () => {
    const big = await community({ name: 'Big Tent' });
    const now = t.clock.now();
    const inserted = await t.database.db
      .insertInto('members')
      .values(
        Array.from({ length: 1000 }, (_, i) => ({
          workspace_id: ws,
          phone: `+1737555${String(i).padStart(4, '0')}`,
          first_name: `Member${i}`,
          timezone: 'America/Chicago',
          timezone_source: 'workspace' as const,
          created_at: now,
          updated_at: now,
          phone_raw: null,
          email: null,
          last_name: null,
          name_key: `member${i}`,
          last_name_key: null,
          postal_code: null,
          source: null,
          referred_by: null,
          merged_into: null,
          erased_at: null,
          last_active_at: null,
        })),
      )
      .returning('id')
      .execute();
    const ids = inserted.map((r) => r.id);
    expect(await add(big.id, ids.slice(0, 400))).toEqual({ added: 400, alreadyMembers: 0 });
    expect(await add(big.id, ids)).toEqual({ added: 600, alreadyMembers: 400 });
    expect((await api('GET', `/communities/${big.id}`)).json()).toMatchObject({ memberCount: 1000, totalMemberCount: 1000 });
    const joined = await t.database.db
      .selectFrom('activities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws)
      .where('community_id', '=', big.id)
      .where('type', '=', 'joined')
      .executeTakeFirstOrThrow();
    expect(Number(joined.n)).toBe(1000);
    const tooMany = await api('POST', `/communities/${big.id}/members`, { memberIds: Array.from({ length: 1001 }, (_, i) => i + 1) });
    expect(tooMany.json().errors).toEqual([{ path: 'body.memberIds', message: 'must list at most 1,000 members per request' }]);

    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const theirs = (
      await owner.request({
        method: 'POST',
        url: `/api/workspaces/${other}/members`,
        payload: { firstName: 'Zed', phone: '+1 512 555 0199' },
      })
    ).json().id as number;
    const mixed = await api('POST', `/communities/${big.id}/members`, { memberIds: [theirs] });
    expect(mixed.statusCode).toBe(404);
    expect(mixed.json().code).toBe('member.not_found');
    expect(mixed.body).not.toContain('Zed');
    expect((await api('GET', `/communities/${big.id}`)).json().memberCount).toBe(1000);
  });

  it('archives without losing memberships, hides the community from the list and its join page, and restores it', async () => {
    const streets = await community({ name: 'Safe Streets', keywords: ['STREETS'] });
    const ana = await member('Ana');
    await add(streets.id, [ana]);
    expect((await api('DELETE', `/communities/${streets.id}`)).statusCode).toBe(204);
    expect((await api('DELETE', `/communities/${streets.id}`)).statusCode).toBe(204);
    expect((await api('GET', '/communities')).json().communities).toEqual([]);
    const all = (await api('GET', '/communities?includeArchived=true')).json().communities;
    expect(all).toMatchObject([{ id: streets.id, archived: true, keywords: [], memberCount: 1 }]);
    expect((await t.app.inject({ method: 'GET', url: '/p/groundswell-demo/c/safe-streets' })).statusCode).toBe(404);
    const locked = await api('PATCH', `/communities/${streets.id}`, { name: 'Renamed' });
    expect([locked.statusCode, locked.json().code]).toEqual([409, 'community.archived']);
    const addLocked = await api('POST', `/communities/${streets.id}/members`, { memberIds: [ana] });
    expect(addLocked.statusCode).toBe(409);
    const restored = await api('PATCH', `/communities/${streets.id}`, { archived: false });
    expect(restored.json()).toMatchObject({ archived: false, memberCount: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/p/groundswell-demo/c/safe-streets' })).statusCode).toBe(200);
    expect([(await api('GET', '/communities/999999')).statusCode, (await api('GET', '/communities/999999')).json().code]).toEqual([
      404,
      'community.not_found',
    ]);
  });

  it('records who created, changed and archived a community in the audit log', async () => {
    const streets = await community({ name: 'Safe Streets' });
    await api('PATCH', `/communities/${streets.id}`, { description: 'Safer crossings.' });
    await api('DELETE', `/communities/${streets.id}`);
    const entries = await t.database.db
      .selectFrom('audit_entries')
      .select(['action', 'actor_user_id', 'target_id'])
      .where('workspace_id', '=', ws)
      .where('target_type', '=', 'community')
      .orderBy('id')
      .execute();
    expect(entries).toEqual([
      { action: 'community.created', actor_user_id: owner.userId, target_id: String(streets.id) },
      { action: 'community.updated', actor_user_id: owner.userId, target_id: String(streets.id) },
      { action: 'community.archived', actor_user_id: owner.userId, target_id: String(streets.id) },
    ]);
  });

  it('lets an analyst read communities but not change them', async () => {
    const streets = await community({ name: 'Safe Streets' });
    const invitation = (await api('POST', '/invitations', { email: 'analyst@example.org', role: 'analyst' })).json();
    const token = new URL(invitation.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Ann', password: 'analyst-password' } });
    const analyst = await signIn(t.app, 'analyst@example.org', 'analyst-password');
    expect((await analyst.request({ method: 'GET', url: `/api/workspaces/${ws}/communities` })).statusCode).toBe(200);
    const denied = await analyst.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}/communities/${streets.id}`,
      payload: { name: 'Mine now' },
    });
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'auth.forbidden']);
  });
});

describe.each(testDialects())('demo data on %s', (dialect) => {
  it('seeds communities, members, consent and tags whose counts agree with the rows', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const seeded = await seedDemoIfEmpty(database.db, createTestClock(), config, { sampleData: { appSecret: TEST_APP_SECRET } });
      const ws = seeded.workspaceId as number;
      const db = database.db;
      const communities = await db.selectFrom('communities').selectAll().where('workspace_id', '=', ws).execute();
      const byName = new Map(communities.map((c) => [c.name, c]));
      expect([...byName.keys()].sort()).toEqual([
        'Austin',
        'Climate Action Texas',
        'Climate – Austin Parents',
        'Climate – Houston Students',
        'Fearful Flyers',
        'Houston',
        'Safe Streets',
      ]);
      expect(byName.get('Austin')?.parent_id).toBe(byName.get('Climate Action Texas')?.id);
      expect(byName.get('Climate – Houston Students')?.parent_id).toBe(byName.get('Houston')?.id);
      expect(byName.get('Fearful Flyers')?.visibility).toBe('request');
      for (const c of communities) {
        const active = await db
          .selectFrom('memberships')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('community_id', '=', c.id)
          .where('status', '=', 'active')
          .executeTakeFirstOrThrow();
        expect(c.member_count, c.name).toBe(Number(active.n));
      }
      const streets = await db.selectFrom('keywords').select('target_id').where('keyword', '=', 'STREETS').executeTakeFirstOrThrow();
      expect(streets.target_id).toBe(byName.get('Safe Streets')?.id);

      const members = await db.selectFrom('members').select(['phone', 'sms_consent']).where('workspace_id', '=', ws).execute();
      expect(members.length).toBeGreaterThanOrEqual(55);
      expect(members.every((m) => /^\+1(512|713)55501\d\d$/.test(m.phone ?? ''))).toBe(true);
      expect(members.filter((m) => m.sms_consent === 'revoked')).toHaveLength(2);
      expect(members.filter((m) => m.sms_consent === 'granted').length).toBeGreaterThan(50);
      const pending = await db
        .selectFrom('memberships')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('status', '=', 'pending')
        .execute();
      expect(pending.length).toBeGreaterThan(0);
      const tags = await db.selectFrom('member_tags').select('tag').distinct().where('workspace_id', '=', ws).execute();
      expect(tags.map((r) => r.tag).sort()).toEqual(['donor', 'parent', 'spanish-speaker', 'volunteer']);
      const ledger = await db
        .selectFrom('consent_events')
        .select(['method', 'wording'])
        .where('workspace_id', '=', ws)
        .where('status', '=', 'granted')
        .execute();
      expect(ledger.every((e) => e.method === 'import' && (e.wording ?? '').includes('Reply STOP'))).toBe(true);
      const suppressed = await db.selectFrom('suppressions').select('address_hash').where('workspace_id', '=', ws).execute();
      expect(suppressed).toHaveLength(2);
    } finally {
      await database.destroy();
    }
  });
});
