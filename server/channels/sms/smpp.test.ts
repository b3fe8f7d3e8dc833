import { createServer } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSmsc, startFakeSmsc } from '../../../test/fakes/smpp.ts';
import type { AdapterContext, InboundSms, OutboundSms, SmsAdapter, StatusUpdate } from './contract.ts';
import { ProviderError } from './contract.ts';
import { createSmppAdapter, smppCredentials } from './smpp.ts';

type RecordingSink = AdapterContext['sink'] & { statuses: StatusUpdate[]; texts: InboundSms[] };

function recordingSink(): RecordingSink {
  const statuses: StatusUpdate[] = [];
  const texts: InboundSms[] = [];
  return {
    statuses,
    texts,
    status: async (_accountId, updates) => {
      statuses.push(...updates);
    },
    inbound: async (_accountId, messages) => {
      texts.push(...messages);
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeSmsc(options: Parameters<typeof startFakeSmsc>[0] = {}): Promise<FakeSmsc> {
  const smsc = await startFakeSmsc({ systemId: 'gs', password: 'secret', ...options });
  cleanups.push(() => smsc.close());
  return smsc;
}

function adapterFor(
  target: { host: string; port: number },
  options: { password?: string; settings?: Record<string, unknown>; sink?: AdapterContext['sink'] } = {},
): { adapter: SmsAdapter; sink: RecordingSink } {
  const sink = recordingSink();
  const adapter = createSmppAdapter(
    {
      credentials: smppCredentials.parse({
        host: target.host,
        port: String(target.port),
        systemId: 'gs',
        password: options.password ?? 'secret',
      }),
      settings: { responseTimeoutMs: 2000, reconnectMs: 20, reconnectMaxMs: 100, ...options.settings },
    },
    { accountId: 7, sink: options.sink ?? sink, logger: pino({ level: 'silent' }), now: () => Date.parse('2026-11-23T10:00:00Z') },
  );
  cleanups.push(() => adapter.close());
  return { adapter, sink };
}

const message = (overrides: Partial<OutboundSms> = {}): OutboundSms => ({
  messageId: 1,
  from: '+15550001111',
  senderKind: 'long_code',
  to: '+15557654321',
  body: 'Rally at noon',
  mediaUrls: [],
  validUntil: null,
  statusCallbackUrl: 'http://127.0.0.1/unused',
  ...overrides,
});

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function sendError(adapter: SmsAdapter, sms: OutboundSms): Promise<ProviderError> {
  const error = await adapter.send(sms).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('SMPP adapter', () => {
  it('binds, submits with receipts requested and reports the delivery receipt to the sink', async () => {
    const smsc = await fakeSmsc();
    const { adapter, sink } = adapterFor(smsc);
    const validUntil = Date.parse('2026-11-23T21:00:00Z');

    const result = await adapter.send(message({ validUntil }));

    const [submit] = smsc.submits;
    expect(submit).toMatchObject({
      messageId: result.providerId,
      sourceAddr: '15550001111',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: '15557654321',
      destAddrTon: 1,
      destAddrNpi: 1,
      registeredDelivery: 1,
      dataCoding: 0,
      text: 'Rally at noon',
      viaPayload: false,
    });
    expect(submit?.validityPeriod?.getTime()).toBe(validUntil);
    await until(() => smsc.deliverResponses.length === 1, 'the receipt to be acknowledged');
    expect(sink.statuses).toEqual([
      {
        providerId: result.providerId,
        messageId: null,
        status: 'delivered',
        providerStatus: 'DELIVRD',
        errorCode: null,
        optedOut: false,
        occurredAt: Date.parse('2026-11-23T10:00:00Z'),
      },
    ]);
    expect(smsc.deliverResponses).toEqual([{ kind: 'receipt', commandStatus: 0 }]);
  });

  it('reports undelivered messages as failed with the receipt error, reading the receipt TLVs', async () => {
    const smsc = await fakeSmsc({ receiptTlvs: true });
    smsc.setReceipt('+15557654321', { stat: 'UNDELIV', err: '001' });
    const { adapter, sink } = adapterFor(smsc);

    const { providerId } = await adapter.send(message());

    await until(() => sink.statuses.length === 1, 'the receipt');
    expect(sink.statuses[0]).toMatchObject({ providerId, status: 'failed', providerStatus: 'UNDELIV', errorCode: '001' });
  });

  it('addresses alphanumeric and short-code senders by their type of number', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc);

    await adapter.send(message({ from: 'Groundswell', senderKind: 'alphanumeric' }));
    await adapter.send(message({ from: '72345', senderKind: 'short_code' }));

    expect(smsc.submits.map((submit) => [submit.sourceAddr, submit.sourceAddrTon])).toEqual([
      ['Groundswell', 5],
      ['72345', 3],
    ]);
  });

  it('sends non-GSM text as UCS-2 and long text whole in message_payload', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc);
    const long = `Vote on Tuesday { polls open at 7 } ${'and bring a friend '.repeat(10)}`;

    await adapter.send(message({ body: 'Марш в 12:00 ✊' }));
    await adapter.send(message({ body: long }));

    expect(smsc.submits.map(({ dataCoding, text, viaPayload }) => ({ dataCoding, text, viaPayload }))).toEqual([
      { dataCoding: 8, text: 'Марш в 12:00 ✊', viaPayload: false },
      { dataCoding: 0, text: long, viaPayload: true },
    ]);
  });

  it('hands texts from phones to the sink and acknowledges them only after the sink resolves', async () => {
    const smsc = await fakeSmsc();
    const received: InboundSms[] = [];
    let release = () => {};
    const sinkCalled = Promise.withResolvers<void>();
    const sink: AdapterContext['sink'] = {
      status: async () => {},
      inbound: async (accountId, messages) => {
        expect(accountId).toBe(7);
        received.push(...messages);
        sinkCalled.resolve();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    const { adapter } = adapterFor(smsc, { sink });
    await adapter.send(message());

    const acknowledged = smsc.sendInbound('+15557654321', '+15550001111', 'Привет, I am in');
    await sinkCalled.promise;
    // Anything written before this submit_sm on the same connection reaches the SMSC first.
    await adapter.send(message({ body: 'ping' }));
    expect(smsc.deliverResponses.filter((response) => response.kind === 'inbound')).toEqual([]);
    release();

    expect(await acknowledged).toBe(0);
    expect(received).toEqual([
      {
        providerId: expect.stringMatching(/^smpp-mo-[0-9a-f]{32}$/),
        from: '+15557654321',
        to: '+15550001111',
        body: 'Привет, I am in',
        mediaUrls: [],
        receivedAt: Date.parse('2026-11-23T10:00:00Z'),
      },
    ]);
  });

  it('asks the SMSC to redeliver when the sink fails', async () => {
    const smsc = await fakeSmsc();
    const sink: AdapterContext['sink'] = {
      status: async () => {},
      inbound: async () => {
        throw new Error('database unavailable');
      },
    };
    const { adapter } = adapterFor(smsc, { sink });
    await adapter.send(message());

    expect(await smsc.sendInbound('+15557654321', '+15550001111', 'YES')).toBe(0x64);
  });

  it('maps refused credentials to auth', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc, { password: 'wrong' });

    const error = await sendError(adapter, message());

    expect(error).toMatchObject({ kind: 'auth', code: '0x0000000E' });
    expect(smsc.submits).toEqual([]);
  });

  it('maps throttling to rate_limited and a full queue to retryable', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc);

    smsc.throttleNext(1);
    expect(await sendError(adapter, message())).toMatchObject({ kind: 'rate_limited', code: '0x00000058' });
    smsc.failDestination('+15557654321', 0x14);
    expect(await sendError(adapter, message())).toMatchObject({ kind: 'retryable', code: '0x00000014' });
  });

  it('maps an invalid destination to permanent with the command status', async () => {
    const smsc = await fakeSmsc();
    smsc.failDestination('+15550000000', 0x0b);
    const { adapter } = adapterFor(smsc);

    const error = await sendError(adapter, message({ to: '+15550000000' }));

    expect(error).toMatchObject({ kind: 'permanent', code: '0x0000000B' });
    await expect(adapter.send(message())).resolves.toEqual({ providerId: expect.any(String) });
  });

  it('reports unknown when the connection drops before the answer, then reconnects and sends again', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc);
    await adapter.send(message());

    smsc.dropOnNextSubmit();
    expect(await sendError(adapter, message())).toMatchObject({ kind: 'unknown' });

    await expect(adapter.send(message())).resolves.toEqual({ providerId: expect.any(String) });
    expect(smsc.stats.binds).toBe(2);
  });

  it('reconnects after the SMSC drops the connection', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc);
    await adapter.send(message());

    smsc.dropConnections();
    await until(() => smsc.stats.binds === 2, 'a second bind');

    await expect(adapter.send(message())).resolves.toEqual({ providerId: expect.any(String) });
  });

  it('fails with retryable when no SMSC can be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const { adapter } = adapterFor({ host: '127.0.0.1', port: closedPort }, { settings: { responseTimeoutMs: 200 } });

    expect(await sendError(adapter, message())).toMatchObject({ kind: 'retryable' });
  });

  it('keeps at most windowSize submit_sm outstanding', async () => {
    const smsc = await fakeSmsc();
    smsc.setLatency(50);
    const { adapter } = adapterFor(smsc, { settings: { windowSize: 3 } });

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => adapter.send(message({ messageId: i + 1 }))));

    expect(new Set(results.map((result) => result.providerId)).size).toBe(10);
    expect(smsc.stats.maxOutstanding).toBe(3);
  });

  it('keeps the bind alive with enquire_link and answers the SMSC’s', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc, { settings: { enquireLinkMs: 100 } });
    await adapter.send(message());

    await until(() => smsc.stats.enquireLinks >= 2, 'enquire_link from the adapter');
    expect(await smsc.enquireLink()).toBe(0);
  });

  it('unbinds on close and sends nothing afterwards', async () => {
    const smsc = await fakeSmsc();
    const { adapter } = adapterFor(smsc);
    await adapter.send(message());

    await adapter.close();

    expect(smsc.stats.unbinds).toBe(1);
    expect(await sendError(adapter, message())).toMatchObject({ kind: 'retryable' });
    expect(smsc.stats.binds).toBe(1);
  });

  it('accepts SMPP 3.4 credential lengths and rejects longer ones', () => {
    const valid = { host: 'smpp.example.net', port: '2775', systemId: 'a'.repeat(15), password: 'b'.repeat(8) };
    expect(smppCredentials.parse(valid)).toMatchObject({ port: 2775 });
    expect(smppCredentials.safeParse({ ...valid, systemId: 'a'.repeat(16) }).success).toBe(false);
    expect(smppCredentials.safeParse({ ...valid, password: 'b'.repeat(9) }).success).toBe(false);
  });
});
