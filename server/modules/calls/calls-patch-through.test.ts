import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTwilio, startFakeTwilio, twilioSignature } from '../../../test/fakes/twilio.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { freePort } from '../../../test/helpers/net.ts';
import { memberToken } from '../links/member-token.ts';
import { CALL_ME_VELOCITY } from './call-patch.service.ts';

// Patch-through end to end, against a fake Twilio on localhost speaking the Calls API and TwiML: an organizer turns it
// on for a call action with one of the workspace's Twilio accounts; a member asks "call me and connect me"; Twilio
// calls them, fetches our TwiML (intro, then <Dial> to the person to call), posts the dial result, and the outcome
// lands as a `called` activity and a call log row, once, however often Twilio retries.

type Problem = { code: string; errors?: { path: string; message: string }[] };
type Call = { id: number; path: string; patchThrough: { accountId: number; accountName: string; from: string } | null };

const MAYOR = '+15129742000';
const LINE = '+15125550299';
const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const unescapeAmp = (value: string) => value.replace(/&amp;/g, '&');

describe.each(testDialects())('patch-through calls on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let twilio: FakeTwilio;
  let publicUrl: string;
  let accountId: number;

  beforeEach(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { PUBLIC_URL: publicUrl } });
    await t.app.listen({ host: '127.0.0.1', port });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    twilio = await startFakeTwilio();
    const account = await api('POST', '/channel-accounts', {
      provider: 'twilio',
      name: 'Twilio voice',
      baseUrl: twilio.url,
      credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
    });
    expect(account.statusCode, account.body).toBe(201);
    accountId = (account.json() as { id: number }).id;
    const sender = await api('POST', '/senders', {
      channelAccountId: accountId,
      kind: 'long_code',
      address: LINE,
      throughput: 1,
      isDefault: false,
    });
    expect(sender.statusCode, sender.body).toBe(201);
  });
  afterEach(async () => {
    await twilio.idle();
    await twilio.close();
    await t.close();
  });

  const db = () => t.database.db;
  function api(method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) {
    return owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });
  }

  async function publishedCall(patchThrough: object | null): Promise<Call> {
    const created = await api('POST', '/calls', {
      title: 'Save the bus lanes',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, this is {{ member.first_name }}. Please save the bus lanes.',
      fixedTargets: [{ name: 'Elena Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as Call).id;
    if (patchThrough) {
      const on = await api('PATCH', `/calls/${id}`, { patchThrough });
      expect(on.statusCode, on.body).toBe(200);
    }
    const published = await api('POST', `/calls/${id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as Call;
  }

  /** Opens the page and sends its form like a browser: the people to call. */
  async function targetsPage(call: Call, fields: Record<string, string>, ip: string, query = '') {
    const page = await t.app.inject({ method: 'GET', url: `${call.path}${query}` });
    expect(page.statusCode).toBe(200);
    const action = unescapeAmp(/<form method="post" action="([^"]+)"/.exec(page.body)?.[1] ?? '');
    const payload: Record<string, string> = { lang: hidden(page.body, 'lang'), w: hidden(page.body, 'w'), website: '', ...fields };
    const gsm = hidden(page.body, 'gsm');
    if (gsm) payload.gsm = gsm;
    const targets = await t.app.inject({ method: 'POST', url: action, payload, headers: { 'user-agent': UA }, remoteAddress: ip });
    expect(targets.statusCode, targets.body).toBe(200);
    return targets;
  }

  /** The "call me and connect me" form on a targets page: where it posts and what it carries. */
  function callMeForm(page: LightMyRequestResponse) {
    const form = /<form method="post" action="([^"]+)" class="callme"[\s\S]*?<\/form>/.exec(page.body);
    expect(form, 'no call-me form on the page').not.toBeNull();
    const html = form?.[0] ?? '';
    return {
      action: unescapeAmp(form?.[1] ?? ''),
      phone: unescapeAmp(/name="phone" type="tel" value="([^"]*)"/.exec(html)?.[1] ?? ''),
      fields: { lang: hidden(html, 'lang'), t: hidden(html, 't'), postalCode: hidden(html, 'postalCode'), target: hidden(html, 'target') },
    };
  }

  async function callMe(page: LightMyRequestResponse, phone: string, ip: string) {
    const form = callMeForm(page);
    return t.app.inject({
      method: 'POST',
      url: form.action,
      payload: { ...form.fields, phone, website: '' },
      headers: { 'user-agent': UA },
      remoteAddress: ip,
    });
  }

  const calledActivities = async (phone: string) =>
    db()
      .selectFrom('activities as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['a.data', 'a.subject_id'])
      .where('m.phone', '=', phone)
      .where('a.type', '=', 'called')
      .orderBy('a.id')
      .execute();
  const logCount = async () =>
    Number(
      (
        await db()
          .selectFrom('call_logs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('is switched on with a Twilio account and one of its numbers; a wrong account or number is refused on its field', async () => {
    const lines = await api('GET', '/calls/voice-lines');
    expect(lines.statusCode, lines.body).toBe(200);
    expect(lines.json()).toEqual({
      accounts: [
        {
          id: accountId,
          name: 'Twilio voice',
          provider: 'twilio',
          status: 'active',
          numbers: [{ address: LINE, label: expect.any(String), kind: 'long_code' }],
        },
      ],
    });

    const draft = (await api('POST', '/calls', { title: 'Call the mayor', script: 'Hi' })).json() as Call;
    expect(draft.patchThrough).toBeNull();
    const missing = await api('PATCH', `/calls/${draft.id}`, { patchThrough: { accountId: 999_999, from: LINE } });
    expect(missing.statusCode).toBe(400);
    expect((missing.json() as Problem).errors).toEqual([
      { path: 'body.patchThrough.accountId', message: 'is not a channel account of this workspace' },
    ]);
    // The demo workspace's simulator account cannot place calls.
    const simulator = await db()
      .selectFrom('channel_accounts')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('provider', '=', 'simulator')
      .executeTakeFirstOrThrow();
    const notVoice = await api('PATCH', `/calls/${draft.id}`, { patchThrough: { accountId: simulator.id, from: LINE } });
    expect(notVoice.statusCode).toBe(400);
    expect((notVoice.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.patchThrough.accountId']);
    expect((notVoice.json() as Problem).errors?.[0]?.message).toMatch(/Twilio/);
    const otherNumber = await api('PATCH', `/calls/${draft.id}`, { patchThrough: { accountId, from: '(512) 555-0111' } });
    expect(otherNumber.statusCode).toBe(400);
    expect((otherNumber.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.patchThrough.from']);
    expect((await api('GET', `/calls/${draft.id}`)).json()).toMatchObject({ patchThrough: null });

    const on = await api('PATCH', `/calls/${draft.id}`, { patchThrough: { accountId, from: '(512) 555-0299' } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ patchThrough: { accountId, accountName: 'Twilio voice', from: LINE } });
    // Other edits keep it; null turns it off.
    expect((await api('PATCH', `/calls/${draft.id}`, { title: 'Call the mayor today' })).json()).toMatchObject({
      patchThrough: { accountId, from: LINE },
    });
    expect((await api('PATCH', `/calls/${draft.id}`, { patchThrough: null })).json()).toMatchObject({ patchThrough: null });
  });

  it('calls the member, dials the person to call, and logs the outcome from the dial result', async () => {
    const call = await publishedCall({ accountId, from: LINE });
    const targets = await targetsPage(call, { firstName: 'Maria', phone: '(512) 555-0142' }, '203.0.113.7');
    expect(targets.body).toContain('href="tel:+15129742000"');
    expect(targets.body).not.toContain('<script');
    const form = callMeForm(targets);
    expect(form.phone).toBe('(512) 555-0142');

    const calling = await callMe(targets, form.phone, '203.0.113.7');
    expect(calling.statusCode, calling.body).toBe(200);
    expect(calling.body).toContain('We’re calling you now');
    expect(calling.body).toContain('Answer the call from (512) 555-0299: we will connect you to Elena Ruiz.');
    expect(calling.body).toContain('Hi Elena Ruiz, this is Maria. Please save the bus lanes.');
    await twilio.idle();

    expect(twilio.calls).toHaveLength(1);
    const placed = twilio.calls[0];
    expect(placed).toMatchObject({
      to: '+15125550142',
      from: LINE,
      method: 'POST',
      statusCallbackEvents: ['completed'],
      answerStatus: 200,
      dialed: MAYOR,
      dialCallerId: LINE,
      dialResult: { status: 'completed', durationSeconds: 42 },
      dialActionStatus: 200,
      endStatus: 'completed',
      statusCallbackStatus: 200,
      done: true,
    });
    // Unguessable addresses under PUBLIC_URL, never an id.
    expect(placed?.url).toMatch(new RegExp(`^${publicUrl}/webhooks/voice/[A-Za-z0-9_-]{43}/answer$`));
    expect(placed?.statusCallback).toMatch(new RegExp(`^${publicUrl}/webhooks/voice/[A-Za-z0-9_-]{43}/status$`));
    expect(placed?.said[0]).toBe(
      'Hello Maria, this is Groundswell Demo. We are connecting you to Mayor Elena Ruiz about Save the bus lanes. Please stay on the line.',
    );
    expect(placed?.said.at(-1)).toBe('Thank you for making your voice heard. Goodbye.');

    const called = await calledActivities('+15125550142');
    expect(called).toHaveLength(1);
    expect(called[0]?.subject_id).toBe(call.id);
    expect(JSON.parse(called[0]?.data ?? '{}')).toMatchObject({
      target: 'Elena Ruiz',
      outcome: 'reached',
      via: 'patch_through',
      durationSeconds: 42,
    });
    expect((await api('GET', `/calls/${call.id}/results`)).json()).toMatchObject({
      total: 1,
      callers: 1,
      byOutcome: { reached: 1, voicemail: 0, busy: 0, no_answer: 0 },
    });
    expect((await api('GET', `/calls/${call.id}`)).json()).toMatchObject({ takenCount: 1 });
  });

  it('logs a busy line as busy, and prefills the number of a member who came from a text link', async () => {
    const call = await publishedCall({ accountId, from: LINE });
    twilio.dialOutcomeFor(MAYOR, { status: 'busy' });
    const ana = await consentingMember(db(), { workspaceId: ws, phone: '+15125550177', firstName: 'Ana', now: t.clock.now() });
    const gsm = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: ana, issuedAt: t.clock.now() });
    const targets = await targetsPage(call, {}, '203.0.113.8', `?gsm=${gsm}`);
    expect(callMeForm(targets).phone).toBe('(512) 555-0177');
    const calling = await callMe(targets, '(512) 555-0177', '203.0.113.8');
    expect(calling.statusCode, calling.body).toBe(200);
    await twilio.idle();
    expect(twilio.calls[0]?.dialResult).toEqual({ status: 'busy', durationSeconds: 0 });
    const called = await calledActivities('+15125550177');
    expect(called.map((a) => JSON.parse(a.data ?? '{}').outcome)).toEqual(['busy']);
    expect(twilio.calls[0]?.said.at(-1)).toMatch(/^The line is busy/);
  });

  it('refuses a number it cannot call on the form, and changes nothing', async () => {
    const call = await publishedCall({ accountId, from: LINE });
    const targets = await targetsPage(call, { firstName: 'Leo', phone: '(512) 555-0150' }, '203.0.113.9');
    const bad = await callMe(targets, '12', '203.0.113.9');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('This is not a phone number we recognise.');
    expect(callMeForm(bad).phone).toBe('12');
    const abroad = await callMe(targets, '+44 7911 123456', '203.0.113.9');
    expect(abroad.statusCode).toBe(400);
    expect(abroad.body).toContain('Sorry, this campaign is for numbers in United States.');
    await twilio.idle();
    expect(twilio.calls).toHaveLength(0);
  });

  it('refuses a webhook with a forged signature and records nothing; a replayed dial result is logged once', async () => {
    const call = await publishedCall({ accountId, from: LINE });
    // The member does not pick up: Twilio reports the end of the call, and no dial result comes.
    twilio.memberOutcomeFor('+15125550160', 'no-answer');
    const targets = await targetsPage(call, { firstName: 'Sam', phone: '(512) 555-0160' }, '198.51.100.4');
    expect((await callMe(targets, '(512) 555-0160', '198.51.100.4')).statusCode).toBe(200);
    await twilio.idle();
    const placed = twilio.calls[0];
    expect(placed).toMatchObject({ answerStatus: null, endStatus: 'no-answer', statusCallbackStatus: 200 });
    expect(await logCount()).toBe(0);

    const dialUrl = (placed?.url ?? '').replace(/\/answer$/, '/dial');
    const params = {
      AccountSid: twilio.accountSid,
      CallSid: placed?.sid ?? '',
      CallStatus: 'in-progress',
      DialCallStatus: 'completed',
      DialCallDuration: '30',
    };
    const post = (signature: string, url = dialUrl) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
    const forged = await post(twilioSignature('not-the-auth-token-0123456789abcd', dialUrl, params));
    expect(forged.status).toBe(403);
    const unsigned = await fetch(dialUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'DialCallStatus=completed',
    });
    expect(unsigned.status).toBe(403);
    const guessedUrl = `${publicUrl}/webhooks/voice/${'A'.repeat(43)}/dial`;
    const guessed = await post(twilioSignature(twilio.authToken, guessedUrl, params), guessedUrl);
    expect(guessed.status).toBe(404);
    expect(await logCount()).toBe(0);
    expect(await calledActivities('+15125550160')).toHaveLength(0);

    // A member who answers: the dial result arrives, then Twilio posts it again.
    const next = await targetsPage(call, { firstName: 'Kim', phone: '(512) 555-0161' }, '198.51.100.5');
    expect((await callMe(next, '(512) 555-0161', '198.51.100.5')).statusCode).toBe(200);
    await twilio.idle();
    const answered = twilio.calls[1];
    expect(answered?.dialActionStatus).toBe(200);
    expect(await twilio.replayDialAction(answered?.sid ?? '')).toBe(200);
    expect(await twilio.replayDialAction(answered?.sid ?? '')).toBe(200);
    expect(await logCount()).toBe(1);
    expect((await calledActivities('+15125550161')).map((a) => JSON.parse(a.data ?? '{}').outcome)).toEqual(['reached']);
    expect((await api('GET', `/calls/${call.id}`)).json()).toMatchObject({ takenCount: 1 });
  });

  it('refuses a spike of calls from one address with a clear message while another address goes through', async () => {
    const call = await publishedCall({ accountId, from: LINE });
    const spiky = '192.0.2.10';
    const targets = await targetsPage(call, { firstName: 'Bot', phone: '(512) 555-0200' }, spiky);
    for (let i = 0; i < CALL_ME_VELOCITY.perIp; i++) {
      const ok = await callMe(targets, `(512) 555-${String(300 + i).padStart(4, '0')}`, spiky);
      expect(ok.statusCode, ok.body).toBe(200);
    }
    const refused = await callMe(targets, '(512) 555-0399', spiky);
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Too many calls were asked for from your connection or for this number.');
    await twilio.idle();
    expect(twilio.calls).toHaveLength(CALL_ME_VELOCITY.perIp);

    const other = await targetsPage(call, { firstName: 'Rosa', phone: '(512) 555-0188' }, '192.0.2.11');
    const fine = await callMe(other, '(512) 555-0188', '192.0.2.11');
    expect(fine.statusCode, fine.body).toBe(200);
    await twilio.idle();
    expect(twilio.calls.at(-1)?.to).toBe('+15125550188');
  });

  it('offers only the phone numbers when patch-through is off', async () => {
    const call = await publishedCall(null);
    const targets = await targetsPage(call, { firstName: 'Noa', phone: '(512) 555-0170' }, '203.0.113.20');
    expect(targets.body).toContain('href="tel:+15129742000"');
    expect(targets.body).not.toContain('class="callme"');
    const tried = await t.app.inject({
      method: 'POST',
      url: `${call.path}/connect?lang=en`,
      payload: {
        lang: 'en',
        t: hidden(targets.body, 't'),
        postalCode: '',
        target: hidden(targets.body, 'target'),
        phone: '(512) 555-0170',
      },
      remoteAddress: '203.0.113.20',
    });
    expect(tried.statusCode).toBe(409);
    expect(tried.body).toContain('Calling you is not available for this campaign right now.');
    expect(twilio.calls).toHaveLength(0);
  });
});
