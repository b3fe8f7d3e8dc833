import { type Browser, type BrowserContext, devices, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differenceOfProportions } from '../../server/modules/workflows/report.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { signInOnPage, startBackground, useSimulator } from '../helpers/e2e.ts';
import { freePort } from '../helpers/net.ts';

// Issue 7's "done when", in headless Chromium against the real app with the job worker and the dispatcher beside it:
// people sign petition X on its public page (a few of them also sign petition Y or RSVP to an event afterwards); an
// organizer builds the segment "signed X, no other action since" by clicking and sees its count; starts the petition →
// call ladder playbook for it with a 10% holdout, publishes it and enrolls the segment; members answer YES or NO from
// the simulator (one by typing on the simulated phone) or not at all; two who said YES open the call page from their
// text and log a call, and so does a held-out member on the public page; the clock moves past the reply timeout; the
// report shows how many went through each step and each way out, the totals, and the lift over the held-out members.

const POLL = { timeout: 30_000 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
const WORDING = 'I agree to receive recurring texts from Groundswell Demo. Msg & data rates may apply. Reply STOP to opt out.';
const MINUS = '\u2212';

type Person = { firstName: string; lastName: string; phone: string; ip: string };
type Run = { memberId: number; memberName: string; status: string; currentStepId: string | null; heldOut: boolean };

const person = (firstName: string, i: number): Person => ({
  firstName,
  lastName: 'Ladder',
  // 555-03xx: fictional numbers the simulator has no script for (it scripts those ending 0001–0005).
  phone: `+1512555${String(300 + i).padStart(4, '0')}`,
  // Each signer on a connection of their own, as on real phones: the public forms limit sign-ups per address.
  ip: `10.7.0.${i + 1}`,
});
const NAMES =
  'Ana Ben Cara Dev Eli Fay Gus Hana Ivo Jun Kai Lea Max Nia Oto Pia Quin Rui Sol Tess Uma Vik Wren Xia Yara Zed Abe Bea Cy Dot'.split(' ');
/** Everyone who signs petition X. */
const SIGNERS = NAMES.map(person);
/** Signers of X who then sign Y too, or RSVP to the event: not in the segment. */
const ALSO_SIGNED_Y = SIGNERS.slice(25, 28);
const RSVPED = SIGNERS.slice(28, 30);
/** Signed X and did nothing else: the segment. */
const SEGMENT = SIGNERS.slice(0, 25);
/** People who never signed X: three signed Y only, two joined by other means. */
const ONLY_Y = ['Pat', 'Rob', 'Sue'].map((name, i) => person(name, 40 + i));
const OTHERS = ['Tom', 'Val'].map((name, i) => person(name, 45 + i));

/** A share as the report writes it: signed percentage points. */
function points(share: number): string {
  const value = Math.round(share * 1000) / 10;
  if (value === 0) return '0.0';
  return `${value > 0 ? '+' : MINUS}${Math.abs(value).toFixed(1)}`;
}
const percent = (reached: number, n: number) => `${(Math.round((reached / n) * 1000) / 10).toFixed(1)}%`;

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('the petition → call ladder from segment to lift, in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let background: { stop: () => Promise<void> } | undefined;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let ticking: NodeJS.Timeout | undefined;
  /** How far the test clock runs ahead of the wall clock (it keeps ticking, so the worker's recurring jobs come due). */
  let ahead = 0;
  let petitionX = { id: 0, path: '', since: '' };
  let callPath = '';
  let segmentId = 0;
  let workflowId = 0;
  let enrolled = 0;
  let heldOutCount = 0;
  /** Who did what, by name (runs report members as "First Last"). */
  const plan = { yes: [] as Person[], no: [] as Person[], silent: [] as Person[], callers: [] as Person[], heldOut: [] as Person[] };
  let heldOutCaller: Person | null = null;
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());
  const runs = async () => (await call<{ runs: Run[] }>('GET', `/workflows/${workflowId}/runs?limit=200`, 200)).runs;
  const fullName = (p: Person) => `${p.firstName} ${p.lastName}`;
  const byName = (name: string) => SEGMENT.find((p) => fullName(p) === name) as Person;
  const stateOf = (list: Run[], p: Person) => {
    const run = list.find((r) => r.memberName === fullName(p));
    return run ? `${run.status}@${run.currentStepId ?? '-'}` : 'none';
  };
  /** The texts a member got, oldest first. */
  const textsTo = async (p: Person) => {
    const list = await runs();
    const memberId = list.find((r) => r.memberName === fullName(p))?.memberId;
    const { messages } = await call<{ messages: { body: string; direction: string }[] }>(
      'GET',
      `/messages?memberId=${memberId}&direction=out&limit=200`,
      200,
    );
    return messages.map((m) => m.body).reverse();
  };

  /** Posts a public page's form the way the browser does, from the person's own address. */
  const postForm = (path: string, who: Person, fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: path,
      remoteAddress: who.ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: new URLSearchParams({ lang: 'en', ...fields }).toString(),
    });
  /** Signs a petition on its public page, ticking the box to get texts (with the words the page showed). */
  const sign = async (path: string, who: Person) => {
    const form = await t.app.inject({ method: 'GET', url: path, headers: { 'user-agent': UA } });
    const w = /name="w" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const signed = await postForm(path, who, {
      w,
      firstName: who.firstName,
      lastName: who.lastName,
      phone: who.phone,
      postalCode: '78702',
      consent: 'yes',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.body).toContain(`Thank you, ${who.firstName}!`);
  };

  beforeAll(async () => {
    // Short links lead to our own pages (with the member's token) only on PUBLIC_URL's origin: listen on it.
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now() + ahead), 20);
    await t.app.listen({ port, host: '127.0.0.1' });
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);

    // Sending hours around the clock, and the simulator as the default SMS sender, replying nothing by itself.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });
    const settings = { failureRate: 0, replyRate: 0, optOutRate: 0, minDelayMs: 20, maxDelayMs: 100 };
    await useSimulator(call, settings);

    background = startBackground(t);

    // Petition X, the call page its signers are asked to use, another petition Y and an event.
    const x = await call<{ id: number }>('POST', '/petitions', 201, {
      title: 'Save the Oak Street trees',
      target: 'Austin City Council',
      summary: 'Forty old oaks.',
    });
    const publishedX = await call<{ url: string; publishedAt: number }>('POST', `/petitions/${x.id}/publish`, 200);
    petitionX = { id: x.id, path: new URL(publishedX.url).pathname, since: new Date(publishedX.publishedAt).toISOString().slice(0, 10) };
    const y = await call<{ id: number }>('POST', '/petitions', 201, { title: 'Fund the bus lanes', summary: 'Faster buses.' });
    const pathY = new URL((await call<{ url: string }>('POST', `/petitions/${y.id}/publish`, 200)).url).pathname;
    const callPage = await call<{ id: number }>('POST', '/calls', 201, {
      title: 'Call the mayor about the oaks',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, I am {{ member.first_name }}. Please save the Oak Street trees.',
      fixedTargets: [{ name: 'Mayor Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
    });
    callPath = (await call<{ path: string }>('POST', `/calls/${callPage.id}/publish`, 200)).path;
    const event = await call<{ id: number }>('POST', '/events', 201, {
      title: 'Oak Street tree walk',
      summary: 'Walk the street with an arborist.',
      location: 'Oak Street library',
      address: '1161 Angelina St, Austin, TX',
      timezone: 'America/Chicago',
      shifts: [{ date: new Date(Date.now() + 5 * DAY).toISOString().slice(0, 10), start: '10:00', end: '12:00', capacity: 50 }],
    });
    const publishedEvent = await call<{ path: string; shifts: { id: number }[] }>('POST', `/events/${event.id}/publish`, 200);

    // Thirty people sign X on its page; then some sign Y, or RSVP to the walk. Others never sign X.
    for (const who of SIGNERS) await sign(petitionX.path, who);
    for (const who of [...ALSO_SIGNED_Y, ...ONLY_Y]) await sign(pathY, who);
    for (const who of RSVPED) {
      const rsvp = await postForm(publishedEvent.path, who, {
        firstName: who.firstName,
        phone: who.phone,
        shift: String(publishedEvent.shifts[0]?.id),
      });
      expect(rsvp.statusCode, rsvp.body).toBe(200);
    }
    for (const who of OTHERS) {
      const { firstName, lastName, phone: number } = who;
      await call('POST', '/members', 201, { firstName, lastName, phone: number, consent: { sms: { wording: WORDING } } });
    }

    desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    phone = await browser.newContext({ ...devices['Pixel 7'], locale: 'en-US' });
    page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    await signInOnPage(page, origin, t.demo, base);
  }, 120_000);

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await background?.stop();
    clearInterval(ticking);
    await t?.close();
  });

  it('builds "signed petition X, no other action since" by clicking, sees its count and saves it', async () => {
    await page.goto(`${base}/members`);
    await page.getByRole('tab', { name: 'Segments' }).click();
    await page.waitForURL(/\/members\/segments$/);
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.waitForURL(/\/members\/segments\/new$/);

    // A new segment starts as "signed anything": the 30 signers of X and the 3 who signed only Y.
    const count = page.locator('[data-segment-count]');
    await expect.poll(() => count.textContent(), POLL).toBe(`${SIGNERS.length + ONLY_Y.length} members`);

    const first = page.getByRole('group', { name: 'Condition 1' });
    await first.getByRole('combobox', { name: 'Which action' }).selectOption('only');
    await first.getByRole('combobox', { name: 'Action', exact: true }).click();
    await page.getByRole('option', { name: /Save the Oak Street trees/ }).click();
    await expect.poll(() => count.textContent(), POLL).toBe(`${SIGNERS.length} members`);

    // AND NOT (any kind of action on an action other than X, since the day X opened).
    await page.getByRole('button', { name: 'Add a group', exact: true }).click();
    const group = page.getByRole('group', { name: 'Group 2' });
    await group.getByRole('switch', { name: /^NOT/ }).check({ force: true });
    const second = group.getByRole('group', { name: 'Condition 2.1' });
    await second.getByRole('combobox', { name: 'Condition type' }).selectOption('activity');
    await second.getByRole('button', { name: 'Any kind of action' }).click();
    await second.getByRole('combobox', { name: 'Which action' }).selectOption('except');
    await second.getByRole('combobox', { name: 'Action', exact: true }).click();
    await page.getByRole('option', { name: /Save the Oak Street trees/ }).click();
    await second.getByRole('combobox', { name: 'When' }).selectOption('since');
    await second.getByLabel('Date').fill(petitionX.since);

    // Those who signed Y or RSVPed after signing X are out: exactly the 25 who did nothing else.
    await expect.poll(() => count.textContent(), POLL).toBe(`${SEGMENT.length} members`);
    expect(await page.locator('[data-segment-sentence]').textContent()).toBe(
      `In words: signed Save the Oak Street trees and not signed, called, RSVPed, attended, answered a survey or shared any action other than Save the Oak Street trees since ${petitionX.since}`,
    );
    await page.getByRole('textbox', { name: 'Name' }).fill('Signed the oaks, nothing since');
    await screenshot(page, 'ladder-segment.png');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/\/members\/segments\/\d+$/);
    segmentId = Number(page.url().split('/').pop());
    await page.getByRole('heading', { name: 'Signed the oaks, nothing since' }).waitFor();

    // The saved segment holds exactly them.
    const members = await call<{ members: { name: string }[] }>('GET', `/segments/${segmentId}/members?limit=100`, 200);
    expect(members.members.map((m) => m.name).sort()).toEqual(SEGMENT.map(fullName).sort());
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('starts the petition → call ladder for the segment with a 10% holdout, publishes it and enrolls the segment', async () => {
    await page.goto(`${base}/messages`);
    await page.getByRole('tab', { name: 'Workflows' }).click();
    await page.waitForURL(/\/messages\/workflows$/);
    await page.getByRole('button', { name: 'New from playbook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('listitem').filter({ hasText: 'Petition → call ladder' }).click();
    const form = dialog.getByRole('form', { name: 'Petition → call ladder parameters' });
    await form.getByRole('combobox', { name: 'Petition' }).click();
    await page.getByRole('option', { name: 'Save the Oak Street trees (petition)' }).click();
    await form.getByRole('combobox', { name: 'Call page' }).click();
    await page.getByRole('option', { name: /Call the mayor about the oaks/ }).click();
    await form.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Signed the oaks, nothing since' }).click();
    const holdout = form.getByRole('textbox', { name: 'Holdout (%)' });
    await holdout.fill('10');
    expect(await holdout.inputValue()).toBe('10');
    await screenshot(page, 'ladder-playbook-modal.png');
    await form.getByRole('button', { name: 'Create draft' }).click();

    await page.waitForURL(/\/messages\/workflows\/\d+$/);
    workflowId = Number(new URL(page.url()).pathname.split('/').pop());
    const draft = await call<{ name: string; draft: { trigger: { kind: string }; holdoutPercent?: number; goal?: object } }>(
      'GET',
      `/workflows/${workflowId}`,
      200,
    );
    expect(draft).toMatchObject({
      name: 'Call ladder: Save the Oak Street trees',
      draft: { trigger: { kind: 'manual' }, holdoutPercent: 10, goal: { types: ['called'], withinDays: 14 } },
    });

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: version 1 is live.').waitFor();
    await page.getByText('Active · v1').waitFor();
    const panel = page.getByTestId('enroll-panel');
    await panel.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Signed the oaks, nothing since' }).click();
    await panel.getByRole('button', { name: 'Enroll' }).click();
    const result = (await panel.getByTestId('enroll-result').textContent()) ?? '';
    const parsed = /^(\d+) members? enrolled, (\d+) held out\.$/.exec(result);
    expect(parsed, result).not.toBeNull();
    enrolled = Number(parsed?.[1]);
    heldOutCount = Number(parsed?.[2]);
    expect(enrolled + heldOutCount).toBe(SEGMENT.length);
    await screenshot(page, 'ladder-enrolled.png');

    // The runs say the same: who is held out is drawn at random, so the rest of the test follows what they say.
    const list = await runs();
    expect(list.map((r) => r.memberName).sort()).toEqual(SEGMENT.map(fullName).sort());
    const held = list.filter((r) => r.status === 'held_out');
    expect(held.length).toBe(heldOutCount);
    expect(held.every((r) => r.heldOut)).toBe(true);
    // 25 members, 10%: more than a dozen held out would mean the holdout is not 10%.
    expect(heldOutCount).toBeLessThan(12);
    plan.heldOut = held.map((r) => byName(r.memberName));
    const treated = SEGMENT.filter((p) => !plan.heldOut.includes(p));
    plan.yes = treated.slice(0, 4);
    plan.no = treated.slice(4, 7);
    plan.silent = treated.slice(7);
    plan.callers = plan.yes.slice(0, 2);
    heldOutCaller = plan.heldOut[0] ?? null;
    expect(plan.silent.length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('asks every treated member, then moves them on their replies: YES, NO, or nothing', async () => {
    // The engine (the worker's jobs) asks each treated member, and waits for the answer; held-out members hear nothing.
    await expect
      .poll(async () => {
        const list = await runs();
        return SEGMENT.filter((p) => !plan.heldOut.includes(p)).every((p) => stateOf(list, p) === 'waiting@answer');
      }, POLL)
      .toBe(true);
    const asked = plan.yes[0] as Person;
    expect((await textsTo(asked)).at(-1)).toMatch(new RegExp(`^Thanks for signing, ${asked.firstName}! Will you take 2 minutes to call`));
    for (const p of plan.heldOut) expect((await textsTo(p)).some((body) => body.includes('Will you take 2 minutes'))).toBe(false);

    // The first YES is typed on the simulated phone.
    const [firstYes, ...otherYes] = plan.yes as [Person, ...Person[]];
    await page.goto(`${base}/messages/simulator`);
    await page.getByRole('combobox', { name: 'Text in as a member' }).fill(fullName(firstYes));
    await page.getByRole('option', { name: new RegExp(`^${fullName(firstYes)} ·`) }).click();
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('Will you take 2 minutes to call your representative too?', { exact: false }).waitFor(POLL);
    await page.getByRole('textbox', { name: 'Text as this member' }).fill('Yes');
    await page.getByRole('button', { name: 'Send text' }).click();
    await thread.getByText('Thank you! Here is your call page, with the number and a short script:', { exact: false }).waitFor(POLL);
    await screenshot(page, 'ladder-simulator.png');

    // The others answer through the simulator's inbound endpoint, in their own words.
    const yesWords = ['Yes!', 'yes', 'YES I will'];
    const noWords = ['No', 'no sorry', 'NO'];
    for (const [i, p] of otherYes.entries()) await call('POST', '/simulator/inbound', 202, { from: p.phone, body: yesWords[i] });
    for (const [i, p] of plan.no.entries()) await call('POST', '/simulator/inbound', 202, { from: p.phone, body: noWords[i] });

    // YES: tagged, sent the call page and given a day; NO: thanked, done; silence: still waiting.
    await expect
      .poll(async () => {
        const list = await runs();
        return [
          ...plan.yes.map((p) => stateOf(list, p)),
          ...plan.no.map((p) => stateOf(list, p)),
          ...plan.silent.map((p) => stateOf(list, p)),
        ];
      }, POLL)
      .toEqual([
        ...plan.yes.map(() => 'waiting@give_it_a_day'),
        ...plan.no.map(() => 'completed@thank_anyway'),
        ...plan.silent.map(() => 'waiting@answer'),
      ]);
    expect((await textsTo(plan.no[0] as Person)).at(-1)).toBe(
      'No problem, and thank you for signing! We will be in touch about other ways to help.',
    );
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('lets two who said YES call from the link in their text, and a held-out member from the public page', async () => {
    for (const caller of plan.callers) {
      const texts = await textsTo(caller);
      const text = texts.find((body) => body.startsWith('Thank you! Here is your call page')) ?? '';
      const link = new RegExp(`${origin}/l/[A-Za-z0-9]{10}`).exec(text)?.[0];
      expect(link, text).toBeDefined();
      const member = await phone.newPage();
      member.setDefaultTimeout(15_000);
      member.on('pageerror', (error) => pageErrors.push(error.message));
      await member.goto(link as string);
      await member.getByRole('heading', { level: 1, name: 'Call the mayor about the oaks' }).waitFor();
      // The link knows who they are: no name or number to type.
      await member.getByText(`Calling as ${caller.firstName}.`).waitFor();
      await member.getByRole('button', { name: 'Show me who to call' }).click();
      await member.getByText(`Hi Mayor Ruiz, I am ${caller.firstName}. Please save the Oak Street trees.`).waitFor();
      await member
        .getByRole('group', { name: 'How did your call to Mayor Ruiz go?' })
        .getByRole('button', { name: 'I talked to someone' })
        .click();
      await member.getByRole('heading', { name: `Thank you, ${caller.firstName}!` }).waitFor();
      if (caller === plan.callers[0]) await screenshot(member, 'ladder-call-phone.png');
      await member.close();
    }

    // A held-out member got no text, but finds the call page on their own (when anyone is held out).
    if (heldOutCaller) {
      const member = await phone.newPage();
      member.setDefaultTimeout(15_000);
      await member.goto(`${origin}${callPath}`);
      await member.getByRole('textbox', { name: 'First name' }).fill(heldOutCaller.firstName);
      await member.getByRole('textbox', { name: 'Mobile phone' }).fill(heldOutCaller.phone);
      await member.getByRole('button', { name: 'Show me who to call' }).click();
      await member
        .getByRole('group', { name: 'How did your call to Mayor Ruiz go?' })
        .getByRole('button', { name: 'I left a voicemail' })
        .click();
      await member.getByRole('heading', { name: `Thank you, ${heldOutCaller.firstName}!` }).waitFor();
      await member.close();
    }

    // The callers reached the goal: their runs end there, before the nudge.
    await expect
      .poll(async () => {
        const list = await runs();
        return plan.callers.map((p) => list.find((r) => r.memberName === fullName(p))?.status);
      }, POLL)
      .toEqual(plan.callers.map(() => 'completed'));
    const list = await call<{ runs: (Run & { exitReason: string | null; goalReachedAt: number | null })[] }>(
      'GET',
      `/workflows/${workflowId}/runs?limit=200`,
      200,
    );
    for (const p of plan.callers)
      expect(list.runs.find((r) => r.memberName === fullName(p))).toMatchObject({
        exitReason: 'goal_reached',
        goalReachedAt: expect.any(Number),
      });
    if (heldOutCaller) {
      await expect
        .poll(async () => (await runs()).find((r) => r.memberName === fullName(heldOutCaller as Person)), POLL)
        .toMatchObject({ status: 'held_out' });
    }
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('sends the no-reply branch its reminder, and the YES who did not call their nudge, once the clock moves on', async () => {
    // Two days and a bit later: past the 2-day reply timeout and the day given to those who said YES.
    ahead = 2 * DAY + 10 * 60_000;
    t.clock.set(Date.now() + ahead);
    await expect
      .poll(async () => (await runs()).filter((r) => r.status !== 'held_out').map((r) => r.status), POLL)
      .toEqual(Array.from({ length: enrolled }, () => 'completed'));
    for (const p of plan.silent.slice(0, 2))
      expect((await textsTo(p)).at(-1)).toMatch(/^Still have 2 minutes\? .* Here is your call page: http/);
    for (const p of plan.yes.slice(2)) expect((await textsTo(p)).at(-1)).toMatch(/^Did you get a chance to call\? .* Your call page: http/);
    for (const p of plan.callers) expect((await textsTo(p)).some((body) => body.startsWith('Did you get a chance'))).toBe(false);
  }, 90_000);

  it('reports per-step counts, the totals and the lift over the held-out members', async () => {
    await page.goto(`${base}/messages/workflows`);
    const row = page
      .getByRole('table', { name: 'Workflows' })
      .getByRole('row')
      .filter({ hasText: 'Call ladder: Save the Oak Street trees' });
    await row.getByRole('link', { name: 'Report' }).click();
    await page.waitForURL(/\/workflows\/\d+\/report$/);

    const count = (step: string, name: string) => page.locator(`[data-step-counts="${step}"] [data-count="${name}"] [data-value]`);
    const exit = (key: string) => page.locator(`[data-exit-count="${key}"]`).textContent();
    const total = (label: string) => page.locator(`[data-total="${label}"] [data-value]`).textContent();
    await expect.poll(() => total('Completed'), POLL).toBe(String(enrolled));
    expect(await count('ask', 'entered').textContent()).toBe(String(enrolled));
    expect(await count('answer', 'entered').textContent()).toBe(String(enrolled));
    expect(await exit('answer:answer:yes')).toBe(String(plan.yes.length));
    expect(await exit('answer:answer:no')).toBe(String(plan.no.length));
    expect(await exit('answer:timeout')).toBe(String(plan.silent.length));
    expect(await exit('answer:other')).toBe('0');
    expect(await count('call_link', 'entered').textContent()).toBe(String(plan.yes.length));
    expect(await count('called_yet', 'entered').textContent()).toBe(String(plan.yes.length - plan.callers.length));
    expect(await count('nudge', 'entered').textContent()).toBe(String(plan.yes.length - plan.callers.length));
    expect(await count('thank_anyway', 'entered').textContent()).toBe(String(plan.no.length));
    expect(await count('reminder', 'entered').textContent()).toBe(String(plan.silent.length));
    expect(await total('Enrolled')).toBe(String(enrolled));
    expect(await total('Held out')).toBe(String(heldOutCount));
    expect(await total('In progress')).toBe('0');
    expect(await total('Exited')).toBe('0');
    await page.locator('[data-total="Completed"]').getByText(`${plan.callers.length} reached the goal`).waitFor();

    // The goal: called within 14 days. Treated against held out, and the difference with its interval in words.
    const card = page.getByTestId('goal-card');
    await card.getByText('Members who called within 14 days of enrolling.').waitFor();
    const treatedRate = card.locator('[data-rate="Got the workflow"]');
    await treatedRate.getByText(`${plan.callers.length} of ${enrolled} members`).waitFor();
    await treatedRate.getByText(percent(plan.callers.length, enrolled)).waitFor();
    const heldRate = card.locator('[data-rate="Held out"]');
    if (heldOutCount > 0) {
      const heldReached = heldOutCaller ? 1 : 0;
      await heldRate.getByText(`${heldReached} of ${heldOutCount} members`).waitFor();
      await heldRate.getByText(percent(heldReached, heldOutCount)).waitFor();
      const lift = differenceOfProportions(plan.callers.length, enrolled, heldReached, heldOutCount);
      if (!lift) throw new Error('no comparison with a held-out group');
      const sentence = `${points(lift.difference)} points (95% CI ${points(lift.interval.low)} to ${points(lift.interval.high)})`;
      await expect.poll(() => card.getByTestId('goal-difference').textContent(), POLL).toBe(sentence);
      const verdict = await card.getByTestId('goal-verdict').textContent();
      if (lift.interval.low <= 0 && lift.interval.high >= 0) expect(verdict).toMatch(/^Not enough evidence yet/);
      else
        expect(verdict).toBe(
          `Members who got the workflow reached the goal ${lift.difference > 0 ? 'more' : 'less'} often than those held out.`,
        );
    } else {
      // No one was drawn for the holdout (about 7% of runs with 25 members): the card says why there is no comparison.
      await heldRate.getByText('0 of 0 members').waitFor();
      await card.getByText('No one is held out yet, so there is nothing to compare with: set a holdout percent in the builder.').waitFor();
      expect(await card.getByTestId('goal-difference').count()).toBe(0);
    }
    // The window of 14 days is still open for everyone enrolled.
    await card.getByTestId('goal-window-open').waitFor();
    await screenshot(page, 'ladder-report.png');
    // The flow is wider than its panel: scrolled sideways to the lane of those who never answered.
    await page.locator('[data-exit-count="answer:timeout"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'ladder-report-no-reply.png');

    // The report's numbers are the API's.
    const report = await call<{
      runs: { enrolled: number; heldOut: number; completed: number; goalReached: number };
      goal: { treated: { n: number; reached: number }; heldOut: { n: number; reached: number } };
    }>('GET', `/workflows/${workflowId}/report`, 200);
    expect(report.runs).toMatchObject({ enrolled, heldOut: heldOutCount, completed: enrolled, goalReached: plan.callers.length });
    expect(report.goal).toMatchObject({
      treated: { n: enrolled, reached: plan.callers.length },
      heldOut: { n: heldOutCount, reached: heldOutCaller ? 1 : 0 },
    });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
