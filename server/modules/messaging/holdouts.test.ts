import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { expandBroadcast } from './expand.ts';
import { holdoutDraw, isHeldOut } from './holdouts.ts';

// Broadcast holdouts (issue 7): a share of the screened audience is held out of the send, recorded once, and the lift
// report compares the goal rate of the texted members with that of the held-out ones. Broadcasts go through HTTP; the
// holdout draw is keyed by the broadcast's seed, which a test sets to make the held-out set known in advance.

const DAY = 86_400_000;
type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

describe('the holdout draw', () => {
  it('is uniform, the same for a member every time, and independent across broadcasts', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => i + 1);
    for (const percent of [5, 20, 50]) {
      const share = ids.filter((id) => isHeldOut(987_654_321, id, percent)).length / ids.length;
      // ± 5 standard errors of a proportion of 100,000.
      expect(Math.abs(share - percent / 100)).toBeLessThan(5 * Math.sqrt(((percent / 100) * (1 - percent / 100)) / ids.length));
    }
    const deciles = new Array(10).fill(0);
    for (const id of ids) deciles[Math.floor(holdoutDraw(42, id) * 10)] += 1;
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(holdoutDraw(7, 12_345)).toBe(holdoutDraw(7, 12_345));
    // Two seeds hold out about 20 % × 20 % of members in both (4 %), not the same members.
    const both = ids.filter((id) => isHeldOut(1, id, 20) && isHeldOut(2, id, 20)).length / ids.length;
    expect(both).toBeGreaterThan(0.035);
    expect(both).toBeLessThan(0.045);
    expect(isHeldOut(1, 5, 0)).toBe(false);
    // Ids past 2^32 draw too.
    expect(holdoutDraw(3, 2 ** 40 + 1)).not.toBe(holdoutDraw(3, 1));
  });
});

