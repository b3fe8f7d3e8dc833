import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { memberToken } from '../links/member-token.ts';
import { createQuietHours } from '../messaging/quiet-hours.ts';
import { createEventRemindersRunner } from './event-reminders.job.ts';

// Events end to end: staff create and publish an event over the API, members RSVP through its public page (found or
// created by phone, consent only when ticked), get a confirmation and reminders from the outbox, check in at the door;
// the reminder job runs on the test clock.

type Shift = {
  id: number;
  startsAt: number;
  endsAt: number;
  going: number;
  waitlisted: number;
  attended: number;
  checkinCode: string;
  spotsLeft: number | null;
};
type EventOut = { id: number; slug: string; status: string; approval: string; path: string; takenCount: number; shifts: Shift[] };

const HOUR = 3_600_000;
// The test clock starts on Sunday 2026-11-22 at 09:00 in Chicago (15:00 UTC); the event is the next Saturday.
const SATURDAY_10AM = Date.parse('2026-11-28T16:00:00Z');

describe.each(testDialects())('events on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });

  const cleanup = {
    title: 'Cleanup at Shoal Creek',
    summary: 'Bring gloves; we bring bags and coffee.',
    description: 'We meet at the trailhead.\n\nKids welcome.',
    location: 'Shoal Creek trailhead',
    address: '2600 N Lamar Blvd, Austin, TX',
    hostName: 'Rosa',
    shifts: [{ date: '2026-11-28', start: '10:00', end: '13:00', capacity: 30, waitlist: true }],
  };

  async function publishedEvent(body: object = cleanup): Promise<EventOut> {
    const created = await api('POST', '/events', body);
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as EventOut).id;
    const published = await api('POST', `/events/${id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as EventOut;
  }

  const page = (event: EventOut, suffix = '', headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: `${event.path}${suffix}`, headers });

  /** Posts the RSVP form the way a browser does, with the consent fingerprint the page carried. */
  async function rsvp(event: EventOut, fields: Record<string, string | string[]>, consent = true) {
    const form = (await page(event)).body;
    const w = /name="w" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const params = new URLSearchParams({ lang: 'en', w });
    for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(key, v);
    if (consent) params.set('consent', 'yes');
    return t.app.inject({
      method: 'POST',
      url: event.path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    });
  }

  const memberByPhone = (phone: string) => db().selectFrom('members').selectAll().where('phone', '=', phone).executeTakeFirst();
  const textsTo = (phone: string) =>
    db()
      .selectFrom('messages')
      .selectAll()
      .where('to_address', '=', phone)
      .where('direction', '=', 'out')
      .where('state', '!=', 'cancelled')
      .orderBy('id')
      .execute();
  const rsvpsOf = (memberId: number) =>
    db().selectFrom('event_rsvps').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
  const getEvent = async (id: number) => (await api('GET', `/events/${id}`)).json() as EventOut;

  it('create → publish → RSVP through the public page: member, consent only when ticked, activity, confirmation text', async () => {
    const created = await api('POST', '/events', cleanup);
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json() as EventOut;
    expect(draft).toMatchObject({ status: 'draft', approval: 'approved', slug: 'cleanup-at-shoal-creek' });
    expect(draft.shifts[0]).toMatchObject({ startsAt: SATURDAY_10AM, endsAt: SATURDAY_10AM + 3 * HOUR, going: 0, spotsLeft: 30 });
    // Drafts are not public.
    expect((await page(draft)).statusCode).toBe(404);

    const event = await publishedEvent({ ...cleanup, title: 'Cleanup day' });
    const shown = await page(event);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toContain('text/html');
    expect(shown.body.length).toBeLessThan(30_000);
    expect(shown.body).toContain('<h1>Cleanup day</h1>');
    expect(shown.body).toContain('Saturday, November 28, 2026, 10:00 AM – 1:00 PM CST');
    expect(shown.body).toContain('30 spots left');
    expect(shown.body).toContain('<meta property="og:title" content="Cleanup day">');
    expect(shown.body).toContain(`href="${event.path}/${event.shifts[0]?.id}.ics"`);
    expect(shown.body).toContain('Shoal Creek trailhead');
    expect(shown.body).not.toContain('<script');
    const spanish = await page(event, '?lang=es');
    expect(spanish.body).toContain('sábado, 28 de noviembre de 2026');
    expect(spanish.body).toContain('Confirmar');

    const shiftId = String(event.shifts[0]?.id);
    const ana = await rsvp(event, { firstName: 'Ana', phone: '(512) 555-0101', email: 'ana@example.org', shift: shiftId });
    expect(ana.statusCode, ana.body).toBe(200);
    expect(ana.body).toContain('You’re going!');
    expect(ana.body).toContain('We texted you a confirmation');
    expect(ana.body).toContain(`${event.path}/${shiftId}.ics`);
    const member = await memberByPhone('+15125550101');
    expect(member).toMatchObject({ first_name: 'Ana', email: 'ana@example.org', sms_consent: 'granted', source: 'event_page' });
    const consent = await db()
      .selectFrom('consent_events')
      .selectAll()
      .where('member_id', '=', member?.id ?? 0)
      .execute();
    expect(consent).toHaveLength(1);
    expect(consent[0]?.wording).toBe(
      'Yes, text me about this event and other actions from Groundswell Demo. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Not required to RSVP.',
    );
    expect(consent[0]?.method).toBe('web_form');
    const activities = await db()
      .selectFrom('activities')
      .select(['type', 'subject_type', 'subject_id'])
      .where('member_id', '=', member?.id ?? 0)
      .where('type', '=', 'rsvped')
      .execute();
    expect(activities).toEqual([{ type: 'rsvped', subject_type: 'event', subject_id: event.id }]);
    const texts = await textsTo('+15125550101');
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain("Groundswell Demo: you're going to Cleanup day on Sat, Nov 28, 10:00 AM at Shoal Creek trailhead");
    expect(texts[0]?.body).toMatch(/Calendar or cancel: http\S+\/rsvp\?t=[\w-]{38}/);
    expect(texts[0]?.body).toContain('Reply STOP to opt out');
    expect(texts[0]?.encoding).toBe('gsm7');

    // Without the box ticked: an RSVP, a member, but no consent and no text.
    const ben = await rsvp(event, { firstName: 'Ben', phone: '512-555-0102', shift: shiftId }, false);
    expect(ben.statusCode, ben.body).toBe(200);
    expect(ben.body).not.toContain('We texted you');
    expect(await memberByPhone('+15125550102')).toMatchObject({ sms_consent: 'none' });
    expect(await textsTo('+15125550102')).toHaveLength(0);

    // RSVPing again changes nothing and texts nothing more.
    expect((await rsvp(event, { firstName: 'Ana', phone: '512 555 0101', shift: shiftId })).statusCode).toBe(200);
    expect(await textsTo('+15125550101')).toHaveLength(1);
    const after = await getEvent(event.id);
    expect(after.takenCount).toBe(2);
    expect(after.shifts[0]).toMatchObject({ going: 2, spotsLeft: 28 });

    // The sends really go out through the simulator.
    await t.messaging.createDispatcher().runOnce();
    expect((await textsTo('+15125550101'))[0]?.state).toMatch(/sent|delivered/);

    // Bad input: the form again with a message per field, nothing stored.
    const bad = await rsvp(event, { firstName: '', phone: '12', shift: [] }, false);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose at least one time.');
    expect(bad.body).toContain('This is not a phone number we recognise.');
    expect(bad.body).toContain('aria-invalid="true"');
  });

  it('a full shift takes a waitlist when it has one, else says so; a cancellation gives the seat to the first waiting', async () => {
    const event = await publishedEvent({
      ...cleanup,
      shifts: [
        { date: '2026-11-28', start: '10:00', end: '12:00', capacity: 1, waitlist: true },
        { date: '2026-11-28', start: '13:00', end: '15:00', capacity: 1, waitlist: false },
      ],
    });
    const [morning, afternoon] = event.shifts.map((s) => String(s.id));
    expect((await rsvp(event, { firstName: 'Ana', phone: '5125550111', shift: morning ?? '' })).body).toContain('You’re going!');
    const waiting = await rsvp(event, { firstName: 'Ben', phone: '5125550112', shift: morning ?? '' });
    expect(waiting.body).toContain('You’re on the waitlist');
    expect((await textsTo('+15125550112'))[0]?.body).toContain("you're on the waitlist for Cleanup at Shoal Creek");
    expect((await rsvp(event, { firstName: 'Cy', phone: '5125550113', shift: afternoon ?? '' })).statusCode).toBe(200);
    const full = await rsvp(event, { firstName: 'Dee', phone: '5125550114', shift: afternoon ?? '' });
    expect(full.statusCode).toBe(400);
    expect(full.body).toContain('Saturday, November 28, 2026, 1:00 PM – 3:00 PM CST is full. Choose another time.');
    // Nothing of Dee's was kept.
    expect(await memberByPhone('+15125550114')).toBeUndefined();
    expect((await getEvent(event.id)).shifts.map((s) => [s.going, s.waitlisted])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    const shown = await page(event);
    expect(shown.body).toContain('Full: join the waitlist');

    // Ana cancels from the link in her confirmation; Ben gets her seat and a text.
    const link = /(\/p\/\S+\/rsvp\?t=[\w-]+)/.exec((await textsTo('+15125550111'))[0]?.body ?? '')?.[1] ?? '';
    const mine = await t.app.inject({ method: 'GET', url: link });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.body).toContain('Cancel this RSVP');
    const token = new URL(link, 'http://x').searchParams.get('t') ?? '';
    const cancelled = await t.app.inject({
      method: 'POST',
      url: `${event.path}/cancel`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ t: token, shift: morning ?? '', lang: 'en' }).toString(),
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.body).toContain('RSVP cancelled');
    const ben = await memberByPhone('+15125550112');
    expect((await rsvpsOf(ben?.id ?? 0)).map((r) => r.status)).toEqual(['going']);
    expect((await textsTo('+15125550112')).at(-1)?.body).toContain('a spot opened up!');
    expect((await getEvent(event.id)).shifts[0]).toMatchObject({ going: 1, waitlisted: 0 });
    // A forged token is refused.
    const forged = await t.app.inject({ method: 'GET', url: `${event.path}/rsvp?t=${'A'.repeat(38)}` });
    expect(forged.statusCode).toBe(400);
  });

  it('reminders: the day before and an hour before, each once, inside sending hours, only with consent, none after cancel; feedback after', async () => {
    const event = await publishedEvent({
      ...cleanup,
      shifts: [
        { date: '2026-11-28', start: '10:00', end: '13:00', capacity: null, waitlist: false },
        // 07:00 in Chicago: the day-before reminder is due at 07:00 the day before, in quiet hours (08:00–21:00).
        { date: '2026-11-29', start: '07:00', end: '07:45', capacity: null, waitlist: false },
      ],
    });
    const [day, early] = event.shifts.map((s) => String(s.id));
    await rsvp(event, { firstName: 'Ana', phone: '5125550121', shift: [day ?? '', early ?? ''] });
    await rsvp(event, { firstName: 'Ben', phone: '5125550122', shift: day ?? '' }, false);
    await rsvp(event, { firstName: 'Cy', phone: '5125550123', shift: day ?? '' });
    const cy = await memberByPhone('+15125550123');
    const cyToken = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: cy?.id ?? 0, issuedAt: t.clock.now() });
    await t.app.inject({
      method: 'POST',
      url: `${event.path}/cancel`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ t: cyToken, shift: day ?? '' }).toString(),
    });
    const run = createEventRemindersRunner({ db: db(), clock: t.clock, appSecret: TEST_APP_SECRET, config: t.config });
    const reminders = async (phone: string) => (await textsTo(phone)).filter((m) => m.kind === 'automation');

    // Nothing is due yet.
    await t.runJobs();
    expect(await reminders('+15125550121')).toHaveLength(0);

    // Friday 10:00 in Chicago: the day before the first shift.
    t.clock.set(SATURDAY_10AM - 24 * HOUR + 60_000);
    await t.runJobs();
    expect(await run()).toEqual({ day: 0, hour: 0, feedback: 0 }); // a second run finds nothing
    let ana = await reminders('+15125550121');
    expect(ana.map((m) => m.body)).toEqual([
      "Reminder from Groundswell Demo: Cleanup at Shoal Creek is tomorrow, Sat, Nov 28, 10:00 AM at Shoal Creek trailhead, 2600 N Lamar Blvd, Austin, TX. Can't make it? " +
        (ana[0]?.body.split("Can't make it? ")[1] ?? ''),
    ]);
    expect(ana[0]?.send_at).toBe(t.clock.now());
    expect(await reminders('+15125550122')).toHaveLength(0); // no consent
    expect(await reminders('+15125550123')).toHaveLength(0); // cancelled

    // Saturday 07:00: the early shift's day-before reminder falls in quiet hours and waits for 08:00.
    t.clock.set(Date.parse('2026-11-28T13:00:00Z') + 60_000);
    await t.runJobs();
    ana = await reminders('+15125550121');
    expect(ana).toHaveLength(2);
    expect(ana[1]?.body).toContain('is tomorrow, Sun, Nov 29, 7:00 AM');
    expect(ana[1]?.send_at).toBe(Date.parse('2026-11-28T14:00:00Z'));

    // 55 minutes before the first shift: the hour-before reminder.
    t.clock.set(SATURDAY_10AM - 55 * 60_000);
    await t.runJobs();
    await run();
    ana = await reminders('+15125550121');
    expect(ana).toHaveLength(3);
    expect(ana[2]?.body).toBe(
      'Groundswell Demo: Cleanup at Shoal Creek starts at 10:00 AM at Shoal Creek trailhead, 2600 N Lamar Blvd, Austin, TX. See you soon!',
    );

    // Sunday 06:00: the early shift's hour-before reminder would wait for 08:00, after the shift is over: skipped.
    t.clock.set(Date.parse('2026-11-29T12:00:00Z') + 60_000);
    await t.runJobs();
    expect(await reminders('+15125550121')).toHaveLength(3);
    const rows = await rsvpsOf((await memberByPhone('+15125550121'))?.id ?? 0);
    expect(rows.map((r) => [r.day_reminder_message_id !== null, r.hour_reminder_at !== null, r.hour_reminder_message_id !== null])).toEqual(
      [
        [true, true, true],
        [true, true, false],
      ],
    );

    // No reminder is ever scheduled in quiet hours.
    const quiet = createQuietHours({ start: '08:00', end: '21:00' });
    for (const m of await reminders('+15125550121')) expect(quiet.allowedAt(m.send_at, 'America/Chicago')).toBe(true);

    // Ana came to the first shift; after it, a feedback text (once).
    const list = (await api('GET', `/events/${event.id}/rsvps?shiftId=${day}`)).json() as { rsvps: { id: number; name: string }[] };
    const anaRsvp = list.rsvps.find((r) => r.name === 'Ana');
    expect((await api('POST', `/events/${event.id}/rsvps/${anaRsvp?.id}/attendance`, { status: 'attended' })).statusCode).toBe(200);
    t.clock.set(SATURDAY_10AM + 3 * HOUR + 10 * 60_000);
    await t.runJobs();
    await run();
    const feedback = (await reminders('+15125550121')).filter((m) => m.body.includes('How was it?'));
    expect(feedback.map((m) => m.body)).toEqual([
      'Groundswell Demo: thanks for coming to Cleanup at Shoal Creek! How was it? Reply 1-5 (5 = great).',
    ]);
  });

  it('serves each shift as an .ics calendar file', async () => {
    const event = await publishedEvent({ ...cleanup, title: 'Town hall; budget, 2027' });
    const shift = event.shifts[0];
    const response = await page(event, `/${shift?.id}.ics`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/calendar');
    const ics = response.body;
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics).toContain('DTSTART:20261128T160000Z\r\n');
    expect(ics).toContain('DTEND:20261128T190000Z\r\n');
    expect(ics).toContain('SUMMARY:Town hall\\; budget\\, 2027\r\n');
    expect(ics).toContain('LOCATION:Shoal Creek trailhead\\, 2600 N Lamar Blvd\\, Austin\\, TX');
    expect(ics).toContain(`UID:event-shift-${shift?.id}@`);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect((await page(event, '/999999.ics')).statusCode).toBe(404);
  });

  it('self check-in at the door with the right code, not with a wrong one; organizer check-in, search and no-shows', async () => {
    const event = await publishedEvent();
    const shift = event.shifts[0];
    await rsvp(event, { firstName: 'Ana', phone: '5125550131', shift: String(shift?.id) });
    await rsvp(event, { firstName: 'Ben', phone: '5125550132', shift: String(shift?.id) });
    await rsvp(event, { firstName: 'Cy', phone: '5125550133', shift: String(shift?.id) });
    const checkIn = (phone: string, code: string) =>
      t.app.inject({
        method: 'POST',
        url: `${event.path}/check-in`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ phone, code }).toString(),
      });
    // Check-in is not open days ahead.
    expect((await checkIn('5125550131', shift?.checkinCode ?? '')).statusCode).toBe(400);

    t.clock.set(SATURDAY_10AM - 10 * 60_000);
    expect((await page(event, '/check-in')).body).toContain('Door code');
    const wrong = await checkIn('5125550131', shift?.checkinCode === '0000' ? '1111' : '0000');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('That code is not right');
    const stranger = await checkIn('5125550199', shift?.checkinCode ?? '');
    expect(stranger.statusCode).toBe(404);
    expect(stranger.body).toContain('We could not find an RSVP for this number');
    const ok = await checkIn('(512) 555-0131', shift?.checkinCode ?? '');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain('Welcome, Ana!');
    expect((await checkIn('5125550131', shift?.checkinCode ?? '')).body).toContain('You were already checked in');
    const ana = await memberByPhone('+15125550131');
    expect((await rsvpsOf(ana?.id ?? 0))[0]).toMatchObject({ status: 'attended', checkin_method: 'self' });
    const attended = await db()
      .selectFrom('activities')
      .select('type')
      .where('member_id', '=', ana?.id ?? 0)
      .where('type', '=', 'attended')
      .execute();
    expect(attended).toHaveLength(1);

    // The organizer's phone view: search by name, tap to check in.
    const found = (await api('GET', `/events/${event.id}/rsvps?shiftId=${shift?.id}&q=be`)).json() as {
      rsvps: { id: number; name: string }[];
    };
    expect(found.rsvps.map((r) => r.name)).toEqual(['Ben']);
    const marked = await api('POST', `/events/${event.id}/rsvps/${found.rsvps[0]?.id}/attendance`, { status: 'attended' });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toMatchObject({ name: 'Ben', status: 'attended', checkinMethod: 'organizer' });
    expect((await getEvent(event.id)).shifts[0]).toMatchObject({ going: 3, attended: 2 });

    // No-shows only after the shift; then Cy, who never came, is one.
    expect((await api('POST', `/events/${event.id}/shifts/${shift?.id}/no-shows`)).statusCode).toBe(409);
    t.clock.set(SATURDAY_10AM + 4 * HOUR);
    const noShows = await api('POST', `/events/${event.id}/shifts/${shift?.id}/no-shows`);
    expect(noShows.json()).toEqual({ marked: 1 });
    const counts = (await api('GET', `/events/${event.id}/rsvps`)).json() as { counts: Record<string, number> };
    expect(counts.counts).toMatchObject({ attended: 2, no_show: 1, going: 0 });
  });

  it('a volunteer-hosted event is published only once an organizer approves it; bad input gets field messages', async () => {
    const created = await api('POST', '/events', { ...cleanup, volunteerHosted: true, hostName: 'Luis (volunteer)' });
    const event = created.json() as EventOut;
    expect(event.approval).toBe('pending');
    const refused = await api('POST', `/events/${event.id}/publish`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('action.invalid_transition');
    expect((await api('POST', `/events/${event.id}/approve`)).json()).toMatchObject({ approval: 'approved' });
    expect((await api('POST', `/events/${event.id}/publish`)).json()).toMatchObject({ status: 'published' });
    const listed = (await api('GET', '/events')).json() as {
      events: { id: number; going: number; capacity: number | null; nextShift: unknown }[];
    };
    expect(listed.events[0]).toMatchObject({ id: event.id, going: 0, capacity: 30, nextShift: { startsAt: SATURDAY_10AM } });

    const virtual = await api('POST', '/events', { title: 'Webinar', format: 'virtual', shifts: cleanup.shifts });
    expect(virtual.statusCode).toBe(400);
    expect(virtual.json().errors).toEqual([{ path: 'body.joinUrl', message: 'is required for a virtual event' }]);
    const badShift = await api('POST', '/events', { ...cleanup, shifts: [{ date: '2026-11-28', start: '13:00', end: '10:00' }] });
    expect(badShift.statusCode).toBe(400);
    expect(badShift.json().errors[0].path).toContain('shifts.0.end');

    // A shift people RSVPed to cannot be dropped by an edit.
    const live = await publishedEvent({ ...cleanup, title: 'Kept' });
    await rsvp(live, { firstName: 'Ana', phone: '5125550141', shift: String(live.shifts[0]?.id) });
    const dropped = await api('PATCH', `/events/${live.id}`, { shifts: [{ date: '2026-12-05', start: '10:00', end: '12:00' }] });
    expect(dropped.statusCode).toBe(400);
    const moved = await api('PATCH', `/events/${live.id}`, {
      shifts: [{ id: live.shifts[0]?.id, date: '2026-12-05', start: '10:00', end: '12:00' }],
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as EventOut).shifts[0]).toMatchObject({ startsAt: Date.parse('2026-12-05T16:00:00Z'), going: 1 });
  });

  it('prefills the form for a member from a tracked link; a bot filling the honeypot stores nothing', async () => {
    const event = await publishedEvent();
    await rsvp(event, { firstName: 'Ana', phone: '5125550151', email: 'ana@example.org', shift: String(event.shifts[0]?.id) });
    const ana = await memberByPhone('+15125550151');
    const gsm = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: ana?.id ?? 0, issuedAt: t.clock.now() });
    const prefilled = await page(event, `?gsm=${gsm}`);
    expect(prefilled.body).toContain('value="Ana"');
    expect(prefilled.body).toContain('value="+15125550151"');
    expect(prefilled.body).toContain('value="ana@example.org"');
    expect(prefilled.headers['cache-control']).toBe('no-store');
    // Someone else's token (another workspace) shows an empty form.
    const other = memberToken(TEST_APP_SECRET, { workspaceId: ws + 1, memberId: ana?.id ?? 0, issuedAt: t.clock.now() });
    expect((await page(event, `?gsm=${other}`)).body).not.toContain('value="Ana"');

    const bot = await rsvp(event, {
      firstName: 'Bot',
      phone: '5125550152',
      shift: String(event.shifts[0]?.id),
      website: 'http://spam.example',
    });
    expect(bot.statusCode).toBe(200);
    expect(await memberByPhone('+15125550152')).toBeUndefined();
  });

  it('refuses a spike of RSVPs from one address with a clear message', async () => {
    const event = await publishedEvent({
      ...cleanup,
      shifts: [{ date: '2026-11-28', start: '10:00', end: '13:00', capacity: null, waitlist: false }],
    });
    for (let i = 0; i < 20; i++) {
      const ok = await rsvp(
        event,
        { firstName: `P${i}`, phone: `51255502${String(i).padStart(2, '0')}`, shift: String(event.shifts[0]?.id) },
        false,
      );
      expect(ok.statusCode, ok.body).toBe(200);
    }
    const refused = await rsvp(event, { firstName: 'Late', phone: '5125550299', shift: String(event.shifts[0]?.id) }, false);
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Please wait a little');
  });
});
