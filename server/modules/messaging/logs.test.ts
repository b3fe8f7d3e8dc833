import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTwilio } from '../../../test/fakes/twilio.ts';
import { buildTestApp, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { consentingMember, defaultSender, eventually, queueMessages, sendingBroadcast, statsOf } from '../../../test/helpers/messaging.ts';
import { freePort } from '../../../test/helpers/net.ts';

// Phone numbers, message bodies and provider secrets never reach the logs (DESIGN.md §5; the logs go to places with
// weaker protection than the database). The whole texting path runs at the most verbose level and every line is read.

const PHONES = ['+15125550411', '+15125550412'];
const BODY = 'Secret rally plan: meet at the north gate';

describe('logs of the texting path', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('never contain a phone number, a message body or a provider secret', async () => {
    const lines: string[] = [];
    const port = await freePort();
    t = await buildTestApp({
      env: { PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'trace' },
      logs: { write: (line) => void lines.push(line) },
    });
    await t.app.listen({ host: '127.0.0.1', port });
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const db = t.database.db;
    const twilio = await startFakeTwilio({ autoDeliver: true });
    try {
      const ids: number[] = [];
      for (const phone of PHONES) ids.push(await consentingMember(db, { workspaceId: ws, phone, now: t.clock.now() }));
      // The simulator path: a broadcast message, a STOP, its confirmation.
      const sim = await defaultSender(db, ws);
      await queueMessages(db, {
        workspaceId: ws,
        senderId: sim.id,
        from: sim.address,
        broadcastId: null,
        recipients: [{ memberId: ids[0] ?? null, to: PHONES[0] as string }],
        body: BODY,
        now: t.clock.now(),
      });
      await t.messaging.createDispatcher().runOnce();
      const stop = await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/simulator/inbound`,
        payload: { from: PHONES[0], body: 'STOP' },
      });
      expect(stop.statusCode).toBe(202);
      await t.runJobs();
      await t.messaging.createDispatcher().runOnce();
      // The Twilio path: credentials through the API, a send, signed callbacks, a forged callback, an inbound text.
      const account = await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/channel-accounts`,
        payload: {
          provider: 'twilio',
          name: 'Twilio',
          baseUrl: twilio.url,
          credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
        },
      });
      expect(account.statusCode).toBe(201);
      const sender = await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/senders`,
        payload: { channelAccountId: account.json().id, kind: 'long_code', address: '+15125550499', isDefault: true },
      });
      const senderId = sender.json().id as number;
      const broadcastId = await sendingBroadcast(db, { workspaceId: ws, senderId, now: t.clock.now() });
      await queueMessages(db, {
        workspaceId: ws,
        senderId,
        from: '+15125550499',
        broadcastId,
        recipients: [{ memberId: ids[1] ?? null, to: PHONES[1] as string }],
        body: BODY,
        now: t.clock.now(),
      });
      await t.messaging.createDispatcher().runOnce();
      await twilio.idle();
      await eventually(async () => (await statsOf(db, broadcastId)).delivered === 1, 'the delivery report');
      const forged = await fetch(`${account.json().webhookUrl}?m=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
        body: `MessageSid=SM1&MessageStatus=delivered&To=${encodeURIComponent(PHONES[1] as string)}`,
      });
      expect(forged.status).toBe(403);
      await twilio.sendInbound(PHONES[1] as string, '+15125550499', `${BODY} reply`, { url: account.json().webhookUrl });
      await t.runJobs();
    } finally {
      await twilio.close();
    }

    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    for (const phone of [...PHONES, '+15125550499']) {
      expect(text).not.toContain(phone);
      expect(text).not.toContain(phone.slice(2)); // 5125550411, as some providers write it
    }
    expect(text).not.toContain(BODY);
    expect(text).not.toContain(twilio.authToken);
  });
});
