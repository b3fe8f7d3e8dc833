import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageKind } from '../../server/db/schema.ts';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker, type Worker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';

// The ladder of engagement end to end, on a phone: a member texts a petition's keyword, opens the short link from the
// reply (the form already knows their number), signs, takes the next step — an event, prefilled too — RSVPs, and the
// day before the event the reminder reaches their phone through the simulator.

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

describe.each(testDialects())('from a text to a petition, an event and its reminder (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let worker: Worker;
  let phone: BrowserContext;
  let origin: string;
  let ticking: NodeJS.Timeout | undefined;
  /** How far the test clock runs ahead of the wall clock (it keeps ticking, so rate limits refill). */
  let ahead = 0;
  let event: { id: number; path: string; shifts: { id: number; startsAt: number }[] };
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const textsTo = async (kind: MessageKind) =>
    (
      await t.database.db
        .selectFrom('messages')
        .select('body')
        .where('workspace_id', '=', t.demo.workspaceId)
        .where('to_address', '=', PHONE)
        .where('direction', '=', 'out')
        .where('kind', '=', kind)
        .orderBy('id')
        .execute()
    ).map((m) => m.body);

  beforeAll(async () => {
    // Short links lead to our own pages (with the member's token) only on PUBLIC_URL's origin: listen on it.
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now() + ahead), 20);
    await t.app.listen({ port, host: '127.0.0.1' });
    api = await signIn(t.app, t.demo.email, t.demo.password);
    // Sending hours around the clock, so the run does not depend on the hour it happens at.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });

    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const created = await call<{ id: number }>('POST', '/events', 201, {
      title: 'Oak Street tree walk',
      summary: 'Walk the street with an arborist.',
      location: 'Oak Street library',
      address: '1161 Angelina St, Austin, TX',
      timezone: 'America/Chicago',
      shifts: [{ date, start: '10:00', end: '12:00', capacity: 30, waitlist: true }],
    });
    event = await call('POST', `/events/${created.id}/publish`, 200);
    const petition = await call<{ id: number }>('POST', '/petitions', 201, {
      title: 'Protect the Oak Street trees',
      target: 'Austin City Council',
      description: 'The road plan removes forty oaks. A safer street can keep them.',
      goal: 500,
      nextActionId: event.id,
    });
    await call('POST', `/petitions/${petition.id}/publish`, 200);
    await call('POST', '/keywords', 201, { keyword: 'TREES', targetType: 'action', targetId: petition.id });

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
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  });

  afterAll(async () => {
    if (ticking) clearInterval(ticking);
    await phone?.close();
    await worker?.stop(5_000);
    await t?.close();
  });

  it('texts TREES, signs the petition from the link, RSVPs to the next step and gets the reminder the day before', async () => {
    await call('POST', '/simulator/inbound', 202, { from: PHONE, body: 'trees' });
    let link = '';
    await expect
      .poll(async () => {
        link = /https?:\/\/\S+\/l\/[A-Za-z0-9]{10}/.exec((await textsTo('reply')).join('\n'))?.[0] ?? '';
        return link;
      }, POLL)
      .not.toBe('');

    const page = await phone.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Protect the Oak Street trees' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Mobile phone' }).inputValue()).toBe('(512) 555-0193');
    await page.getByRole('textbox', { name: 'First name' }).fill('Inés');
    await page.getByRole('checkbox', { name: /I agree to receive recurring texts/ }).check();
    if (dialect === 'sqlite') await capture(page, 'loop-petition.png');
    await page.getByRole('button', { name: 'Sign the petition' }).click();
    await page.getByRole('heading', { name: 'Thank you, Inés!' }).waitFor();
    if (dialect === 'sqlite') await capture(page, 'loop-signed.png');

    // The next step is the event, and it knows who she is.
    await page.getByRole('link', { name: 'Take the next step' }).click();
    await page.getByRole('heading', { level: 1, name: 'Oak Street tree walk' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'First name' }).inputValue()).toBe('Inés');
    await page.getByRole('checkbox', { name: /10:00 AM/ }).check();
    await page.getByRole('checkbox', { name: /Yes, text me about this event/ }).check();
    await page.getByRole('button', { name: 'RSVP' }).click();
    await page.getByRole('heading', { level: 1, name: 'You’re going!' }).waitFor();
    if (dialect === 'sqlite') await capture(page, 'loop-rsvp.png');

    // What she did is on her timeline, once each.
    const member = await t.database.db
      .selectFrom('members')
      .select(['id', 'first_name', 'sms_consent'])
      .where('workspace_id', '=', t.demo.workspaceId)
      .where('phone', '=', PHONE)
      .executeTakeFirstOrThrow();
    expect(member).toMatchObject({ first_name: 'Inés', sms_consent: 'granted' });
    const activities = await t.database.db
      .selectFrom('activities')
      .select('type')
      .where('workspace_id', '=', t.demo.workspaceId)
      .where('member_id', '=', member.id)
      .where('type', 'in', ['signed', 'rsvped'])
      .orderBy('id')
      .execute();
    expect(activities.map((a) => a.type)).toEqual(['signed', 'rsvped']);

    // The day before: the worker's recurring job finds the reminder and the simulator delivers it.
    ahead = (event.shifts[0]?.startsAt ?? 0) - 24 * 3_600_000 + 60_000 - Date.now();
    t.clock.set(Date.now() + ahead);
    await expect.poll(async () => (await textsTo('automation')).join('\n'), POLL).toContain('Oak Street tree walk is tomorrow');
    const dispatcher = t.messaging.createDispatcher();
    await expect
      .poll(async () => {
        await dispatcher.runOnce();
        const reminder = await t.database.db
          .selectFrom('messages')
          .select('state')
          .where('to_address', '=', PHONE)
          .where('kind', '=', 'automation')
          .where('body', 'like', '%is tomorrow%')
          .executeTakeFirst();
        return reminder?.state;
      }, POLL)
      .toBe('delivered');
    expect(pageErrors).toEqual([]);
  });
});
