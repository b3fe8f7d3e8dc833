import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, QUIET_SIMULATOR, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, defaultSender, eventually, queueMessages, sendingBroadcast, statsOf } from '../../../test/helpers/messaging.ts';
import { createSimulatorSender } from './channels.repo.ts';

// The outbox, the dispatcher and the compliance pipeline, end to end through the built-in simulator: what an
// organizer sees in a report and what a member's phone receives.

describe.each(testDialects())('sending through the simulator on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let sender: Awaited<ReturnType<typeof defaultSender>>;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    sender = await defaultSender(t.database.db, ws);
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const member = (phone: string, extra: { consent?: boolean; timezone?: string } = {}) =>
    consentingMember(db(), { workspaceId: ws, phone, now: t.clock.now(), ...extra });
  const messagesTo = (to: string) => db().selectFrom('messages').selectAll().where('to_address', '=', to).orderBy('id').execute();
  const textIn = async (from: string, body: string) => {
    const response = await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/simulator/inbound`, payload: { from, body } });
    expect(response.statusCode, response.body).toBe(202);
    await t.runJobs();
  };

  it('sends queued messages, records delivery from the provider and completes the broadcast', async () => {
    const phones = ['+15125550111', '+15125550112', '+15125550113'];
    const ids: number[] = [];
    for (const phone of phones) ids.push(await member(phone));
    const broadcastId = await sendingBroadcast(db(), { workspaceId: ws, senderId: sender.id, now: t.clock.now() });
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId,
      recipients: phones.map((to, i) => ({ memberId: ids[i] ?? null, to })),
      now: t.clock.now(),
    });
    const dispatcher = t.messaging.createDispatcher();
    expect(await dispatcher.runOnce()).toBe(3);
    await eventually(async () => (await statsOf(db(), broadcastId)).delivered === 3, 'three delivery reports');
    const stats = await statsOf(db(), broadcastId);
    expect(stats).toMatchObject({ queued: 3, sent: 3, delivered: 3, finished: 3 });
    const rows = await db().selectFrom('messages').selectAll().where('broadcast_id', '=', broadcastId).execute();
    expect(rows.every((m) => m.state === 'delivered' && m.provider === 'simulator' && m.provider_id !== null && m.attempts === 1)).toBe(
      true,
    );
    await eventually(async () => {
      const b = await db().selectFrom('broadcasts').select('status').where('id', '=', broadcastId).executeTakeFirstOrThrow();
      return b.status === 'completed';
    }, 'the broadcast to complete');
    const history = await db().selectFrom('message_events').selectAll().where('workspace_id', '=', ws).execute();
    expect(history.map((e) => e.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('opt-out words alone stop all SMS at once with exactly one confirmation', async () => {
    const phone = '+15125550121';
    const memberId = await member(phone);
    await textIn(phone, ' Stop! ');
    const m = await db().selectFrom('members').select('sms_consent').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(m.sms_consent).toBe('revoked');
    let out = (await messagesTo(phone)).filter((x) => x.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]?.kind).toBe('compliance');
    expect(out[0]?.body).toMatch(/unsubscribed/i);
    await textIn(phone, 'STOP');
    out = (await messagesTo(phone)).filter((x) => x.direction === 'out');
    expect(out).toHaveLength(1);
    // The confirmation itself still goes out to the opted-out member.
    await t.messaging.createDispatcher().runOnce();
    await eventually(async () => (await messagesTo(phone))[0]?.state === 'delivered', 'the confirmation to be delivered');
    const ledger = await db().selectFrom('consent_events').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
    expect(ledger.map((e) => `${e.status}/${e.method}`)).toEqual(['granted/web_form', 'revoked/keyword']);
  });

  it('a STOP received mid-broadcast stops the rest for that member', async () => {
    const phone = '+15125550131';
    const other = '+15125550132';
    const memberId = await member(phone);
    const otherId = await member(other);
    const first = await sendingBroadcast(db(), { workspaceId: ws, senderId: sender.id, now: t.clock.now(), name: 'First' });
    const second = await sendingBroadcast(db(), { workspaceId: ws, senderId: sender.id, now: t.clock.now(), name: 'Second' });
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: first,
      recipients: [{ memberId, to: phone }],
      now: t.clock.now(),
    });
    await t.messaging.createDispatcher().runOnce();
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: second,
      recipients: [
        { memberId, to: phone },
        { memberId: otherId, to: other },
      ],
      now: t.clock.now(),
      sendAt: t.clock.now() + 60_000,
    });
    await textIn(phone, 'stop');
    t.clock.advance(61_000);
    await t.messaging.createDispatcher().runOnce();
    const toMember = (await messagesTo(phone)).filter((x) => x.broadcast_id === second);
    expect(toMember.map((x) => x.state)).toEqual(['cancelled']);
    await eventually(async () => (await messagesTo(other))[0]?.state === 'delivered', 'the other member to get the second broadcast');
    expect(await statsOf(db(), second)).toMatchObject({ queued: 2, cancelled: 1, sent: 1, finished: 2 });
    expect((await statsOf(db(), first)).opted_out).toBe(1);
  });

  it('"We must STOP this bill" is not an opt-out; it is a reply counted once per member', async () => {
    const phone = '+15125550141';
    const memberId = await member(phone);
    const broadcastId = await sendingBroadcast(db(), { workspaceId: ws, senderId: sender.id, now: t.clock.now() });
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId,
      recipients: [{ memberId, to: phone }],
      now: t.clock.now(),
    });
    await t.messaging.createDispatcher().runOnce();
    await eventually(async () => (await messagesTo(phone))[0]?.state === 'delivered', 'delivery');
    await textIn(phone, 'We must STOP this bill');
    await textIn(phone, 'Count me in');
    const m = await db().selectFrom('members').select('sms_consent').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(m.sms_consent).toBe('granted');
    expect((await statsOf(db(), broadcastId)).replied).toBe(1);
    const replies = await db()
      .selectFrom('activities')
      .select('type')
      .where('member_id', '=', memberId)
      .where('type', '=', 'replied')
      .execute();
    expect(replies).toHaveLength(2);
  });

  it('plain-words opt-outs are honoured and ambiguous replies are flagged for a person', async () => {
    const a = '+15125550151';
    const b = '+15125550152';
    const aId = await member(a);
    const bId = await member(b);
    await textIn(a, 'please stop texting me');
    await textIn(b, 'wrong number');
    const rows = await db().selectFrom('members').select(['id', 'sms_consent']).where('id', 'in', [aId, bId]).orderBy('id').execute();
    expect(rows.map((r) => r.sms_consent)).toEqual(['revoked', 'granted']);
    const flagged = await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/messages?flagged=true` });
    expect(flagged.json().messages.map((x: { body: string; flag: string }) => [x.body, x.flag])).toEqual([
      ['wrong number', 'possible_opt_out'],
    ]);
  });

  it('HELP answers with the help text; START re-subscribes an opted-out member', async () => {
    const phone = '+15125550161';
    const memberId = await member(phone);
    await textIn(phone, 'help');
    await textIn(phone, 'STOP');
    await textIn(phone, 'START');
    const bodies = (await messagesTo(phone)).filter((x) => x.direction === 'out').map((x) => x.body);
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatch(/STOP/);
    expect(bodies[2]).toMatch(/STOP/);
    const m = await db().selectFrom('members').select('sms_consent').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(m.sms_consent).toBe('granted');
  });

  it('texting a join keyword joins the community and records consent by keyword', async () => {
    const created = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${ws}/communities`,
      payload: { name: 'Safe Streets', visibility: 'public', keywords: ['STREETS'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const phone = '+15125550171';
    await textIn(phone, 'streets');
    // Join keywords are double opt-in (issue 5): a number without consent is asked to reply YES before it joins.
    expect((await messagesTo(phone)).find((x) => x.direction === 'out')?.body).toMatch(/Reply YES to join Safe Streets/);
    await textIn(phone, 'yes');
    const m = await db().selectFrom('members').select(['id', 'sms_consent', 'source']).where('phone', '=', phone).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ sms_consent: 'granted', source: 'inbound_sms' });
    const membership = await db().selectFrom('memberships').select('status').where('member_id', '=', m.id).executeTakeFirstOrThrow();
    expect(membership.status).toBe('active');
    const welcome = (await messagesTo(phone)).filter((x) => x.direction === 'out')[1];
    expect(welcome?.body).toMatch(/Welcome to Safe Streets/);
  });

  it('no SMS without recorded consent: a member who lost consent after queueing is not sent to', async () => {
    const phone = '+15125550181';
    const memberId = await member(phone);
    const broadcastId = await sendingBroadcast(db(), { workspaceId: ws, senderId: sender.id, now: t.clock.now() });
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId,
      recipients: [{ memberId, to: phone }],
      now: t.clock.now(),
    });
    await db().updateTable('members').set({ sms_consent: 'none' }).where('id', '=', memberId).execute();
    expect(await t.messaging.createDispatcher().runOnce()).toBe(0);
    const [row] = await messagesTo(phone);
    expect(row).toMatchObject({ state: 'cancelled', error_code: 'no_consent' });
    expect(await statsOf(db(), broadcastId)).toMatchObject({ cancelled: 1, finished: 1 });
  });

  it('a test send reaches a staff phone without recorded consent, never a number that opted out', async () => {
    const staff = '+15125550301';
    const optedOut = '+15125550302';
    const staffId = await member(staff, { consent: false });
    const optedOutId = await member(optedOut);
    await db().updateTable('members').set({ sms_consent: 'revoked' }).where('id', '=', optedOutId).execute();
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: null,
      recipients: [
        { memberId: staffId, to: staff },
        { memberId: optedOutId, to: optedOut },
      ],
      kind: 'test',
      now: t.clock.now(),
    });
    expect(await t.messaging.createDispatcher().runOnce()).toBe(1);
    expect((await messagesTo(staff))[0]?.state).not.toBe('cancelled');
    expect((await messagesTo(optedOut))[0]).toMatchObject({ state: 'cancelled', error_code: 'no_consent' });
  });

  it('quiet hours at dequeue: a message due after its window closed waits for the next morning', async () => {
    const phone = '+15125550191';
    const memberId = await member(phone, { timezone: 'America/Chicago' });
    // Queued at 20:50 in Chicago for a window that closes at 21:00; the send comes round at 21:30.
    const now = Date.parse('2026-11-23T02:50:00Z');
    t.clock.set(now);
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: null,
      recipients: [{ memberId, to: phone }],
      now,
      expiresAt: Date.parse('2026-11-23T03:00:00Z'),
    });
    t.clock.set(Date.parse('2026-11-23T03:30:00Z'));
    expect(await t.messaging.createDispatcher().runOnce()).toBe(0);
    const [row] = await messagesTo(phone);
    expect(row?.state).toBe('queued');
    expect(row?.attempts).toBe(0);
    // Past the member's window: the next allowed time is 08:00 the next morning in Chicago.
    expect(row?.send_at).toBe(Date.parse('2026-11-23T14:00:00Z'));
  });

  it('a recipient the provider reports as opted out is opted out here', async () => {
    const phone = '+15125550002'; // the simulator fails …0002 with 21610
    const memberId = await member(phone);
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: null,
      recipients: [{ memberId, to: phone }],
      now: t.clock.now(),
    });
    await t.messaging.createDispatcher().runOnce();
    await eventually(async () => {
      const m = await db().selectFrom('members').select('sms_consent').where('id', '=', memberId).executeTakeFirstOrThrow();
      return m.sms_consent === 'revoked';
    }, 'the opt-out to be recorded');
    const ledger = await db()
      .selectFrom('consent_events')
      .select('method')
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(ledger.method).toBe('provider');
    expect((await messagesTo(phone))[0]).toMatchObject({ state: 'failed', error_code: '21610' });
  });

  it('fairness across workspaces: a big broadcast of one workspace does not take every slot from another', async () => {
    const other = await db()
      .insertInto('workspaces')
      .values({
        name: 'Other Org',
        slug: 'other-org',
        timezone: 'America/Chicago',
        default_country: 'US',
        quiet_hours_start: '08:00',
        quiet_hours_end: '21:00',
        created_at: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { senderId: otherSender } = await createSimulatorSender(db(), {
      workspaceId: other.id,
      appSecret: TEST_APP_SECRET,
      now: t.clock.now(),
      address: '+12025550177',
      settings: QUIET_SIMULATOR,
    });
    const big = [];
    for (let i = 0; i < 10; i++) big.push({ memberId: await member(`+1512555${1300 + i}`), to: `+1512555${1300 + i}` });
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: null,
      recipients: big,
      now: t.clock.now(),
    });
    const small = [];
    for (let i = 0; i < 6; i++) {
      const phone = `+1512555${1400 + i}`;
      small.push({ memberId: await consentingMember(db(), { workspaceId: other.id, phone, now: t.clock.now() }), to: phone });
    }
    await queueMessages(db(), {
      workspaceId: other.id,
      senderId: otherSender,
      from: '+12025550177',
      broadcastId: null,
      recipients: small,
      now: t.clock.now(),
    });
    expect(await t.messaging.createDispatcher({ maxInFlight: 4 }).runOnce()).toBe(4);
    const sent = await db().selectFrom('messages').select(['workspace_id']).where('state', '!=', 'queued').execute();
    expect(sent.filter((m) => m.workspace_id === other.id)).toHaveLength(2);
    expect(sent.filter((m) => m.workspace_id === ws)).toHaveLength(2);
  });

  it('per-sender rate: claims stay within the token bucket, charged per segment', async () => {
    await db()
      .updateTable('senders')
      .set({ throughput: 40, bucket_tokens: 0, bucket_at: t.clock.now() })
      .where('id', '=', sender.id)
      .execute();
    const recipients = [];
    for (let i = 0; i < 10; i++)
      recipients.push({ memberId: await member(`+1512555${String(1200 + i)}`), to: `+1512555${String(1200 + i)}` });
    await queueMessages(db(), {
      workspaceId: ws,
      senderId: sender.id,
      from: sender.address,
      broadcastId: null,
      recipients,
      segments: 2,
      now: t.clock.now(),
    });
    const dispatcher = t.messaging.createDispatcher();
    expect(await dispatcher.runOnce()).toBe(0); // an empty bucket
    t.clock.advance(50); // 40 segments/s × 0.05 s = 2 segments = one 2-segment message
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await dispatcher.runOnce()).toBe(0);
    t.clock.advance(10_000); // a long pause refills only the burst (a twentieth of a second), never a flood
    expect(await dispatcher.runOnce()).toBe(1);
  });
});
