import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';

// What an organizer needs around an event: the next step after an RSVP (a prefilled link to the next action), the
// RSVP export as CSV (personal data: members.export), and the embeddable form for the organization's own website.

type EventOut = { id: number; path: string; nextActionId: number | null; shifts: { id: number }[] };
type Problem = { code: string; errors?: { path: string; message: string }[] };

describe.each(testDialects())('events for organizers on %s', (dialect) => {
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

  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object, client: Client = owner) =>
    client.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });

  const cleanup = {
    title: 'Cleanup at Shoal Creek',
    summary: 'Bring gloves.',
    location: 'Shoal Creek trailhead',
    shifts: [{ date: '2026-11-28', start: '10:00', end: '13:00', capacity: 30, waitlist: true }],
  };

  async function publishedEvent(body: object = {}): Promise<EventOut> {
    const created = await api('POST', '/events', { ...cleanup, ...body });
    expect(created.statusCode, created.body).toBe(201);
    const published = await api('POST', `/events/${(created.json() as EventOut).id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as EventOut;
  }

  async function publishedPetition(title: string, summary = '') {
    const created = await api('POST', '/petitions', { title, summary });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    expect((await api('POST', `/petitions/${id}/publish`)).statusCode).toBe(200);
    return id;
  }

  /** Posts the RSVP form the way a browser does (hidden fields from the page), with extra fields. */
  async function rsvp(event: EventOut, fields: Record<string, string>, query = '') {
    const form = (await t.app.inject({ method: 'GET', url: `${event.path}${query}` })).body;
    const w = /name="w" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const params = new URLSearchParams({ lang: 'en', w, shift: String(event.shifts[0]?.id), consent: 'yes', ...fields });
    return t.app.inject({
      method: 'POST',
      url: event.path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    });
  }

  async function invite(role: 'texter' | 'organizer', email: string): Promise<Client> {
    const inv = (await api('POST', '/invitations', { email, role })).json() as { acceptUrl: string };
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Staff', password: 'staff-password-1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return signIn(t.app, email, 'staff-password-1');
  }

  it('leads a member from the RSVP confirmation to the next step, which opens prefilled for them', async () => {
    const petitionId = await publishedPetition('Fund the urban forest', 'One more ask of the council.');
    const event = await publishedEvent({ nextActionId: petitionId });
    expect(event.nextActionId).toBe(petitionId);

    const done = await rsvp(event, { firstName: 'Ana', phone: '(512) 555-0101' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Your next step');
    expect(done.body).toContain('One more ask of the council.');
    const link = /href="([^"]+)" data-next-step/.exec(done.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(link).toMatch(/^\/p\/[a-z0-9-]+\/petition\/fund-the-urban-forest\?lang=en&gsm=[A-Za-z0-9_-]{38}$/);
    const next = await t.app.inject({ method: 'GET', url: link });
    expect(next.statusCode).toBe(200);
    expect(next.body).toContain('<h1>Fund the urban forest</h1>');
    expect(next.body).toContain('name="firstName" type="text" value="Ana"');
    expect(next.body).toContain('value="(512) 555-0101"');

    // A next step that is not published (yet, or any more) is left out rather than leading to a missing page.
    expect((await api('POST', `/petitions/${petitionId}/close`)).statusCode).toBe(200);
    const later = await rsvp(event, { firstName: 'Bo', phone: '(512) 555-0102' });
    expect(later.statusCode).toBe(200);
    expect(later.body).not.toContain('data-next-step');
  });

  it('refuses a next step that is the event itself or belongs to another workspace, field by field', async () => {
    const event = await publishedEvent();
    const itself = await api('PATCH', `/events/${event.id}`, { nextActionId: event.id });
    expect(itself.statusCode).toBe(400);
    expect((itself.json() as Problem).errors).toEqual([{ path: 'body.nextActionId', message: 'cannot be the event itself' }]);

    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json() as {
      id: number;
    };
    const foreign = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${other.id}/petitions`,
      payload: { title: 'Somebody else’s petition' },
    });
    expect(foreign.statusCode, foreign.body).toBe(201);
    const foreignId = (foreign.json() as { id: number }).id;
    for (const attempt of [
      await api('PATCH', `/events/${event.id}`, { nextActionId: foreignId }),
      await api('POST', '/events', { ...cleanup, nextActionId: foreignId }),
    ]) {
      expect(attempt.statusCode).toBe(400);
      expect((attempt.json() as Problem).errors).toEqual([{ path: 'body.nextActionId', message: 'is not an action of this workspace' }]);
    }
    // Cleared with null.
    const own = await publishedPetition('Fund the urban forest');
    expect(((await api('PATCH', `/events/${event.id}`, { nextActionId: own })).json() as EventOut).nextActionId).toBe(own);
    expect(((await api('PATCH', `/events/${event.id}`, { nextActionId: null })).json() as EventOut).nextActionId).toBeNull();
  });

  it('exports the RSVPs as CSV with formulas defused, for staff allowed to export personal data only', async () => {
    const event = await publishedEvent();
    expect((await rsvp(event, { firstName: 'Ana', phone: '(512) 555-0101', email: 'ana@example.org' })).statusCode).toBe(200);
    const evil = await rsvp(event, {
      firstName: '=HYPERLINK("http://evil.example","x")',
      phone: '(512) 555-0102',
      guests: '1',
      friendName: '@SUM(A1)',
      ref: 'abc',
      source: 'facebook',
    });
    expect(evil.statusCode, evil.body).toBe(200);
    const list = (await api('GET', `/events/${event.id}/rsvps`)).json() as { rsvps: { id: number; name: string }[] };
    const ana = list.rsvps.find((r) => r.name === 'Ana');
    expect((await api('POST', `/events/${event.id}/rsvps/${ana?.id}/attendance`, { status: 'attended' })).statusCode).toBe(200);

    const csv = await api('GET', `/events/${event.id}/rsvps.csv`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="event-${event.id}-rsvps.csv"`);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(
      'first_name,last_name,phone,email,shift,status,guests,friend_name,friend_phone,source,ref,created_at,attended_at',
    );
    expect(lines).toHaveLength(3);
    const now = new Date(t.clock.now()).toISOString();
    expect(lines[1]).toBe(`Ana,,+15125550101,ana@example.org,2026-11-28 10:00-13:00,attended,0,,,event_page,,${now},${now}`);
    expect(lines[2]).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")",,+15125550102,,2026-11-28 10:00-13:00,going,1,'@SUM(A1),,facebook,abc,${now},`,
    );

    // Personal data: a texter may read events but not export them; another workspace's event is not found.
    const texter = await invite('texter', 'tex@example.org');
    expect((await api('GET', `/events/${event.id}`, undefined, texter)).statusCode).toBe(200);
    expect((await api('GET', `/events/${event.id}/rsvps.csv`, undefined, texter)).statusCode).toBe(403);
    const organizer = await invite('organizer', 'org@example.org');
    expect((await api('GET', `/events/${event.id}/rsvps.csv`, undefined, organizer)).statusCode).toBe(200);
    expect((await api('GET', '/events/999999/rsvps.csv')).statusCode).toBe(404);
  });

  it('shows staff a draft event’s page with its shifts as a phone preview, only in its own workspace', async () => {
    const created = await api('POST', '/events', {
      ...cleanup,
      title: 'Tree planting day',
      shifts: [
        { date: '2026-11-28', start: '09:00', end: '12:00', capacity: 25, waitlist: false },
        { date: '2026-11-29', start: '13:00', end: '16:00', capacity: null, waitlist: false },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json() as EventOut;
    // Members cannot see a draft; staff see it as members will once it is published.
    expect((await t.app.inject({ method: 'GET', url: draft.path })).statusCode).toBe(404);

    const preview = await api('GET', `/events/${draft.id}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.headers['content-type']).toContain('text/html');
    expect(preview.headers['cache-control']).toBe('no-store');
    expect(preview.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(preview.headers['content-security-policy']).toContain("form-action 'none'");
    expect(preview.body).toContain('<h1>Tree planting day</h1>');
    expect(preview.body).toContain('Preview: this is how the page looks on a phone.');
    expect(preview.body).toContain('Saturday, November 28, 2026, 9:00 AM');
    expect(preview.body).toContain('Sunday, November 29, 2026, 1:00 PM');
    expect(preview.body).toContain('25 spots left');
    expect(preview.body.match(/<input id="shift-\d+" name="shift" type="checkbox"/g)).toHaveLength(2);
    expect(preview.body).toContain('<meta name="robots" content="noindex">');
    const spanish = await api('GET', `/events/${draft.id}/preview?lang=es`);
    expect(spanish.body).toContain('Vista previa: así se ve la página en un teléfono.');

    // An edit shows at the next load (the dashboard reloads the frame after saving).
    expect((await api('PATCH', `/events/${draft.id}`, { title: 'Tree planting weekend' })).statusCode).toBe(200);
    expect((await api('GET', `/events/${draft.id}/preview`)).body).toContain('<h1>Tree planting weekend</h1>');

    // Everyone who may read actions sees it (a texter too), like the petition preview; signed-out visitors do not.
    const texter = await invite('texter', 'tex@example.org');
    expect((await api('GET', `/events/${draft.id}/preview`, undefined, texter)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/workspaces/${ws}/events/${draft.id}/preview` })).statusCode).toBe(401);

    // Another workspace's event is not found through this workspace, nor is an unknown or non-event action.
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json() as {
      id: number;
    };
    const theirs = await owner.request({ method: 'POST', url: `/api/workspaces/${other.id}/events`, payload: cleanup });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const theirId = (theirs.json() as EventOut).id;
    const foreign = await api('GET', `/events/${theirId}/preview`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('Cleanup at Shoal Creek');
    expect((await api('GET', '/events/999999/preview')).statusCode).toBe(404);
    expect((await api('GET', `/events/${await publishedPetition('A petition')}/preview`)).statusCode).toBe(404);
  });

  it('answers ?embed=1 with a compact page any site may frame; the normal page still refuses framing', async () => {
    const event = await publishedEvent();
    const normal = await t.app.inject({ method: 'GET', url: event.path });
    expect(normal.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(normal.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(normal.body).toContain('hreflang="es"');

    const embedded = await t.app.inject({ method: 'GET', url: `${event.path}?embed=1` });
    expect(embedded.statusCode).toBe(200);
    expect(embedded.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embedded.headers['content-security-policy']).not.toContain("frame-ancestors 'none'");
    expect(embedded.headers['content-security-policy']).toContain("script-src 'self'");
    expect(embedded.headers['x-frame-options']).toBeUndefined();
    expect(embedded.body).toContain('<body class="embed">');
    expect(embedded.body).not.toContain('hreflang="es"'); // no language switch
    expect(embedded.body).toContain('<input type="hidden" name="embed" value="1">');
    expect(embedded.body).toContain('<base target="_blank">');
    expect(embedded.body).toMatch(/<form method="post" action="[^"]+" novalidate target="_self">/);
    expect(embedded.body.length).toBeLessThan(30_000);

    // A form posted from the embed answers embeddable too.
    const done = await rsvp(event, { firstName: 'Ana', phone: '(512) 555-0101', embed: '1' }, '?embed=1');
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('<body class="embed">');
    expect(done.headers['content-security-policy']).toContain('frame-ancestors *');
    const plain = await rsvp(event, { firstName: 'Bo', phone: '(512) 555-0102' });
    expect(plain.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
