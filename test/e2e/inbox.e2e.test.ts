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

// The inbox in headless Chromium against the real app: a member texts in through the simulator, a volunteer texter
// on a phone-sized screen sees it arrive, opens it and answers with Enter, while an organizer's dashboard (a second
// browser) shows the conversation move — assigned to the texter, answered, delivered — without reloading.

const POLL = { timeout: 15_000 };
const ROSA = { firstName: 'Rosa', lastName: 'Parks', phone: '+15125550141' };

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('the inbox in a browser (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let worker: Worker;
  let runtime: MessagingRuntime;
  let dispatcher: Dispatcher;
  let organizerContext: BrowserContext;
  let texterContext: BrowserContext;
  let organizer: Page;
  let texter: Page;
  let origin: string;
  let inbox: string;
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await owner.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const screenshot = (page: Page, name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());

  async function openPage(context: BrowserContext, email: string, password: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}`);
    await page.goto(inbox);
    // Live updates are on once the stream says it is ready.
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
    return page;
  }

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    inbox = `${origin}/w/${t.demo.workspaceId}/inbox`;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    // Sending hours around the clock, so the run does not depend on the hour it happens at.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });
    await call('POST', '/members', 201, { ...ROSA, consent: { sms: { wording: 'Text me about Climate Austin. Reply STOP to opt out.' } } });
    await call('POST', '/canned-responses', 201, {
      title: 'Thanks',
      body: 'Thanks {{ member.first_name }}! {{ texter.first_name }} here.',
    });
    const invitation = await call<{ acceptUrl: string }>('POST', '/invitations', 201, { email: 'tex@example.org', role: 'texter' });
    const token = new URL(invitation.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Tex Avery', password: 'texting-all-day-1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);

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

    organizerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The volunteer answers from a phone.
    texterContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    organizer = await openPage(organizerContext, t.demo.email, t.demo.password);
    texter = await openPage(texterContext, 'tex@example.org', 'texting-all-day-1');
  });

  afterAll(async () => {
    await organizerContext?.close();
    await texterContext?.close();
    await dispatcher?.stop(5_000);
    await runtime?.close();
    await worker?.stop(5_000);
    clearInterval(ticking);
    await t?.close();
  });

  it("shows a member's free-text reply live on both screens", async () => {
    await texter.getByText('No conversations here').waitFor();
    await call('POST', '/simulator/inbound', 202, { from: ROSA.phone, body: 'Can I help at the rally on Saturday?' });

    // Nobody reloads: the texts arrive through the live stream.
    for (const page of [texter, organizer]) {
      const row = page.getByTestId('conversation-row').filter({ hasText: 'Rosa Parks' });
      await row.filter({ hasText: 'Can I help at the rally on Saturday?' }).waitFor();
    }
    await expect.poll(async () => organizer.getByRole('button', { name: /Needs response/ }).textContent(), POLL).toContain('1');
    await screenshot(organizer, 'inbox-organizer-new-text.png');
  });

  it('a texter on a phone opens the conversation and answers with Enter', async () => {
    await texter.getByTestId('conversation-row').filter({ hasText: 'Rosa Parks' }).click();
    await texter.waitForURL(/\/inbox\/c\/\d+/);
    // On a phone the thread replaces the list, with a way back.
    await texter.getByRole('button', { name: 'Back to the conversations' }).waitFor();
    await texter.getByTestId('bubble-in').filter({ hasText: 'Can I help at the rally on Saturday?' }).waitFor();

    // A saved reply fills the box with the member's and the texter's names; the person edits and sends.
    await texter.getByRole('button', { name: 'Saved replies' }).click();
    await texter.getByRole('menuitem', { name: /Thanks/ }).click();
    const box = texter.getByRole('textbox', { name: 'Reply' });
    await expect.poll(() => box.inputValue(), POLL).toBe('Thanks Rosa! Tex here.');
    await box.fill('Yes please, Rosa! Meet us at City Hall at 9am.');
    expect(await texter.getByTestId('segment-count').textContent()).toContain('1 segment');
    await screenshot(texter, 'inbox-texter-phone-composing.png');
    await box.press('Enter');

    const sent = texter.getByTestId('bubble-out').filter({ hasText: 'Yes please, Rosa! Meet us at City Hall at 9am.' });
    await sent.waitFor();
    await expect.poll(() => box.inputValue(), POLL).toBe('');
    // The simulator delivers it; the state updates live.
    await sent.getByText('delivered').waitFor(POLL);
    await screenshot(texter, 'inbox-texter-phone-answered.png');
  });

  it("the organizer's screen shows the answer and the assignment without reloading", async () => {
    const row = organizer.getByTestId('conversation-row').filter({ hasText: 'Rosa Parks' });
    await row.filter({ hasText: 'Yes please, Rosa!' }).waitFor();
    await row.filter({ hasText: 'Tex Avery' }).waitFor();
    await expect.poll(async () => organizer.getByRole('button', { name: /Needs response/ }).textContent(), POLL).toContain('0');

    await row.click();
    const answer = organizer.getByTestId('bubble-out').filter({ hasText: 'Yes please, Rosa! Meet us at City Hall at 9am.' });
    await answer.waitFor();
    await answer.getByText('Tex Avery').waitFor();
    await organizer.getByRole('button', { name: 'Assign' }).filter({ hasText: 'Tex Avery' }).waitFor();

    // Rosa writes again: it shows in the open thread at once.
    await call('POST', '/simulator/inbound', 202, { from: ROSA.phone, body: 'See you there!' });
    await organizer.getByTestId('bubble-in').filter({ hasText: 'See you there!' }).waitFor();
    await texter.getByTestId('bubble-in').filter({ hasText: 'See you there!' }).waitFor();
    await screenshot(organizer, 'inbox-organizer-watching.png');
    expect(pageErrors).toEqual([]);
  });
});
