import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker, type Worker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import type { Dispatcher } from '../../server/modules/messaging/dispatcher.ts';
import { createMessagingRuntime, type MessagingRuntime } from '../../server/modules/messaging/runtime.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// Broadcasts in headless Chromium against the real app, sending through the built-in simulator: compose a broadcast
// to a community (live recipient count, the UCS-2 warning for an emoji), launch it and watch the report count the
// deliveries, text STOP from the simulated phone, and see the channel and compliance settings. The job worker and the
// dispatcher run in this process beside the HTTP server, as `groundswell start` runs them.

/** How long a poll waits for the screen to catch up (vitest's default second is short on a busy machine). */
const POLL = { timeout: 15_000 };
const WORDING = 'I agree to receive recurring texts from Climate Austin. Msg & data rates may apply. Reply STOP to opt out.';
// Numbers ending 0001–0005 are scripted by the simulator (failures, STOP replies); these get plain deliveries.
const MEMBERS = [
  { firstName: 'Rosa', lastName: 'Parks', phone: '+15125550121', consent: true },
  { firstName: 'Luis', lastName: 'Ortega', phone: '+15125550122', consent: true },
  { firstName: 'Amara', lastName: 'Okafor', phone: '+15125550123', consent: true },
  { firstName: 'Ben', lastName: 'Hale', phone: '+15125550124', consent: false },
] as const;

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

type Stats = { queued: number; sent: number; delivered: number; failed: number; finished: number };

