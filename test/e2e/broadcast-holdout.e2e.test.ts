import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordActivities } from '../../server/modules/activities/activities.repo.ts';
import { isHeldOut } from '../../server/modules/messaging/holdouts.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { openDashboardPage, signInOnPage, startBackground, useSimulator } from '../helpers/e2e.ts';

// A broadcast with a holdout group in headless Chromium, sending through the built-in simulator: the organizer keeps
// 20 % of the audience out in the composer, launches, and reads the Lift card on the report once some of the texted
// members have acted. The held-out set depends on the broadcast's random seed: the test fixes the seed of the saved
// draft so that exactly two of the ten members are held out.

const POLL = { timeout: 15_000 };
const WORDING = 'I agree to receive recurring texts from Climate Austin. Msg & data rates may apply. Reply STOP to opt out.';
// Numbers ending 0001–0005 are scripted by the simulator; these get plain deliveries.
const PHONES = Array.from({ length: 10 }, (_, i) => `+151255502${String(10 + i)}`);

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('a broadcast with a holdout group in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let background: { stop: () => Promise<void> } | undefined;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let memberIds: number[] = [];
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  // The screenshots come from the SQLite run; the PostgreSQL run checks the same behaviour.
  const screenshot = (name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });

    const settings = { failureRate: 0, replyRate: 0, optOutRate: 0, minDelayMs: 50, maxDelayMs: 300 };
    await useSimulator(call, settings);

    const community = await call<{ id: number }>('POST', '/communities', 201, { name: 'Climate – Austin', visibility: 'public' });
    memberIds = [];
    for (const [i, phone] of PHONES.entries()) {
      const created = await call<{ id: number }>('POST', '/members', 201, {
        firstName: `Member${i}`,
        lastName: 'Tester',
        phone,
        consent: { sms: { wording: WORDING } },
      });
      memberIds.push(created.id);
    }
    await call('POST', `/communities/${community.id}/members`, 200, { memberIds, role: 'member' });

    background = startBackground(t);

    ({ context, page } = await openDashboardPage(browser, { width: 1280, height: 900 }, pageErrors));
  });

  afterAll(async () => {
    await context?.close();
    await background?.stop();
    clearInterval(ticking);
    await t?.close();
  });

  it('keeps 20% out in the composer, sends through the simulator, and shows the lift on the report', async () => {
    await signInOnPage(page, origin, t.demo, base);

    await page.goto(`${base}/messages/new`);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Council vote, with a holdout');
    await page.getByRole('combobox', { name: 'Communities' }).click();
    await page.getByRole('option', { name: 'Climate – Austin' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('recipient-count').textContent(), POLL).toContain('10 of 10 members can be reached');
    await page.getByRole('textbox', { name: 'Message (English)' }).fill('The council votes Tuesday. Sign the petition before then!');

    // The holdout group: 20 %, measured on the default goal (any action within 14 days).
    const holdout = page.getByRole('region', { name: 'Holdout group' });
    await holdout.getByRole('textbox', { name: 'Hold out (% of the audience)' }).fill('20');
    await expect
      .poll(() => holdout.getByTestId('holdout-estimate').textContent(), POLL)
      .toBe('About 2 members of 10 will not get this message.');
    expect(await holdout.getByText('Signed a petition').count()).toBeGreaterThan(0);
    expect(await holdout.getByRole('textbox', { name: 'Within (days of sending)' }).inputValue()).toBe('14');
    await screenshot('broadcast-holdout-compose.png');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/messages\/\d+\/edit$/);
    // The draft's own page replaces the new-broadcast page (the address changes a moment before the screen).
    await page.getByRole('heading', { name: 'Council vote, with a holdout' }).waitFor();
    const broadcastId = Number(new URL(page.url()).pathname.split('/').at(-2));
    const saved = await call<{ holdoutPercent: number; goal: { withinDays: number; types: string[] } }>(
      'GET',
      `/broadcasts/${broadcastId}`,
      200,
    );
    expect(saved).toMatchObject({ holdoutPercent: 20, goal: { withinDays: 14 } });
    expect(saved.goal.types).toContain('signed');

    // Fix the draw: a seed that holds out exactly two of the ten members.
    let seed = 1;
    while (memberIds.filter((id) => isHeldOut(seed, id, 20)).length !== 2) seed += 1;
    await t.database.db.updateTable('broadcasts').set({ holdout_seed: seed }).where('id', '=', broadcastId).execute();
    const held = memberIds.filter((id) => isHeldOut(seed, id, 20));
    const treated = memberIds.filter((id) => !held.includes(id));

    await page.getByRole('button', { name: 'Launch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this broadcast now?' });
    expect(await dialog.getByTestId('launch-summary').textContent()).toContain('About 20% of them (≈ 2) are held out');
    await dialog.getByRole('button', { name: 'Send to 10 members' }).click();
    await page.waitForURL(new RegExp(`/messages/${broadcastId}$`));

    const delivered = page.locator('[data-count="Delivered"] [data-value]');
    await expect.poll(() => delivered.textContent(), { timeout: 30_000 }).toBe('8');
    await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status'), POLL).toBe('completed');
    // The held-out members were never texted.
    const texted = await t.database.db.selectFrom('messages').select('member_id').where('broadcast_id', '=', broadcastId).execute();
    expect(texted.map((m) => Number(m.member_id)).sort((a, b) => a - b)).toEqual(treated);

    const lift = page.getByRole('region', { name: 'Lift' });
    await expect.poll(() => lift.getByTestId('lift-held-out').textContent(), POLL).toContain('0 of 2 members reached the goal');
    expect(await lift.getByTestId('lift-treated').textContent()).toContain('0 of 8 members reached the goal');

    // Two texted members sign a petition; the report, opened again, shows the lift and what it means.
    const petition = await call<{ id: number }>('POST', '/petitions', 201, { title: 'Save the oaks', target: 'City council' });
    const now = Date.now();
    await recordActivities(
      t.database.db,
      treated.slice(0, 2).map((memberId) => ({
        workspaceId: t.demo.workspaceId,
        memberId,
        type: 'signed' as const,
        subjectType: 'action',
        subjectId: petition.id,
        occurredAt: now,
      })),
      now,
    );
    await page.reload();
    await expect.poll(() => lift.getByTestId('lift-treated').textContent(), POLL).toContain('2 of 8 members reached the goal');
    expect(await lift.getByTestId('lift-treated').locator('[data-value]').textContent()).toBe('25.0%');
    expect(await lift.getByTestId('lift-held-out').locator('[data-value]').textContent()).toBe('0.0%');
    // 2/8 against 0/2: Newcombe's interval from the Wilson intervals of each group.
    const verdict = await lift.getByTestId('lift-verdict').textContent();
    expect(verdict).toContain('+25.0 points (95% CI −43.1 to +59.1)');
    expect(verdict).toContain('Not enough evidence');
    expect(await lift.getByTestId('lift-window').textContent()).toMatch(/^Window still open until /);
    await screenshot('broadcast-holdout-lift.png');
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
