import { createServer } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { ProviderError } from '../sms/contract.ts';
import type { EmailAdapter, OutboundEmail } from './contract.ts';
import { createSmtpAdapter, smtpCredentials } from './smtp.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeSmtp(options: Parameters<typeof startFakeSmtp>[0] = {}): Promise<FakeSmtp> {
  const smtp = await startFakeSmtp(options);
  cleanups.push(() => smtp.close());
  return smtp;
}

function adapterFor(target: { host: string; port: number }, auth: { user?: string; pass?: string } = {}): EmailAdapter {
  const adapter = createSmtpAdapter(
    { credentials: smtpCredentials.parse({ host: target.host, port: String(target.port), secure: 'false', ...auth }) },
    { accountId: 3, sink: { status: async () => {}, inbound: async () => {} }, logger: pino({ level: 'silent' }), now: Date.now },
  );
  cleanups.push(() => adapter.close());
  return adapter;
}

const email = (overrides: Partial<OutboundEmail> = {}): OutboundEmail => ({
  messageId: 1,
  from: 'Groundswell Demo <news@example.org>',
  to: 'member@example.net',
  subject: 'Rally on Saturday',
  text: 'Meet at the library steps at noon.',
  unsubscribeUrl: 'https://groundswell.example/u/abc123',
  ...overrides,
});

async function sendError(adapter: EmailAdapter, message: OutboundEmail): Promise<ProviderError> {
  const error = await adapter.send(message).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('SMTP adapter', () => {
  it('delivers the message with a Message-ID and one-click unsubscribe headers', async () => {
    const smtp = await fakeSmtp();
    const adapter = adapterFor(smtp);

    const { providerId } = await adapter.send(email());
    await adapter.send(email({ to: 'other@example.net', unsubscribeUrl: null }));

    expect(providerId).toMatch(/^<[^@>]+@example\.org>$/);
    const [first, second] = smtp.messages;
    expect(first).toMatchObject({ from: 'news@example.org', to: ['member@example.net'], user: null });
    expect(first?.headers).toMatchObject({
      'message-id': providerId,
      subject: 'Rally on Saturday',
      'list-unsubscribe': '<https://groundswell.example/u/abc123>',
      'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
    });
    expect(first?.body).toContain('Meet at the library steps at noon.');
    expect(second?.headers['list-unsubscribe']).toBeUndefined();
  });

  it('authenticates with the account credentials', async () => {
    const smtp = await fakeSmtp({ auth: { user: 'relay', pass: 's3cret' } });
    const adapter = adapterFor(smtp, { user: 'relay', pass: 's3cret' });

    await adapter.send(email());

    expect(smtp.messages.map((message) => message.user)).toEqual(['relay']);
  });

  it('maps refused credentials to auth', async () => {
    const smtp = await fakeSmtp({ auth: { user: 'relay', pass: 's3cret' } });
    const adapter = adapterFor(smtp, { user: 'relay', pass: 'wrong' });

    expect(await sendError(adapter, email())).toMatchObject({ kind: 'auth', code: '535' });
    expect(smtp.messages).toEqual([]);
  });

  it('maps a refused mailbox (550) to permanent and a deferral (451) to retryable, and keeps sending', async () => {
    const smtp = await fakeSmtp();
    smtp.rejectRecipient('gone@example.net', 550);
    smtp.rejectRecipient('busy@example.net', 451);
    const adapter = adapterFor(smtp);

    expect(await sendError(adapter, email({ to: 'gone@example.net' }))).toMatchObject({ kind: 'permanent', code: '550' });
    expect(await sendError(adapter, email({ to: 'busy@example.net' }))).toMatchObject({ kind: 'retryable', code: '451' });
    await adapter.send(email());

    expect(smtp.messages.map((message) => message.to)).toEqual([['member@example.net']]);
  });

  it('reports unknown when the connection is lost after the body was sent', async () => {
    const smtp = await fakeSmtp();
    smtp.dropAfterNextData();
    const adapter = adapterFor(smtp);

    expect(await sendError(adapter, email())).toMatchObject({ kind: 'unknown' });
    expect(smtp.messages).toHaveLength(1);
  });

  it('maps an unreachable server to retryable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const adapter = adapterFor({ host: '127.0.0.1', port: closedPort });

    expect(await sendError(adapter, email())).toMatchObject({ kind: 'retryable' });
  });
});
