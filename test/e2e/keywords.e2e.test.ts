import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// Keywords in headless Chromium against the real app: the empty state, creating a join keyword and a link keyword
// with the form's live checks and the server's 409, a member texting the word through the simulator and the uses
// counter moving, then deleting a keyword after confirming.

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('keywords in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  const pageErrors: string[] = [];
  const screenshot = (name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());
  const row = (word: string) => page.locator(`tr[data-keyword="${word}"]`);

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    const community = await api.request({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/communities`,
      payload: { name: 'Climate – Austin', visibility: 'public' },
    });
    expect(community.statusCode, community.body).toBe(201);

    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    await t?.close();
  });

  it('opens Messages → Keywords and explains what keywords are', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages', exact: true }).click();
    await page.waitForURL(`${base}/messages`);
    await page.getByRole('tab', { name: 'Keywords' }).click();
    await page.waitForURL(`${base}/messages/keywords`);
    await page.getByText('No keywords yet').waitFor();
    await page.getByText(/Members text a word to your number/).waitFor();
    await page.getByRole('tab', { name: 'Broadcasts' }).waitFor();
    await page.getByRole('tab', { name: 'Simulator' }).waitFor();
    await screenshot('keywords-empty.png');
  });

  it('creates a join keyword, with live checks of the word', async () => {
    await page.getByRole('button', { name: 'New keyword' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New keyword' });
    const word = dialog.getByRole('textbox', { name: 'Keyword' });
    await word.fill('stop');
    await dialog.getByText(/STOP is reserved for opt-out/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Create keyword' }).isDisabled()).toBe(true);
    await word.fill('Climate!');
    await dialog.getByRole('combobox', { name: 'Community' }).click();
    await page.getByRole('option', { name: 'Climate – Austin' }).click();
    await screenshot('keywords-new.png');
    await dialog.getByRole('button', { name: 'Create keyword' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('CLIMATE').getByText('Joins Climate – Austin').waitFor();
    await row('CLIMATE').getByText('YES first').waitFor();
  });

  it("shows the server's answer when the word is taken, then creates a link keyword", async () => {
    await page.getByRole('button', { name: 'New keyword' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New keyword' });
    await dialog.getByRole('textbox', { name: 'Keyword' }).fill('climate');
    await dialog.getByRole('combobox', { name: 'What it does' }).click();
    await page.getByRole('option', { name: 'Send a link' }).click();
    await dialog.getByRole('textbox', { name: 'Link' }).fill('https://example.org/donate');
    await dialog.getByRole('button', { name: 'Create keyword' }).click();
    await dialog.getByText('CLIMATE is already the keyword of the community "Climate – Austin"').waitFor();
    await dialog.getByRole('textbox', { name: 'Keyword' }).fill('DONATE');
    await dialog.getByRole('textbox', { name: 'Auto-reply' }).fill('Give here: {{ link }');
    await dialog.getByRole('button', { name: 'Create keyword' }).click();
    await dialog.getByText(/line 1: output/i).waitFor(); // the Liquid mistake, on the auto-reply field
    await dialog.getByRole('textbox', { name: 'Auto-reply' }).fill('Give here: {{ link }}');
    await dialog.getByRole('button', { name: 'Create keyword' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('DONATE').getByText('Sends https://example.org/donate').waitFor();
  });

  it('counts a member texting the word, and deletes a keyword after asking', async () => {
    const texted = await api.request({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/simulator/inbound`,
      payload: { from: '+15125550161', body: 'donate please' },
    });
    expect(texted.statusCode, texted.body).toBe(202);
    await t.runJobs();
    // Whole-text matching: "donate please" is no trigger; "Donate!" is.
    await api.request({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/simulator/inbound`,
      payload: { from: '+15125550161', body: 'Donate!' },
    });
    await t.runJobs();
    await page.reload();
    await expect.poll(async () => row('DONATE').locator('td').nth(4).textContent(), { timeout: 15_000 }).toBe('1');
    await screenshot('keywords-list.png');

    await page.getByRole('button', { name: 'Delete DONATE' }).click();
    await page.getByRole('dialog', { name: 'Delete DONATE?' }).getByRole('button', { name: 'Delete keyword' }).click();
    await row('DONATE').waitFor({ state: 'detached' });
    expect(await row('CLIMATE').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
