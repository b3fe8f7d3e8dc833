import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { shareCodeOf } from './referrals.repo.ts';

// Referral attribution across kinds of action: people take part through another member's ?ref= link (form posts like
// a phone without JavaScript), and we check what an organizer would notice: who is credited, the 'referred' activity,
// members.referred_by, the counters per member and per community, and the recruitment tree.

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';
const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const formAction = (page: string) => (/<form method="post" action="([^"]+)"/.exec(page)?.[1] ?? '').replace(/&amp;/g, '&');

type Tree = {
  member: {
    id: number;
    name: string;
    shareCode: string | null;
    referredBy: { id: number; name: string } | null;
    recruits: number;
    conversions: number;
  };
  recruits: { id: number; name: string; actionTitle: string; recruitCount: number; recruits: { id: number; name: string }[] }[];
  direct: number;
  secondGeneration: number;
};

describe.each(testDialects())('referrals on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let community: number;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    const created = await api('POST', '/communities', { name: 'Oak Street Neighbors', visibility: 'public' });
    expect(created.statusCode, created.body).toBe(201);
    community = created.json().id;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST', path: string, payload?: object) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });

  async function published(kind: 'petitions' | 'events' | 'calls', body: object): Promise<{ id: number; path: string }> {
    const created = await api('POST', `/${kind}`, body);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const done = await api('POST', `/${kind}/${id}/publish`);
    expect(done.statusCode, done.body).toBe(200);
    const view = done.json() as { path?: string; url?: string };
    return { id, path: view.path ?? new URL(view.url ?? '').pathname };
  }

  const petition = (title: string) => published('petitions', { title, target: 'City Council', communityId: community });

  /** Opens a page like a browser (with its query), then posts its first form with these fields and its hidden ones. */
  async function takePart(url: string, fields: Record<string, string>, ip = '198.51.100.7'): Promise<LightMyRequestResponse> {
    const page = (await t.app.inject({ method: 'GET', url, headers: { 'user-agent': UA } })).body;
    const payload: Record<string, string> = {};
    for (const name of ['lang', 'w', 'ref', 'source', 'medium', 'gsm'])
      if (page.includes(`name="${name}"`)) payload[name] = hidden(page, name);
    const params = new URLSearchParams({ ...payload, ...fields });
    return t.app.inject({
      method: 'POST',
      url: formAction(page),
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: params.toString(),
    });
  }

  const memberByPhone = async (phone: string) =>
    db().selectFrom('members').selectAll().where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirstOrThrow();
  const referredOf = (memberId: number) =>
    db()
      .selectFrom('activities')
      .select(['type', 'subject_id', 'community_id', 'data'])
      .where('member_id', '=', memberId)
      .where('type', '=', 'referred')
      .execute();
  const tally = async (scope: 'member' | 'community', id: number) =>
    (await db()
      .selectFrom('referral_tallies')
      .select(['recruits', 'conversions', 'shares'])
      .where('workspace_id', '=', ws)
      .where('scope', '=', scope)
      .where('scope_id', '=', id)
      .executeTakeFirst()) ?? { recruits: 0, conversions: 0, shares: 0 };
  const codeOnThankYou = (page: string) => /ref%3D([A-Za-z0-9]{10})/.exec(page)?.[1] ?? '';

  it('gives each member one stable share code and credits the member whose link brought a signer, once', async () => {
    const oaks = await petition('Save the Oak Street trees');
    const lanes = await petition('Fund the bus lanes');

    const anaSigned = await takePart(oaks.path, { firstName: 'Ana', phone: '512 555 0142', consent: '1' });
    expect(anaSigned.statusCode, anaSigned.body).toBe(200);
    const code = codeOnThankYou(anaSigned.body);
    expect(code).toMatch(/^[A-Za-z0-9]{10}$/);
    const ana = await memberByPhone('+15125550142');
    // The same code on every action and in the thank-you text.
    const again = await takePart(lanes.path, { firstName: 'Ana', phone: '512 555 0142' });
    expect(codeOnThankYou(again.body)).toBe(code);
    expect(await shareCodeOf(db(), ws, ana.id)).toBe(code);
    const text = await db().selectFrom('messages').select('body').where('to_address', '=', '+15125550142').executeTakeFirstOrThrow();
    expect(text.body).toContain(`?ref=${code}`);

    // Bo signs through Ana's link: Ana is credited.
    const bo1 = await takePart(`${oaks.path}?ref=${code}&source=whatsapp`, { firstName: 'Bo', phone: '512 555 0143' }, '198.51.100.8');
    expect(bo1.statusCode, bo1.body).toBe(200);
    const bo = await memberByPhone('+15125550143');
    expect(bo.referred_by).toBe(ana.id);
    const credited = await referredOf(ana.id);
    expect(credited).toHaveLength(1);
    expect(credited[0]).toMatchObject({ subject_id: oaks.id, community_id: community });
    expect(JSON.parse(credited[0]?.data ?? '{}')).toMatchObject({ memberId: bo.id, actionId: oaks.id, source: 'whatsapp' });
    expect(await tally('member', ana.id)).toEqual({ recruits: 1, conversions: 1, shares: 0 });
    expect(await tally('community', community)).toEqual({ recruits: 1, conversions: 1, shares: 0 });
    const signature = await db().selectFrom('petition_signatures').selectAll().where('member_id', '=', bo.id).executeTakeFirstOrThrow();
    expect(signature).toMatchObject({ ref: code, referred_by: ana.id, source: 'whatsapp' });

    // Signing twice through the same link changes nothing.
    const twice = await takePart(`${oaks.path}?ref=${code}`, { firstName: 'Bo', phone: '512 555 0143' }, '198.51.100.8');
    expect(twice.body).toContain('You already signed');
    expect(await referredOf(ana.id)).toHaveLength(1);
    expect(await tally('member', ana.id)).toEqual({ recruits: 1, conversions: 1, shares: 0 });

    // Bo takes a second action through Ana's link: one more conversion, still one recruit and one 'referred'.
    await takePart(`${lanes.path}?ref=${code}`, { firstName: 'Bo', phone: '512 555 0143' }, '198.51.100.8');
    expect(await tally('member', ana.id)).toEqual({ recruits: 1, conversions: 2, shares: 0 });
    expect(await referredOf(ana.id)).toHaveLength(1);

    // Ana's own link on her own signature credits nobody.
    const third = await petition('Light the crosswalks');
    await takePart(`${third.path}?ref=${code}`, { firstName: 'Ana', phone: '512 555 0142' });
    expect(await db().selectFrom('referrals').select('id').where('member_id', '=', ana.id).execute()).toEqual([]);
    expect(await tally('member', ana.id)).toEqual({ recruits: 1, conversions: 2, shares: 0 });
  });

  it("ignores another workspace's code and unknown codes", async () => {
    const other = await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } });
    expect(other.statusCode, other.body).toBe(201);
    const wsB = other.json().id as number;
    const inB = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${wsB}/members`,
      payload: { firstName: 'Zed', phone: '+1 512 555 0190' },
    });
    expect(inB.statusCode, inB.body).toBe(201);
    const foreign = await shareCodeOf(db(), wsB, inB.json().id);
    const oaks = await petition('Save the Oak Street trees');

    await takePart(`${oaks.path}?ref=${foreign}`, { firstName: 'Bo', phone: '512 555 0143' });
    await takePart(`${oaks.path}?ref=ZZZZZZZZZZ`, { firstName: 'Cy', phone: '512 555 0144' });
    expect((await memberByPhone('+15125550143')).referred_by).toBeNull();
    expect((await memberByPhone('+15125550144')).referred_by).toBeNull();
    expect(await db().selectFrom('referrals').select('id').execute()).toEqual([]);
    expect(await db().selectFrom('activities').select('id').where('type', '=', 'referred').execute()).toEqual([]);
  });

  it('shows two generations in the recruitment tree, and credits RSVPs and calls through a share link', async () => {
    const oaks = await petition('Save the Oak Street trees');
    const code = (p: LightMyRequestResponse) => codeOnThankYou(p.body);
    const anaCode = code(await takePart(oaks.path, { firstName: 'Ana', phone: '512 555 0142' }));
    const boCode = code(await takePart(`${oaks.path}?ref=${anaCode}`, { firstName: 'Bo', phone: '512 555 0143' }, '198.51.100.8'));
    await takePart(`${oaks.path}?ref=${boCode}`, { firstName: 'Cy', phone: '512 555 0144' }, '198.51.100.9');
    const [ana, bo, cy] = await Promise.all(['+15125550142', '+15125550143', '+15125550144'].map(memberByPhone));

    const tree = (await api('GET', `/members/${ana?.id}/referrals`)).json() as Tree;
    expect(tree.member).toMatchObject({ id: ana?.id, name: 'Ana', shareCode: anaCode, recruits: 1, referredBy: null });
    expect(tree.direct).toBe(1);
    expect(tree.secondGeneration).toBe(1);
    expect(tree.recruits).toMatchObject([
      { id: bo?.id, name: 'Bo', actionTitle: 'Save the Oak Street trees', recruitCount: 1, recruits: [{ id: cy?.id, name: 'Cy' }] },
    ]);
    const boTree = (await api('GET', `/members/${bo?.id}/referrals`)).json() as Tree;
    expect(boTree.member.referredBy).toEqual({ id: ana?.id, name: 'Ana' });
    expect((await api('GET', '/members/999999/referrals')).statusCode).toBe(404);
    const leaders = (await api('GET', '/referrals')).json() as { members: { name: string; recruits: number }[] };
    expect(leaders.members.map((m) => [m.name, m.recruits])).toEqual([
      ['Ana', 1],
      ['Bo', 1],
    ]);

    // An RSVP through Ana's link credits Ana; a second RSVP of the same person changes nothing.
    const event = await published('events', {
      title: 'Canvass on Saturday',
      location: 'Oak Street',
      shifts: [{ date: '2026-11-28', start: '10:00', end: '12:00' }],
    });
    const eventOut = (await api('GET', `/events/${event.id}`)).json() as { path: string; shifts: { id: number }[] };
    const shift = String(eventOut.shifts[0]?.id);
    const rsvp = await takePart(
      `${eventOut.path}?ref=${anaCode}&source=sms`,
      { firstName: 'Dee', phone: '512 555 0145', shift },
      '198.51.100.10',
    );
    expect(rsvp.statusCode, rsvp.body).toBe(200);
    const dee = await memberByPhone('+15125550145');
    expect(dee.referred_by).toBe(ana?.id);
    expect(
      await db().selectFrom('referrals').select(['action_id', 'referrer_id', 'source']).where('member_id', '=', dee.id).execute(),
    ).toEqual([{ action_id: event.id, referrer_id: ana?.id, source: 'sms' }]);
    await takePart(`${eventOut.path}?ref=${anaCode}`, { firstName: 'Dee', phone: '512 555 0145', shift }, '198.51.100.10');
    expect(await tally('member', ana?.id ?? 0)).toEqual({ recruits: 2, conversions: 2, shares: 0 });

    // Someone who comes to call through Bo's link credits Bo.
    const call = await published('calls', {
      title: 'Call the mayor',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, please save the oaks.',
      fixedTargets: [{ name: 'Mayor Reyes', phone: '+12025550102' }],
    });
    const callPath = ((await api('GET', `/calls/${call.id}`)).json() as { path: string }).path;
    const called = await takePart(`${callPath}?ref=${boCode}`, { firstName: 'Eve', phone: '512 555 0146' }, '198.51.100.11');
    expect(called.statusCode, called.body).toBe(200);
    expect(called.body).toContain('Mayor Reyes');
    const eve = await memberByPhone('+15125550146');
    expect(eve.referred_by).toBe(bo?.id);
    expect(await referredOf(bo?.id ?? 0)).toHaveLength(2);
    expect(await tally('member', bo?.id ?? 0)).toMatchObject({ recruits: 2, conversions: 2 });
  });
});
