import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';

// Share actions in headless Chromium against the real app: an organizer writes the posts for a petition in the
// dashboard and publishes; a member opens the share page on a phone, gives their name and number, taps WhatsApp and
// lands on WhatsApp's composer with the petition link carrying their code; the dashboard counts the share.

const POLL = { timeout: 15_000 };

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('share actions in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let shareUrl = '';
  let petitionUrl = '';
  const pageErrors: string[] = [];
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    await t.app.listen({ port, host: '127.0.0.1' });
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    const created = await api.request({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/petitions`,
      payload: { title: 'Save the Oak Street trees' },
    });
    const published = await api.request({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/petitions/${created.json().id}/publish`,
    });
    petitionUrl = published.json().url;
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
    await t?.close();
  });

  it('an organizer writes the posts for a petition and publishes the share action', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/actions/shares`);
    await page.getByRole('link', { name: 'New share action' }).click();
    await page.waitForURL(/\/actions\/shares\/new$/);
    await page.getByRole('textbox', { name: 'Title' }).fill('Spread the word for the oaks');
    await page.getByRole('combobox', { name: 'The posts link to' }).click();
    await page.getByRole('option', { name: /Save the Oak Street trees/ }).click();
    await page.getByRole('checkbox', { name: 'WhatsApp' }).check();
    await page.getByRole('textbox', { name: 'WhatsApp post' }).fill('I signed to save the Oak Street trees. Will you?');
    await page.getByRole('checkbox', { name: 'X', exact: true }).check();
    await page.getByRole('textbox', { name: 'X post' }).fill('Our oaks need you.');
    await page.getByRole('textbox', { name: 'X hashtags' }).fill('#SaveTheOaks');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/actions\/shares\/\d+$/);
    const preview = page.frameLocator('iframe[data-preview]');
    await preview.getByText('Send on WhatsApp').first().waitFor();
    await screenshot(page, 'share-draft-preview.png');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: members can get their share links.').waitFor();
    shareUrl = (await page.getByRole('link', { name: /\/p\/.+\/share\// }).getAttribute('href')) ?? '';
    expect(shareUrl).toContain('/share/spread-the-word-for-the-oaks');
    expect(pageErrors).toEqual([]);
  });

  it('a member gets their buttons on a phone, taps WhatsApp with their own link, and the dashboard counts it', async () => {
    const member = await phone.newPage();
    member.on('pageerror', (error) => pageErrors.push(error.message));
    let composed = '';
    await member.route('https://wa.me/**', (route) => {
      composed = route.request().url();
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>WhatsApp</title><h1>WhatsApp</h1>' });
    });
    await member.goto(shareUrl);
    await member.getByRole('heading', { name: 'Spread the word for the oaks' }).waitFor();
    await member.getByRole('textbox', { name: 'First name' }).fill('Marisol');
    await member.getByRole('textbox', { name: 'Mobile phone' }).fill('512 555 0191');
    await member.getByRole('button', { name: 'Show my share links' }).click();
    await member.getByRole('heading', { name: 'Marisol, spread the word' }).waitFor();
    await screenshot(member, 'share-phone-buttons.png');
    await member.getByRole('link', { name: 'Send on WhatsApp' }).click();
    await member.getByRole('heading', { name: 'WhatsApp' }).waitFor();
    const text = new URL(composed).searchParams.get('text') ?? '';
    expect(text).toMatch(
      new RegExp(
        `^I signed to save the Oak Street trees\\. Will you\\? ${petitionUrl.replace(/[.?]/g, '\\$&')}\\?ref=[A-Za-z0-9]{10}&source=whatsapp&medium=share$`,
      ),
    );

    await expect.poll(() => page.locator('[data-count="shares"]').textContent(), POLL).toBe('1');
    await page.getByRole('table', { name: 'Top sharers' }).getByText('Marisol').waitFor();
    await screenshot(page, 'share-results.png');
    expect(pageErrors).toEqual([]);
  });
});
