import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { memberToken } from '../links/member-token.ts';

// Call your representative end to end: staff import officials and postal codes and publish a call over HTTP; a member
// opens the public page, enters a ZIP code, gets tel: links with the script, logs outcomes; results count them.

const OFFICIALS = `name,title,office,district,phone,party
Maria Lopez,U.S. Representative,federal,TX-25,(202) 225-4865,D
Sam Carter,U.S. Senator,federal,TX,202-224-5922,R
Jo Park,U.S. Senator,federal,TX,+1 202 224 2934,R
Lee Brown,State Senator,state,SD-14,(512) 463-0114,
`;
const DISTRICTS = `zip,district
78701,TX-25
78701,TX
78701-1234,SD-14
78702,TX
`;

type Problem = { code: string; errors?: { path: string; message: string }[] };

const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';

describe.each(testDialects())('call your representative on %s', (dialect) => {
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
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function importDataset() {
    for (const [kind, csv] of [
      ['officials', OFFICIALS],
      ['districts', DISTRICTS],
    ] as const) {
      const response = await api('POST', `/call-targets/${kind}/import`, { csv, mode: 'replace' });
      expect(response.statusCode, response.body).toBe(200);
    }
  }

  async function publishedCall(body: Record<string, unknown> = {}) {
    const created = await api('POST', '/calls', {
      title: 'Fund the bus lanes',
      summary: 'Two minutes to save the bus lanes.',
      description: 'The budget vote is Thursday.\n\nCall now.',
      script:
        'Hi {{ target.title }} {{ target.name }}, my name is {{ member.first_name }} from {{ member.postal_code }}. Please fund the bus lanes.',
      ...body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    const published = await api('POST', `/calls/${id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as { id: number; path: string; slug: string };
  }

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  /** Reads a page's first form like a browser and posts it with these fields (hidden ones from the page). */
  async function submit(page: LightMyRequestResponse, fields: Record<string, string>, ip = '203.0.113.7') {
    const action = (/<form method="post" action="([^"]+)"/.exec(page.body)?.[1] ?? '').replace(/&amp;/g, '&');
    const payload: Record<string, string> = { lang: hidden(page.body, 'lang'), w: hidden(page.body, 'w'), website: '', ...fields };
    const gsm = hidden(page.body, 'gsm');
    if (gsm) payload.gsm = gsm;
    return t.app.inject({ method: 'POST', url: action, payload, headers: { 'user-agent': UA }, remoteAddress: ip });
  }

  /** Posts the outcome form of the target named `name` on a targets page. */
  async function logOutcome(page: LightMyRequestResponse, name: string, outcome: string) {
    const section = page.body.split('<section class="target"').find((s) => s.includes(`>${name}</h2>`)) ?? '';
    expect(section, `no target ${name} on the page`).not.toBe('');
    const action = (/<form method="post" action="([^"]+)"/.exec(section)?.[1] ?? '').replace(/&amp;/g, '&');
    return t.app.inject({
      method: 'POST',
      url: action,
      payload: {
        lang: hidden(section, 'lang'),
        t: hidden(section, 't'),
        postalCode: hidden(section, 'postalCode'),
        target: hidden(section, 'target'),
        website: '',
        outcome,
      },
      headers: { 'user-agent': UA },
      remoteAddress: '203.0.113.7',
    });
  }

  const telLinks = (page: string) => [...page.matchAll(/href="(tel:[^"]+)"/g)].map((m) => m[1]);

  it('imports officials and postal codes from CSV, and looks up who a ZIP code calls', async () => {
    await importDataset();
    const officials = (await api('GET', '/call-targets/officials')).json() as {
      total: number;
      officials: { name: string; phone: string; office: string }[];
    };
    expect(officials.total).toBe(4);
    expect(officials.officials[0]).toMatchObject({ name: 'Maria Lopez', phone: '+12022254865', office: 'federal' });
    const districts = (await api('GET', '/call-targets/districts')).json() as { total: number };
    expect(districts.total).toBe(4); // 78701-1234 became 78701
    const lookup = (await api('GET', '/call-targets/lookup?postalCode=78701-0001')).json() as {
      districts: string[];
      officials: { name: string }[];
    };
    expect(lookup.districts.sort()).toEqual(['SD-14', 'TX', 'TX-25']);
    expect(lookup.officials.map((o) => o.name)).toEqual(['Maria Lopez', 'Sam Carter', 'Jo Park', 'Lee Brown']);
    const other = (await api('GET', '/call-targets/lookup?postalCode=78702')).json() as { officials: { name: string }[] };
    expect(other.officials.map((o) => o.name)).toEqual(['Sam Carter', 'Jo Park']);

    // Append adds; replace makes the file the whole list.
    await api('POST', '/call-targets/officials/import', { csv: 'name,district,phone\nAl Green,TX-9,(202) 225-7508\n', mode: 'append' });
    expect(((await api('GET', '/call-targets/officials')).json() as { total: number }).total).toBe(5);
    await api('POST', '/call-targets/officials/import', { csv: 'name,district,phone\nAl Green,TX-9,(202) 225-7508\n', mode: 'replace' });
    expect(((await api('GET', '/call-targets/officials')).json() as { total: number }).total).toBe(1);
  });

  it('refuses a file with bad lines by line number and imports none of it; a dry run only reports', async () => {
    await importDataset();
    const bad =
      'name,title,district,phone\nAna Ruiz,Mayor,CITY,(512) 974-2000\n,Council,D1,(512) 974-2256\n"Bo ""Big"" Lee",Council,D2,not a phone\nCy Day,Council,,5129742258\n';
    const dry = await api('POST', '/call-targets/officials/import', { csv: bad, mode: 'replace', dryRun: true });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      imported: 0,
      rows: 4,
      errors: [
        { line: 3, message: 'name is empty' },
        { line: 4, message: '"not a phone" is not a phone number' },
        { line: 5, message: 'district is empty' },
      ],
    });
    const refused = await api('POST', '/call-targets/officials/import', { csv: bad, mode: 'replace' });
    expect(refused.statusCode).toBe(400);
    const problem = refused.json() as Problem;
    expect(problem.code).toBe('call.invalid_file');
    expect(problem.errors?.map((e) => e.path)).toEqual(['line 3', 'line 4', 'line 5']);
    // The earlier dataset is untouched.
    expect(((await api('GET', '/call-targets/officials')).json() as { total: number }).total).toBe(4);

    const noHeader = await api('POST', '/call-targets/districts/import', { csv: 'code,area\n78701,TX\n', mode: 'replace' });
    expect(noHeader.statusCode).toBe(400);
    expect((noHeader.json() as Problem).errors?.[0]?.message).toMatch(/no postal_code, district column/);
    const badZip = await api('POST', '/call-targets/districts/import', {
      csv: 'zip,district\n78701,TX\n7870,TX\n',
      mode: 'append',
      dryRun: true,
    });
    expect((badZip.json() as { errors: unknown[] }).errors).toEqual([{ line: 3, message: '"7870" is not a postal code' }]);
  });

  it('takes a member from the ZIP code to tel: links with the script, then logs each outcome as an activity and a count', async () => {
    await importDataset();
    const next = await publishedCall({
      title: 'Thank the council',
      targetMode: 'fixed',
      fixedTargets: [{ name: 'City Hall', phone: '512-974-2000' }],
    });
    const call = await publishedCall({ nextActionId: next.id, offices: ['federal'] });
    expect(call.path).toBe('/p/groundswell-demo/call/fund-the-bus-lanes');

    const page = await get(call.path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Fund the bus lanes</h1>');
    expect(page.body).toContain('<meta property="og:title" content="Fund the bus lanes">');
    expect(page.body).toContain('<meta property="og:description" content="Two minutes to save the bus lanes.">');
    expect(page.body).not.toContain('<script');
    expect(Buffer.byteLength(page.body)).toBeLessThan(30_000);
    expect(page.body).toContain('<label for="postalCode">ZIP code</label>');

    // An unknown ZIP code says so, on the form.
    const unknown = await submit(page, { firstName: 'maria', phone: '(512) 555-0142', postalCode: '99501' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('We have no one for you to call for this postal code');

    const targets = await submit(page, { firstName: 'maria', phone: '(512) 555-0142', postalCode: '78701', consent: 'yes' });
    expect(targets.statusCode, targets.body).toBe(200);
    // Federal offices only: the representative and both senators, each with a click-to-call link.
    expect(telLinks(targets.body)).toEqual(['tel:+12022254865', 'tel:+12022245922', 'tel:+12022242934']);
    expect(targets.body).toContain('(202) 225-4865');
    expect(targets.body).toContain('Hi U.S. Representative Maria Lopez, my name is Maria from 78701. Please fund the bus lanes.');
    expect(targets.body).not.toContain('Lee Brown');

    const member = await db()
      .selectFrom('members')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('phone', '=', '+15125550142')
      .executeTakeFirstOrThrow();
    expect(member).toMatchObject({ first_name: 'Maria', postal_code: '78701', sms_consent: 'granted', source: 'call_page' });
    const consent = await db().selectFrom('consent_events').selectAll().where('member_id', '=', member.id).executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ method: 'web_form', status: 'granted', source_url: `http://localhost:3000${call.path}` });
    expect(consent.wording).toMatch(/^Text me updates from Groundswell Demo/);

    const first = await logOutcome(targets, 'Maria Lopez', 'voicemail');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.body).toContain('We logged your call to Maria Lopez: I left a voicemail.');
    // Calling again after a busy line changes the outcome, without counting a second call.
    await logOutcome(first, 'Sam Carter', 'busy');
    const again = await logOutcome(first, 'Sam Carter', 'reached');
    expect(again.body).toContain('Logged: I talked to someone.');
    const done = await logOutcome(again, 'Jo Park', 'no_answer');
    expect(done.body).toContain('Thank you, Maria!');
    // The next step carries Maria's link token, so its page opens prefilled for her.
    expect(done.body).toMatch(
      new RegExp(`<a class="next" href="${next.path}\\?lang=en&amp;gsm=[A-Za-z0-9_-]{38}" data-next-step>Thank the council</a>`),
    );

    const activities = await db()
      .selectFrom('activities')
      .select(['type', 'subject_id', 'data'])
      .where('member_id', '=', member.id)
      .where('type', '=', 'called')
      .orderBy('id')
      .execute();
    expect(activities.map((a) => JSON.parse(a.data ?? '{}').outcome)).toEqual(['voicemail', 'busy', 'reached', 'no_answer']);
    expect(activities[0]).toMatchObject({ subject_id: call.id });
    expect(JSON.parse(activities[0]?.data ?? '{}')).toMatchObject({ target: 'Maria Lopez', district: 'TX-25' });

    const results = (await api('GET', `/calls/${call.id}/results`)).json();
    expect(results).toMatchObject({ total: 3, callers: 1, byOutcome: { reached: 1, voicemail: 1, busy: 0, no_answer: 1 } });
    expect((await api('GET', `/calls/${call.id}`)).json()).toMatchObject({ takenCount: 3 });
    expect((await get(call.path)).body).toContain('3 calls so far');
  });

  it('serves a fixed list, in Spanish, and prefills a member who arrives from a text link', async () => {
    const call = await publishedCall({
      title: 'Call the mayor',
      targetMode: 'fixed',
      script: 'Hola {{ target.name }}, soy {{ member.first_name }}.',
      fixedTargets: [{ name: 'Mayor Ana Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
    });
    const ana = await consentingMember(db(), { workspaceId: ws, phone: '+15125550177', firstName: 'Ana', now: t.clock.now() });
    const gsm = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: ana, issuedAt: t.clock.now() });
    const page = await get(`${call.path}?gsm=${gsm}`, { 'accept-language': 'es-MX,es;q=0.9' });
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('Llamas como Ana.');
    expect(page.body).not.toContain('name="phone"');
    expect(page.body).not.toContain('name="postalCode"');
    expect(page.headers['cache-control']).toBe('no-store');

    const targets = await submit(page, {});
    expect(targets.statusCode, targets.body).toBe(200);
    expect(telLinks(targets.body)).toEqual(['tel:+15129742000']);
    expect(targets.body).toContain('Hola Mayor Ana Ruiz, soy Ana.');
    const done = await logOutcome(targets, 'Mayor Ana Ruiz', 'reached');
    expect(done.body).toContain('¡Gracias, Ana!');
    const called = await db().selectFrom('activities').select('data').where('member_id', '=', ana).where('type', '=', 'called').execute();
    expect(called).toHaveLength(1);
    // A tampered session token logs nothing.
    const forged = await t.app.inject({
      method: 'POST',
      url: `${call.path}/outcome`,
      payload: { t: gsm, target: hidden(targets.body, 'target'), outcome: 'reached', postalCode: '' },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('Please start again');
  });

  it('shows a closed call without a form and refuses its posts; drafts are not public; bots store nothing', async () => {
    await importDataset();
    const call = await publishedCall();
    const page = await get(call.path);
    const bot = await submit(page, { firstName: 'Bot', phone: '(512) 555-0199', postalCode: '78701', website: 'http://spam.example' });
    expect(bot.statusCode).toBe(400);
    expect(await db().selectFrom('members').select('id').where('phone', '=', '+15125550199').executeTakeFirst()).toBeUndefined();

    expect((await api('POST', `/calls/${call.id}/close`)).statusCode).toBe(200);
    const closed = await get(call.path);
    expect(closed.statusCode).toBe(200);
    expect(closed.body).toContain('This call campaign has closed');
    expect(closed.body).not.toContain('<form');
    const late = await submit(page, { firstName: 'Late', phone: '(512) 555-0198', postalCode: '78701' });
    expect(late.statusCode).toBe(410);

    const draft = await api('POST', '/calls', { title: 'Secret plan', script: 'Hi' });
    expect((await get(`/p/groundswell-demo/call/${(draft.json() as { slug: string }).slug}`)).statusCode).toBe(404);
  });

  it('checks scripts and numbers on save, and what publishing needs', async () => {
    const badScript = await api('POST', '/calls', {
      title: 'Oops',
      script: 'Hi {{ target.nmae }}',
      fixedTargets: [{ name: 'X', phone: '12' }],
    });
    expect(badScript.statusCode).toBe(400);
    expect((badScript.json() as Problem).errors?.map((e) => e.path).sort()).toEqual(['body.fixedTargets.0.phone', 'body.script']);
    const draft = (await api('POST', '/calls', { title: 'Empty', script: 'Hi {{ target.name }}' })).json() as { id: number };
    const refused = await api('POST', `/calls/${draft.id}/publish`);
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as Problem).errors?.[0]?.message).toMatch(/import officials and postal codes/);
    const closing = await api('POST', `/calls/${draft.id}/close`);
    expect(closing.statusCode).toBe(409);
    expect((await api('DELETE', `/calls/${draft.id}`)).statusCode).toBe(204);
  });
});
