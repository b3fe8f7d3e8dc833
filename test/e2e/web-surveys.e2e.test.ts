import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberToken } from '../../server/modules/links/member-token.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';

// Web surveys in headless Chromium against the real app: an organizer puts an open survey on the web from the
// dashboard and gets its link; a member arriving from a text link answers every question on a phone, prefilled, and
// the dashboard counts the answer live.

const POLL = { timeout: 15_000 };
const PHONE = '+15125550193';

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('web surveys in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let surveyId = 0;
  let webUrl = '';
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const call = async <T>(method: 'GET' | 'POST', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: `/api/workspaces/${t.demo.workspaceId}${path}`, ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port, host: '127.0.0.1' });
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    await call('POST', '/members', 201, { firstName: 'Marisol', lastName: 'Vega', phone: PHONE });
    const survey = await call<{ id: number }>('POST', '/surveys', 201, {
      name: 'Safe streets poll',
      intro: 'Two minutes to tell the council what would help.',
      outro: 'Thank you! We bring the results to the council on Thursday.',
      questions: [
        { kind: 'choice', prompt: 'How do you get to work?', choices: ['Transit', 'Bike', 'Car', 'Walk'] },
        { kind: 'scale', prompt: 'How safe do the streets near you feel?' },
        { kind: 'text', prompt: 'What one change would help most?' },
      ],
    });
    surveyId = survey.id;
    await call('POST', `/surveys/${surveyId}/open`, 200);
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
    clearInterval(ticking);
    await t?.close();
  });

  it('an organizer puts the survey on the web and gets its link', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/actions/surveys/${surveyId}`);
    await page.getByRole('button', { name: 'Put on the web' }).click();
    const link = page.getByTestId('survey-web-url');
    await link.waitFor();
    webUrl = (await link.textContent()) ?? '';
    expect(webUrl).toBe(`${origin}/p/groundswell-demo/survey/safe-streets-poll`);
    expect(await page.getByRole('link', { name: 'Open the page' }).getAttribute('href')).toBe(webUrl);
    await screenshot(page, 'web-survey-dashboard-link.png');
    expect(pageErrors).toEqual([]);
  });

  it('a member from a text link answers on a phone, prefilled, and the dashboard counts it', async () => {
    const member = await t.database.db.selectFrom('members').select('id').where('phone', '=', PHONE).executeTakeFirstOrThrow();
    const token = memberToken(TEST_APP_SECRET, { workspaceId: t.demo.workspaceId, memberId: member.id, issuedAt: t.clock.now() });
    const mobile = await phone.newPage();
    mobile.on('pageerror', (error) => pageErrors.push(error.message));
    await mobile.goto(`${webUrl}?gsm=${token}`);
    await mobile.getByRole('heading', { name: 'Safe streets poll' }).waitFor();
    expect(await mobile.getByRole('textbox', { name: 'First name' }).inputValue()).toBe('Marisol');
    expect(await mobile.getByRole('textbox', { name: /Mobile phone/ }).inputValue()).toBe('(512) 555-0193');
    await screenshot(mobile, 'web-survey-phone-form.png');

    // Sent with the text question left empty: the page says what is missing and keeps the rest.
    await mobile.getByRole('radio', { name: 'Bike' }).check();
    await mobile.getByRole('radio', { name: '4' }).check();
    await mobile.getByRole('button', { name: 'Send my answers' }).click();
    await mobile.getByRole('link', { name: 'Question 3: Write a few words.' }).waitFor();
    expect(await mobile.getByRole('radio', { name: 'Bike' }).isChecked()).toBe(true);
    await screenshot(mobile, 'web-survey-phone-error.png');

    await mobile.getByRole('textbox', { name: /What one change would help most/ }).fill('A crosswalk at 5th and Main');
    await mobile.getByRole('checkbox', { name: /I agree to receive recurring texts/ }).check();
    await mobile.getByRole('button', { name: 'Send my answers' }).click();
    await mobile.getByRole('heading', { name: 'Thank you, Marisol!' }).waitFor();
    await mobile.getByText('We bring the results to the council on Thursday.').waitFor();
    await screenshot(mobile, 'web-survey-phone-thanks.png');

    // The open survey's page refreshes its counters on its own.
    await expect.poll(() => page.getByText(/1 completed/).count(), POLL).toBe(1);
    await page.getByRole('tab', { name: 'Results' }).click();
    await screenshot(page, 'web-survey-results.png');
    expect(pageErrors).toEqual([]);
  });
});
