import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker, type Worker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// Events in headless Chromium against the real app: a member opens an event's page on a phone, RSVPs to a shift with a
// friend, lands on the confirmation with its calendar link; a day later (the test clock jumps) the worker queues the
// day-before reminder, and the organizer sees it on the simulator's phone and checks the member in at the door. An
// organizer writes a new event and sees the draft's page in the phone preview beside the editor, as last saved.

const POLL = { timeout: 15_000 };
const PHONE_VIEWPORT = { width: 390, height: 844 };

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('events in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let worker: Worker;
  let origin: string;
  let ticking: NodeJS.Timeout | undefined;
  let event: { id: number; path: string; shifts: { id: number; startsAt: number; checkinCode: string }[] };
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const screenshot = (page: Page, name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    // Sending hours around the clock, so the run does not depend on the hour it happens at.
    await call('PATCH', '/messaging-settings', 200, { quietHoursStart: '00:00', quietHoursEnd: '23:59' });
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const created = await call<{ id: number }>('POST', '/events', 201, {
      title: 'Bike lane ride-along',
      summary: 'Ride the new route with the city planner.',
      description: 'Helmets required. We ride slow and stop often.',
      location: 'City Hall steps',
      address: '301 W 2nd St, Austin, TX',
      hostName: 'Rosa',
      shifts: [
        { date, start: '18:00', end: '20:00', capacity: 12, waitlist: true },
        { date, start: '20:30', end: '21:30', capacity: null, waitlist: false },
      ],
    });
    event = await call('POST', `/events/${created.id}/publish`, 200);
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
  });

  afterAll(async () => {
    if (ticking) clearInterval(ticking);
    await worker?.stop(5_000);
    await t?.close();
  });

  it('a member RSVPs from the event page on a phone and lands on the confirmation', async () => {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}${event.path}?ref=flyer`);
    await page.getByRole('heading', { level: 1, name: 'Bike lane ride-along' }).waitFor();
    await page.getByText('12 spots left').first().waitFor();
    await screenshot(page, 'event-page.png');

    // Submitting without a time or a name lists what to fix.
    await page.getByRole('button', { name: 'RSVP' }).click();
    await page.getByRole('alert').getByText('Choose at least one time.').waitFor();
    await screenshot(page, 'event-rsvp-errors.png');

    await page.getByRole('checkbox', { name: /6:00 PM/ }).check();
    await page.getByRole('textbox', { name: 'First name' }).fill('Marisol');
    await page.getByRole('textbox', { name: 'Mobile phone', exact: true }).fill('(512) 555-0177');
    await page.getByRole('textbox', { name: /Guests coming with you/ }).fill('1');
    await page.getByRole('textbox', { name: /Friend’s name/ }).fill('Dana');
    await page.getByRole('checkbox', { name: /Yes, text me about this event/ }).check();
    await page.getByRole('button', { name: 'RSVP' }).click();
    await page.getByRole('heading', { level: 1, name: 'You’re going!' }).waitFor();
    await page.getByText('We texted you a confirmation').waitFor();
    const calendar = page.getByRole('link', { name: 'Add to calendar' });
    expect(await calendar.getAttribute('href')).toBe(`${event.path}/${event.shifts[0]?.id}.ics`);
    await screenshot(page, 'event-rsvp-confirmation.png');

    const ics = await page.request.get(`${origin}${event.path}/${event.shifts[0]?.id}.ics`);
    expect(ics.headers()['content-type']).toContain('text/calendar');
    expect(await ics.text()).toContain('SUMMARY:Bike lane ride-along');

    // Their own page, from the confirmation.
    await page.getByRole('link', { name: 'Change or cancel your RSVP' }).click();
    await page.getByRole('button', { name: 'Cancel this RSVP' }).waitFor();
    await screenshot(page, 'event-my-rsvp.png');
    await context.close();

    const rsvps = await call<{ rsvps: { name: string; guests: number; friendName: string; ref: string }[] }>(
      'GET',
      `/events/${event.id}/rsvps?shiftId=${event.shifts[0]?.id}`,
      200,
    );
    expect(rsvps.rsvps).toMatchObject([{ name: 'Marisol', guests: 1, friendName: 'Dana', ref: 'flyer' }]);
  });

  it('the day before, the reminder arrives on the simulator; at the door the organizer checks her in on a phone', async () => {
    // The next day: the clock jumps to a minute after the reminder is due; the worker's recurring job finds it.
    if (ticking) clearInterval(ticking);
    const startsAt = event.shifts[0]?.startsAt ?? 0;
    t.clock.set(startsAt - 24 * 3_600_000 + 60_000);
    await expect
      .poll(async () => {
        const rows = await t.database.db
          .selectFrom('messages')
          .select('body')
          .where('to_address', '=', '+15125550177')
          .where('kind', '=', 'automation')
          .execute();
        return rows.map((r) => r.body).join('\n');
      }, POLL)
      .toContain('Reminder from Groundswell Demo: Bike lane ride-along is tomorrow');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}`);
    await page.goto(`${origin}/w/${t.demo.workspaceId}/messages/simulator`);
    await page.getByText('Bike lane ride-along is tomorrow').first().waitFor();
    await screenshot(page, 'event-reminder-simulator.png');

    await page.goto(`${origin}/w/${t.demo.workspaceId}/actions/events`);
    await page.locator(`[data-event="${event.id}"]`).getByText('2 / ∞').waitFor();
    await screenshot(page, 'events-list.png');
    await page.getByRole('link', { name: 'Bike lane ride-along' }).click();
    await page.getByRole('table', { name: 'RSVPs' }).getByText('Marisol').waitFor();
    await screenshot(page, 'event-rsvps.png');

    await context.close();

    // At the door, on a phone: an hour before the ride.
    t.clock.set(startsAt - 30 * 60_000);
    const phone = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const door = await phone.newPage();
    door.setDefaultTimeout(15_000);
    door.on('pageerror', (error) => pageErrors.push(error.message));
    await door.goto(`${origin}/login`);
    await door.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await door.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await door.getByRole('button', { name: 'Sign in' }).click();
    await door.waitForURL(`${origin}/w/${t.demo.workspaceId}`);
    await door.goto(`${origin}/w/${t.demo.workspaceId}/actions/events/${event.id}/check-in`);
    await door
      .locator('[data-door-code]')
      .getByText(event.shifts[0]?.checkinCode ?? '')
      .waitFor();
    await door.getByRole('textbox', { name: 'Search RSVPs' }).fill('mari');
    await door.getByRole('button', { name: 'Check in Marisol' }).click();
    await door.getByText('Checked in', { exact: true }).waitFor();
    await expect.poll(() => door.locator('[data-count="checked-in"]').textContent(), POLL).toContain('1 checked in');
    await screenshot(door, 'event-check-in.png');
    await phone.close();

    const attended = await t.database.db.selectFrom('activities').select('type').where('type', '=', 'attended').execute();
    expect(attended).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it('an organizer writes a new event, sees the draft in the phone preview as saved, and publishes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}`);

    // A new event from the dashboard: a draft with one shift.
    await page.goto(`${origin}/w/${t.demo.workspaceId}/actions/events/new`);
    await page.getByRole('textbox', { name: 'Title' }).fill('Letter-writing night');
    await page.getByRole('textbox', { name: 'Place' }).fill('Café Azul');
    await page.getByRole('textbox', { name: 'Date' }).fill('2030-03-14');
    await page.getByRole('textbox', { name: 'Capacity' }).fill('20');
    await screenshot(page, 'event-editor.png');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/actions\/events\/\d+$/);
    // Beside the editor, the draft's page as members will see it on a phone; saving shows the change there.
    const preview = page.frameLocator('iframe[data-preview]');
    await preview.getByRole('heading', { level: 1, name: 'Letter-writing night' }).waitFor();
    await page.getByRole('textbox', { name: 'Title' }).fill('Letter-writing night at Café Azul');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Event saved.').waitFor();
    await preview.getByRole('heading', { level: 1, name: 'Letter-writing night at Café Azul' }).waitFor();
    await preview.getByText('20 spots left').first().waitFor();
    await preview.getByRole('button', { name: 'RSVP' }).waitFor();
    const frame = await (await page.locator('iframe[data-preview]').elementHandle())?.contentFrame();
    expect(await frame?.evaluate(() => window.innerWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'event-draft-preview.png');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: the page takes RSVPs.').waitFor();
    const drafted = await call<{ events: { title: string; status: string; capacity: number | null }[] }>('GET', '/events', 200);
    expect(drafted.events[0]).toMatchObject({ title: 'Letter-writing night at Café Azul', status: 'published', capacity: 20 });
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
