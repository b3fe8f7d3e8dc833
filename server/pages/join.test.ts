import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../test/helpers/app.ts';
import { testDialects } from '../../test/helpers/db.ts';
import type { SmsMessage, SmsSender } from '../channels/sms/contract.ts';
import { addressHash } from '../lib/tokens.ts';

/** A sender that records what it was asked to send, as the SMS engine's providers will be asked. */
function recordingSender(): SmsSender & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { providerId: `test-${sent.length}` };
    },
  };
}

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';
const DEFAULT_WORDING =
  'I agree to receive recurring texts from Groundswell Demo about Safe Streets. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of membership.';

const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const codeOf = (message: SmsMessage | undefined) => /\b(\d{6})\b/.exec(message?.body ?? '')?.[1] ?? '';

describe.each(testDialects())('public join page on %s', (dialect) => {
  let t: TestApp;
  let sms: ReturnType<typeof recordingSender>;
  let owner: Client;
  let ws: number;

  beforeEach(async () => {
    sms = recordingSender();
    t = await buildTestApp({ dialect, sms });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  async function community(body: Record<string, unknown>, workspaceId = ws) {
    const response = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${workspaceId}/communities`,
      payload: { visibility: 'public', ...body },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number; slug: string };
  }

  const page = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  /** Reads the join form like a browser, then posts it with these fields (the hidden ones come from the page). */
  async function submit(
    url: string,
    fields: Record<string, string>,
    options: { ip?: string; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const form = await page(url, options.headers);
    const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1] ?? url;
    const request: InjectOptions = {
      method: 'POST',
      url: action.replace(/&amp;/g, '&'),
      headers: { 'user-agent': UA, ...(options.headers ?? {}) },
      remoteAddress: options.ip ?? '203.0.113.7',
      payload: { lang: hidden(form.body, 'lang'), w: hidden(form.body, 'w'), website: '', ...fields },
    };
    return t.app.inject(request);
  }

  const post = (url: string, payload: Record<string, string>, ip = '203.0.113.7') =>
    t.app.inject({ method: 'POST', url, payload, headers: { 'user-agent': UA }, remoteAddress: ip });

  const person = { firstName: 'Maria', phone: '(512) 555-0142', email: 'Maria@Example.org', postalCode: '78701-1234', consent: 'yes' };

  it('takes a person from the form to a verified member with consent recorded in the ledger', async () => {
    const streets = await community({ name: 'Safe Streets', description: 'Safer crossings near schools.', guidelines: 'Be kind.' });
    const form = await page('/p/groundswell-demo/c/safe-streets');
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(form.body).toContain('<h1>Join Safe Streets</h1>');
    expect(form.body).toContain('Safer crossings near schools.');
    expect(form.body).toContain(`<label for="consent">${DEFAULT_WORDING.replace('&', '&amp;')}</label>`);
    expect(form.body).toContain('<meta property="og:title" content="Join Safe Streets">');
    expect(form.body).toContain(`<meta property="og:url" content="${t.config.publicUrl}/p/groundswell-demo/c/safe-streets">`);
    expect(form.body).toContain('href="/p/groundswell-demo/c/safe-streets/guidelines?lang=en"');
    expect(form.body).toContain('name="website"');
    expect(form.body).not.toContain('<script');
    expect(Buffer.byteLength(form.body)).toBeLessThan(30_000);
    expect((await page('/p/groundswell-demo/c/safe-streets/guidelines')).body).toContain('<p>Be kind.</p>');

    const sent = await submit('/p/groundswell-demo/c/safe-streets', person);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toContain('Check your phone');
    expect(sent.body).toContain('the number ending …0142');
    expect(sent.body).not.toContain('Simulator');
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]).toMatchObject({ workspaceId: ws, to: '+15125550142' });
    expect(sms.sent[0]?.body).toMatch(/^Groundswell Demo: \d{6} is your code to join Safe Streets\. It expires in 10 minutes\.$/);

    // The member exists now (found by phone later), without consent until the code comes back.
    const pendingMember = await t.database.db
      .selectFrom('members')
      .selectAll()
      .where('phone', '=', '+15125550142')
      .executeTakeFirstOrThrow();
    expect(pendingMember).toMatchObject({ first_name: 'Maria', email: 'maria@example.org', postal_code: '78701', sms_consent: 'none' });
    expect(await t.database.db.selectFrom('consent_events').select('id').where('member_id', '=', pendingMember.id).execute()).toEqual([]);
    const stored = await t.database.db.selectFrom('verification_codes').selectAll().executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(codeOf(sms.sent[0]));
    expect(stored.phone_hash).toBe(addressHash(TEST_APP_SECRET, 'sms', '+15125550142'));

    t.clock.advance(60_000);
    const done = await post('/p/groundswell-demo/c/safe-streets/verify?lang=en', {
      token: hidden(sent.body, 'token'),
      code: codeOf(sms.sent[0]),
      lang: 'en',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Welcome to Safe Streets!');
    expect(done.body).toContain('Thank you, Maria. You are now a member of Safe Streets.');

    const consent = await t.database.db.selectFrom('consent_events').selectAll().where('member_id', '=', pendingMember.id).execute();
    expect(consent).toEqual([
      expect.objectContaining({
        channel: 'sms',
        status: 'granted',
        method: 'verified_code',
        wording: DEFAULT_WORDING,
        source_url: `${t.config.publicUrl}/p/groundswell-demo/c/safe-streets`,
        ip: '203.0.113.7',
        user_agent: UA,
        address_hash: addressHash(TEST_APP_SECRET, 'sms', '+15125550142'),
        created_at: t.clock.now(),
      }),
    ]);
    const membership = await t.database.db
      .selectFrom('memberships')
      .selectAll()
      .where('member_id', '=', pendingMember.id)
      .executeTakeFirstOrThrow();
    expect(membership).toMatchObject({
      community_id: streets.id,
      status: 'active',
      role: 'member',
      source: 'join_page',
      joined_at: t.clock.now(),
    });
    const activities = await t.database.db
      .selectFrom('activities')
      .select(['type', 'community_id'])
      .where('member_id', '=', pendingMember.id)
      .orderBy('id')
      .execute();
    expect(activities).toEqual([
      { type: 'created', community_id: streets.id },
      { type: 'opted_in', community_id: null },
      { type: 'joined', community_id: streets.id },
    ]);
    const view = await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/communities/${streets.id}` });
    expect(view.json().memberCount).toBe(1);
    expect(
      (await t.database.db.selectFrom('members').select('sms_consent').where('id', '=', pendingMember.id).executeTakeFirstOrThrow())
        .sms_consent,
    ).toBe('granted');
    // Only the code was texted: nothing else goes out before or after verification.
    expect(sms.sent).toHaveLength(1);

    // The same correct code sent again (a double tap) changes nothing and still thanks the person.
    const again = await post('/p/groundswell-demo/c/safe-streets/verify', { token: hidden(sent.body, 'token'), code: codeOf(sms.sent[0]) });
    expect(again.statusCode).toBe(200);
    expect(await t.database.db.selectFrom('consent_events').select('id').where('member_id', '=', pendingMember.id).execute()).toHaveLength(
      1,
    );
  });

  it('re-renders the form with messages beside the fields and the values kept', async () => {
    await community({ name: 'Safe Streets' });
    const response = await submit('/p/groundswell-demo/c/safe-streets', {
      firstName: '',
      phone: '12345',
      email: 'not-an-email',
      postalCode: '<b>7870</b>',
    });
    expect(response.statusCode).toBe(400);
    const body = response.body;
    expect(body).toContain('role="alert"');
    expect(body).toContain('<p class="err" id="firstName-error">This is required.</p>');
    expect(body).toContain('This is not a phone number we recognise. Check the digits and the area code.');
    expect(body).toContain('This is not an email address (like name@example.org). Leave it empty if you prefer.');
    expect(body).toContain('This is not a valid postal code. Leave it empty if you prefer.');
    expect(body).toContain('Tick the box to agree to receive texts; we can only add you with your consent.');
    expect(body).toContain('value="12345"');
    expect(body).toContain('value="not-an-email"');
    expect(body).toContain('value="&lt;b&gt;7870&lt;/b&gt;"');
    expect(body).not.toContain('<b>7870');
    expect(body).toMatch(/id="phone"[^>]*aria-invalid="true"[^>]*aria-describedby="phone-hint phone-error"/);
    expect(body).toMatch(/id="firstName"[^>]*autofocus/);
    expect(sms.sent).toEqual([]);
    expect(await t.database.db.selectFrom('members').select('id').execute()).toEqual([]);
  });

  it('refuses landlines and numbers of countries the workspace does not text', async () => {
    await community({ name: 'Safe Streets' });
    const abroad = await submit('/p/groundswell-demo/c/safe-streets', { ...person, phone: '+44 20 7946 0000' });
    expect(abroad.statusCode).toBe(400);
    expect(abroad.body).toContain('Sorry, we can only text numbers in United States.');

    const london = (
      await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'London Cyclists', defaultCountry: 'GB' } })
    ).json();
    await community({ name: 'Cycle Lanes' }, london.id);
    const landline = await submit('/p/london-cyclists/c/cycle-lanes', { ...person, phone: '020 7946 0000', postalCode: 'SW1A 1AA' });
    expect(landline.statusCode).toBe(400);
    expect(landline.body).toContain('This looks like a landline, which cannot receive texts. Enter a mobile number.');
    expect(landline.body).toContain('value="020 7946 0000"');
    const spanish = await submit('/p/london-cyclists/c/cycle-lanes?lang=es', { ...person, phone: '+1 512 555 0142' });
    expect(spanish.body).toContain('Lo sentimos, solo podemos enviar mensajes a números de Reino Unido.');
    expect(sms.sent).toEqual([]);
  });

  it('allows three tries per code, expires codes after 10 minutes, and sends a new code on request', async () => {
    await community({ name: 'Safe Streets' });
    const sent = await submit('/p/groundswell-demo/c/safe-streets', person);
    const token = hidden(sent.body, 'token');
    const code = codeOf(sms.sent[0]);
    const wrong = code === '000000' ? '111111' : '000000';
    const verify = (value: string, tokenValue = token) =>
      post('/p/groundswell-demo/c/safe-streets/verify', { token: tokenValue, code: value, lang: 'en' });

    const first = await verify(wrong);
    expect(first.statusCode).toBe(400);
    expect(first.body).toContain('That code is not right. 2 tries left.');
    expect((await verify(wrong)).body).toContain('That code is not right. 1 try left.');
    const third = await verify(wrong);
    expect(third.body).toContain('That code was wrong too many times. Ask for a new code.');
    // The right code no longer helps: a new one is needed.
    expect((await verify(code)).body).toContain('That code was wrong too many times.');

    const resent = await post('/p/groundswell-demo/c/safe-streets/resend', { token, lang: 'en' });
    expect(resent.statusCode).toBe(200);
    expect(sms.sent).toHaveLength(2);
    const newToken = hidden(resent.body, 'token');
    expect(newToken).not.toBe(token);

    t.clock.advance(10 * 60_000 + 1);
    const late = await verify(codeOf(sms.sent[1]), newToken);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('This code has expired');
    expect(await t.database.db.selectFrom('consent_events').select('id').execute()).toEqual([]);

    const fresh = await post('/p/groundswell-demo/c/safe-streets/resend', { token: newToken, lang: 'en' });
    expect(fresh.statusCode).toBe(200);
    const ok = await verify(codeOf(sms.sent[2]), hidden(fresh.body, 'token'));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Welcome to Safe Streets!');
    expect((await verify('123456', 'made-up-token-made-up-token')).body).toContain('This code has expired');
  });

  it('limits codes per number, per IP and per number prefix in an hour', async () => {
    await community({ name: 'Safe Streets' });
    const url = '/p/groundswell-demo/c/safe-streets';
    // Per number: 3 an hour, whatever the IP.
    for (let i = 0; i < 3; i++) expect((await submit(url, person, { ip: `198.51.100.${i}` })).statusCode).toBe(200);
    const fourth = await submit(url, person, { ip: '198.51.100.9' });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.body).toContain('Too many codes were requested recently. Please try again in an hour.');
    expect(sms.sent).toHaveLength(3);
    t.clock.advance(3_600_001);
    expect((await submit(url, person, { ip: '198.51.100.9' })).statusCode).toBe(200);
    t.clock.advance(3_600_001);

    // Per IP: 10 an hour, whatever the numbers.
    sms.sent.length = 0;
    const phone = (n: number) => `+1 737 555 ${String(100 + n).padStart(4, '0')}`;
    for (let n = 0; n < 10; n++) expect((await submit(url, { ...person, phone: phone(n) }, { ip: '192.0.2.1' })).statusCode).toBe(200);
    expect((await submit(url, { ...person, phone: phone(10) }, { ip: '192.0.2.1' })).statusCode).toBe(429);
    t.clock.advance(3_600_001);

    // Per prefix (+1 512 555): 30 an hour, even spread over many addresses.
    sms.sent.length = 0;
    for (let n = 0; n < 30; n++) {
      const response = await submit(
        url,
        { ...person, phone: `+1 512 555 ${String(200 + n).padStart(4, '0')}` },
        { ip: `192.0.2.${100 + n}` },
      );
      expect(response.statusCode).toBe(200);
    }
    expect((await submit(url, { ...person, phone: '+1 512 555 0299' }, { ip: '192.0.2.250' })).statusCode).toBe(429);
    expect((await submit(url, { ...person, phone: '+1 737 555 0299' }, { ip: '192.0.2.250' })).statusCode).toBe(200);
    expect(sms.sent).toHaveLength(31);
  });

  it('pretends to succeed when the honeypot is filled, and sends and stores nothing', async () => {
    await community({ name: 'Safe Streets' });
    const response = await submit('/p/groundswell-demo/c/safe-streets', { ...person, website: 'http://spam.example' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Check your phone');
    expect(sms.sent).toEqual([]);
    expect(await t.database.db.selectFrom('members').select('id').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('verification_codes').select('id').execute()).toEqual([]);
    const verify = await post('/p/groundswell-demo/c/safe-streets/verify', { token: hidden(response.body, 'token'), code: '123456' });
    expect(verify.body).toContain('This code has expired');
  });

  it('shows invite-only communities a polite page and answers 404 for unknown or archived ones', async () => {
    await community({ name: 'Inner Circle', visibility: 'invite' });
    const invite = await page('/p/groundswell-demo/c/inner-circle');
    expect(invite.statusCode).toBe(403);
    expect(invite.body).toContain('<h1>Inner Circle is invite only</h1>');
    expect(invite.body).not.toContain('<form');
    const posted = await post('/p/groundswell-demo/c/inner-circle', { ...person, lang: 'en' });
    expect(posted.statusCode).toBe(403);
    expect(sms.sent).toEqual([]);

    for (const url of ['/p/groundswell-demo/c/nowhere', '/p/no-such-org/c/inner-circle', '/p/groundswell-demo/elsewhere']) {
      const missing = await page(url);
      expect(missing.statusCode, url).toBe(404);
      expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(missing.body).toContain('Page not found');
    }
  });

  it('speaks Spanish with ?lang=es or when the browser prefers it, and records the Spanish wording', async () => {
    await community({ name: 'Safe Streets' });
    const es = await page('/p/groundswell-demo/c/safe-streets?lang=es');
    expect(es.body).toContain('<html lang="es">');
    expect(es.body).toContain('<h1>Únete a Safe Streets</h1>');
    expect(es.body).toContain('Teléfono celular');
    expect(es.body).toContain('Acepto recibir mensajes de texto recurrentes de Groundswell Demo sobre Safe Streets.');
    expect(es.body).toContain('href="/p/groundswell-demo/c/safe-streets?lang=en"');
    const browser = await page('/p/groundswell-demo/c/safe-streets', { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    expect(browser.body).toContain('<html lang="es">');
    const english = await page('/p/groundswell-demo/c/safe-streets', { 'accept-language': 'en-US,en;q=0.9,es;q=0.8' });
    expect(english.body).toContain('<html lang="en">');

    const sent = await submit('/p/groundswell-demo/c/safe-streets?lang=es', { ...person, phone: '512 555 0150' });
    expect(sent.body).toContain('Revisa tu teléfono');
    expect(sms.sent[0]?.body).toMatch(/^Groundswell Demo: \d{6} es tu código para unirte a Safe Streets\. Vence en 10 minutos\.$/);
    const done = await post('/p/groundswell-demo/c/safe-streets/verify', {
      token: hidden(sent.body, 'token'),
      code: codeOf(sms.sent[0]),
      lang: 'es',
    });
    expect(done.body).toContain('Ya eres miembro de Safe Streets.');
    const event = await t.database.db.selectFrom('consent_events').select(['wording', 'source_url']).executeTakeFirstOrThrow();
    expect(event.wording).toBe(
      'Acepto recibir mensajes de texto recurrentes de Groundswell Demo sobre Safe Streets. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. El consentimiento no es una condición para ser miembro.',
    );
    expect(event.source_url).toBe(`${t.config.publicUrl}/p/groundswell-demo/c/safe-streets?lang=es`);
    const member = await t.database.db.selectFrom('members').select('language').executeTakeFirstOrThrow();
    expect(member.language).toBe('es');
  });

  it('ends a request-to-join as a pending membership for a leader to approve', async () => {
    const flyers = await community({
      name: 'Fearful Flyers',
      visibility: 'request',
      consentWording: 'Texts from the Fearful Flyers circle, up to 4 a month. Reply STOP to stop.',
    });
    const form = await page('/p/groundswell-demo/c/fearful-flyers');
    expect(form.body).toContain('Requests to join are reviewed by the community’s leaders.');
    expect(form.body).toContain('<label for="consent">Texts from the Fearful Flyers circle, up to 4 a month. Reply STOP to stop.</label>');
    const sent = await submit('/p/groundswell-demo/c/fearful-flyers', person);
    const done = await post('/p/groundswell-demo/c/fearful-flyers/verify', {
      token: hidden(sent.body, 'token'),
      code: codeOf(sms.sent[0]),
    });
    expect(done.body).toContain('Your request to join Fearful Flyers is waiting for a leader to approve it.');
    const membership = await t.database.db
      .selectFrom('memberships')
      .selectAll()
      .where('community_id', '=', flyers.id)
      .executeTakeFirstOrThrow();
    expect(membership.status).toBe('pending');
    const view = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/communities/${flyers.id}` })).json();
    expect(view.memberCount).toBe(0);
    const event = await t.database.db.selectFrom('consent_events').select('wording').executeTakeFirstOrThrow();
    expect(event.wording).toBe('Texts from the Fearful Flyers circle, up to 4 a month. Reply STOP to stop.');
  });

  it('asks to tick again when the consent wording changed after the page was shown', async () => {
    const streets = await community({ name: 'Safe Streets' });
    const form = await page('/p/groundswell-demo/c/safe-streets');
    await owner.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}/communities/${streets.id}`,
      payload: { consentWording: 'New words: weekly texts about Safe Streets. Reply STOP to stop.' },
    });
    const response = await post('/p/groundswell-demo/c/safe-streets?lang=en', {
      ...person,
      lang: 'en',
      w: hidden(form.body, 'w'),
      website: '',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('The wording of this agreement has just changed. Please read it again and tick the box.');
    expect(response.body).toContain('New words: weekly texts about Safe Streets.');
    expect(response.body).not.toMatch(/id="consent"[^>]*checked/);
    expect(sms.sent).toEqual([]);
  });

  it('escapes what organizers type', async () => {
    await community({ name: '<script>alert(1)</script> Club', slug: 'club', description: '"Quotes" & <i>tags</i>' });
    const body = (await page('/p/groundswell-demo/c/club')).body;
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Club');
    expect(body).toContain('&quot;Quotes&quot; &amp; &lt;i&gt;tags&lt;/i&gt;');
  });

  it('limits the rate of public posts per address with an HTML answer', async () => {
    await community({ name: 'Safe Streets' });
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 31; i++) last = await post('/p/groundswell-demo/c/safe-streets/verify', { token: 'x', code: '1' }, '192.0.2.77');
    expect(last?.statusCode).toBe(429);
    expect(last?.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(last?.body).toContain('Please wait a little');
    expect((await post('/p/groundswell-demo/c/safe-streets/verify', { token: 'x', code: '1' }, '192.0.2.78')).statusCode).toBe(400);
  });
});

describe('public join page with the built-in simulator', () => {
  it('shows the code on the page so a person trying `npm start` can finish joining', async () => {
    const t = await buildTestApp();
    try {
      const owner = await signIn(t.app, t.demo.email, t.demo.password);
      await owner.request({
        method: 'POST',
        url: `/api/workspaces/${t.demo.workspaceId}/communities`,
        payload: { name: 'Safe Streets', visibility: 'public' },
      });
      const form = await t.app.inject({ method: 'GET', url: '/p/groundswell-demo/c/safe-streets' });
      const sent = await t.app.inject({
        method: 'POST',
        url: '/p/groundswell-demo/c/safe-streets',
        payload: { firstName: 'Sam', phone: '512-555-0160', consent: 'yes', lang: 'en', w: hidden(form.body, 'w'), website: '' },
      });
      const notice = /Simulator: your code is (\d{6})/.exec(sent.body);
      expect(notice).not.toBeNull();
      const done = await t.app.inject({
        method: 'POST',
        url: '/p/groundswell-demo/c/safe-streets/verify',
        payload: { token: hidden(sent.body, 'token'), code: notice?.[1] ?? '' },
      });
      expect(done.body).toContain('Welcome to Safe Streets!');
    } finally {
      await t.close();
    }
  });
});

describe.each(testDialects())('public join page through the outbox on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;

  beforeEach(async () => {
    // No `sms` option: codes go out the way they do in production, queued in the outbox for the default sender.
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  async function requestCode() {
    const form = await t.app.inject({ method: 'GET', url: '/p/groundswell-demo/c/safe-streets' });
    return t.app.inject({
      method: 'POST',
      url: '/p/groundswell-demo/c/safe-streets',
      headers: { 'user-agent': UA },
      remoteAddress: '203.0.113.7',
      payload: { firstName: 'Maria', phone: '(512) 555-0142', consent: 'yes', lang: 'en', w: hidden(form.body, 'w'), website: '' },
    });
  }
  const outbound = () =>
    t.database.db.selectFrom('messages').selectAll().where('workspace_id', '=', ws).where('direction', '=', 'out').execute();

  it('queues the code as a compliance text from the default sender, and says so when no sender can send it', async () => {
    const created = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${ws}/communities`,
      payload: { name: 'Safe Streets', visibility: 'public' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { senders } = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/senders` })).json() as {
      senders: { id: number; channel: string; provider: string; isDefault: boolean; channelAccountId: number }[];
    };
    const simulator = senders.find((s) => s.channel === 'sms' && s.isDefault);
    expect(simulator?.provider).toBe('simulator');

    const sent = await requestCode();
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toContain('Check your phone');
    // The default sender is the simulator, which delivers nowhere: the page shows the code instead.
    const shown = /Simulator: your code is (\d{6})/.exec(sent.body)?.[1];
    expect(shown).toMatch(/^\d{6}$/);
    const queued = await outbound();
    expect(queued).toEqual([
      expect.objectContaining({
        channel: 'sms',
        kind: 'compliance',
        member_id: null,
        broadcast_id: null,
        to_address: '+15125550142',
        sender_id: simulator?.id,
        body: `Groundswell Demo: ${shown} is your code to join Safe Streets. It expires in 10 minutes.`,
        state: 'queued',
      }),
    ]);

    const disabled = await owner.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws}/channel-accounts/${simulator?.channelAccountId}`,
      payload: { status: 'disabled' },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);

    const failed = await requestCode();
    expect(failed.statusCode).toBe(503);
    expect(failed.body).toContain('We could not send the text');
    expect(failed.body).toContain('Something went wrong sending your code. Please try again in a few minutes.');
    expect(failed.body).not.toContain('Simulator: your code');
    expect(failed.body).not.toContain('name="token"');
    expect(await outbound()).toHaveLength(1);
  });
});
