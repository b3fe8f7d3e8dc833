import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelnyx, startFakeTelnyx } from '../../../test/fakes/telnyx.ts';
import { createTestClock } from '../../../test/helpers/clock.ts';
import { type AdapterContext, type OutboundSms, ProviderError, type SmsAdapter, type WebhookRequest } from './contract.ts';
import { createTelnyxAdapter, telnyxCredentials } from './telnyx.ts';

/** A stand-in for our webhook route: records what the provider posts, as the route hands it to the adapter. */
async function startReceiver() {
  const requests: WebhookRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      requests.push({ url: `${base}${req.url}`, headers, rawBody: Buffer.concat(chunks).toString('utf8'), form: {} });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const clock = createTestClock();
const context: AdapterContext = {
  accountId: 9,
  sink: { status: async () => {}, inbound: async () => {} },
  logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  now: clock.now,
};

let fake: FakeTelnyx;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let adapter: SmsAdapter;

const adapterFor = (credentials: Partial<{ apiKey: string; publicKey: string; messagingProfileId: string }> = {}, now = clock.now) =>
  createTelnyxAdapter(
    { baseUrl: fake.url, credentials: { apiKey: fake.apiKey, publicKey: fake.publicKey, ...credentials }, timeoutMs: 500 },
    { ...context, now },
  );

const outbound = (overrides: Partial<OutboundSms> = {}): OutboundSms => ({
  messageId: 42,
  from: '+15125550100',
  senderKind: 'long_code',
  to: '+15125550123',
  body: 'Rally at City Hall, 6pm. Reply STOP to opt out.',
  mediaUrls: [],
  validUntil: null,
  statusCallbackUrl: `${receiver.base}/webhooks/sms/telnyx/key123/status?m=42`,
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
  clock.set(Date.parse('2026-11-22T15:00:00Z'));
  fake = await startFakeTelnyx({ now: clock.now });
  adapter = adapterFor();
  receiver.requests.length = 0;
});
afterEach(async () => {
  await fake.close();
});

describe('Telnyx credentials', () => {
  it('accepts the base64 public key Mission Control shows and refuses anything else', () => {
    expect(telnyxCredentials.safeParse({ apiKey: fake.apiKey, publicKey: fake.publicKey }).success).toBe(true);
    const result = telnyxCredentials.safeParse({ apiKey: fake.apiKey, publicKey: Buffer.alloc(16).toString('base64') });
    expect(result.error?.issues[0]?.message).toMatch(/^must be the webhook public key/);
  });
});

describe('Telnyx send', () => {
  it('posts the message as JSON with the bearer key and returns the message id', async () => {
    const result = await adapter.send(outbound({ mediaUrls: ['https://example.org/a.jpg'] }));
    const [received] = fake.messages;
    expect(result.providerId).toBe(received?.id);
    expect(received?.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(received?.request).toEqual({
      to: '+15125550123',
      from: '+15125550100',
      text: 'Rally at City Hall, 6pm. Reply STOP to opt out.',
      media_urls: ['https://example.org/a.jpg'],
      webhook_url: `${receiver.base}/webhooks/sms/telnyx/key123/status?m=42`,
    });
  });

  it('sends through a messaging profile’s number pool without a From number', async () => {
    await adapter.send(outbound({ from: '40017a3c-8e5d-4b7b-9c4e-0123456789ab', senderKind: 'messaging_service' }));
    expect(fake.messages[0]?.request).toMatchObject({ messaging_profile_id: '40017a3c-8e5d-4b7b-9c4e-0123456789ab' });
    expect(fake.messages[0]?.request).not.toHaveProperty('from');
  });

  it('names the account’s messaging profile for an alphanumeric sender', async () => {
    await adapterFor({ messagingProfileId: 'profile-1' }).send(outbound({ from: 'CLIMATE', senderKind: 'alphanumeric' }));
    expect(fake.messages[0]?.request).toMatchObject({ from: 'CLIMATE', messaging_profile_id: 'profile-1' });
  });

  it('does not send once the delivery window has closed', async () => {
    expect((await sendError(outbound({ validUntil: clock.now() - 1 }))).kind).toBe('retryable');
    expect(fake.stats.requests).toBe(0);
  });

  it('reports a rejected API key as an auth failure', async () => {
    const error = await sendError(outbound(), adapterFor({ apiKey: 'KEY-not-the-right-one' }));
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'auth', code: '10009' });
  });

  it('reports an invalid number as permanent, with Telnyx’s code', async () => {
    fake.failTo('+15125550999', { status: 422, code: '40310', title: "Invalid 'to' address" });
    const error = await sendError(outbound({ to: '+15125550999' }));
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'permanent', code: '40310' });
  });

  it('reports a recipient who texted STOP (40300) as opted out', async () => {
    fake.failNext(1, { status: 422, code: '40300', title: 'Blocked due to STOP message' });
    const error = await sendError(outbound());
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'opted_out', code: '40300' });
  });

  it('reports 429 as rate limited with the Retry-After delay', async () => {
    fake.throttleNext(1, 2);
    const error = await sendError(outbound());
    expect({ kind: error.kind, retryAfterMs: error.retryAfterMs }).toEqual({ kind: 'rate_limited', retryAfterMs: 2000 });
  });

  it('reports a server error as retryable', async () => {
    fake.failNext(1, { status: 500 });
    expect((await sendError(outbound())).kind).toBe('retryable');
  });

  it('reports a connection dropped after the request was sent as unknown', async () => {
    fake.dropNext(1);
    expect((await sendError(outbound())).kind).toBe('unknown');
  });

  it('reports a send that gets no answer in time as unknown', async () => {
    fake.latencyMs = 3000;
    expect((await sendError(outbound())).kind).toBe('unknown');
  });

  it('reports a refused connection as retryable, and sends again once Telnyx is back', async () => {
    await fake.refuseConnections(true);
    expect((await sendError(outbound())).kind).toBe('retryable');
    await fake.refuseConnections(false);
    await expect(adapter.send(outbound())).resolves.toMatchObject({ providerId: expect.any(String) });
  });
});