describe.each(testDialects())('broadcast holdouts on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown, workspaceId = ws) =>
    owner.request({
      method,
      url: `/api/workspaces/${workspaceId}${path}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  async function community(name: string) {
    const response = await api('POST', '/communities', { name, visibility: 'public' });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }

  /** `count` members of a new community who agreed to texts (and `withoutConsent` who did not). */
  async function audience(count: number, withoutConsent = 0) {
    const communityId = await community('Climate – Austin');
    const ids: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < count + withoutConsent; i++) {
      const id = await consentingMember(db(), {
        workspaceId: ws,
        phone: `+1512555${String(1000 + i).padStart(4, '0')}`,
        firstName: `M${i}`,
        now: t.clock.now(),
        consent: i < count,
      });
      (i < count ? ids : refused).push(id);
    }
    for (let i = 0; i < count + withoutConsent; i += 1000) {
      const joined = await api('POST', `/communities/${communityId}/members`, { memberIds: [...ids, ...refused].slice(i, i + 1000) });
      expect(joined.statusCode, joined.body).toBe(200);
    }
    return { communityId, ids, refused };
  }

  const input = (communityId: number, overrides: Record<string, unknown> = {}) => ({
    name: 'Council vote',
    channel: 'sms',
    audience: { communityIds: [communityId], tags: [] },
    templates: { en: 'The council votes Tuesday: sign at https://example.org/sign' },
    defaultLanguage: 'en',
    ...overrides,
  });

  async function create(body: object) {
    const response = await api('POST', '/broadcasts', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number; holdoutPercent: number; goal: unknown };
  }

  /** Creates, fixes the draw's seed, launches and expands a broadcast. */
  async function send(body: object, seed: number) {
    const { id } = await create(body);
    await db().updateTable('broadcasts').set({ holdout_seed: seed }).where('id', '=', id).execute();
    const launched = await api('POST', `/broadcasts/${id}/launch`);
    expect(launched.statusCode, launched.body).toBe(200);
    await t.runJobs();
    return id;
  }

  const heldOutOf = async (broadcastId: number) =>
    (
      await db()
        .selectFrom('broadcast_holdouts')
        .select('member_id')
        .where('workspace_id', '=', ws)
        .where('broadcast_id', '=', broadcastId)
        .orderBy('member_id')
        .execute()
    ).map((r) => Number(r.member_id));
  const textedOf = async (broadcastId: number) =>
    (await db().selectFrom('messages').select('member_id').where('broadcast_id', '=', broadcastId).orderBy('member_id').execute()).map(
      (r) => Number(r.member_id),
    );

  it('validates the holdout and its goal with field-level errors, defaults the goal, and stores nothing invalid', async () => {
    const { communityId } = await audience(1);
    const shape = await api(
      'POST',
      '/broadcasts',
      input(communityId, { holdoutPercent: 60, goal: { types: [], withinDays: 0, actionId: 'x' } }),
    );
    expect(shape.statusCode).toBe(400);
    const errors = (shape.json() as Problem).errors ?? [];
    expect(errors.map((e) => e.path).sort()).toEqual([
      'body.goal.actionId',
      'body.goal.types',
      'body.goal.withinDays',
      'body.holdoutPercent',
    ]);
    expect(errors.find((e) => e.path === 'body.holdoutPercent')?.message).toMatch(/^must be at most 50/);
    expect(errors.find((e) => e.path === 'body.goal.types')?.message).toBe('must list at least one kind of activity');
    expect(errors.find((e) => e.path === 'body.goal.withinDays')?.message).toBe('must be at least 1 day');

    const fraction = await api('POST', '/broadcasts', input(communityId, { holdoutPercent: 12.5 }));
    expect((fraction.json() as Problem).errors).toEqual([{ path: 'body.holdoutPercent', message: 'must be a whole percentage' }]);
    const kinds = await api('POST', '/broadcasts', input(communityId, { holdoutPercent: 10, goal: { types: ['flew'], withinDays: 400 } }));
    expect((kinds.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.goal.types.0', 'body.goal.withinDays']);
    const elsewhere = await api(
      'POST',
      '/broadcasts',
      input(communityId, { holdoutPercent: 10, goal: { types: ['signed'], actionId: 999_999, withinDays: 7 } }),
    );
    expect(elsewhere.statusCode).toBe(400);
    expect((elsewhere.json() as Problem).errors).toEqual([
      { path: 'body.goal.actionId', message: 'is not an action of this workspace (999999)' },
    ]);
    expect(await db().selectFrom('broadcasts').select('id').execute()).toEqual([]);

    // No goal given: any action within 14 days. No holdout: none.
    const plain = await create(input(communityId));
    expect(plain).toMatchObject({ holdoutPercent: 0, goal: null });
    const defaulted = await create(input(communityId, { holdoutPercent: 20 }));
    expect(defaulted).toMatchObject({
      holdoutPercent: 20,
      goal: { types: ['signed', 'called', 'rsvped', 'attended', 'answered', 'shared', 'posted'], actionId: null, withinDays: 14 },
    });
    const petition = await api('POST', '/petitions', { title: 'Save the oaks', target: 'City council' });
    const actionId = Number(petition.json().id);
    const patched = await api('PATCH', `/broadcasts/${defaulted.id}`, {
      holdoutPercent: 25,
      goal: { types: ['signed'], actionId, withinDays: 7 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ holdoutPercent: 25, goal: { types: ['signed'], actionId, withinDays: 7 } });
    const wrong = await api('PATCH', `/broadcasts/${defaulted.id}`, { holdoutPercent: -1 });
    expect((wrong.json() as Problem).errors).toEqual([{ path: 'body.holdoutPercent', message: 'must be 0 or more' }]);

    // Once launched it is no longer editable.
    expect((await api('POST', `/broadcasts/${defaulted.id}/launch`)).statusCode).toBe(200);
    await t.runJobs();
    const late = await api('PATCH', `/broadcasts/${defaulted.id}`, { holdoutPercent: 0 });
    expect(late.statusCode).toBe(409);
    expect((await api('GET', `/broadcasts/${defaulted.id}`)).json()).toMatchObject({ holdoutPercent: 25 });
  });

  it('holds out about the share of the members it could text, records them, and never texts them', async () => {
    const { communityId, ids, refused } = await audience(300, 2);
    const seed = 20_261_203;
    const id = await send(input(communityId, { holdoutPercent: 20 }), seed);
    const expected = ids.filter((memberId) => isHeldOut(seed, memberId, 20));
    // With this seed the draw holds out 20 % ± a few points of the 300.
    expect(expected.length / ids.length).toBeGreaterThan(0.14);
    expect(expected.length / ids.length).toBeLessThan(0.26);

    const held = await heldOutOf(id);
    expect(held).toEqual(expected);
    const texted = await textedOf(id);
    expect(texted).toEqual(ids.filter((memberId) => !expected.includes(memberId)));
    // Members without consent are screened out before the draw: neither texted nor held out.
    for (const memberId of refused) {
      expect(held).not.toContain(memberId);
      expect(texted).not.toContain(memberId);
    }
    const view = (await api('GET', `/broadcasts/${id}`)).json();
    expect(view).toMatchObject({ recipientCount: texted.length, stats: { queued: texted.length, heldOut: held.length } });
    // Held-out members are not skips, nor failures.
    expect(view.stats.skipped).toEqual({ noConsent: 2, optedOut: 0, noAddress: 0, landline: 0, frequencyCap: 0 });
    expect(view.stats.failed).toBe(0);
  });

  it('an expansion run again holds out the same members, once', async () => {
    const { communityId, ids } = await audience(40);
    const id = await send(input(communityId, { holdoutPercent: 50 }), 77);
    const held = await heldOutOf(id);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(ids.length);

    // A run that crashed after writing, before its cursor moved: the same members come again, in small windows.
    await db().updateTable('broadcasts').set({ status: 'expanding', expand_cursor: 0 }).where('id', '=', id).execute();
    const deps = { db: db(), clock: t.clock, config: t.config };
    expect(await expandBroadcast(deps, { workspaceId: ws, broadcastId: id, batchSize: 7 })).toMatchObject({ outcome: 'done', queued: 0 });
    expect(await heldOutOf(id)).toEqual(held);
    expect(await textedOf(id)).toHaveLength(ids.length - held.length);
    expect((await api('GET', `/broadcasts/${id}`)).json()).toMatchObject({
      recipientCount: ids.length - held.length,
      stats: { queued: ids.length - held.length, heldOut: held.length },
    });
  });

  it('reports the lift: goal rates, their difference and its 95% interval, over the goal window', async () => {
    const { communityId, ids } = await audience(10);
    const petition = await api('POST', '/petitions', { title: 'Save the oaks', target: 'City council' });
    const oaks = Number(petition.json().id);
    const other = Number((await api('POST', '/petitions', { title: 'Fix the bus', target: 'City council' })).json().id);
    // A seed whose draw holds out exactly 4 of the 10 members at 50 %.
    let seed = 1;
    while (ids.filter((memberId) => isHeldOut(seed, memberId, 50)).length !== 4) seed += 1;
    const start = t.clock.now();
    const id = await send(input(communityId, { holdoutPercent: 50, goal: { types: ['signed'], actionId: oaks, withinDays: 14 } }), seed);
    const held = await heldOutOf(id);
    const treated = await textedOf(id);
    expect([held.length, treated.length]).toEqual([4, 6]);

    const [t1, t2, t3, t4, t5] = treated as [number, number, number, number, number];
    const [h1, h2, h3] = held as [number, number, number];
    const signed = (memberId: number, at: number, action = oaks) =>
      ({ workspaceId: ws, memberId, type: 'signed', subjectType: 'action', subjectId: action, occurredAt: at }) as const;
    await recordActivities(
      db(),
      [
        // Treated: three signed the petition in the window …
        signed(t1, start + DAY),
        signed(t2, start + 13 * DAY),
        signed(t3, start + 14 * DAY),
        signed(t3, start + 2 * DAY), // twice: counted once
        // … one signed before the send, one signed another petition: neither counts.
        signed(t4, start - DAY),
        signed(t5, start + DAY, other),
        { workspaceId: ws, memberId: t5, type: 'shared', subjectType: 'action', subjectId: oaks, occurredAt: start + DAY },
        // Held out: one signed in the window, one only after it closed.
        signed(h1, start + 3 * DAY),
        signed(h2, start + 15 * DAY),
        { workspaceId: ws, memberId: h3, type: 'clicked', occurredAt: start + DAY },
      ],
      start,
    );
    t.clock.set(start + 2 * DAY);
    const open = await api('GET', `/broadcasts/${id}/lift`);
    expect(open.statusCode, open.body).toBe(200);
    const lift = open.json();
    expect(lift).toMatchObject({
      holdoutPercent: 50,
      goal: { types: ['signed'], actionId: oaks, withinDays: 14 },
      window: { from: start, until: start + 14 * DAY, open: true },
      treated: { n: 6, reached: 3, rate: 0.5 },
      heldOut: { n: 4, reached: 1, rate: 0.25 },
      difference: 0.25,
      interval: { level: 0.95 },
    });
    // By hand: Wilson 95% intervals 3/6 → [0.18762, 0.81238] and 1/4 → [0.04559, 0.69936]; Newcombe's interval is
    // 0.25 − √((0.5 − 0.18762)² + (0.69936 − 0.25)²) = −0.29727 to 0.25 + √((0.81238 − 0.5)² + (0.25 − 0.04559)²) = 0.62332.
    expect(lift.interval.low).toBeCloseTo(-0.29727, 4);
    expect(lift.interval.high).toBeCloseTo(0.62332, 4);

    // Once the window has closed (a fresh sign-in: sessions expire meanwhile), nothing later counts.
    t.clock.set(start + 15 * DAY);
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    expect((await api('GET', `/broadcasts/${id}/lift`)).json()).toMatchObject({ window: { open: false }, heldOut: { reached: 1 } });
  });

  it('has no lift before the send, and another workspace cannot read it', async () => {
    const { communityId } = await audience(6);
    const draft = await create(input(communityId, { holdoutPercent: 30 }));
    expect((await api('GET', `/broadcasts/${draft.id}/lift`)).json()).toMatchObject({
      holdoutPercent: 30,
      goal: { withinDays: 14 },
      window: null,
      treated: null,
      heldOut: null,
      difference: null,
      interval: null,
    });
    const id = await send(input(communityId, { holdoutPercent: 50 }), 5);
    expect((await api('GET', `/broadcasts/${id}/lift`)).statusCode).toBe(200);

    // The same owner in a second workspace: the broadcast is not found there, nor are its held-out members counted.
    const other = await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } });
    expect(other.statusCode, other.body).toBe(201);
    const otherId = (other.json() as { id: number }).id;
    const foreign = await api('GET', `/broadcasts/${id}/lift`, undefined, otherId);
    expect(foreign.statusCode).toBe(404);
    expect((foreign.json() as Problem).code).toBe('broadcast.not_found');
    expect(JSON.stringify(foreign.json())).not.toContain('"treated"');
  });
});
