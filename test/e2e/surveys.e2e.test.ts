import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker, type Worker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// SMS surveys in headless Chromium against the real app: an organizer builds a survey (a multiple-choice question and
// a 1–5 scale), opens it and sends it to members; the members answer from the simulated phone, and the results page
// counts their answers live. The job worker runs in this process, as `groundswell start` runs it.

const POLL = { timeout: 15_000 };
const WORDING = 'I agree to receive recurring texts from Climate Austin. Msg & data rates may apply. Reply STOP to opt out.';
const MEMBERS = [
  { firstName: 'Rosa', phone: '+15125550131', answers: ['transit', '5'] },
  { firstName: 'Luis', phone: '+15125550132', answers: ['A', '4 stars'] },
  { firstName: 'Amara', phone: '+15125550133', answers: ['(b)', 'three'] },
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

describe.each(testDialects())('surveys in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let worker: Worker;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let surveyPath = '';
  let ticking: NodeJS.Timeout | undefined;
  const memberIds: number[] = [];
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
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
    // Sending hours around the clock, so the run does not depend on the hour it happens at.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });
    for (const member of MEMBERS) {
      const created = await call<{ id: number }>('POST', '/members', 201, {
        firstName: member.firstName,
        lastName: 'Tester',
        phone: member.phone,
        consent: { sms: { wording: WORDING } },
      });
      memberIds.push(created.id);
    }
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
    await worker?.stop(5_000);
    clearInterval(ticking);
    await t?.close();
  });

  it('creates a survey and builds its questions', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/actions/surveys`);
    await page.getByText('No surveys yet').waitFor();

    await page.getByRole('button', { name: 'New survey' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).fill('Commute poll');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/actions\/surveys\/\d+$/);
    surveyPath = new URL(page.url()).pathname;

    await page.getByRole('button', { name: 'Add question' }).click();
    const first = page.locator('[data-question="1"]');
    await first.getByRole('textbox', { name: 'Question' }).fill('How do you get to work?');
    await first.getByRole('textbox', { name: 'Options, one per line' }).fill('Transit\nBike\nCar');
    await page.getByText('A) Transit  B) Bike  C) Car').waitFor();

    await page.getByRole('button', { name: 'Add question' }).click();
    const second = page.locator('[data-question="2"]');
    await second.getByRole('combobox', { name: 'Kind' }).click();
    await page.getByRole('option', { name: 'Number scale' }).click();
    await second.getByRole('textbox', { name: 'Question' }).fill('How safe do the streets feel?');
    await page.getByRole('textbox', { name: 'Thank-you text' }).fill('Thank you! Results at the next meeting.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Survey saved.').waitFor();
    await screenshot('survey-builder.png');

    const saved = await call<{ questions: { kind: string; smsText: string }[]; outro: string }>(
      'GET',
      `/surveys/${surveyPath.split('/').pop()}`,
      200,
    );
    expect(saved.questions.map((q) => q.kind)).toEqual(['choice', 'scale']);
    expect(saved.questions[1]?.smsText).toBe('How safe do the streets feel? (reply 1-5)');
    expect(saved.outro).toBe('Thank you! Results at the next meeting.');
  });

  it('opens the survey, members answer by SMS, and the results count them live', async () => {
    await page.getByRole('button', { name: 'Open survey' }).click();
    await page.getByText('The survey is open: members can answer.').waitFor();
    // Sent from the page, to a community of the three members.
    const riders = await call<{ id: number }>('POST', '/communities', 201, { name: 'Transit riders', visibility: 'public' });
    await call('POST', `/communities/${riders.id}/members`, 200, { memberIds });
    await page.getByRole('button', { name: 'Send to members…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send to members' });
    await dialog.getByText('Only members who agreed to receive texts').waitFor();
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.getByText('Choose at least one member, community or tag').first().waitFor();
    await dialog.getByRole('combobox', { name: 'Communities' }).click();
    await page.getByRole('option', { name: 'Transit riders' }).click();
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    // The send runs in the background; the dialog follows it to the end.
    await expect.poll(() => dialog.getByTestId('send-progress').textContent(), POLL).toBe('3 of 3 members: 3 started, 0 skipped');
    await dialog.getByText('Sent', { exact: true }).waitFor();
    await screenshot('survey-send.png');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // Opened again: a new send can be made, and the one made is listed below.
    await page.getByRole('button', { name: 'Send to members…' }).click();
    const history = page.getByRole('dialog', { name: 'Send to members' }).getByRole('table', { name: 'Earlier sends' });
    await expect.poll(() => history.locator('tbody tr').count(), POLL).toBe(1);
    expect(await history.locator('tbody tr').first().textContent()).toMatch(/Transit riders.*Sent3/);
    await screenshot('survey-send-history.png');
    await page.getByRole('dialog', { name: 'Send to members' }).getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('tab', { name: 'Results' }).click();
    const started = page.locator('[data-counter="started"]');
    await expect.poll(() => started.textContent(), POLL).toContain('3');

    for (const member of MEMBERS) {
      for (const [index, answer] of member.answers.entries()) {
        await call('POST', '/simulator/inbound', 202, { from: member.phone, body: answer });
        // Each answer waits for the next question before the member "types" the next one.
        await expect
          .poll(async () => {
            const rows = await t.database.db
              .selectFrom('survey_answers as a')
              .innerJoin('members as m', 'm.id', 'a.member_id')
              .select('a.id')
              .where('m.phone', '=', member.phone)
              .execute();
            return rows.length;
          }, POLL)
          .toBe(index + 1);
      }
    }
    // Live: no reload, the page refreshes itself.
    await expect.poll(() => page.locator('[data-counter="completed"]').textContent(), POLL).toContain('3');
    const transit = page.locator('[data-result="1"] [data-tally="A"]');
    await expect.poll(() => transit.textContent(), POLL).toContain('2 · 66.7%');
    await expect.poll(() => page.locator('[data-result="2"]').textContent(), POLL).toContain('Average 4');
    await screenshot('survey-results.png');

    await page.getByRole('tab', { name: 'Responses' }).click();
    const rosa = page.locator('[data-response]', { hasText: 'Rosa Tester' });
    await expect.poll(() => rosa.textContent(), POLL).toContain('Transit');
    expect(await rosa.textContent()).toContain('Completed');

    // Once answered, the questions are locked in the builder.
    await page.getByRole('tab', { name: 'Questions' }).click();
    await page.getByText('Members have answered').waitFor();
    expect(await page.getByRole('button', { name: 'Add question' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
