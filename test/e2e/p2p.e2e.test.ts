import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { consentingMember } from '../helpers/messaging.ts';

// Peer-to-peer texting in headless Chromium on a phone-sized screen: a texter opens their campaign, takes a batch of
// 50 contacts and sends every initial by pressing Enter, one keypress per text, as the issue's "50 initials by hand in
// under a minute" asks. The elapsed time is printed, not asserted.

const POLL = { timeout: 15_000 };
const CONTACTS = 50;

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('P2P texting in a browser (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let origin: string;
  let campaignId = 0;
  let texterId = 0;
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const ws = () => t.demo.workspaceId;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object): Promise<T> => {
    const response = await owner.request({ method, url: `/api/workspaces/${ws()}${path}`, ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBeLessThan(300);
    return response.json() as T;
  };

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    // Texting hours around the clock, so the run does not depend on the hour it happens at.
    await call('PATCH', '/messaging-settings', { quietHoursStart: '00:00', quietHoursEnd: '23:59' });

    const community = await call<{ id: number }>('POST', '/communities', { name: 'Safe Streets – Austin', visibility: 'public' });
    const memberIds: number[] = [];
    for (let i = 0; i < CONTACTS; i++) {
      memberIds.push(
        await consentingMember(t.database.db, {
          workspaceId: ws(),
          phone: `+1512555${String(300 + i).padStart(4, '0')}`,
          firstName: `Neighbor${i + 1}`,
          now: t.clock.now(),
        }),
      );
    }
    await call('POST', `/communities/${community.id}/members`, { memberIds });
    const campaign = await call<{ id: number }>('POST', '/p2p/campaigns', {
      name: 'Council vote turnout',
      audience: { communityIds: [community.id], tags: [] },
      script: {
        initial:
          'Hi {{ member.first_name }}, it is {{ texter.first_name }} from {{ workspace.name }}. Can you make the council vote Tuesday?',
        answers: [{ key: 'yes', label: 'Coming', tag: 'council-yes' }],
      },
      batchSize: CONTACTS,
    });
    campaignId = campaign.id;
    await call('POST', `/p2p/campaigns/${campaignId}/launch`);
    await t.runJobs();

    const invitation = await call<{ acceptUrl: string }>('POST', '/invitations', { email: 'tess@example.org', role: 'texter' });
    const token = new URL(invitation.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Tess Texter', password: 'texting-all-day' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    texterId = accepted.json().user.id;
  }, 120_000);

  afterAll(async () => {
    clearInterval(ticking);
    await t?.close();
  });

  it('a texter on a 375 px screen sends 50 initials by pressing Enter 50 times', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, hasTouch: true });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${origin}/login`);
      await page.getByRole('textbox', { name: 'Email' }).fill('tess@example.org');
      await page.getByRole('textbox', { name: 'Password' }).fill('texting-all-day');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/w/${ws()}`);

      await page.goto(`${origin}/w/${ws()}/inbox/campaigns`);
      const card = page.locator(`[data-assignment="${campaignId}"]`);
      await expect.poll(() => card.textContent(), POLL).toContain(`${CONTACTS} left to take`);
      await card.getByRole('link', { name: 'Start texting' }).click();
      await page.waitForURL(`${origin}/w/${ws()}/inbox/campaigns/${campaignId}/text`);
      await page.getByRole('button', { name: 'Take contacts' }).click();
      const contact = page.getByTestId('p2p-contact');
      await contact.waitFor();
      expect(await page.getByTestId('p2p-message').textContent()).toMatch(
        /^Hi Neighbor\d+, it is Tess from Groundswell Demo\. Can you make the council vote Tuesday\?\nGroundswell Demo: Reply STOP to opt out$/,
      );
      expect(await page.getByTestId('p2p-progress').textContent()).toBe(`0 of ${CONTACTS} sent`);
      if (dialect === 'sqlite') await page.screenshot({ path: `${SCREENSHOTS}/p2p-texter-375.png` });

      const started = performance.now();
      const seen = new Set<string>();
      for (let i = 0; i < CONTACTS; i++) {
        const id = (await contact.getAttribute('data-contact')) ?? '';
        expect(seen.has(id), `contact ${id} shown twice`).toBe(false);
        seen.add(id);
        await page.keyboard.press('Enter');
        // The next contact is on screen at once (the send finishes in the background).
        if (i < CONTACTS - 1) await expect.poll(() => contact.getAttribute('data-contact'), POLL).not.toBe(id);
      }
      await page.getByTestId('p2p-batch-done').waitFor();
      const queued = async () =>
        (
          await t.database.db
            .selectFrom('messages')
            .select(['id', 'sent_by', 'campaign_id'])
            .where('workspace_id', '=', ws())
            .where('kind', '=', 'p2p')
            .execute()
        ).length;
      await expect.poll(queued, POLL).toBe(CONTACTS);
      const seconds = (performance.now() - started) / 1000;
      console.log(`[p2p e2e ${dialect}] ${CONTACTS} initials sent by Enter in ${seconds.toFixed(1)} s`);

      expect(await page.getByTestId('p2p-progress').textContent()).toBe(`${CONTACTS} of ${CONTACTS} sent`);
      const messages = await t.database.db
        .selectFrom('messages')
        .select(['member_id', 'sent_by', 'campaign_id', 'state'])
        .where('kind', '=', 'p2p')
        .execute();
      expect(new Set(messages.map((m) => m.member_id)).size).toBe(CONTACTS);
      expect(messages.every((m) => m.sent_by === texterId && m.campaign_id === campaignId && m.state === 'queued')).toBe(true);
      const conversations = await t.database.db
        .selectFrom('conversations')
        .select('assignee_id')
        .where('campaign_id', '=', campaignId)
        .execute();
      expect(conversations.length).toBe(CONTACTS);
      expect(conversations.every((c) => c.assignee_id === texterId)).toBe(true);
      if (dialect === 'sqlite') await page.screenshot({ path: `${SCREENSHOTS}/p2p-texter-done-375.png` });
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('an organizer sees the progress per texter and sets up the next campaign with a live preview', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${origin}/login`);
      await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/w/${ws()}`);
      await page.goto(`${origin}/w/${ws()}/inbox/campaigns`);
      const row = page.locator(`[data-campaign="${campaignId}"]`);
      await expect.poll(() => row.textContent(), POLL).toContain(`${CONTACTS} of ${CONTACTS} sent`);
      await row.getByRole('link', { name: 'Council vote turnout' }).click();
      const stats = page.getByTestId('campaign-stats');
      await expect.poll(() => stats.locator('[data-stat="Sent"]').textContent(), POLL).toBe(`Sent${CONTACTS}`);
      expect(await page.getByRole('table', { name: 'Texters' }).textContent()).toContain('Tess Texter');
      if (dialect === 'sqlite') await page.screenshot({ path: `${SCREENSHOTS}/p2p-campaign-stats.png`, fullPage: true });

      await page.goto(`${origin}/w/${ws()}/inbox/campaigns/new`);
      await page.getByRole('textbox', { name: 'Name' }).fill('Thank-you round');
      await page.getByRole('combobox', { name: 'Communities' }).click();
      await page.getByRole('option', { name: 'Safe Streets – Austin' }).click();
      await page.keyboard.press('Escape');
      await expect
        .poll(() => page.getByTestId('p2p-reach').textContent(), POLL)
        .toContain(`${CONTACTS} of ${CONTACTS} members can be texted`);
      // Everyone was texted by the first campaign: no first-message footer this time.
      await expect
        .poll(() => page.getByTestId('p2p-sample').textContent(), POLL)
        .toMatch(/^Hi Neighbor\d+, it's Demo with Groundswell Demo\.$/);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForURL(/\/inbox\/campaigns\/\d+$/);
      await page.getByRole('button', { name: 'Launch' }).waitFor();
      if (dialect === 'sqlite') await page.screenshot({ path: `${SCREENSHOTS}/p2p-campaign-draft.png`, fullPage: true });
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
