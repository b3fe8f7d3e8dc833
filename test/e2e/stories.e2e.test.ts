import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';

// Stories in headless Chromium against the real app: an organizer opens a call for stories in the dashboard and
// publishes it; a member tells their story on a phone with a photo; a moderator sees it (photo and all) in the queue
// and approves it; the member's story and photo then show on the public spotlight page.

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

describe.each(testDialects())('stories in a browser (%s)', (dialect) => {
  let t: TestApp;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let publicPath = '';
  let photo: Buffer;
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());
  const loaded = (p: Page, selector: string) =>
    p
      .locator(selector)
      .first()
      .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port, host: '127.0.0.1' });
    base = `${origin}/w/${t.demo.workspaceId}`;
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    });
    page = await desk.newPage();
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A real photo to upload: Chromium paints one.
    await page.setContent(
      '<div style="width:640px;height:400px;background:linear-gradient(135deg,#1c5fb8,#2b8a3e);color:#fff;font:bold 48px sans-serif;display:flex;align-items:center;justify-content:center">Route 7 bus</div>',
    );
    photo = await page.locator('div').screenshot({ type: 'png' });
  });

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    clearInterval(ticking);
    await t?.close();
  });

  it('an organizer opens a call for stories and publishes it', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/actions/stories`);
    await page.getByRole('tab', { name: 'Stories' }).waitFor();
    await page.getByRole('link', { name: 'New call for stories' }).click();
    await page.waitForURL(/\/actions\/stories\/new$/);
    await page.getByRole('textbox', { name: 'Title' }).fill('Transit stories');
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Tell us why transit matters to you');
    await page.getByRole('textbox', { name: 'Address' }).fill('transit');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/actions\/stories\/\d+$/);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: the page takes stories.').waitFor();
    const slug = (
      await t.database.db.selectFrom('workspaces').select('slug').where('id', '=', t.demo.workspaceId).executeTakeFirstOrThrow()
    ).slug;
    publicPath = `/p/${slug}/story/transit`;
    expect(pageErrors).toEqual([]);
  });

  it('a member tells their story with a photo on a phone; a moderator approves it; it shows on the spotlight', async () => {
    const member = await phone.newPage();
    member.setDefaultTimeout(8_000);
    member.on('pageerror', (error) => pageErrors.push(error.message));
    await member.goto(`${origin}${publicPath}`);
    await member.getByRole('heading', { name: 'Transit stories' }).waitFor();
    await member.getByText('Tell us why transit matters to you').first().waitFor();
    await member.getByRole('textbox', { name: 'Your story' }).fill('I ride the 7 to work every day. Without it I would lose my job.');
    await member.getByLabel(/A photo/).setInputFiles({ name: 'bus.png', mimeType: 'image/png', buffer: photo });
    await member.getByRole('textbox', { name: 'First name' }).fill('Ana');
    await member.getByRole('textbox', { name: /City or town/ }).fill('Austin');
    await member.getByRole('textbox', { name: 'Mobile phone' }).fill('(512) 555-0142');
    await member.getByRole('checkbox', { name: /may publish my story/ }).check();
    await screenshot(member, 'story-phone-form.png');
    await member.getByRole('button', { name: 'Send my story' }).click();
    await member.getByRole('heading', { name: 'Thank you, Ana!' }).waitFor();
    await member.getByText('once a moderator approves it').waitFor();
    await screenshot(member, 'story-phone-thanks.png');

    // Not public yet.
    await member.goto(`${origin}${publicPath}/stories`);
    await member.getByText('No stories are published yet').waitFor();

    // The moderator sees it in the queue with its photo, and approves it.
    const card = page.getByRole('article', { name: 'Story by Ana, Austin' });
    await expect.poll(async () => card.count(), POLL).toBe(1);
    await card.getByText('I ride the 7 to work every day.').waitFor();
    await expect.poll(() => loaded(page, '[data-submission] img'), POLL).toBe(true);
    await screenshot(page, 'story-moderation-queue.png');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved: Ana, Austin’s story is on the spotlight.').waitFor();
    await page.getByRole('radio', { name: /Approved \(1\)/ }).waitFor({ state: 'attached' });

    // The spotlight shows the story, the chosen name and the photo (the page the phone saw before may be cached for
    // 30 s, as for any visitor; the Spanish-or-English switch is another address).
    await member.goto(`${origin}${publicPath}/stories?lang=en`);
    await member.getByRole('heading', { name: 'Stories: Transit stories' }).waitFor();
    await member.getByText('I ride the 7 to work every day.').waitFor();
    await member.getByText('Ana, Austin', { exact: true }).waitFor();
    await expect.poll(() => loaded(member, 'article.story img'), POLL).toBe(true);
    await screenshot(member, 'story-phone-spotlight.png');
    expect(pageErrors).toEqual([]);
  });
});
