import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { defaultSender, queueMessages } from '../../../test/helpers/messaging.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { seedDemoP2p } from './p2p-seed.ts';

// Peer-to-peer campaigns end to end through HTTP against a real database: an organizer loads an audience and a
// script, texters take batches and send initials one request at a time, the simulator delivers them, and the
// member's reply lands in the conversation of the texter who wrote.

describe.each(testDialects())('P2P campaigns on %s', (dialect) => {
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

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown, client = owner) =>
    client.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ok = async <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown, client = owner) => {
    const response = await api(method, path, payload, client);
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBeLessThan(300);
    return response.json() as T;
  };

  async function texter(name: string, email: string): Promise<Client> {
    const inv = await ok<{ acceptUrl: string }>('POST', '/invitations', { email, role: 'texter' });
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name, password: 'texting-all-day' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return signIn(t.app, email, 'texting-all-day');
  }

  async function community(name: string) {
    return (await ok<{ id: number }>('POST', '/communities', { name, visibility: 'public' })).id;
  }

  async function member(firstName: string, communityId: number, options: { consent?: boolean } = {}) {
    phoneSeq += 1;
    const digits = `+1512555${String(200 + phoneSeq).padStart(4, '0')}`;
    const created = await ok<{ id: number }>('POST', '/members', {
      firstName,
      lastName: 'Tester',
      phone: digits,
      ...(options.consent === false ? {} : { consent: { sms: { wording: 'Text me about safe streets. Reply STOP to stop.' } } }),
    });
    await ok('POST', `/communities/${communityId}/members`, { memberIds: [created.id] });
    return { id: created.id, phone: digits };
  }

  const script = {
    initial: 'Hi {{ member.first_name }}, this is {{ texter.first_name }} with {{ workspace.name }}. Can you come to the rally Saturday?',
    question: 'Coming Saturday?',
    answers: [
      { key: 'yes', label: 'Yes, coming', tag: 'rally-yes', reply: 'Great, {{ member.first_name }}! See you at 10 at City Hall.' },
      { key: 'no', label: 'Cannot come' },
    ],
    responses: [{ title: 'Where', body: 'City Hall, 301 W 2nd St.' }],
  };

  /** A launched campaign whose contacts are loaded. */
  async function activeCampaign(communityId: number, overrides: Record<string, unknown> = {}) {
    const created = await ok<{ id: number; status: string }>('POST', '/p2p/campaigns', {
      name: 'Rally turnout',
      audience: { communityIds: [communityId], tags: [] },
      script,
      ...overrides,
    });
    expect(created.status).toBe('draft');
    const launched = await ok<{ status: string }>('POST', `/p2p/campaigns/${created.id}/launch`);
    expect(launched.status).toBe('loading');
    await t.runJobs();
    return created.id;
  }

  type Queue = {
    contacts: { id: number; memberId: number; firstName: string; body: string }[];
    waiting: number;
    nextWindowAt: number | null;
  };

  it('loads only members who agreed to texts, after a preview of reach and the rendered initial', async () => {
    const streets = await community('Safe Streets');
    const ana = await member('Ana', streets);
    await member('Ben', streets);
    await member('Cy', streets, { consent: false });
    await ok('POST', `/members/${ana.id}/consent`, { channel: 'sms', status: 'revoked', wording: 'Stop' });
    await member('Dee', streets);

    const preview = await ok<{ recipients: Record<string, number>; sample: string; problems: unknown[] }>(
      'POST',
      '/p2p/campaigns/preview',
      {
        audience: { communityIds: [streets], tags: [] },
        script,
      },
    );
    expect(preview.recipients).toMatchObject({ total: 4, reachable: 2, noConsent: 1, optedOut: 1 });
    expect(preview.problems).toEqual([]);
    // The organizer previews as the texter they are; nobody was texted yet, so the footer shows.
    expect(preview.sample).toBe(
      'Hi Ben, this is Demo with Groundswell Demo. Can you come to the rally Saturday?\nGroundswell Demo: Reply STOP to opt out',
    );

    const bad = await api('POST', '/p2p/campaigns', {
      name: 'Broken',
      audience: { communityIds: [streets], tags: [] },
      script: {
        ...script,
        answers: [
          { key: 'yes', label: 'A' },
          { key: 'yes', label: 'B' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'body.script.answers.1.key', message: 'repeats the answer "yes"' }]);
    const typo = await api('POST', '/p2p/campaigns', {
      name: 'Typo',
      audience: { communityIds: [streets], tags: [] },
      script: { ...script, initial: 'Hi {{ texter.nickname }}' },
    });
    expect([typo.statusCode, typo.json().code]).toEqual([400, 'p2p.invalid']);
    expect(typo.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.script.initial']);

    const campaignId = await activeCampaign(streets);
    const campaign = await ok<{ status: string; contactCount: number; stats: Record<string, unknown> }>(
      'GET',
      `/p2p/campaigns/${campaignId}`,
    );
    expect(campaign.status).toBe('active');
    expect(campaign.contactCount).toBe(2);
    expect(campaign.stats).toMatchObject({ contacts: 2, pending: 2, assigned: 0, sent: 0 });
    const loaded = await db().selectFrom('p2p_contacts').select('member_id').where('campaign_id', '=', campaignId).execute();
    expect(loaded).toHaveLength(2);
    expect(loaded.map((c) => c.member_id)).not.toContain(ana.id);

    // Running the load again changes nothing.
    await db().updateTable('p2p_campaigns').set({ status: 'loading', load_cursor: 0 }).where('id', '=', campaignId).execute();
    const { loadCampaign } = await import('./p2p-load.job.ts');
    expect(await loadCampaign({ db: db(), clock: t.clock }, { workspaceId: ws, campaignId })).toEqual({ outcome: 'done', loaded: 0 });
    expect((await ok<{ contactCount: number }>('GET', `/p2p/campaigns/${campaignId}`)).contactCount).toBe(2);
  });

  it('gives one batch to a texter who clicks "Take more" twice at once', async () => {
    const streets = await community('Safe Streets');
    for (let i = 0; i < 7; i++) await member(`D${i}`, streets);
    const campaignId = await activeCampaign(streets, { batchSize: 3 });
    const tia = await texter('Tia Texter', 'tia@example.org');
    const clicks = await Promise.all([
      ok<{ taken: number }>('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tia),
      ok<{ taken: number }>('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tia),
    ]);
    expect(clicks.map((c) => c.taken).sort()).toEqual([0, 3]);
    const held = await db()
      .selectFrom('p2p_contacts')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('texter_id', '=', tia.userId)
      .execute();
    expect(held).toHaveLength(3);
  });

  it('hands two texters taking at once different contacts, a batch at a time', async () => {
    const streets = await community('Safe Streets');
    for (let i = 0; i < 7; i++) await member(`M${i}`, streets);
    const campaignId = await activeCampaign(streets, { batchSize: 3 });
    const tess = await texter('Tess Texter', 'tess@example.org');
    const tom = await texter('Tom Texter', 'tom@example.org');

    const [a, b] = await Promise.all([
      ok<{ taken: number }>('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess),
      ok<{ taken: number }>('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tom),
    ]);
    expect([a.taken, b.taken]).toEqual([3, 3]);
    const rows = await db()
      .selectFrom('p2p_contacts')
      .select(['id', 'texter_id', 'status'])
      .where('campaign_id', '=', campaignId)
      .execute();
    const ofTess = rows.filter((r) => r.texter_id === tess.userId).map((r) => r.id);
    const ofTom = rows.filter((r) => r.texter_id === tom.userId).map((r) => r.id);
    expect(ofTess).toHaveLength(3);
    expect(ofTom).toHaveLength(3);
    expect(ofTess.filter((id) => ofTom.includes(id))).toEqual([]);

    // Holding a full batch, taking more gives nothing; once the batch is sent, the last contact comes.
    expect((await ok<{ taken: number; available: number }>('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess)).taken).toBe(0);
    const queue = await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess);
    expect(queue.contacts.map((c) => c.id).sort()).toEqual([...ofTess].sort());
    for (const contact of queue.contacts) await ok('POST', `/p2p/campaigns/${campaignId}/contacts/${contact.id}/send`, undefined, tess);
    expect(await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess)).toEqual({ taken: 1, assigned: 1, available: 0 });

    const assignments = await ok<{ campaigns: unknown[] }>('GET', '/p2p/assignments', undefined, tess);
    expect(assignments.campaigns).toEqual([
      { id: campaignId, name: 'Rally turnout', status: 'active', batchSize: 3, assigned: 1, sent: 3, available: 0 },
    ]);
    const stats = (await ok<{ stats: { texters: unknown[]; assigned: number; sent: number } }>('GET', `/p2p/campaigns/${campaignId}`))
      .stats;
    expect(stats).toMatchObject({ assigned: 7, sent: 3 });
    expect(stats.texters).toEqual([
      { userId: tess.userId, name: 'Tess Texter', assigned: 4, sent: 3 },
      { userId: tom.userId, name: 'Tom Texter', assigned: 3, sent: 0 },
    ]);

    // A contact of another texter is refused.
    const refused = await api('POST', `/p2p/campaigns/${campaignId}/contacts/${ofTom[0]}/send`, undefined, tess);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'p2p.contact_not_yours']);
    // An organizer's campaign list and setup stay closed to texters.
    expect((await api('GET', '/p2p/campaigns', undefined, tess)).statusCode).toBe(403);
  });

  it('sends one initial per request, delivered by the simulator; the reply comes back to the texter who sent it', async () => {
    const streets = await community('Safe Streets');
    const rosa = await member('Rosa', streets);
    const campaignId = await activeCampaign(streets);
    const tess = await texter('Tess Texter', 'tess@example.org');
    await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess);
    const queue = await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess);
    const [contact] = queue.contacts;
    if (!contact) throw new Error('no contact in the queue');
    expect(contact.body).toBe(
      'Hi Rosa, this is Tess with Groundswell Demo. Can you come to the rally Saturday?\nGroundswell Demo: Reply STOP to opt out',
    );

    const sent = await ok<{ outcome: string; messageId: number }>(
      'POST',
      `/p2p/campaigns/${campaignId}/contacts/${contact.id}/send`,
      undefined,
      tess,
    );
    expect(sent.outcome).toBe('sent');
    // A second keypress on the same contact sends nothing more.
    expect(await ok('POST', `/p2p/campaigns/${campaignId}/contacts/${contact.id}/send`, undefined, tess)).toEqual({
      ...sent,
      contactId: contact.id,
    });
    const out = await db().selectFrom('messages').selectAll().where('member_id', '=', rosa.id).where('direction', '=', 'out').execute();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'p2p',
      sent_by: tess.userId,
      campaign_id: campaignId,
      priority: PRIORITY.automation,
      body: contact.body,
    });
    expect(out[0]?.expires_at).toBe(Date.parse('2026-11-23T03:00:00Z')); // 21:00 in Austin

    expect(await t.messaging.createDispatcher().runOnce()).toBe(1);
    const delivered = await db().selectFrom('messages').select('state').where('id', '=', sent.messageId).executeTakeFirstOrThrow();
    expect(['sent', 'delivered']).toContain(delivered.state);

    for (const body of ['Yes I can come!', 'Bringing my sister too']) {
      const inbound = await api('POST', '/simulator/inbound', { from: rosa.phone, body });
      expect(inbound.statusCode, inbound.body).toBe(202);
      await t.runJobs();
    }
    const conversation = await db().selectFrom('conversations').selectAll().where('member_id', '=', rosa.id).executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({
      assignee_id: tess.userId,
      campaign_id: campaignId,
      needs_response: 1,
      preview: 'Bringing my sister too',
    });
    const campaign = await ok<{ repliedCount: number; sentCount: number; stats: { texters: unknown[] } }>(
      'GET',
      `/p2p/campaigns/${campaignId}`,
    );
    expect([campaign.sentCount, campaign.repliedCount]).toEqual([1, 1]);
  });

  it('enforces each member’s texting hours', async () => {
    const streets = await community('Safe Streets');
    await member('Night', streets);
    const campaignId = await activeCampaign(streets);
    const tess = await texter('Tess Texter', 'tess@example.org');
    await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess);
    const [contact] = await db().selectFrom('p2p_contacts').select('id').where('campaign_id', '=', campaignId).execute();

    t.clock.set(Date.parse('2026-11-23T09:00:00Z')); // 03:00 in Austin
    const night = await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess);
    expect(night.contacts).toEqual([]);
    expect(night.waiting).toBe(1);
    expect(night.nextWindowAt).toBe(Date.parse('2026-11-23T14:00:00Z')); // 08:00 in Austin
    const refused = await api('POST', `/p2p/campaigns/${campaignId}/contacts/${contact?.id}/send`, undefined, tess);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'p2p.outside_hours']);
    expect(await db().selectFrom('messages').select('id').where('kind', '=', 'p2p').execute()).toEqual([]);

    t.clock.set(Date.parse('2026-11-23T14:30:00Z'));
    const morning = await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess);
    expect([morning.contacts.length, morning.waiting]).toEqual([1, 0]);
    expect(
      (await ok<{ outcome: string }>('POST', `/p2p/campaigns/${campaignId}/contacts/${contact?.id}/send`, undefined, tess)).outcome,
    ).toBe('sent');
  });

  it('skips a member who opted out or reached the frequency cap, and counts an opt-out after the initial', async () => {
    const streets = await community('Safe Streets');
    const gone = await member('Gone', streets);
    const capped = await member('Capped', streets);
    const stays = await member('Stays', streets);
    const campaignId = await activeCampaign(streets);
    const tess = await texter('Tess Texter', 'tess@example.org');
    await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess);
    const contacts = await db().selectFrom('p2p_contacts').select(['id', 'member_id']).where('campaign_id', '=', campaignId).execute();
    const contactOf = (memberId: number) => contacts.find((c) => c.member_id === memberId)?.id;

    // Gone texts STOP after the contacts were handed out; Capped already got a broadcast this week (cap 1).
    await ok('POST', '/simulator/inbound', { from: gone.phone, body: 'STOP' });
    await t.runJobs();
    await ok('PATCH', '/messaging-settings', { frequencyCap: 1 });
    const sender = await defaultSender(db(), ws);
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: null,
      recipients: [{ memberId: capped.id, to: capped.phone }],
      now: t.clock.now(),
    });

    const send = (memberId: number) =>
      ok<{ outcome: string; reason: string | null }>(
        'POST',
        `/p2p/campaigns/${campaignId}/contacts/${contactOf(memberId)}/send`,
        undefined,
        tess,
      );
    expect(await send(gone.id)).toMatchObject({ outcome: 'skipped', reason: 'opted_out' });
    expect(await send(capped.id)).toMatchObject({ outcome: 'skipped', reason: 'frequency_cap' });
    expect(await send(stays.id)).toMatchObject({ outcome: 'sent', reason: null });
    const p2p = await db().selectFrom('messages').select('member_id').where('kind', '=', 'p2p').execute();
    expect(p2p.map((m) => m.member_id)).toEqual([stays.id]);

    // Stays opts out after the initial: the campaign counts it once.
    await ok('POST', '/simulator/inbound', { from: stays.phone, body: 'stop' });
    await t.runJobs();
    const campaign = await ok<{ sentCount: number; skippedCount: number; optedOutCount: number }>('GET', `/p2p/campaigns/${campaignId}`);
    expect([campaign.sentCount, campaign.skippedCount, campaign.optedOutCount]).toEqual([1, 2, 1]);
  });

  it("records an answer as an activity with the answer's member tag and returns its follow-up", async () => {
    const streets = await community('Safe Streets');
    const rosa = await member('Rosa', streets);
    const campaignId = await activeCampaign(streets);
    const tess = await texter('Tess Texter', 'tess@example.org');
    await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess);
    const [contact] = (await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess)).contacts;
    const path = `/p2p/campaigns/${campaignId}/contacts/${contact?.id}`;

    const early = await api('POST', `${path}/answer`, { key: 'yes' }, tess);
    expect([early.statusCode, early.json().code]).toEqual([409, 'p2p.invalid_transition']);
    await ok('POST', `${path}/send`, undefined, tess);
    const unknown = await api('POST', `${path}/answer`, { key: 'perhaps' }, tess);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ path: 'body.key', message: 'must be one of yes, no' }]);

    const answered = await ok('POST', `${path}/answer`, { key: 'YES' }, tess);
    expect(answered).toEqual({
      contactId: contact?.id,
      answer: { key: 'yes', label: 'Yes, coming' },
      tagsAdded: ['rally-yes'],
      followUp: 'Great, Rosa! See you at 10 at City Hall.',
    });
    // Recording the same answer again adds nothing.
    expect(await ok('POST', `${path}/answer`, { key: 'yes' }, tess)).toMatchObject({ tagsAdded: [] });
    const activities = await db()
      .selectFrom('activities')
      .selectAll()
      .where('member_id', '=', rosa.id)
      .where('type', '=', 'answered')
      .execute();
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ subject_type: 'p2p_campaign', subject_id: campaignId });
    expect(JSON.parse(activities[0]?.data ?? '{}')).toMatchObject({ key: 'yes', label: 'Yes, coming', question: 'Coming Saturday?' });
    const profile = await ok<{ tags: string[] }>('GET', `/members/${rosa.id}`);
    expect(profile.tags).toContain('rally-yes');
    expect((await ok<{ stats: { answers: unknown } }>('GET', `/p2p/campaigns/${campaignId}`)).stats.answers).toEqual({ yes: 1 });
  });

  it("records an answer from the member's conversation for the contact's texter only", async () => {
    const streets = await community('Safe Streets');
    const rosa = await member('Rosa', streets);
    const campaignId = await activeCampaign(streets);
    const tess = await texter('Tess Texter', 'tess@example.org');
    const tom = await texter('Tom Texter', 'tom@example.org');
    await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess);
    const [contact] = (await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess)).contacts;
    await ok('POST', `/p2p/campaigns/${campaignId}/contacts/${contact?.id}/send`, undefined, tess);
    // The inbox knows the member and the campaign of the conversation, not the contact.
    const conversation = await db().selectFrom('conversations').selectAll().where('member_id', '=', rosa.id).executeTakeFirstOrThrow();
    expect(conversation.campaign_id).toBe(campaignId);
    const path = `/p2p/campaigns/${campaignId}/members/${rosa.id}`;

    expect(await ok('GET', path, undefined, tess)).toEqual({
      campaign: { id: campaignId, name: 'Rally turnout', status: 'active' },
      contactId: contact?.id,
      question: 'Coming Saturday?',
      answers: [
        { key: 'yes', label: 'Yes, coming', tag: 'rally-yes', reply: 'Great, Rosa! See you at 10 at City Hall.' },
        { key: 'no', label: 'Cannot come', tag: null, reply: null },
      ],
      answer: null,
    });

    // Another texter can neither see nor answer it; nothing is recorded.
    for (const response of [await api('GET', path, undefined, tom), await api('POST', `${path}/answer`, { key: 'yes' }, tom)]) {
      expect([response.statusCode, response.json().code]).toEqual([409, 'p2p.contact_not_yours']);
    }
    const unknown = await api('POST', `${path}/answer`, { key: 'perhaps' }, tess);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ path: 'body.key', message: 'must be one of yes, no' }]);
    expect(await db().selectFrom('activities').select('id').where('type', '=', 'answered').execute()).toEqual([]);

    expect(await ok('POST', `${path}/answer`, { key: 'yes' }, tess)).toEqual({
      contactId: contact?.id,
      answer: { key: 'yes', label: 'Yes, coming' },
      tagsAdded: ['rally-yes'],
      followUp: 'Great, Rosa! See you at 10 at City Hall.',
    });
    const activities = await db()
      .selectFrom('activities')
      .selectAll()
      .where('member_id', '=', rosa.id)
      .where('type', '=', 'answered')
      .execute();
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ subject_type: 'p2p_campaign', subject_id: campaignId });
    expect(JSON.parse(activities[0]?.data ?? '{}')).toMatchObject({ key: 'yes', contactId: contact?.id, question: 'Coming Saturday?' });
    expect((await ok<{ tags: string[] }>('GET', `/members/${rosa.id}`)).tags).toContain('rally-yes');
    expect((await ok<{ answer: string | null }>('GET', path, undefined, tess)).answer).toBe('yes');

    // A member who is no contact of the campaign, or a member of another workspace: not found.
    const outsider = await member('Outsider', await community('Elsewhere'));
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const theirs = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${other}/members`,
      payload: { firstName: 'Theirs', phone: '+1 512 555 0199' },
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    for (const memberId of [outsider.id, theirs.json().id as number]) {
      const missing = await api('POST', `/p2p/campaigns/${campaignId}/members/${memberId}/answer`, { key: 'yes' }, tess);
      expect([missing.statusCode, missing.json().code]).toEqual([404, 'p2p.contact_not_found']);
      expect((await api('GET', `/p2p/campaigns/${campaignId}/members/${memberId}`)).statusCode).toBe(404);
    }
  });

  it('lets an organizer hand a texter exactly the contacts asked for, only to a texter of the workspace', async () => {
    const streets = await community('Safe Streets');
    for (let i = 0; i < 5; i++) await member(`M${i}`, streets);
    const campaignId = await activeCampaign(streets, { batchSize: 2 });
    const tess = await texter('Tess Texter', 'tess@example.org');
    const texters = await ok<{ users: { id: number; name: string; role: string }[] }>('GET', '/p2p/texters');
    expect(texters.users).toContainEqual({ id: tess.userId, name: 'Tess Texter', role: 'texter' });
    expect((await api('GET', '/p2p/texters', undefined, tess)).statusCode).toBe(403);

    // More than the batch size: an organizer's assignment is not capped by it.
    expect(await ok('POST', `/p2p/campaigns/${campaignId}/assign`, { texterId: tess.userId, count: 3 })).toEqual({
      texterId: tess.userId,
      moved: 3,
      assigned: 3,
      available: 2,
    });
    const held = await db()
      .selectFrom('p2p_contacts')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('texter_id', '=', tess.userId)
      .where('status', '=', 'assigned')
      .execute();
    expect(held).toHaveLength(3);
    expect((await ok<Queue>('GET', `/p2p/campaigns/${campaignId}/queue`, undefined, tess)).contacts).toHaveLength(3);
    const stats = (await ok<{ stats: { texters: unknown[]; pending: number } }>('GET', `/p2p/campaigns/${campaignId}`)).stats;
    expect(stats.pending).toBe(2);
    expect(stats.texters).toEqual([{ userId: tess.userId, name: 'Tess Texter', assigned: 3, sent: 0 }]);
    // Asking for more than is left hands over what is left.
    expect(await ok('POST', `/p2p/campaigns/${campaignId}/assign`, { texterId: tess.userId, count: 10 })).toMatchObject({
      moved: 2,
      assigned: 5,
      available: 0,
    });

    // An analyst cannot text; a user of another workspace is not ours; a texter cannot assign.
    const inv = await ok<{ acceptUrl: string }>('POST', '/invitations', { email: 'ann@example.org', role: 'analyst' });
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${new URL(inv.acceptUrl).pathname.split('/').pop()}/accept`,
      payload: { name: 'Ann Analyst', password: 'counting-all-day' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const ann = await signIn(t.app, 'ann@example.org', 'counting-all-day');
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const otherInv = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${other}/invitations`,
      payload: { email: 'olga@example.org', role: 'texter' },
    });
    expect(otherInv.statusCode, otherInv.body).toBeLessThan(300);
    const olgaAccepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${new URL(otherInv.json().acceptUrl).pathname.split('/').pop()}/accept`,
      payload: { name: 'Olga Other', password: 'texting-elsewhere' },
    });
    expect(olgaAccepted.statusCode, olgaAccepted.body).toBe(200);
    const olga = await signIn(t.app, 'olga@example.org', 'texting-elsewhere');

    const refusals: [number, string][] = [
      [ann.userId, 'has the analyst role, which cannot text: choose a texter'],
      [olga.userId, 'is not a user of this workspace'],
    ];
    for (const [texterId, message] of refusals) {
      const refused = await api('POST', `/p2p/campaigns/${campaignId}/assign`, { texterId, count: 1 });
      expect([refused.statusCode, refused.json().code]).toEqual([400, 'p2p.invalid']);
      expect(refused.json().errors).toEqual([{ path: 'body.texterId', message }]);
    }
    expect(texters.users.map((u) => u.id)).not.toContain(olga.userId);
    const zero = await api('POST', `/p2p/campaigns/${campaignId}/assign`, { texterId: tess.userId, count: 0 });
    expect([zero.statusCode, zero.json().errors]).toEqual([400, [{ path: 'body.count', message: 'must be at least 1' }]]);
    const byTexter = await api('POST', `/p2p/campaigns/${campaignId}/assign`, { texterId: tess.userId, count: 1 }, tess);
    expect(byTexter.statusCode).toBe(403);
    const owned = await db().selectFrom('p2p_contacts').select('texter_id').where('campaign_id', '=', campaignId).execute();
    expect(owned.map((c) => c.texter_id)).toEqual([tess.userId, tess.userId, tess.userId, tess.userId, tess.userId]);
  });

  it('seeds a draft demo campaign whose script renders', async () => {
    const streets = await community('Safe Streets');
    await member('Rosa', streets);
    const id = await seedDemoP2p(db(), { workspaceId: ws, userId: owner.userId, now: t.clock.now() });
    const campaign = await ok<{ status: string; audience: unknown; script: { answers: unknown[] } }>('GET', `/p2p/campaigns/${id}`);
    expect(campaign.status).toBe('draft');
    expect(campaign.audience).toEqual({ communityIds: [streets], tags: [] });
    expect(campaign.script.answers).toHaveLength(3);
    const preview = await ok<{ sample: string; problems: unknown[] }>('POST', '/p2p/campaigns/preview', campaign);
    expect(preview.problems).toEqual([]);
    expect(preview.sample).toMatch(/^Hi Rosa, it's Demo with Groundswell Demo\. The city council votes/);
  });

  it('stops texting while paused and after closing; keeps other workspaces’ campaigns out of reach', async () => {
    const streets = await community('Safe Streets');
    await member('Rosa', streets);
    const campaignId = await activeCampaign(streets);
    const tess = await texter('Tess Texter', 'tess@example.org');
    await ok('POST', `/p2p/campaigns/${campaignId}/take`, undefined, tess);
    const [contact] = await db().selectFrom('p2p_contacts').select('id').where('campaign_id', '=', campaignId).execute();

    expect((await ok<{ status: string }>('POST', `/p2p/campaigns/${campaignId}/pause`)).status).toBe('paused');
    const paused = await api('POST', `/p2p/campaigns/${campaignId}/contacts/${contact?.id}/send`, undefined, tess);
    expect([paused.statusCode, paused.json().code]).toEqual([409, 'p2p.invalid_transition']);
    expect((await ok<{ campaigns: unknown[] }>('GET', '/p2p/assignments', undefined, tess)).campaigns).toEqual([]);
    expect((await ok<{ status: string }>('POST', `/p2p/campaigns/${campaignId}/resume`)).status).toBe('active');
    const locked = await api('PATCH', `/p2p/campaigns/${campaignId}`, { audience: { communityIds: [], tags: ['x'] } });
    expect([locked.statusCode, locked.json().code]).toEqual([409, 'p2p.invalid']);
    expect((await ok<{ batchSize: number }>('PATCH', `/p2p/campaigns/${campaignId}`, { batchSize: 25 })).batchSize).toBe(25);
    expect((await ok<{ status: string }>('POST', `/p2p/campaigns/${campaignId}/close`)).status).toBe('closed');
    const again = await api('POST', `/p2p/campaigns/${campaignId}/resume`);
    expect([again.statusCode, again.json().code]).toEqual([409, 'p2p.invalid_transition']);

    // Another workspace of the same owner: its campaign id answers 404 through this workspace's path.
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const theirs = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${other}/p2p/campaigns`,
      payload: { name: 'Theirs', audience: { communityIds: [], tags: ['x'] }, script },
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const reach = await api('GET', `/p2p/campaigns/${theirs.json().id}`);
    expect([reach.statusCode, reach.json().code]).toEqual([404, 'p2p.not_found']);
    const take = await api('POST', `/p2p/campaigns/${theirs.json().id}/take`, undefined, tess);
    expect(take.statusCode).toBe(404);
  });
});
