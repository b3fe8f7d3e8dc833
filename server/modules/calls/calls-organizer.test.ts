import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';

// What an organizer needs around a call-in: the next step on the thank-you (a prefilled link, also for members who
// were not known when they arrived), the call log as CSV (personal data: members.export) and the embeddable page.

type Problem = { code: string; errors?: { path: string; message: string }[] };
type Call = { id: number; path: string; nextActionId: number | null };

const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';

describe.each(testDialects())('call-ins for organizers on %s', (dialect) => {
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

  async function publishedCall(body: object = {}): Promise<Call> {
    const created = await api('POST', '/calls', {
      title: 'Call the mayor',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, this is {{ member.first_name }}.',
      fixedTargets: [{ name: 'Mayor Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
      ...body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const published = await api('POST', `/calls/${(created.json() as Call).id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as Call;
  }

  async function publishedEvent() {
    const created = await api('POST', '/events', {
      title: 'Canvass Saturday',
      location: 'Library',
      shifts: [{ date: '2026-11-28', start: '10:00', end: '13:00' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    expect((await api('POST', `/events/${id}/publish`)).statusCode).toBe(200);
    return id;
  }

  /** Fills the page's first form like a browser (its hidden fields included) and posts it. */
  async function submit(page: LightMyRequestResponse, fields: Record<string, string>) {
    const action = (/<form method="post" action="([^"]+)"/.exec(page.body)?.[1] ?? '').replace(/&amp;/g, '&');
    const payload: Record<string, string> = { lang: hidden(page.body, 'lang'), w: hidden(page.body, 'w'), website: '', ...fields };
    return t.app.inject({ method: 'POST', url: action, payload, remoteAddress: '203.0.113.9' });
  }

  /** Logs an outcome for the only person on a targets page. */
  async function logOutcome(page: LightMyRequestResponse, outcome: string, extra: Record<string, string> = {}) {
    const action = (/<form method="post" action="([^"]+)"/.exec(page.body)?.[1] ?? '').replace(/&amp;/g, '&');
    return t.app.inject({
      method: 'POST',
      url: action,
      payload: {
        lang: 'en',
        t: hidden(page.body, 't'),
        postalCode: hidden(page.body, 'postalCode'),
        target: hidden(page.body, 'target'),
        website: '',
        outcome,
        ...extra,
      },
      remoteAddress: '203.0.113.9',
    });
  }

  async function invite(role: 'texter', email: string): Promise<Client> {
    const inv = (await api('POST', '/invitations', { email, role })).json() as { acceptUrl: string };
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Tex', password: 'staff-password-1' } });
    return signIn(t.app, email, 'staff-password-1');
  }

  it('thanks a caller with the next step, a link that opens the next page prefilled for them', async () => {
    const eventId = await publishedEvent();
    const call = await publishedCall({ nextActionId: eventId });
    const form = await t.app.inject({ method: 'GET', url: call.path });
    const targets = await submit(form, { firstName: 'Ana', phone: '(512) 555-0111' });
    expect(targets.statusCode, targets.body).toBe(200);
    expect(targets.body).not.toContain('data-next-step'); // not before the calls are done
    const done = await logOutcome(targets, 'voicemail');
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Thank you, Ana!');
    const link = /href="([^"]+)" data-next-step/.exec(done.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(link).toMatch(/^\/p\/[a-z0-9-]+\/event\/canvass-saturday\?lang=en&gsm=[A-Za-z0-9_-]{38}$/);
    const next = await t.app.inject({ method: 'GET', url: link });
    expect(next.statusCode).toBe(200);
    expect(next.body).toContain('<h1>Canvass Saturday</h1>');
    expect(next.body).toContain('value="Ana"');
    expect(next.body).toContain('value="+15125550111"');
  });

  it('refuses a next step that is the call itself or belongs to another workspace, field by field', async () => {
    const call = await publishedCall();
    const itself = await api('PATCH', `/calls/${call.id}`, { nextActionId: call.id });
    expect(itself.statusCode).toBe(400);
    expect((itself.json() as Problem).errors).toEqual([{ path: 'body.nextActionId', message: 'cannot be the call itself' }]);
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json() as {
      id: number;
    };
    const foreign = await owner.request({ method: 'POST', url: `/api/workspaces/${other.id}/petitions`, payload: { title: 'Theirs' } });
    const foreignId = (foreign.json() as { id: number }).id;
    const refused = await api('PATCH', `/calls/${call.id}`, { nextActionId: foreignId });
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as Problem).errors).toEqual([{ path: 'body.nextActionId', message: 'is not an action of this workspace' }]);
    expect(((await api('GET', `/calls/${call.id}`)).json() as Call).nextActionId).toBeNull();
  });

  it('exports the call log as CSV with formulas defused, for staff allowed to export personal data only', async () => {
    const call = await publishedCall({
      fixedTargets: [
        { name: 'Mayor Ruiz', title: 'Mayor', phone: '(512) 974-2000' },
        { name: '-Council+Desk', title: 'Council', phone: '(512) 974-2100' },
      ],
    });
    const form = await t.app.inject({ method: 'GET', url: call.path });
    const targets = await submit(form, { firstName: '+Bo', phone: '(512) 555-0112' });
    expect(targets.statusCode, targets.body).toBe(200);
    const sections = targets.body.split('<section class="target"').slice(1);
    for (const [i, outcome] of ['reached', 'busy'].entries()) {
      const section = { body: sections[i] ?? '' } as LightMyRequestResponse;
      expect((await logOutcome(section, outcome)).statusCode).toBe(200);
    }
    const csv = await api('GET', `/calls/${call.id}/log.csv`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="call-${call.id}-log.csv"`);
    const at = new Date(t.clock.now()).toISOString();
    expect(csv.body.trim().split('\n')).toEqual([
      'first_name,last_name,phone,email,target,outcome,called_at',
      `'+Bo,,+15125550112,,Mayor Ruiz,reached,${at}`,
      `'+Bo,,+15125550112,,'-Council+Desk,busy,${at}`,
    ]);

    const texter = await invite('texter', 'tex@example.org');
    expect((await api('GET', `/calls/${call.id}/results`, undefined, texter)).statusCode).toBe(200);
    expect((await api('GET', `/calls/${call.id}/log.csv`, undefined, texter)).statusCode).toBe(403);
    expect((await api('GET', '/calls/999999/log.csv')).statusCode).toBe(404);
  });

  it('shows staff a draft call’s page and the people to call, script filled in, as a phone preview', async () => {
    const created = await api('POST', '/calls', {
      title: 'Call the mayor',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, this is {{ member.first_name }}. Please fund the bus lanes.',
      fixedTargets: [
        { name: 'Mayor Ruiz', title: 'Mayor', phone: '(512) 974-2000' },
        { name: 'Council Desk', title: 'Council', phone: '(512) 974-2100' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json() as Call;
    // Members cannot see a draft; staff see it as members will once it is published.
    expect((await t.app.inject({ method: 'GET', url: draft.path })).statusCode).toBe(404);

    const preview = await api('GET', `/calls/${draft.id}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.headers['content-type']).toContain('text/html');
    expect(preview.headers['cache-control']).toBe('no-store');
    expect(preview.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(preview.headers['content-security-policy']).toContain("form-action 'none'");
    expect(preview.body).toContain('<h1>Call the mayor</h1>');
    expect(preview.body).toContain('Preview: this is how the page looks on a phone.');
    expect(preview.body).toContain('name="firstName"');
    expect(preview.body).toContain('href="tel:+15129742000"');
    expect(preview.body).toContain('href="tel:+15129742100"');
    expect(preview.body).toContain('Hi Mayor Ruiz, this is [first name]. Please fund the bus lanes.');
    expect(preview.body).toContain('Hi Council Desk, this is [first name]. Please fund the bus lanes.');
    const spanish = await api('GET', `/calls/${draft.id}/preview?lang=es`);
    expect(spanish.body).toContain('Hi Mayor Ruiz, this is [nombre]. Please fund the bus lanes.');

    // By postal code: the officials of the dataset's first postal code stand in, that code in the script.
    const officials =
      'name,title,office,district,phone\nMaria Lopez,Representative,federal,TX-25,(202) 225-4865\nJo Park,Senator,state,TX-S14,(512) 463-0114\n';
    const districts = 'zip,district\n78701,TX-25\n78701,TX-S14\n';
    expect((await api('POST', '/call-targets/officials/import', { csv: officials })).statusCode).toBe(200);
    expect((await api('POST', '/call-targets/districts/import', { csv: districts })).statusCode).toBe(200);
    const patched = await api('PATCH', `/calls/${draft.id}`, {
      targetMode: 'postal_code',
      offices: ['federal'],
      script: 'Hi {{ target.title }} {{ target.name }}, I live in {{ member.postal_code }}.',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const byZip = await api('GET', `/calls/${draft.id}/preview`);
    expect(byZip.body).toContain('Then, who to call (for example, for 78701)');
    expect(byZip.body).toContain('Hi Representative Maria Lopez, I live in 78701.');
    expect(byZip.body).not.toContain('Jo Park'); // not one of the offices called

    // Everyone who may read actions sees it (a texter too), like the petition preview; signed-out visitors do not.
    const texter = await invite('texter', 'tex@example.org');
    expect((await api('GET', `/calls/${draft.id}/preview`, undefined, texter)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/workspaces/${ws}/calls/${draft.id}/preview` })).statusCode).toBe(401);

    // Another workspace's call is not found through this workspace, nor is an unknown or non-call action.
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json() as {
      id: number;
    };
    const theirs = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${other.id}/calls`,
      payload: { title: 'Their secret call', targetMode: 'fixed', fixedTargets: [{ name: 'X', title: 'Y', phone: '(512) 974-2000' }] },
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const foreign = await api('GET', `/calls/${(theirs.json() as Call).id}/preview`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('Their secret call');
    expect((await api('GET', '/calls/999999/preview')).statusCode).toBe(404);
    expect((await api('GET', `/calls/${await publishedEvent()}/preview`)).statusCode).toBe(404);
  });

  it('answers ?embed=1 with a compact page any site may frame, and stays embedded through the outcome forms', async () => {
    const call = await publishedCall();
    const normal = await t.app.inject({ method: 'GET', url: call.path });
    expect(normal.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const embedded = await t.app.inject({ method: 'GET', url: `${call.path}?embed=1` });
    expect(embedded.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embedded.headers['x-frame-options']).toBeUndefined();
    expect(embedded.body).toContain('<body class="embed">');
    expect(embedded.body).not.toContain('hreflang=');
    expect(hidden(embedded.body, 'embed')).toBe('1');

    const targets = await submit(embedded, { firstName: 'Cy', phone: '(512) 555-0113', embed: hidden(embedded.body, 'embed') });
    expect(targets.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(hidden(targets.body, 'embed')).toBe('1');
    const done = await logOutcome(targets, 'reached', { embed: '1' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('<body class="embed">');
    // The tel: link opens outside the frame, like every link of an embedded page.
    expect(done.body).toContain('<base target="_blank">');
  });
});
