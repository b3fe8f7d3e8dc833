import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTwilio, startFakeTwilio, twilioSignature } from '../../../test/fakes/twilio.ts';
import { createTestClock } from '../../../test/helpers/clock.ts';
import { type AdapterContext, type OutboundSms, ProviderError, type SmsAdapter, type WebhookRequest } from './contract.ts';
import { createTwilioAdapter, twilioCredentials } from './twilio.ts';

/** A stand-in for our webhook route: records what the provider posts, as the route hands it to the adapter. */
async function startReceiver() {
  const requests: WebhookRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(rawBody))
        : {};
      requests.push({ url: `${base}${req.url}`, headers, rawBody, form });
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const clock = createTestClock();
const context: AdapterContext = {
  accountId: 7,
  sink: { status: async () => {}, inbound: async () => {} },
  logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  now: clock.now,
};

let fake: FakeTwilio;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let adapter: SmsAdapter;

const outbound = (overrides: Partial<OutboundSms> = {}): OutboundSms => ({
  messageId: 42,
  from: '+15125550100',
  senderKind: 'long_code',
  to: '+15125550123',
  body: 'Rally at City Hall, 6pm. Reply STOP to opt out.',
  mediaUrls: [],
  validUntil: null,
  statusCallbackUrl: `${receiver.base}/webhooks/sms/twilio/key123/status?m=42`,
  ...overrides,
});

async function sendError(message: OutboundSms, target = adapter): Promise<ProviderError> {
  const error = await target.send(message).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(async () => {
  fake = await startFakeTwilio();
  adapter = createTwilioAdapter(
    { baseUrl: fake.url, credentials: { accountSid: fake.accountSid, authToken: fake.authToken }, timeoutMs: 500 },
    context,
  );
  receiver.requests.length = 0;
});
afterEach(async () => {
  await fake.close();
});

describe('Twilio credentials', () => {
  it('explains a malformed Account SID and a short auth token', () => {
    const result = twilioCredentials.safeParse({ accountSid: 'SK123', authToken: 'short' });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages.some((text) => text.startsWith('accountSid: must be the Account SID'))).toBe(true);
    expect(messages.some((text) => text.startsWith('authToken:'))).toBe(true);
  });
});

