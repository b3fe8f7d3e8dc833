import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSmsc } from '../../../test/fakes/smpp.ts';
import { startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { startFakeTelnyx } from '../../../test/fakes/telnyx.ts';
import { startFakeTwilio, twilioSignature } from '../../../test/fakes/twilio.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, eventually, queueMessages, sendingBroadcast, statsOf } from '../../../test/helpers/messaging.ts';
import { freePort } from '../../../test/helpers/net.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { appendConsent } from '../members/consent.repo.ts';

// The same broadcast through each real provider's wire protocol (fakes on localhost): sends, signed status callbacks
// or delivery receipts, inbound texts, and what goes wrong (bad signatures, carrier opt-outs, duplicates).

const PHONES = ['+15125550211', '+15125550212', '+15125550213'];
const SENDER = '+15125550299';

type Setup = { t: TestApp; owner: Client; ws: number; close: () => Promise<void> };

async function listeningApp(dialect: 'sqlite' | 'postgres', simulator: Record<string, unknown> = {}): Promise<Setup> {
  const port = await freePort();
  const t = await buildTestApp({ dialect, env: { PUBLIC_URL: `http://127.0.0.1:${port}` }, simulator });
  await t.app.listen({ host: '127.0.0.1', port });
  const owner = await signIn(t.app, t.demo.email, t.demo.password);
  return { t, owner, ws: t.demo.workspaceId, close: () => t.close() };
}

async function addAccount(s: Setup, body: Record<string, unknown>) {
  const account = await s.owner.request({ method: 'POST', url: `/api/workspaces/${s.ws}/channel-accounts`, payload: body });
  expect(account.statusCode, account.body).toBe(201);
  const { id, webhookUrl } = account.json() as { id: number; webhookUrl: string | null };
  const sender = await s.owner.request({
    method: 'POST',
    url: `/api/workspaces/${s.ws}/senders`,
    payload: { channelAccountId: id, kind: 'long_code', address: SENDER, throughput: 100, isDefault: true },
  });
  expect(sender.statusCode, sender.body).toBe(201);
  return { accountId: id, senderId: (sender.json() as { id: number }).id, webhookUrl };
}

async function broadcastTo(s: Setup, senderId: number) {
  const db = s.t.database.db;
  const ids: number[] = [];
  for (const phone of PHONES) ids.push(await consentingMember(db, { workspaceId: s.ws, phone, now: s.t.clock.now() }));
  const broadcastId = await sendingBroadcast(db, { workspaceId: s.ws, senderId, now: s.t.clock.now() });
  await queueMessages(db, {
    workspaceId: s.ws,
    senderId,
    from: SENDER,
    broadcastId,
    recipients: PHONES.map((to, i) => ({ memberId: ids[i] ?? null, to })),
    now: s.t.clock.now(),
  });
  return broadcastId;
}

describe.each(testDialects())('providers on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('Simulator: a broadcast composed through the API is delivered and members open its tracked link', async () => {
    const s = await listeningApp(dialect, { clickRate: 1 });
    cleanups.push(s.close);
    const db = s.t.database.db;
    const community = await s.owner.request({
      method: 'POST',
      url: `/api/workspaces/${s.ws}/communities`,
      payload: { name: 'Riders', visibility: 'public' },
    });
    const memberIds: number[] = [];
    for (const phone of PHONES) memberIds.push(await consentingMember(db, { workspaceId: s.ws, phone, now: s.t.clock.now() }));
    const added = await s.owner.request({
      method: 'POST',
      url: `/api/workspaces/${s.ws}/communities/${community.json().id}/members`,
      payload: { memberIds },
    });
    expect(added.statusCode, added.body).toBeLessThan(300);
    const created = await s.owner.request({
      method: 'POST',
      url: `/api/workspaces/${s.ws}/broadcasts`,
      payload: {
        name: 'Ride Sunday',
        channel: 'sms',
        audience: { communityIds: [community.json().id], tags: [] },
        templates: { en: 'Ride with us Sunday: https://example.org/ride' },
        defaultLanguage: 'en',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const launched = await s.owner.request({ method: 'POST', url: `/api/workspaces/${s.ws}/broadcasts/${id}/launch` });
    expect(launched.statusCode, launched.body).toBe(200);
    await s.t.runJobs();
    expect(await s.t.messaging.createDispatcher().runOnce()).toBe(3);
    const body = (await db.selectFrom('messages').select('body').where('broadcast_id', '=', id).executeTakeFirstOrThrow()).body;
    expect(body).toMatch(/^Ride with us Sunday: http:\/\/127\.0\.0\.1:\d+\/l\/[A-Za-z0-9]{10}/);
    await eventually(async () => {
      const report = (await s.owner.request({ method: 'GET', url: `/api/workspaces/${s.ws}/broadcasts/${id}` })).json();
      return report.stats.delivered === 3 && report.stats.clicked === 3;
    }, 'deliveries and clicks in the report');
    const clicks = await db.selectFrom('activities').select('member_id').where('type', '=', 'clicked').execute();
    expect(clicks.map((c) => c.member_id).sort()).toEqual([...memberIds].sort());
  });

  it('Twilio: a broadcast goes out, signed status callbacks mark it delivered, STOP arrives as an inbound webhook', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const twilio = await startFakeTwilio({ autoDeliver: true });
    cleanups.push(() => twilio.close());
    const { senderId, webhookUrl } = await addAccount(s, {
      provider: 'twilio',
      name: 'Twilio',
      baseUrl: twilio.url,
      credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
    });
    twilio.outcomeFor(PHONES[2] as string, { status: 'undelivered', errorCode: 30003 });
    const broadcastId = await broadcastTo(s, senderId);
    expect(await s.t.messaging.createDispatcher().runOnce()).toBe(3);
    expect(twilio.messages.map((m) => m.to).sort()).toEqual([...PHONES].sort());
    expect(twilio.messages.every((m) => m.statusCallback?.startsWith(`${webhookUrl}?m=`))).toBe(true);
    await eventually(async () => (await statsOf(s.t.database.db, broadcastId)).finished === 3, 'sends recorded');
    await twilio.idle();
    await eventually(async () => {
      const stats = await statsOf(s.t.database.db, broadcastId);
      return stats.delivered === 2 && stats.failed === 1;
    }, 'callbacks applied');
    expect(await statsOf(s.t.database.db, broadcastId)).toMatchObject({ sent: 3, delivered: 2, failed: 1, 'failed:30003': 1 });
    expect(twilio.callbacks.every((c) => c.status === 200)).toBe(true);

    // A member texts STOP: the signed inbound webhook is stored, processed, and confirmed once.
    const inbound = await twilio.sendInbound(PHONES[0] as string, SENDER, 'STOP', { url: webhookUrl as string });
    expect(inbound.status).toBe(200);
    await s.t.runJobs();
    const member = await s.t.database.db
      .selectFrom('members')
      .select('sms_consent')
      .where('phone', '=', PHONES[0] as string)
      .executeTakeFirstOrThrow();
    expect(member.sms_consent).toBe('revoked');
    // The same webhook delivered twice (a provider retry) is stored once.
    // A new text delivered three times at once (a provider retrying) is stored and answered once.
    const params = {
      MessageSid: 'SMdup00000000000000000000000000000',
      From: PHONES[1] as string,
      To: SENDER,
      Body: 'Count me in',
      NumMedia: '0',
    };
    const post = () =>
      fetch(webhookUrl as string, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(twilio.authToken, webhookUrl as string, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    const answers = await Promise.all([post(), post(), post()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    // And the STOP again (a retry long after): nothing new.
    const again = await fetch(webhookUrl as string, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(twilio.authToken, webhookUrl as string, {
          MessageSid: inbound.sid,
          From: PHONES[0] as string,
          To: SENDER,
          Body: 'STOP',
          NumMedia: '0',
        }),
      },
      body: new URLSearchParams({ MessageSid: inbound.sid, From: PHONES[0] as string, To: SENDER, Body: 'STOP', NumMedia: '0' }).toString(),
    });
    expect(again.status).toBe(200);
    const stored = await s.t.database.db.selectFrom('messages').select('body').where('direction', '=', 'in').orderBy('id').execute();
    expect(stored.map((m) => m.body)).toEqual(['STOP', 'Count me in']);
  });

  it('Twilio: a callback with a bad signature is refused and changes nothing; a late "sent" after "delivered" changes nothing', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const twilio = await startFakeTwilio({ autoDeliver: true });
    cleanups.push(() => twilio.close());
    const { senderId, webhookUrl } = await addAccount(s, {
      provider: 'twilio',
      name: 'Twilio',
      baseUrl: twilio.url,
      credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
    });
    const broadcastId = await broadcastTo(s, senderId);
    await s.t.messaging.createDispatcher().runOnce();
    await twilio.idle();
    await eventually(async () => (await statsOf(s.t.database.db, broadcastId)).delivered === 3, 'deliveries');
    const sent = twilio.messages[0];
    const message = await s.t.database.db
      .selectFrom('messages')
      .select(['id', 'state'])
      .where('provider_id', '=', sent?.sid ?? '')
      .executeTakeFirstOrThrow();
    const url = `${webhookUrl}?m=${message.id}`;
    const params = { MessageSid: sent?.sid ?? '', MessageStatus: 'sent', To: sent?.to ?? '', From: SENDER, AccountSid: twilio.accountSid };
    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature('wrong-token-wrong-token', url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(forged.status).toBe(403);
    const late = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(twilio.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(late.status).toBe(200);
    const after = await s.t.database.db.selectFrom('messages').select('state').where('id', '=', message.id).executeTakeFirstOrThrow();
    expect(after.state).toBe('delivered');
    expect(await statsOf(s.t.database.db, broadcastId)).toMatchObject({ sent: 3, delivered: 3 });
  });

  it('Twilio: 21610 at send opts the member out; 429 slows the sender and the message goes later', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const twilio = await startFakeTwilio();
    cleanups.push(() => twilio.close());
    const { senderId } = await addAccount(s, {
      provider: 'twilio',
      name: 'Twilio',
      baseUrl: twilio.url,
      credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
    });
    twilio.failTo(PHONES[0] as string, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const broadcastId = await broadcastTo(s, senderId);
    const dispatcher = s.t.messaging.createDispatcher();
    await dispatcher.runOnce();
    const db = s.t.database.db;
    const optedOut = await db
      .selectFrom('members')
      .select('sms_consent')
      .where('phone', '=', PHONES[0] as string)
      .executeTakeFirstOrThrow();
    expect(optedOut.sms_consent).toBe('revoked');
    const rows = await db
      .selectFrom('messages')
      .select(['to_address', 'state', 'error_code'])
      .where('broadcast_id', '=', broadcastId)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.state)).toEqual(['failed', 'sent', 'sent']);
    expect(rows[0]?.error_code).toBe('21610');

    twilio.throttleNext(1, 2);
    await queueMessages(db, {
      workspaceId: s.ws,
      senderId,
      from: SENDER,
      broadcastId: null,
      recipients: [{ memberId: null, to: PHONES[1] as string }],
      kind: 'test',
      now: s.t.clock.now(),
    });
    await dispatcher.runOnce();
    const throttled = await db.selectFrom('messages').select(['state', 'send_at']).where('kind', '=', 'test').executeTakeFirstOrThrow();
    expect(throttled.state).toBe('queued');
    expect(throttled?.send_at).toBeGreaterThanOrEqual(s.t.clock.now() + 2_000);
    const senderRow = await db.selectFrom('senders').select('paused_until').where('id', '=', senderId).executeTakeFirstOrThrow();
    expect(senderRow.paused_until).toBeGreaterThan(s.t.clock.now());
  });

  it('Twilio: a 503 is retried later; a dropped send stays unknown until an organizer resends it or a late callback settles it', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const twilio = await startFakeTwilio();
    cleanups.push(() => twilio.close());
    const { senderId, webhookUrl } = await addAccount(s, {
      provider: 'twilio',
      name: 'Twilio',
      baseUrl: twilio.url,
      credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
    });
    const db = s.t.database.db;
    const broadcastId = await sendingBroadcast(db, { workspaceId: s.ws, senderId, now: s.t.clock.now() });
    const ids: number[] = [];
    for (const phone of PHONES.slice(0, 2)) ids.push(await consentingMember(db, { workspaceId: s.ws, phone, now: s.t.clock.now() }));
    await queueMessages(db, {
      workspaceId: s.ws,
      senderId,
      from: SENDER,
      broadcastId,
      recipients: PHONES.slice(0, 2).map((to, i) => ({ memberId: ids[i] ?? null, to })),
      now: s.t.clock.now(),
    });
    twilio.failNext(1, { status: 503, message: 'Service unavailable' });
    twilio.dropNext(1);
    const dispatcher = s.t.messaging.createDispatcher({ maxInFlight: 1 });
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    const rows = async () =>
      db
        .selectFrom('messages')
        .select(['id', 'state', 'attempts', 'send_at'])
        .where('broadcast_id', '=', broadcastId)
        .orderBy('id')
        .execute();
    const [retried, dropped] = await rows();
    expect(retried).toMatchObject({ state: 'queued', attempts: 1 });
    expect(retried?.send_at).toBeGreaterThan(s.t.clock.now());
    expect(dropped).toMatchObject({ state: 'unknown', attempts: 1 });
    expect(await statsOf(db, broadcastId)).toMatchObject({ unknown: 1, finished: 1 });
    // Never resent blindly: the unknown message is not claimed again.
    s.t.clock.advance(10 * 60_000);
    expect(await dispatcher.runOnce()).toBe(1);
    expect(twilio.messages.map((m) => m.to)).toEqual([PHONES[0]]);
    // An organizer decides to send it again (the member may get it twice): it goes out once more.
    const resent = await s.owner.request({ method: 'POST', url: `/api/workspaces/${s.ws}/broadcasts/${broadcastId}/resend-unknown` });
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json().stats).toMatchObject({ unknown: 0, finished: 1 });
    expect(await dispatcher.runOnce()).toBe(1);
    expect(twilio.messages.map((m) => m.to)).toEqual([PHONES[0], PHONES[1]]);
    // Twilio's late callback (about the copy it had accepted from the dropped request) settles the message.
    const url = `${webhookUrl}?m=${dropped?.id}`;
    const params = { MessageSid: 'SMlate0000000000000000000000000000', MessageStatus: 'delivered', To: PHONES[1] as string, From: SENDER };
    const late = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(twilio.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(late.status).toBe(200);
    expect((await rows()).map((r) => r.state)).toEqual(['sent', 'delivered']);
    expect(await statsOf(db, broadcastId)).toMatchObject({ unknown: 0, sent: 2, delivered: 1, finished: 2 });
  });

  it('Telnyx: a broadcast goes out and Ed25519-signed webhooks mark it delivered; a stale signature is refused', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const telnyx = await startFakeTelnyx({ autoDeliver: true, now: s.t.clock.now });
    cleanups.push(() => telnyx.close());
    const { senderId, webhookUrl } = await addAccount(s, {
      provider: 'telnyx',
      name: 'Telnyx',
      baseUrl: telnyx.url,
      credentials: { apiKey: telnyx.apiKey, publicKey: telnyx.publicKey },
    });
    const broadcastId = await broadcastTo(s, senderId);
    expect(await s.t.messaging.createDispatcher().runOnce()).toBe(3);
    await telnyx.idle();
    await eventually(async () => (await statsOf(s.t.database.db, broadcastId)).delivered === 3, 'Telnyx deliveries');
    const inbound = await telnyx.sendInbound(PHONES[1] as string, SENDER, 'HELP', { url: webhookUrl as string });
    expect(inbound.status).toBe(200);
    await s.t.runJobs();
    const help = await s.t.database.db
      .selectFrom('messages')
      .select('body')
      .where('to_address', '=', PHONES[1] as string)
      .where('kind', '=', 'compliance')
      .executeTakeFirstOrThrow();
    expect(help.body).toMatch(/STOP/);
    const body = JSON.stringify({ data: { event_type: 'message.received', id: 'x', payload: {} } });
    const stale = await fetch(webhookUrl as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...telnyx.signatureHeaders(body, Math.floor(s.t.clock.now() / 1000) - 3_600) },
      body,
    });
    expect(stale.status).toBe(403);
  });

  it('Email: a broadcast email carries an unsubscribe link; one click unsubscribes and stops what is queued', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const db = s.t.database.db;
    const account = await s.owner.request({
      method: 'POST',
      url: `/api/workspaces/${s.ws}/channel-accounts`,
      payload: { provider: 'smtp', name: 'Mail', credentials: { host: smtp.host, port: smtp.port } },
    });
    expect(account.statusCode, account.body).toBe(201);
    const sender = await s.owner.request({
      method: 'POST',
      url: `/api/workspaces/${s.ws}/senders`,
      payload: { channelAccountId: account.json().id, kind: 'email', address: 'news@example.org' },
    });
    expect(sender.statusCode, sender.body).toBe(201);
    const memberId = await consentingMember(db, { workspaceId: s.ws, phone: PHONES[0] as string, now: s.t.clock.now(), consent: false });
    await db.updateTable('members').set({ email: 'rosa@example.org' }).where('id', '=', memberId).execute();
    await appendConsent(db, TEST_APP_SECRET, {
      workspaceId: s.ws,
      memberId,
      channel: 'email',
      status: 'granted',
      method: 'web_form',
      address: 'rosa@example.org',
      wording: 'Email me updates',
      at: s.t.clock.now(),
    });
    const row = (n: number) => ({
      workspace_id: s.ws,
      direction: 'out' as const,
      channel: 'email' as const,
      kind: 'broadcast' as const,
      member_id: memberId,
      broadcast_id: null,
      sender_id: sender.json().id as number,
      to_address: 'rosa@example.org',
      from_address: 'news@example.org',
      subject: `Update ${n}`,
      body: 'The council votes Tuesday.',
      media_urls: null,
      segments: 1,
      encoding: 'email' as const,
      priority: PRIORITY.bulk,
      state: 'queued' as const,
      send_at: s.t.clock.now() + (n - 1) * 3_600_000,
      expires_at: null,
      created_at: s.t.clock.now(),
      updated_at: s.t.clock.now(),
    });
    await db
      .insertInto('messages')
      .values([row(1), row(2)])
      .execute();
    expect(await s.t.messaging.createDispatcher().runOnce()).toBe(1);
    const mail = smtp.messages[0];
    const link = /<(http[^>]+)>/.exec(mail?.headers['list-unsubscribe'] ?? '')?.[1] ?? '';
    expect(link).toMatch(/\/u\/[A-Za-z0-9_-]{38}$/);
    expect(mail?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    // The text part may be quoted-printable: undo its soft line breaks before looking for the link.
    expect(mail?.body.replace(/=\r\n/g, '').replace(/=3D/g, '=')).toContain(link);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Unsubscribe');
    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const member = await db
      .selectFrom('members')
      .select(['email_consent', 'sms_consent'])
      .where('id', '=', memberId)
      .executeTakeFirstOrThrow();
    expect(member).toEqual({ email_consent: 'revoked', sms_consent: 'none' });
    const later = await db.selectFrom('messages').select('state').where('subject', '=', 'Update 2').executeTakeFirstOrThrow();
    expect(later.state).toBe('cancelled');
    // The landing-page token of a tracked link is keyed apart: it cannot unsubscribe anyone.
    const forged = await fetch(link.replace(/\/u\/.*/, '/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), { method: 'POST' });
    expect(forged.status).toBe(404);
  });

  it('SMPP: a broadcast goes out over a bind and delivery receipts mark it delivered; a text from a phone arrives', async () => {
    const s = await listeningApp(dialect);
    cleanups.push(s.close);
    const smsc = await startFakeSmsc({ systemId: 'groundswell', password: 'secret1', receiptDelayMs: 20 });
    cleanups.push(() => smsc.close());
    const { senderId } = await addAccount(s, {
      provider: 'smpp',
      name: 'SMPP',
      credentials: { host: smsc.host, port: smsc.port, systemId: 'groundswell', password: 'secret1' },
    });
    const broadcastId = await broadcastTo(s, senderId);
    const dispatcher = s.t.messaging.createDispatcher();
    expect(await dispatcher.runOnce()).toBe(3);
    expect(smsc.submits.map((x) => x.destinationAddr).sort()).toEqual(PHONES.map((p) => p.slice(1)).sort());
    await eventually(async () => (await statsOf(s.t.database.db, broadcastId)).delivered === 3, 'SMPP receipts');
    const answer = await smsc.sendInbound(PHONES[2] as string, SENDER, 'stop');
    expect(answer).toBe(0);
    await s.t.runJobs();
    const member = await s.t.database.db
      .selectFrom('members')
      .select('sms_consent')
      .where('phone', '=', PHONES[2] as string)
      .executeTakeFirstOrThrow();
    expect(member.sms_consent).toBe('revoked');
  });
});