describe.each(testDialects())('broadcasts in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let worker: Worker;
  let runtime: MessagingRuntime;
  let dispatcher: Dispatcher;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let broadcastId = '';
  let accountName = '';
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  /** A JSON call to the demo workspace's API as the signed-in owner, checking the status. */
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  // The screenshots come from the SQLite run; the PostgreSQL run checks the same behaviour.
  const screenshot = (page: Page, name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    // Time flows as in production: senders' rate budgets refill from the clock, and dates read as "just now".
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);

    // Sending hours around the clock, so the run does not depend on the hour it happens at.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });

    // The simulator as the default SMS sender, delivering everything quickly and replying nothing by itself.
    const settings = { failureRate: 0, replyRate: 0, optOutRate: 0, minDelayMs: 50, maxDelayMs: 300 };
    const { accounts } = await call<{ accounts: { id: number; provider: string }[] }>('GET', '/channel-accounts', 200);
    const existing = accounts.find((account) => account.provider === 'simulator');
    const account = existing
      ? await call<{ id: number; name: string }>('PATCH', `/channel-accounts/${existing.id}`, 200, { settings })
      : await call<{ id: number; name: string }>('POST', '/channel-accounts', 201, {
          provider: 'simulator',
          name: 'Simulator',
          credentials: {},
          settings,
        });
    accountName = account.name;
    const { senders } = await call<{ senders: { channel: string; isDefault: boolean }[] }>('GET', '/senders', 200);
    if (!senders.some((sender) => sender.channel === 'sms' && sender.isDefault)) {
      await call('POST', '/senders', 201, {
        channelAccountId: account.id,
        kind: 'long_code',
        address: '+15125550100',
        label: 'Simulated number',
        isDefault: true,
      });
    }

    // A community with three members who agreed to texts and one who did not.
    const community = await call<{ id: number }>('POST', '/communities', 201, { name: 'Climate – Austin', visibility: 'public' });
    const memberIds: number[] = [];
    for (const member of MEMBERS) {
      const created = await call<{ id: number }>('POST', '/members', 201, {
        firstName: member.firstName,
        lastName: member.lastName,
        phone: member.phone,
        ...(member.consent ? { consent: { sms: { wording: WORDING } } } : {}),
      });
      memberIds.push(created.id);
    }
    await call('POST', `/communities/${community.id}/members`, 200, { memberIds, role: 'member' });

    const logger = createLogger({ level: 'silent' });
    worker = createWorker({
      db: t.database.db,
      registry: createAppJobRegistry({ db: t.database.db, clock: t.clock, appSecret: TEST_APP_SECRET, config: t.config }),
      clock: t.clock,
      logger,
      concurrency: 2,
      pollMs: 50,
      leaseMs: 60_000,
    });
    worker.start();
    runtime = createMessagingRuntime({
      db: t.database.db,
      clock: t.clock,
      logger,
      appSecret: TEST_APP_SECRET,
      publicUrl: t.config.publicUrl,
    });
    dispatcher = runtime.createDispatcher({ pollMs: 50 });
    dispatcher.start();

    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A screen that throws while rendering is caught by the route's error screen and only logged: count it too.
    // Refused requests (the invalid short-link domain below) are logged by the browser as failed loads: not errors.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    await dispatcher?.stop(5_000);
    await runtime?.close();
    await worker?.stop(5_000);
    clearInterval(ticking);
    await t?.close();
  });

  it('signs in and finds no broadcasts yet, with the simulator at hand', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages', exact: true }).click();
    await page.waitForURL(`${base}/messages`);
    await page.getByText('No broadcasts yet').waitFor();
    await page.getByRole('tab', { name: 'Simulator' }).waitFor();
  });

  it('composes a broadcast: live recipient count, the UCS-2 warning for an emoji, the summary', async () => {
    await page.getByRole('link', { name: 'New broadcast' }).first().click();
    await page.waitForURL(`${base}/messages/new`);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Council vote reminder');

    await page.getByRole('combobox', { name: 'Communities' }).click();
    await page.getByRole('option', { name: 'Climate – Austin' }).click();
    await page.keyboard.press('Escape');
    const count = page.getByTestId('recipient-count');
    await expect.poll(() => count.textContent(), POLL).toContain('3 of 4 members can be reached');
    expect(await count.textContent()).toContain('1 never agreed to receive texts');

    const message = page.getByRole('textbox', { name: 'Message (English)' });
    await message.fill('Hi {{ member.first_name | default: "friend" }}! The council votes Tuesday — rally at 5pm 🌎');
    const ucs2 = page.getByRole('list', { name: 'Characters that force UCS-2' });
    await ucs2.waitFor();
    expect(await ucs2.getByRole('listitem').allTextContents()).toEqual(['—', '🌎']);
    expect(await page.getByTestId('segment-counter').textContent()).toContain('UCS-2');

    // The dash has a GSM look-alike; the emoji stays and keeps the message in UCS-2.
    await page.getByRole('button', { name: 'Replace with GSM characters' }).click();
    expect(await message.inputValue()).toBe('Hi {{ member.first_name | default: "friend" }}! The council votes Tuesday - rally at 5pm 🌎');
    await expect.poll(() => ucs2.getByRole('listitem').allTextContents(), POLL).toEqual(['🌎']);

    const summary = page.getByTestId('broadcast-summary');
    await expect.poll(() => summary.locator('[data-summary="recipients"]').textContent(), POLL).toContain('3 of 4');
    await expect.poll(() => summary.locator('[data-summary="cost"]').textContent(), POLL).toMatch(/\$\d/);
    expect(await summary.locator('[data-summary="segments"]').textContent()).toMatch(/Segments per message\d+/);
    // The sample is the message as one member will read it, variables filled in.
    await expect.poll(() => summary.textContent(), POLL).toContain('! The council votes Tuesday - rally at 5pm 🌎');
    await screenshot(page, 'messages-compose.png');

    // A test saves the draft first: the composer moves to the draft's own address.
    await page.getByRole('button', { name: 'Send test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a test' });
    await dialog.getByRole('combobox', { name: 'Phone numbers' }).fill('+15125550199');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('1 test message on the way.').waitFor();
    await page.waitForURL(/\/messages\/\d+\/edit$/);
    // The draft's own page has replaced the new-broadcast page (the address changes a moment before the screen).
    await page.getByRole('heading', { name: 'Council vote reminder' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Message (English)' }).inputValue()).toContain('rally at 5pm 🌎');
  });

  it('launches it and watches the report count the deliveries', async () => {
    await page.getByRole('button', { name: 'Launch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this broadcast now?' });
    expect(await dialog.getByTestId('launch-summary').textContent()).toContain('3 members will get it');
    await dialog.getByRole('button', { name: 'Send to 3 members' }).click();
    await page.waitForURL(/\/messages\/\d+$/);
    broadcastId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.getByRole('heading', { name: 'Council vote reminder' }).waitFor();

    const delivered = page.locator('[data-count="Delivered"] [data-value]');
    await expect.poll(() => delivered.textContent(), { timeout: 30_000 }).toBe('3');
    await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status'), POLL).toBe('completed');
    const stats = (await call<{ stats: Stats }>('GET', `/broadcasts/${broadcastId}`, 200)).stats;
    expect(stats).toMatchObject({ queued: 3, sent: 3, delivered: 3, failed: 0, finished: 3 });
    expect(await page.getByTestId('broadcast-progress').textContent()).toContain('3 messages handled');
    expect(await page.getByLabel('Skipped members').locator('[data-skipped="No consent recorded"]').textContent()).toContain('1');
    const recent = page.getByRole('table', { name: 'Recent messages' });
    await expect.poll(() => recent.locator('tr[data-state="delivered"]').count(), POLL).toBe(3);
    await recent.getByRole('link', { name: 'Rosa Parks' }).waitFor();
    expect(await page.getByTestId('template-en').textContent()).toContain('🌎');
    await screenshot(page, 'messages-report.png');

    await page.getByRole('link', { name: 'Messages' }).first().click();
    const row = page.getByRole('table', { name: 'Broadcasts' }).getByRole('row').filter({ hasText: 'Council vote reminder' });
    await row.waitFor();
    expect(await row.locator('[data-count="Delivered"]').textContent()).toBe('3');
  }, 60_000);

  it('texts STOP from the simulated phone and receives the opt-out confirmation', async () => {
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.waitForURL(`${base}/messages/simulator`);
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('Rosa Parks').click();
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('The council votes Tuesday', { exact: false }).waitFor();
    const before = await thread.locator('[data-direction="out"]').count();

    await page.getByRole('button', { name: 'STOP', exact: true }).click();
    await page.getByRole('button', { name: 'Send text' }).click();
    await thread.locator('[data-direction="in"]').getByText('STOP', { exact: true }).waitFor();
    await expect.poll(() => thread.locator('[data-direction="out"]').count(), POLL).toBe(before + 1);
    await screenshot(page, 'messages-simulator.png');
    const rosa = await call<{ members: { smsConsent: string }[] }>('GET', '/members?q=Rosa', 200);
    expect(rosa.members[0]?.smsConsent).toBe('revoked');
  });

  it('shows the simulator account and its default sender under Settings → Channels & senders', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('textbox', { name: 'Workspace name' }).waitFor();
    await page.getByRole('tab', { name: 'Channels & senders' }).click();
    await page.waitForURL(`${base}/settings/channels`);
    const account = page.getByRole('region', { name: `Account ${accountName}` });
    await account.waitFor();
    expect(await account.locator('[data-status]').first().getAttribute('data-status')).toBe('active');
    const senders = account.getByRole('table');
    await senders.getByRole('button', { name: /is the default$/ }).waitFor();
    await screenshot(page, 'settings-channels.png');

    await account.getByRole('button', { name: 'Add sender' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Number or ID' }).fill('+15125550199');
    await dialog.getByRole('textbox', { name: 'Label', exact: true }).fill('Second line');
    await dialog.getByRole('button', { name: 'Add sender' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await senders.locator('[data-sender="+15125550199"]').waitFor();

    // A Twilio account: the form is made from the provider's credential fields, the secret is write-only.
    await page.getByRole('button', { name: 'Add account' }).click();
    const add = page.getByRole('dialog', { name: 'Add a messaging account' });
    await add.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'Twilio (SMS)' }).click();
    await add.getByRole('textbox', { name: 'Name', exact: true }).fill('Twilio main');
    await add.getByRole('textbox', { name: 'Account SID' }).fill('AC00000000000000000000000000000001');
    await add.getByLabel(/^Auth token/).fill('first-secret-token');
    await add.getByRole('button', { name: 'Add account' }).click();
    await add.getByText('Twilio main is connected').waitFor();
    expect(await add.getByTestId('webhook-url').textContent()).toContain('/webhooks/sms/');
    await add.getByRole('button', { name: 'Done' }).click();

    // Saved again with the secret left empty: the stored token is kept.
    const twilio = page.getByRole('region', { name: 'Account Twilio main' });
    await twilio.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Twilio main' });
    expect(await edit.getByLabel(/^Auth token/).getAttribute('data-secret-set')).toBe('true');
    expect(await edit.getByLabel(/^Auth token/).inputValue()).toBe('');
    await edit.getByRole('textbox', { name: 'Account SID' }).fill('AC00000000000000000000000000000002');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    type Stored = { name: string; credentials: { key: string; set: boolean; value: unknown }[] };
    const stored = (await call<{ accounts: Stored[] }>('GET', '/channel-accounts', 200)).accounts.find((a) => a.name === 'Twilio main');
    expect(stored?.credentials).toEqual(
      expect.arrayContaining([
        { key: 'accountSid', set: true, value: 'AC00000000000000000000000000000002' },
        { key: 'authToken', set: true, value: null },
      ]),
    );
  });

  it('edits the compliance settings, with the default wording as placeholders', async () => {
    await page.getByRole('tab', { name: 'Compliance' }).click();
    await page.waitForURL(`${base}/settings/compliance`);
    const settings = await call<{ defaults: { optOutText: string } }>('GET', '/messaging-settings', 200);
    const optOut = page.getByRole('textbox', { name: 'Opt-out confirmation', exact: true });
    expect(await optOut.getAttribute('placeholder')).toBe(settings.defaults.optOutText);
    await page.getByRole('textbox', { name: 'Messages', exact: true }).fill('8');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Compliance settings saved.').waitFor();
    expect((await call<{ frequencyCap: number }>('GET', '/messaging-settings', 200)).frequencyCap).toBe(8);

    // Field-level errors from the server land under their field.
    await page.getByRole('textbox', { name: 'Short-link domain' }).fill('https://act.example.org/path');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Must be only a scheme and host', { exact: false }).waitFor();
  });

  it('fits a phone screen: broadcasts, composer and report', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of ['/messages', '/messages/new', `/messages/${broadcastId}`, '/settings/channels']) {
        await page.goto(`${base}${path}`);
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, path).toBeLessThanOrEqual(390);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