describe('Twilio send', () => {
  it('posts the message form with basic auth and returns the message SID', async () => {
    const result = await adapter.send(
      outbound({ mediaUrls: ['https://example.org/a.jpg', 'https://example.org/b.png'], validUntil: clock.now() + 2 * 3_600_000 }),
    );
    const [received] = fake.messages;
    expect(result.providerId).toBe(received?.sid);
    expect(received).toMatchObject({
      accountSid: fake.accountSid,
      to: '+15125550123',
      from: '+15125550100',
      messagingServiceSid: null,
      body: 'Rally at City Hall, 6pm. Reply STOP to opt out.',
      mediaUrls: ['https://example.org/a.jpg', 'https://example.org/b.png'],
      statusCallback: `${receiver.base}/webhooks/sms/twilio/key123/status?m=42`,
      validityPeriod: 7200,
    });
  });

  it('sends through a messaging service by its SID instead of a From number', async () => {
    await adapter.send(outbound({ from: 'MG0123456789abcdef0123456789abcdef', senderKind: 'messaging_service' }));
    expect(fake.messages[0]).toMatchObject({ from: null, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' });
  });

  it('caps the validity period at Twilio’s ten hours and leaves it out without a quiet-hours limit', async () => {
    await adapter.send(outbound({ validUntil: clock.now() + 20 * 3_600_000 }));
    await adapter.send(outbound());
    expect(fake.messages.map((message) => message.validityPeriod)).toEqual([36_000, null]);
  });

  it('does not send once the delivery window has closed', async () => {
    const error = await sendError(outbound({ validUntil: clock.now() - 1000 }));
    expect(error.kind).toBe('retryable');
    expect(fake.stats.requests).toBe(0);
  });

  it('reports rejected credentials as an auth failure', async () => {
    const wrong = createTwilioAdapter(
      { baseUrl: fake.url, credentials: { accountSid: fake.accountSid, authToken: 'not-the-right-token' } },
      context,
    );
    const error = await sendError(outbound(), wrong);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'auth', code: '20003' });
  });

  it('reports an invalid or landline number as permanent, with Twilio’s code', async () => {
    fake.failTo('+15125550999', { status: 400, code: 21614, message: "'To' number +15125550999 is not a valid mobile number" });
    const error = await sendError(outbound({ to: '+15125550999' }));
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'permanent', code: '21614' });
    expect(error.message).not.toContain('5550999');
    await expect(adapter.send(outbound())).resolves.toMatchObject({ providerId: expect.stringMatching(/^SM/) });
  });

  it('reports an unsubscribed recipient (21610) as opted out', async () => {
    fake.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const error = await sendError(outbound());
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'opted_out', code: '21610' });
  });

  it('reports 429 as rate limited with the Retry-After delay', async () => {
    fake.throttleNext(1, 3);
    const error = await sendError(outbound());
    expect({ kind: error.kind, code: error.code, retryAfterMs: error.retryAfterMs }).toEqual({
      kind: 'rate_limited',
      code: '20429',
      retryAfterMs: 3000,
    });
  });

  it('reports a server error as retryable', async () => {
    fake.failNext(1, { status: 503, code: 20503, message: 'Service unavailable' });
    expect((await sendError(outbound())).kind).toBe('retryable');
  });

  it('reports a connection dropped after the request was sent as unknown, never as not sent', async () => {
    fake.dropNext(1);
    const error = await sendError(outbound());
    expect(error.kind).toBe('unknown');
    expect(fake.stats.dropped).toBe(1);
  });

  it('reports a send that gets no answer in time as unknown', async () => {
    fake.latencyMs = 3000;
    expect((await sendError(outbound())).kind).toBe('unknown');
  });

  it('reports a refused connection as retryable, and sends again once Twilio is back', async () => {
    await fake.refuseConnections(true);
    expect((await sendError(outbound())).kind).toBe('retryable');
    await fake.refuseConnections(false);
    await expect(adapter.send(outbound())).resolves.toMatchObject({ providerId: expect.stringMatching(/^SM/) });
  });

  it('does not call Twilio when the send was cancelled before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await sendError(outbound({ signal: controller.signal }))).kind).toBe('retryable');
    expect(fake.stats.requests).toBe(0);
  });

  it('keeps up with many concurrent sends', async () => {
    fake.latencyMs = 20;
    // The default timeout: what is checked is that every send gets its own answer, not how fast 300 of them get one.
    const patient = createTwilioAdapter(
      { baseUrl: fake.url, credentials: { accountSid: fake.accountSid, authToken: fake.authToken } },
      context,
    );
    const results = await Promise.all(Array.from({ length: 300 }, (_, index) => patient.send(outbound({ messageId: index }))));
    expect(new Set(results.map((result) => result.providerId)).size).toBe(300);
    expect(fake.stats.accepted).toBe(300);
  });
});