describe('Telnyx webhooks', () => {
  it('verifies and reads signed delivery events, identifying our message by the webhook URL', async () => {
    const { providerId } = await adapter.send(outbound());
    expect(await fake.deliver(providerId)).toEqual([200, 200]);
    for (const request of receiver.requests) {
      expect(adapter.verifyWebhook(request)).toBe(true);
      expect(adapter.parseInbound(request)).toEqual([]);
    }
    const updates = receiver.requests.flatMap((request) => adapter.parseStatus(request));
    expect(updates).toEqual([
      { providerId, messageId: 42, status: 'sent', providerStatus: 'sent', errorCode: null, optedOut: false, occurredAt: clock.now() },
      {
        providerId,
        messageId: 42,
        status: 'delivered',
        providerStatus: 'delivered',
        errorCode: null,
        optedOut: false,
        occurredAt: clock.now(),
      },
    ]);
  });

  it('reports failed deliveries with their code, 40300 as an opt-out, and an unconfirmed delivery as still sent', async () => {
    const failed = await adapter.send(outbound());
    await fake.deliver(failed.providerId, { status: 'delivery_failed', errorCode: '40300', title: 'Blocked due to STOP message' });
    const rejected = await adapter.send(outbound({ messageId: 43, statusCallbackUrl: `${receiver.base}/status?m=43` }));
    await fake.deliver(rejected.providerId, { status: 'sending_failed', errorCode: '40008' });
    const unconfirmed = await adapter.send(outbound({ messageId: 44, statusCallbackUrl: `${receiver.base}/status?m=44` }));
    await fake.deliver(unconfirmed.providerId, { status: 'delivery_unconfirmed' });
    const finals = receiver.requests
      .filter((request) => request.rawBody.includes('message.finalized'))
      .flatMap((request) => adapter.parseStatus(request))
      .map(({ messageId, status, providerStatus, errorCode, optedOut }) => ({ messageId, status, providerStatus, errorCode, optedOut }));
    expect(finals).toEqual([
      { messageId: 42, status: 'failed', providerStatus: 'delivery_failed', errorCode: '40300', optedOut: true },
      { messageId: 43, status: 'failed', providerStatus: 'sending_failed', errorCode: '40008', optedOut: false },
      { messageId: 44, status: 'sent', providerStatus: 'delivery_unconfirmed', errorCode: null, optedOut: false },
    ]);
  });

  it('rejects a webhook that was altered, signed by another key, or replayed more than five minutes later', async () => {
    const { providerId } = await adapter.send(outbound());
    await fake.deliver(providerId);
    const request = receiver.requests[1] as WebhookRequest;
    expect(adapter.verifyWebhook(request)).toBe(true);
    expect(adapter.verifyWebhook({ ...request, rawBody: request.rawBody.replace('"delivered"', '"delivery_failed"') })).toBe(false);
    const timestamp = Number(request.headers['telnyx-timestamp']);
    expect(adapter.verifyWebhook({ ...request, headers: { ...request.headers, 'telnyx-timestamp': String(timestamp + 1) } })).toBe(false);
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
    expect(adapterFor({ publicKey: otherKey }).verifyWebhook(request)).toBe(false);
    expect(adapterFor({}, () => clock.now() + 6 * 60_000).verifyWebhook(request)).toBe(false);
    expect(adapterFor({}, () => clock.now() + 4 * 60_000).verifyWebhook(request)).toBe(true);
    const stale = { ...request, headers: { ...request.headers, ...fake.signatureHeaders(request.rawBody, timestamp - 301) } };
    expect(adapter.verifyWebhook(stale)).toBe(false);
  });

  it('reads a signed inbound text with its media, and finds no status in it', async () => {
    const { id, status } = await fake.sendInbound('+15125550123', '+15125550100', 'STOP', {
      url: `${receiver.base}/webhooks/sms/telnyx/key123/inbound`,
      mediaUrls: ['https://media.telnyx.example/abc.jpg'],
    });
    expect(status).toBe(200);
    expect(fake.callbacks.at(-1)).toMatchObject({ kind: 'inbound', eventType: 'message.received', status: 200 });
    const request = receiver.requests[0] as WebhookRequest;
    expect(adapter.verifyWebhook(request)).toBe(true);
    expect(adapter.parseStatus(request)).toEqual([]);
    expect(adapter.parseInbound(request)).toEqual([
      {
        providerId: id,
        from: '+15125550123',
        to: '+15125550100',
        body: 'STOP',
        mediaUrls: ['https://media.telnyx.example/abc.jpg'],
        receivedAt: clock.now(),
      },
    ]);
  });

  it('posts delivery events on its own when asked to', async () => {
    fake.autoDeliver = true;
    fake.outcomeFor('+15125550199', { status: 'delivery_failed', errorCode: '40002' });
    await adapter.send(outbound());
    await adapter.send(outbound({ to: '+15125550199', statusCallbackUrl: `${receiver.base}/status?m=45` }));
    await fake.idle();
    const finals = receiver.requests
      .flatMap((request) => adapter.parseStatus(request))
      .filter((update) => update.status !== 'sent')
      .map((update) => [update.messageId, update.status, update.errorCode]);
    expect(finals.sort()).toEqual([
      [42, 'delivered', null],
      [45, 'failed', '40002'],
    ]);
    expect(fake.stats.acknowledged).toBe(4);
  });

  it('finds nothing in a body that is not a Telnyx event', () => {
    const request: WebhookRequest = { url: `${receiver.base}/status?m=1`, headers: {}, rawBody: 'not json', form: {} };
    expect(adapter.verifyWebhook(request)).toBe(false);
    expect(adapter.parseStatus(request)).toEqual([]);
    expect(adapter.parseInbound(request)).toEqual([]);
  });
});
