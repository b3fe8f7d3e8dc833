import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_KIND_META, STEP_KINDS } from '../../common/workflows.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { openDashboardPage, signInOnPage, startBackground, useSimulator } from '../helpers/e2e.ts';

// The workflow builder in headless Chromium against the real app, with the job worker and the dispatcher running beside
// it and texts going through the built-in simulator: an organizer builds "text, then wait for YES or NO, a different
// text for each answer" by clicking, sees the server's objection to a template on the step it is about, saves, publishes
// version 1 and enrolls a saved segment; one member answers YES from the simulator's phone and another NO; the report
// shows how many went through each step and each way out, and the runs. Then a draft is made from the "petition → call
// ladder" playbook with its 10% holdout.

const POLL = { timeout: 20_000 };
const WORDING = 'I agree to receive recurring texts from Food Bank Austin. Msg & data rates may apply. Reply STOP to opt out.';
// Numbers ending 0001–0005 are scripted by the simulator; these get plain deliveries.
const ANA = { firstName: 'Ana', lastName: 'Flowtest', phone: '+15125550141' };
const BEN = { firstName: 'Ben', lastName: 'Flowtest', phone: '+15125550142' };
const ASK = 'Hi {{ member.first_name }}, can you help at the food bank on Saturday? Reply YES or NO';

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

type Run = { memberId: number; memberName: string; status: string; currentStepId: string | null };