describe('Twilio webhooks', () => {
  it('verifies and reads signed status callbacks, identifying our message by the callback URL', async () => {
    const { providerId } = await adapter.send(outbound());
    const answers = await fake.deliver(providerId);
    expect(answers).toEqual([200, 200, 200]);
    expect(receiver.requests).toHaveLength(3);
    for (const request of receiver.requests) {
      expect(adapter.verifyWebhook(request)).toBe(true);
      expect(adapter.parseInbound(request)).toEqual([]);
    }
    const updates = receiver.requests.flatMap((request) => adapter.parseStatus(request));
    expect(updates.map((update) => [update.providerStatus, update.status])).toEqual([
      ['queued', 'sent'],
      ['sent', 'sent'],
      ['delivered', 'delivered'],
    ]);
    expect(updates[2]).toEqual({
      providerId,
      messageId: 42,
      status: 'delivered',
      providerStatus: 'delivered',
      errorCode: null,
      optedOut: false,
      occurredAt: clock.now(),
    });
  });

  it('reports an undelivered message with its error code, and 21610 as an opt-out', async () => {
    const first = await adapter.send(outbound());
    await fake.deliver(first.providerId, { status: 'undelivered', errorCode: 30006 });
    const second = await adapter.send(outbound({ messageId: 43, statusCallbackUrl: `${receiver.base}/status?m=43` }));
    await fake.deliver(second.providerId, { status: 'failed', errorCode: 21610 });
    const finals = receiver.requests.flatMap((request) => adapter.parseStatus(request)).filter((update) => update.status === 'failed');
    expect(
      finals.map(({ messageId, providerStatus, errorCode, optedOut }) => ({ messageId, providerStatus, errorCode, optedOut })),
    ).toEqual([
      { messageId: 42, providerStatus: 'undelivered', errorCode: '30006', optedOut: false },
      { messageId: 43, providerStatus: 'failed', errorCode: '21610', optedOut: true },
    ]);
  });

  it('rejects a callback whose body was altered, that names another URL, or that is unsigned', async () => {
    const { providerId } = await adapter.send(outbound());
    await fake.deliver(providerId);
    const request = receiver.requests[2] as WebhookRequest;
    expect(adapter.verifyWebhook(request)).toBe(true);
    expect(adapter.verifyWebhook({ ...request, form: { ...request.form, MessageStatus: 'failed' } })).toBe(false);
    expect(adapter.verifyWebhook({ ...request, url: request.url.replace('m=42', 'm=43') })).toBe(false);
    expect(adapter.verifyWebhook({ ...request, headers: { ...request.headers, 'x-twilio-signature': undefined } })).toBe(false);
    const otherAccount = createTwilioAdapter(
      { baseUrl: fake.url, credentials: { accountSid: fake.accountSid, authToken: 'another-accounts-token' } },
      context,
    );
    expect(otherAccount.verifyWebhook(request)).toBe(false);
  });

  it('accepts a signature over the public URL when the proxy writes out or drops the default port', () => {
    const form = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    const signed = (url: string): WebhookRequest => ({
      url,
      headers: { 'x-twilio-signature': twilioSignature(fake.authToken, 'https://civic.example.org/webhooks/status?m=9', form) },
      rawBody: new URLSearchParams(form).toString(),
      form,
    });
    expect(adapter.verifyWebhook(signed('https://civic.example.org/webhooks/status?m=9'))).toBe(true);
    expect(adapter.verifyWebhook(signed('https://civic.example.org:443/webhooks/status?m=9'))).toBe(true);
    expect(adapter.verifyWebhook(signed('https://civic.example.org:8443/webhooks/status?m=9'))).toBe(false);
  });

  it('reads a signed inbound text with its media, and finds no status in it', async () => {
    const { sid, status } = await fake.sendInbound('+15125550123', '+15125550100', 'STOP', {
      url: `${receiver.base}/webhooks/sms/twilio/key123/inbound`,
      mediaUrls: ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1'],
    });
    expect(status).toBe(200);
    expect(fake.callbacks.at(-1)).toMatchObject({ kind: 'inbound', status: 200 });
    const request = receiver.requests[0] as WebhookRequest;
    expect(adapter.verifyWebhook(request)).toBe(true);
    expect(adapter.parseStatus(request)).toEqual([]);
    expect(adapter.parseInbound(request)).toEqual([
      {
        providerId: sid,
        from: '+15125550123',
        to: '+15125550100',
        body: 'STOP',
        mediaUrls: ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1'],
        receivedAt: clock.now(),
      },
    ]);
  });

  it('posts status callbacks on its own when asked to, with the outcome set for a number', async () => {
    fake.autoDeliver = true;
    fake.outcomeFor('+15125550199', { status: 'undelivered', errorCode: 30006 });
    await adapter.send(outbound());
    await adapter.send(outbound({ to: '+15125550199', statusCallbackUrl: `${receiver.base}/status?m=44` }));
    await fake.idle();
    const finals = receiver.requests
      .flatMap((request) => adapter.parseStatus(request))
      .filter((update) => update.status !== 'sent')
      .map((update) => [update.messageId, update.status]);
    expect(finals.sort()).toEqual([
      [42, 'delivered'],
      [44, 'failed'],
    ]);
    expect(fake.stats.acknowledged).toBe(6);
  });
});
