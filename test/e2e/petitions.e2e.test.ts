import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker, type Worker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';

// Petitions in headless Chromium against the real app: an organizer writes a petition in the dashboard, checks the
// phone preview and publishes it; a member texts its keyword, opens the short link on a phone, finds the form filled
// in, signs and lands on the next step (another petition, prefilled too); the dashboard counts the signature live.

const POLL = { timeout: 15_000 };
const PHONE = '+15125550191';
const WORDING = 'I agree to receive recurring texts from Groundswell Demo. Msg & data rates may apply. Reply STOP to opt out.';

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('petitions in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let worker: Worker;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let petitionId = 0;
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());

  beforeAll(async () => {
    // Short links lead to our own pages (and carry the member token) only on PUBLIC_URL's origin: listen on it.
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port, host: '127.0.0.1' });
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });
    await call('POST', '/members', 201, { firstName: 'Marisol', lastName: 'Vega', phone: PHONE, consent: { sms: { wording: WORDING } } });
    worker = createWorker({
      db: t.database.db,
      registry: createAppJobRegistry({ db: t.database.db, clock: t.clock, appSecret: TEST_APP_SECRET, config: t.config }),
      clock: t.clock,
      logger: createLogger({ level: 'silent' }),
      concurrency: 2,
      pollMs: 50,
      leaseMs: 60_000,
    });
    worker.start();
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    });
    page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await worker?.stop(5_000);
    clearInterval(ticking);
    await t?.close();
  });

  it('an organizer writes a petition, checks the phone preview and publishes it', async () => {
    // The next step on the ladder: another petition, published through the API.
    const next = await call<{ id: number }>('POST', '/petitions', 201, { title: 'Fund the urban forest', summary: 'One more ask.' });
    await call('POST', `/petitions/${next.id}/publish`, 200);

    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/actions/petitions`);
    await page.getByRole('link', { name: 'New petition' }).click();
    await page.waitForURL(/\/actions\/petitions\/new$/);
    await page.getByRole('textbox', { name: 'Title' }).fill('Save the Oak Street trees');
    await page.getByRole('textbox', { name: 'To (the target)' }).fill('Austin City Council');
    await page.getByRole('textbox', { name: 'Description' }).fill('The city plans to cut down 40 old oaks.');
    await page.getByRole('textbox', { name: 'Goal' }).fill('500');
    await page.getByRole('combobox', { name: 'Next step' }).click();
    await page.getByRole('option', { name: /Fund the urban forest/ }).click();
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/actions\/petitions\/\d+$/);
    petitionId = Number(page.url().split('/').pop());
    const preview = page.frameLocator('iframe[data-preview]');
    await preview.getByRole('heading', { name: 'Save the Oak Street trees' }).waitFor();
    await preview.getByText('To: Austin City Council').waitFor();
    await screenshot(page, 'petition-draft-preview.png');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: the page takes signatures.').waitFor();
    await call('POST', '/keywords', 201, { keyword: 'OAKS', targetType: 'action', targetId: petitionId });
    expect(pageErrors).toEqual([]);
  });

  it('a member texts the keyword, opens the link on a phone, signs prefilled and lands on the next step', async () => {
    await call('POST', '/simulator/inbound', 202, { from: PHONE, body: 'Oaks' });
    let link = '';
    await expect
      .poll(async () => {
        const reply = await t.database.db
          .selectFrom('messages')
          .select('body')
          .where('to_address', '=', PHONE)
          .where('direction', '=', 'out')
          .orderBy('id', 'desc')
          .executeTakeFirst();
        link = /https?:\/\/\S+\/l\/[A-Za-z0-9]{10}/.exec(reply?.body ?? '')?.[0] ?? '';
        return link;
      }, POLL)
      .not.toBe('');

    const member = await phone.newPage();
    member.on('pageerror', (error) => pageErrors.push(error.message));
    await member.goto(link);
    await member.getByRole('heading', { name: 'Save the Oak Street trees' }).waitFor();
    expect(await member.getByRole('textbox', { name: 'First name' }).inputValue()).toBe('Marisol');
    expect(await member.getByRole('textbox', { name: 'Mobile phone' }).inputValue()).toBe('(512) 555-0191');
    await screenshot(member, 'petition-phone-prefilled.png');
    await member.getByRole('textbox', { name: /ZIP code/ }).fill('78702');
    await member.getByRole('checkbox', { name: /Show my first name/ }).check();
    await member.getByRole('button', { name: 'Sign the petition' }).click();
    await member.getByRole('heading', { name: 'Thank you, Marisol!' }).waitFor();
    await screenshot(member, 'petition-phone-thanks.png');
    await member.getByRole('link', { name: 'Take the next step' }).click();
    await member.getByRole('heading', { name: 'Fund the urban forest' }).waitFor();
    expect(await member.getByRole('textbox', { name: 'First name' }).inputValue()).toBe('Marisol');
    await screenshot(member, 'petition-phone-next-step.png');

    // The dashboard counts the signature without a reload.
    await expect.poll(() => page.locator('[data-live-count]').textContent(), POLL).toContain('1 signature');
    await page.getByText('Marisol Vega').waitFor();
    await screenshot(page, 'petition-results.png');
    expect(pageErrors).toEqual([]);
  });

  it('closing the petition shows the closed page in the phone preview at once', async () => {
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close petition' }).click();
    await page.frameLocator('iframe[data-preview]').getByRole('status').getByText('This petition is closed').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