describe.each(testDialects())('workflows in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let background: { stop: () => Promise<void> } | undefined;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let workflowUrl = '';
  let workflowId = 0;
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
  // A chosen step's menu closes with a transition: the next one opened must not find two menus.
  const menusClosed = () => expect.poll(() => page.getByRole('menu').count(), POLL).toBe(0);
  const runs = async () => (await call<{ runs: Run[] }>('GET', `/workflows/${workflowId}/runs`, 200)).runs;

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

    // Sending hours around the clock, and the simulator as the default SMS sender, replying nothing by itself.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });
    const settings = { failureRate: 0, replyRate: 0, optOutRate: 0, minDelayMs: 50, maxDelayMs: 200 };
    await useSimulator(call, settings);

    // Two volunteers who agreed to texts, and the saved segment the organizer enrolls.
    for (const member of [ANA, BEN]) await call('POST', '/members', 201, { ...member, consent: { sms: { wording: WORDING } } });
    await call('POST', '/segments', 201, {
      name: 'Food bank volunteers',
      rules: { kind: 'group', op: 'and', rules: [{ kind: 'field', field: 'last_name', op: 'eq', value: 'Flowtest' }] },
    });

    background = startBackground(t);

    ({ context, page } = await openDashboardPage(browser, { width: 1440, height: 900 }, pageErrors));
    await signInOnPage(page, origin, t.demo, base);
  });

  afterAll(async () => {
    await context?.close();
    await background?.stop();
    clearInterval(ticking);
    await t?.close();
  });

  it('builds a text and a yes/no question with a path for each answer, by clicking', async () => {
    await page.goto(`${base}/messages`);
    await page.getByRole('tab', { name: 'Workflows' }).click();
    await page.waitForURL(/\/messages\/workflows$/);
    await page.getByText('No workflows yet').waitFor();
    await page.getByRole('link', { name: 'New workflow' }).click();
    await page.waitForURL(/\/messages\/workflows\/new$/);

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Saturday volunteers');
    // A new workflow starts by hand, with one text; the first step is open in the editor.
    await page.getByRole('button', { name: 'Trigger: Manual' }).waitFor();
    const editor = page.locator('[data-step-editor]');
    await editor.getByRole('textbox', { name: 'Message' }).fill(ASK);
    await expect.poll(() => editor.getByTestId('sms-count').textContent(), POLL).toContain('1 segment');

    // After the text: wait for a reply, which opens a lane per way out.
    await page.getByRole('button', { name: 'Add a step after Step 1: Send SMS' }).click();
    await page.getByRole('menuitem', { name: /Wait for a reply/ }).click();
    await menusClosed();
    await editor.getByText('Step 2 · Wait for a reply', { exact: true }).waitFor();
    for (const lane of ['Yes', 'No', 'Other reply', 'No reply'])
      await page.getByRole('group', { name: `Step 2, ${lane}`, exact: true }).waitFor();

    // A text on each answer; the first with a variable the server does not know.
    await page.getByRole('button', { name: 'Add a step on Yes', exact: true }).click();
    await page.getByRole('menuitem', { name: /Send SMS/ }).click();
    await menusClosed();
    await editor.getByRole('textbox', { name: 'Message' }).fill('Great, see you Saturday at 9, {{ member.nickname }}!');
    await page.getByRole('button', { name: 'Add a step on No', exact: true }).click();
    await page.getByRole('menuitem', { name: /Send SMS/ }).click();
    await menusClosed();
    await editor.getByRole('textbox', { name: 'Message' }).fill('No worries, thanks {{ member.first_name }}!');

    // The server refuses the template; its message shows on the step it is about, and in the editor when opened.
    await page.getByRole('button', { name: 'Create draft' }).click();
    const yesCard = page.locator('[data-step-card="sms_2"]');
    await yesCard.getByText('1 problem').waitFor();
    await page
      .getByTestId('problems')
      .getByText(/unknown variable "member\.nickname"/i)
      .waitFor();
    await yesCard.click();
    await editor.getByText(/unknown variable "member\.nickname"/i).waitFor();
    await screenshot('workflows-builder-error.png');
    await editor.getByRole('textbox', { name: 'Message' }).fill('Great, see you Saturday at 9, {{ member.first_name }}!');
    await expect.poll(() => yesCard.getByText('1 problem').count(), POLL).toBe(0);

    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/messages\/workflows\/\d+$/);
    workflowUrl = page.url();
    workflowId = Number(workflowUrl.split('/').pop());
    await page.getByText('Draft', { exact: true }).waitFor();
    const saved = await call<{ draft: { steps: { id: string; kind: string }[] } }>('GET', `/workflows/${workflowId}`, 200);
    expect(saved.draft.steps.map((s) => [s.id, s.kind])).toEqual([
      ['sms_1', 'send_sms'],
      ['reply_1', 'wait_for_reply'],
      ['sms_2', 'send_sms'],
      ['sms_3', 'send_sms'],
    ]);
    expect(saved.draft.steps[1]).toMatchObject({
      reply: 'yes_no',
      branches: [
        { answer: 'yes', next: 'sms_2' },
        { answer: 'no', next: 'sms_3' },
      ],
    });
  }, 90_000);

  it('publishes version 1 and enrolls a saved segment', async () => {
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: version 1 is live.').waitFor();
    await page.getByText('Active · v1').waitFor();

    const panel = page.getByTestId('enroll-panel');
    await panel.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Food bank volunteers' }).click();
    await panel.getByRole('button', { name: 'Enroll' }).click();
    await expect.poll(() => panel.getByTestId('enroll-result').textContent(), POLL).toBe('2 members enrolled, 0 held out.');
    await screenshot('workflows-builder.png');

    // Both get the question and wait for the answer.
    await expect
      .poll(async () => (await runs()).map((r) => `${r.status}@${r.currentStepId}`), POLL)
      .toEqual(['waiting@reply_1', 'waiting@reply_1']);
  }, 60_000);

  it('takes a YES from the simulated phone and a NO by text, each down its own path', async () => {
    await page.goto(`${base}/messages/simulator`);
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('Ana Flowtest').click();
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('can you help at the food bank on Saturday?', { exact: false }).waitFor();
    await page.getByRole('textbox', { name: 'Text as this member' }).fill('Yes');
    await page.getByRole('button', { name: 'Send text' }).click();
    await thread.getByText('Great, see you Saturday at 9, Ana!', { exact: false }).waitFor(POLL);
    await screenshot('workflows-simulator.png');

    await call('POST', '/simulator/inbound', 202, { from: BEN.phone, body: 'no' });
    await expect
      .poll(async () => (await runs()).map((r) => `${r.memberName}:${r.status}`).sort(), POLL)
      .toEqual(['Ana Flowtest:completed', 'Ben Flowtest:completed']);
  }, 60_000);

  it('shows on the report how many went through each step and each way out', async () => {
    await page.goto(`${base}/messages/workflows`);
    const row = page.getByRole('table', { name: 'Workflows' }).getByRole('row').filter({ hasText: 'Saturday volunteers' });
    await expect.poll(() => row.locator('[data-count="completed"]').textContent(), POLL).toBe('2');
    expect(await row.locator('[data-count="enrolled"]').textContent()).toBe('2');
    await row.getByRole('link', { name: 'Report' }).click();
    await page.waitForURL(/\/workflows\/\d+\/report$/);

    const count = (step: string, name: string) => page.locator(`[data-step-counts="${step}"] [data-count="${name}"] [data-value]`);
    await expect.poll(() => count('sms_1', 'entered').textContent(), POLL).toBe('2');
    expect(await count('reply_1', 'entered').textContent()).toBe('2');
    expect(await count('reply_1', 'completed').textContent()).toBe('2');
    expect(await page.locator('[data-exit-count="reply_1:answer:yes"]').textContent()).toBe('1');
    expect(await page.locator('[data-exit-count="reply_1:answer:no"]').textContent()).toBe('1');
    expect(await page.locator('[data-exit-count="reply_1:timeout"]').textContent()).toBe('0');
    expect(await count('sms_2', 'entered').textContent()).toBe('1');
    expect(await count('sms_3', 'entered').textContent()).toBe('1');
    const total = (label: string) => page.locator(`[data-total="${label}"] [data-value]`).textContent();
    expect(await total('Enrolled')).toBe('2');
    expect(await total('Completed')).toBe('2');
    expect(await total('In progress')).toBe('0');

    // No goal was set: the report says how to get one.
    await page.getByText('This workflow has no goal.', { exact: false }).waitFor();
    const runsTable = page.getByRole('table', { name: 'Runs' });
    const ana = runsTable.getByRole('link', { name: 'Ana Flowtest' });
    expect(await ana.getAttribute('href')).toMatch(new RegExp(`/w/${t.demo.workspaceId}/members/\\d+$`));
    expect(await runsTable.locator('[data-run-status="completed"]').count()).toBe(2);
    await screenshot('workflows-report.png');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('pauses and resumes the workflow after asking', async () => {
    await page.goto(workflowUrl);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog', { name: 'Pause this workflow?' }).getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused · v1').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog', { name: 'Resume this workflow?' }).getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Active · v1').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('makes a draft from the petition → call ladder playbook, holding out 10%', async () => {
    const petition = await call<{ id: number }>('POST', '/petitions', 201, { title: 'Fund the food bank', summary: 'More shelves.' });
    await call('POST', `/petitions/${petition.id}/publish`, 200);
    const callPage = await call<{ id: number }>('POST', '/calls', 201, {
      title: 'Call the council',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, please fund the food bank.',
      fixedTargets: [{ name: 'Elena Ruiz', title: 'Council member', phone: '(512) 974-2000' }],
    });
    await call('POST', `/calls/${callPage.id}/publish`, 200);

    await page.goto(`${base}/messages/workflows`);
    await page.getByRole('button', { name: 'New from playbook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('listitem').filter({ hasText: 'Petition → call ladder' }).click();
    const form = dialog.getByRole('form', { name: 'Petition → call ladder parameters' });
    expect(await form.getByRole('textbox', { name: 'Holdout (%)' }).inputValue()).toBe('10');
    // Creating it without a petition names the parameter that is missing.
    const petitionInput = form.getByRole('combobox', { name: 'Petition' });
    await form.getByRole('button', { name: 'Create draft' }).click();
    await expect.poll(() => petitionInput.getAttribute('aria-invalid'), POLL).toBe('true');
    await petitionInput.click();
    await page.getByRole('option', { name: 'Fund the food bank (petition)' }).click();
    await form.getByRole('combobox', { name: 'Call page' }).click();
    await page.getByRole('option', { name: /Call the council/ }).click();
    await screenshot('workflows-playbook-modal.png');
    await form.getByRole('button', { name: 'Create draft' }).click();

    await page.waitForURL((target) => /\/messages\/workflows\/\d+$/.test(target.pathname) && !target.pathname.endsWith(`/${workflowId}`));
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const created = await call<{ status: string; draft: { holdoutPercent?: number; goal?: unknown; steps: unknown[] } }>(
      'GET',
      `/workflows/${id}`,
      200,
    );
    expect(created.status).toBe('draft');
    expect(created.draft.holdoutPercent).toBe(10);
    expect(created.draft.steps.length).toBeGreaterThan(3);
    // The builder shows the draft: its flow, and the holdout under Enrollment & goal.
    await page.locator('[data-step-card]').first().waitFor();
    await page.getByRole('tab', { name: 'Enrollment & goal' }).click();
    expect(await page.getByRole('textbox', { name: 'Hold out' }).inputValue()).toBe('10 %');
    await screenshot('workflows-playbook-draft.png');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('adds every kind of step from the palette and edits the harder ones without an error', async () => {
    await page.goto(`${base}/messages/workflows/new`);
    const editor = page.locator('[data-step-editor]');
    for (const kind of STEP_KINDS) {
      await page.getByRole('button', { name: 'Add a step before the first step' }).click();
      await page.getByRole('menuitem').filter({ hasText: STEP_KIND_META[kind].description }).click();
      await menusClosed();
      await editor.getByText(`Step 1 · ${STEP_KIND_META[kind].label}`, { exact: true }).waitFor();
      if (kind === 'condition') {
        await editor.getByRole('combobox', { name: 'If the member' }).selectOption('segment');
        await editor.getByRole('group', { name: 'All conditions' }).waitFor();
      }
      if (kind === 'wait_for_reply') {
        await editor.getByText('Choices', { exact: true }).click();
        await editor.getByRole('textbox', { name: 'Choice 2 words' }).fill('Sunday');
        await page.getByRole('group', { name: 'Step 1, Sunday', exact: true }).waitFor();
      }
      if (kind === 'wait') {
        await editor.getByText('Until a time', { exact: true }).click();
        await editor.getByRole('textbox', { name: 'Until', exact: true }).fill('09:30');
        await page.locator('[data-step-card="wait_1"]').getByText('until 09:30', { exact: false }).waitFor();
      }
    }
    expect(await page.locator('[data-step-card]').count()).toBe(STEP_KINDS.length + 1);
    // Each step went in ahead of the others, and switching the question to choices kept it leading on: one chain.
    expect(await page.getByRole('group', { name: 'Steps not connected' }).count()).toBe(0);
    // The communities to choose, and the goal the goal check needs, are flagged until given.
    await page
      .getByTestId('problems')
      .getByText(/goal step needs the workflow to have a goal/i)
      .waitFor();
    await screenshot('workflows-builder-every-step.png');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
