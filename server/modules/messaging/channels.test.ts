import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { accountConfig, createSimulatorSender, getDefaultSender, getSender } from './channels.repo.ts';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'tw-secret-token-5f2c9a7e41d0b8c3';
const SMTP_PASS = 'smtp-secret-pass-93b1e07c';
const SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;

type Account = {
  id: number;
  status: string;
  webhookUrl: string | null;
  credentials: { key: string; set: boolean; value: unknown }[];
  senderCount: number;
};
type Sender = { id: number; address: string; isDefault: boolean; status: string; channel: string; kind: string; label: string };
type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

describe.each(testDialects())('channel accounts and senders on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  /** The test workspace starts with the built-in simulator as its default SMS sender. */
  let sim: Sender;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    const seeded = (await api('GET', '/senders')).json().senders as Sender[];
    expect(seeded).toHaveLength(1);
    sim = seeded[0] as Sender;
    expect(sim).toMatchObject({ isDefault: true, status: 'active', channel: 'sms' });
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (client: Client, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) =>
    client.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) => call(owner, method, path, payload);

  async function account(body: Record<string, unknown>): Promise<Account> {
    const response = await api('POST', '/channel-accounts', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }
  const twilio = (name = 'Twilio main') => account({ provider: 'twilio', name, credentials: { accountSid: SID, authToken: TOKEN } });
  const smtp = () =>
    account({
      provider: 'smtp',
      name: 'Mail relay',
      credentials: { host: 'smtp.example.org', port: 587, user: 'mailer', pass: SMTP_PASS },
    });

  async function sender(body: Record<string, unknown>): Promise<Sender> {
    const response = await api('POST', '/senders', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }
  const senders = async (query = '') => (await api('GET', `/senders${query}`)).json().senders as Sender[];

  /** The field paths a refused request names. */
  async function refused(method: 'POST' | 'PATCH', path: string, payload: unknown, status = 400) {
    const response = await api(method, path, payload);
    expect(response.statusCode, response.body).toBe(status);
    return ((response.json() as Problem).errors ?? []).map((e) => e.path);
  }

  async function invite(role: 'texter' | 'analyst', email: string): Promise<Client> {
    const inv = (await api('POST', '/invitations', { email, role })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Staff', password: 'staff-password-1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return signIn(t.app, email, 'staff-password-1');
  }

  it('describes every provider with the credential fields its form needs', async () => {
    const response = await api('GET', '/providers');
    expect(response.statusCode).toBe(200);
    const providers = response.json().providers as {
      name: string;
      channel: string;
      webhooks: boolean;
      credentialFields: { key: string; secret: boolean }[];
    }[];
    expect(providers.map((p) => p.name)).toEqual(['simulator', 'twilio', 'telnyx', 'smpp', 'smtp']);
    const tw = providers.find((p) => p.name === 'twilio');
    expect(tw?.webhooks).toBe(true);
    expect(tw?.credentialFields.map((f) => [f.key, f.secret])).toEqual([
      ['accountSid', false],
      ['authToken', true],
    ]);
    expect(providers.find((p) => p.name === 'smtp')?.channel).toBe('email');
  });

  it('stores credentials sealed and never returns a secret, in the answer, the list or the audit log', async () => {
    const created = await twilio();
    expect(created.status).toBe('active');
    expect(created.credentials).toEqual([
      { key: 'accountSid', set: true, value: SID },
      { key: 'authToken', set: true, value: null },
    ]);
    const raw = await t.database.db
      .selectFrom('channel_accounts')
      .select(['credentials', 'webhook_key'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(created.webhookUrl).toBe(`${t.config.publicUrl}/webhooks/sms/${raw.webhook_key}`);
    expect(raw.credentials).not.toContain(TOKEN);
    expect(raw.credentials).not.toContain(SID);
    const mail = await smtp();
    expect(mail.webhookUrl).toBeNull();
    expect(mail.credentials.find((c) => c.key === 'pass')).toEqual({ key: 'pass', set: true, value: null });

    const bodies = [
      (await api('GET', '/channel-accounts')).body,
      (await api('PATCH', `/channel-accounts/${created.id}`, { name: 'Renamed' })).body,
      (await api('PATCH', `/channel-accounts/${mail.id}`, { credentials: { user: 'other' } })).body,
      (await api('GET', '/senders')).body,
    ];
    for (const body of bodies) {
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(SMTP_PASS);
    }
    const audit = await t.database.db
      .selectFrom('audit_entries')
      .select(['action', 'data'])
      .where('target_type', '=', 'channel_account')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'channel_account.created',
      'channel_account.created',
      'channel_account.updated',
      'channel_account.updated',
    ]);
    for (const entry of audit) {
      expect(entry.data ?? '').not.toContain(TOKEN);
      expect(entry.data ?? '').not.toContain(SMTP_PASS);
    }
  });

  it('refuses an account with field-level errors', async () => {
    expect(await refused('POST', '/channel-accounts', { provider: 'nexmo', name: 'X', credentials: {} })).toEqual(['body.provider']);
    expect(
      await refused('POST', '/channel-accounts', { provider: 'twilio', name: '', credentials: { accountSid: SID, authToken: TOKEN } }),
    ).toEqual(['body.name']);
    expect(
      await refused('POST', '/channel-accounts', {
        provider: 'twilio',
        name: 'x'.repeat(81),
        credentials: { accountSid: SID, authToken: TOKEN },
      }),
    ).toEqual(['body.name']);
    expect(
      await refused('POST', '/channel-accounts', {
        provider: 'twilio',
        name: 'Twilio',
        baseUrl: 'ftp://api.example.com',
        credentials: { accountSid: SID, authToken: TOKEN },
      }),
    ).toEqual(['body.baseUrl']);
    expect(
      (
        await refused('POST', '/channel-accounts', {
          provider: 'twilio',
          name: 'Twilio',
          credentials: { accountSid: 'AC123', authToken: 'short' },
        })
      ).sort(),
    ).toEqual(['body.credentials.accountSid', 'body.credentials.authToken']);
    expect(await refused('POST', '/channel-accounts', { provider: 'twilio', name: 'Twilio', credentials: { accountSid: SID } })).toEqual([
      'body.credentials.authToken',
    ]);
    expect(
      await refused('POST', '/channel-accounts', {
        provider: 'twilio',
        name: 'Twilio',
        credentials: { accountSid: SID, authToken: TOKEN, apiKey: 'x' },
      }),
    ).toEqual(['body.credentials.apiKey']);
    const ok = await account({
      provider: 'twilio',
      name: 'Proxy',
      baseUrl: 'https://twilio-proxy.example.org/',
      credentials: { accountSid: SID, authToken: TOKEN },
    });
    expect(ok).toMatchObject({ baseUrl: 'https://twilio-proxy.example.org' });
    const names = ((await api('GET', '/channel-accounts')).json().accounts as { name: string }[]).map((a) => a.name);
    expect(names).toEqual(['Simulator', 'Proxy']);
  });

  it('keeps a secret that a change leaves out or empty, and gives an account refused by the provider a new try', async () => {
    const created = await twilio();
    const stored = async () => {
      const row = await t.database.db.selectFrom('channel_accounts').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      return accountConfig(TEST_APP_SECRET, row).credentials;
    };
    const otherSid = `AC${'abcdef0123456789'.repeat(2)}`;
    let response = await api('PATCH', `/channel-accounts/${created.id}`, { credentials: { accountSid: otherSid } });
    expect(response.statusCode, response.body).toBe(200);
    expect(await stored()).toEqual({ accountSid: otherSid, authToken: TOKEN });
    response = await api('PATCH', `/channel-accounts/${created.id}`, { credentials: { authToken: '' } });
    expect(await stored()).toEqual({ accountSid: otherSid, authToken: TOKEN });
    expect(await refused('PATCH', `/channel-accounts/${created.id}`, { credentials: { accountSid: 'nope' } })).toEqual([
      'body.credentials.accountSid',
    ]);

    await t.database.db
      .updateTable('channel_accounts')
      .set({ status: 'auth_failed', status_detail: 'Twilio said 20003' })
      .where('id', '=', created.id)
      .execute();
    response = await api('PATCH', `/channel-accounts/${created.id}`, { name: 'Only a name' });
    expect(response.json()).toMatchObject({ status: 'auth_failed', statusDetail: 'Twilio said 20003' });
    response = await api('PATCH', `/channel-accounts/${created.id}`, { credentials: { authToken: 'a-brand-new-token-123456' } });
    expect(response.json()).toMatchObject({ status: 'active', statusDetail: null });
    expect(await stored()).toEqual({ accountSid: otherSid, authToken: 'a-brand-new-token-123456' });
    expect((await api('PATCH', '/channel-accounts/999999', { name: 'Ghost' })).statusCode).toBe(404);
  });

  it('switches the default sender, never keeps an archived one as default, and stops using a disabled account', async () => {
    const tw = await twilio();
    const first = await sender({ channelAccountId: tw.id, kind: 'long_code', address: '(512) 555-0101' });
    // The simulator stays the default until told otherwise.
    expect(first).toMatchObject({ address: '+15125550101', label: '+15125550101', isDefault: false, status: 'active', channel: 'sms' });
    const second = await sender({ channelAccountId: tw.id, kind: 'long_code', address: '+1 512 555 0102', label: 'Austin line' });
    expect(second).toMatchObject({ isDefault: false, label: 'Austin line' });
    const third = await sender({ channelAccountId: tw.id, kind: 'short_code', address: '74121', isDefault: true });
    expect((await senders()).filter((s) => s.isDefault).map((s) => s.id)).toEqual([third.id]);

    const switched = await api('PATCH', `/senders/${second.id}`, { isDefault: true });
    expect(switched.json()).toMatchObject({ id: second.id, isDefault: true });
    expect((await senders()).filter((s) => s.isDefault).map((s) => s.id)).toEqual([second.id]);
    expect((await getDefaultSender(t.database.db, ws, 'sms'))?.id).toBe(second.id);

    const archived = await api('PATCH', `/senders/${second.id}`, { archived: true });
    expect(archived.json()).toMatchObject({ status: 'archived', isDefault: false });
    expect((await senders()).map((s) => s.id)).toEqual([sim.id, first.id, third.id]);
    expect((await senders('?includeArchived=true')).map((s) => s.id)).toEqual([sim.id, first.id, second.id, third.id]);
    expect(await refused('PATCH', `/senders/${second.id}`, { isDefault: true })).toEqual(['body.isDefault']);
    // With no default left, broadcasts fall back to the oldest usable sender.
    expect((await getDefaultSender(t.database.db, ws, 'sms'))?.id).toBe(sim.id);
    expect((await getSender(t.database.db, ws, second.id))?.archived_at).not.toBeNull();

    const restored = await api('PATCH', `/senders/${second.id}`, { archived: false, isDefault: true, throughput: 3, label: 'Back' });
    expect(restored.json()).toMatchObject({ status: 'active', isDefault: true, throughput: 3, label: 'Back' });

    const disabled = await api('PATCH', `/channel-accounts/${tw.id}`, { status: 'disabled' });
    expect(disabled.json()).toMatchObject({ status: 'disabled', senderCount: 3 });
    expect((await senders()).map((s) => [s.id, s.status, s.isDefault])).toEqual([
      [sim.id, 'active', false],
      [first.id, 'disabled', false],
      [second.id, 'disabled', true],
      [third.id, 'disabled', false],
    ]);
    // A disabled account sends nothing: its default sender is passed over.
    expect((await getDefaultSender(t.database.db, ws, 'sms'))?.id).toBe(sim.id);
    await api('PATCH', `/senders/${sim.id}`, { archived: true });
    expect(await getDefaultSender(t.database.db, ws, 'sms')).toBeUndefined();
    expect((await api('PATCH', '/senders/999999', { label: 'Ghost' })).statusCode).toBe(404);

    const audit = await t.database.db.selectFrom('audit_entries').select('action').where('target_type', '=', 'sender').execute();
    expect(audit.filter((a) => a.action === 'sender.created')).toHaveLength(3);
    expect(audit.filter((a) => a.action === 'sender.updated')).toHaveLength(4);
  });

  it('validates sender addresses by kind and by the account channel', async () => {
    const tw = await twilio();
    const mail = await smtp();
    const bad = (body: Record<string, unknown>) => refused('POST', '/senders', body);
    expect(await bad({ channelAccountId: tw.id, kind: 'long_code', address: '555' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'toll_free', address: 'call us' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'short_code', address: '12' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'short_code', address: '123456789' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'messaging_service', address: 'MG123' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'messaging_service', address: '6f1c0b7e-2d4a-4c8e-9b3f-1a2b3c4d5e6f' })).toEqual([
      'body.address',
    ]);
    expect(await bad({ channelAccountId: tw.id, kind: 'alphanumeric', address: '12345' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'alphanumeric', address: 'ClimateTexas' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'alphanumeric', address: 'Climate-TX' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: tw.id, kind: 'email', address: 'team@example.org' })).toEqual(['body.kind']);
    expect(await bad({ channelAccountId: mail.id, kind: 'long_code', address: '+15125550101' })).toEqual(['body.kind']);
    expect(await bad({ channelAccountId: mail.id, kind: 'email', address: 'not an address' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: mail.id, kind: 'email', address: 'Team <nope>' })).toEqual(['body.address']);
    expect(await bad({ channelAccountId: mail.id, kind: 'email', address: 'team@example.org', supportsMms: true })).toEqual([
      'body.supportsMms',
    ]);
    expect(await bad({ channelAccountId: 999999, kind: 'long_code', address: '+15125550101' })).toEqual(['body.channelAccountId']);
    expect(await bad({ channelAccountId: tw.id, kind: 'fax', address: '+15125550101' })).toEqual(['body.kind']);
    expect(await bad({ channelAccountId: tw.id, kind: 'long_code', address: '+15125550101', throughput: 0 })).toEqual(['body.throughput']);
    expect(await bad({ channelAccountId: tw.id, kind: 'long_code', address: '+15125550101', throughput: 10_001 })).toEqual([
      'body.throughput',
    ]);
    expect(await bad({ channelAccountId: tw.id, kind: 'long_code', address: '+15125550101', priceMicros: -1 })).toEqual([
      'body.priceMicros',
    ]);
    expect(await senders()).toEqual([sim]);

    const ok = [
      await sender({ channelAccountId: tw.id, kind: 'messaging_service', address: SERVICE_SID }),
      await sender({ channelAccountId: tw.id, kind: 'alphanumeric', address: 'Climate TX' }),
      await sender({ channelAccountId: tw.id, kind: 'toll_free', address: '+1 (833) 555-0100', throughput: 10_000 }),
      await sender({ channelAccountId: mail.id, kind: 'email', address: 'Climate Austin <team@example.org>' }),
    ].map((s) => [s.kind, s.address, s.channel, s.isDefault]);
    // The first sender of a channel becomes its default (SMS already has the simulator).
    expect(ok).toEqual([
      ['messaging_service', SERVICE_SID, 'sms', false],
      ['alphanumeric', 'Climate TX', 'sms', false],
      ['toll_free', '+18335550100', 'sms', false],
      ['email', 'Climate Austin <team@example.org>', 'email', true],
    ]);
    expect(await refused('PATCH', `/senders/${(await senders())[0]?.id}`, { throughput: -2 })).toEqual(['body.throughput']);
  });

  it('refuses a second sender with the same address, however it is written', async () => {
    const tw = await twilio();
    await sender({ channelAccountId: tw.id, kind: 'long_code', address: '+15125550101' });
    const response = await api('POST', '/senders', { channelAccountId: tw.id, kind: 'long_code', address: '512.555.0101' });
    expect(response.statusCode).toBe(409);
    expect((response.json() as Problem).detail).toContain('already uses +15125550101');
    expect((response.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.address']);
  });

  it('lets a texter read senders and providers but not channel accounts', async () => {
    const tw = await twilio();
    await sender({ channelAccountId: tw.id, kind: 'long_code', address: '+15125550101' });
    const texter = await invite('texter', 'texter@example.org');
    expect((await call(texter, 'GET', '/providers')).statusCode).toBe(200);
    const list = await call(texter, 'GET', '/senders');
    expect([list.statusCode, list.json().senders.length]).toEqual([200, 2]);
    for (const [method, path, payload] of [
      ['GET', '/channel-accounts', undefined],
      ['POST', '/channel-accounts', { provider: 'twilio', name: 'Mine', credentials: { accountSid: SID, authToken: TOKEN } }],
      ['PATCH', `/channel-accounts/${tw.id}`, { name: 'Mine' }],
      ['POST', '/senders', { channelAccountId: tw.id, kind: 'long_code', address: '+15125550102' }],
    ] as const) {
      const response = await call(texter, method, path, payload);
      expect([response.statusCode, response.json().code]).toEqual([403, 'auth.forbidden']);
    }
  });

  it('creates the built-in simulator sender as the default SMS sender', async () => {
    const tw = await twilio();
    const existing = await sender({ channelAccountId: tw.id, kind: 'long_code', address: '+15125550101' });
    const created = await createSimulatorSender(t.database.db, {
      workspaceId: ws,
      appSecret: TEST_APP_SECRET,
      now: t.clock.now(),
      address: '+12025550199',
      throughput: 50,
      settings: { deliveryDelayMs: 5 },
    });
    const list = await senders();
    expect(list.map((s) => [s.id, s.isDefault])).toEqual([
      [sim.id, false],
      [existing.id, false],
      [created.senderId, true],
    ]);
    expect(list[2]).toMatchObject({
      provider: 'simulator',
      accountName: 'Simulator',
      address: '+12025550199',
      throughput: 50,
      status: 'active',
    });
    expect((await getDefaultSender(t.database.db, ws, 'sms'))?.id).toBe(created.senderId);
    const row = await t.database.db
      .selectFrom('channel_accounts')
      .selectAll()
      .where('id', '=', created.accountId)
      .executeTakeFirstOrThrow();
    expect(accountConfig(TEST_APP_SECRET, row)).toEqual({ baseUrl: null, credentials: {}, settings: { deliveryDelayMs: 5 } });
    const accounts = (await api('GET', '/channel-accounts')).json().accounts as Account[];
    expect(accounts.find((a) => a.id === created.accountId)).toMatchObject({ webhookUrl: null, credentials: [], senderCount: 1 });
  });
});
