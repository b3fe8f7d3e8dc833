import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { memberToken } from '../links/member-token.ts';
import { SURVEY_SETTLE_MS } from './survey-engine.ts';

// Surveys on the web end to end: staff put an open survey on the web over HTTP, people answer on its public page
// (plain form posts, as a phone without JavaScript would send them), members answer the same survey by texting the
// simulator, and both land in the same results.

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';
const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

type Survey = { id: number; status: string; webPath: string | null; webUrl: string | null; questions: { id: number; kind: string }[] };
type Results = {
  completedCount: number;
  startedCount: number;
  questions: { kind: string; answered: number; tallies: { value: string; count: number }[]; average: number | null }[];
};

describe.each(testDialects())('surveys on the web on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let wsSlug: string;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    wsSlug = (await t.database.db.selectFrom('workspaces').select('slug').where('id', '=', ws).executeTakeFirstOrThrow()).slug;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  const transit = {
    name: 'Transit survey',
    intro: 'Three quick questions about getting around.',
    outro: 'Thanks, see you at the meeting!',
    questions: [
      { kind: 'choice', prompt: 'How do you get to work?', choices: ['Transit', 'Bike', 'Car'] },
      { kind: 'scale', prompt: 'How safe do the streets feel?' },
      { kind: 'text', prompt: 'What one change would help most?' },
    ],
  };

  async function openSurvey(body: object = transit): Promise<Survey> {
    const created = await api('POST', '/surveys', body);
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as Survey).id;
    const opened = await api('POST', `/surveys/${id}/open`);
    expect(opened.statusCode, opened.body).toBe(200);
    return opened.json() as Survey;
  }

  async function onTheWeb(survey: Survey): Promise<Survey & { webPath: string }> {
    const response = await api('POST', `/surveys/${survey.id}/web`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as Survey;
    expect(body.webPath).not.toBeNull();
    return body as Survey & { webPath: string };
  }

  const page = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { 'user-agent': UA, ...headers } });

  /** Reads the page like a browser, then posts the form with these fields (the hidden ones come from the page). */
  async function answer(
    path: string,
    fields: Record<string, string>,
    options: { ip?: string; query?: string } = {},
  ): Promise<LightMyRequestResponse> {
    const shown = (await page(`${path}${options.query ?? ''}`)).body;
    return t.app.inject({
      method: 'POST',
      url: `${path}${options.query ?? ''}`,
      remoteAddress: options.ip ?? '198.51.100.7',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: form({ lang: hidden(shown, 'lang'), w: hidden(shown, 'w'), ...fields }),
    });
  }

  /** The three answers by field name: the radio values the page offers, and words for the text question. */
  const answers = (survey: Survey, choice: string, scale: string, text: string) => {
    const [q1, q2, q3] = survey.questions;
    return { [`q${q1?.id}`]: choice, [`q${q2?.id}`]: scale, [`q${q3?.id}`]: text };
  };

  const results = async (survey: Survey) => (await api('GET', `/surveys/${survey.id}/results`)).json() as Results;
  const memberByPhone = (phone: string) =>
    db().selectFrom('members').selectAll().where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirst();
  const takenCount = async (survey: Survey) =>
    (await db().selectFrom('actions').select('taken_count').where('survey_id', '=', survey.id).executeTakeFirstOrThrow()).taken_count;

  it('puts an open survey on the web once, and the page follows the survey when it closes and reopens', async () => {
    const draft = (await api('POST', '/surveys', transit)).json() as Survey;
    expect(draft.webPath).toBeNull();
    const early = await api('POST', `/surveys/${draft.id}/web`);
    expect([early.statusCode, early.json().code]).toEqual([409, 'survey.not_open']);

    await api('POST', `/surveys/${draft.id}/open`);
    const survey = await onTheWeb({ ...draft, status: 'open' });
    expect(survey.webPath).toBe(`/p/${wsSlug}/survey/transit-survey`);
    expect(survey.webUrl).toBe(`${t.config.publicUrl}/p/${wsSlug}/survey/transit-survey`);
    // Asked again: the same page, not a second one.
    expect((await onTheWeb(survey)).webPath).toBe(survey.webPath);
    expect((await api('GET', `/surveys/${survey.id}`)).json().webPath).toBe(survey.webPath);
    const overview = (await api('GET', '/actions?type=survey')).json() as { actions: { title: string; status: string; path: string }[] };
    expect(overview.actions).toEqual([expect.objectContaining({ title: 'Transit survey', status: 'published', path: survey.webPath })]);

    // The page: every question as a form field, OpenGraph card, no script, small.
    const shown = await page(survey.webPath);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toContain('text/html');
    expect(shown.body).toContain('<h1>Transit survey</h1>');
    expect(shown.body).toContain('Three quick questions about getting around.');
    expect(shown.body).toContain('<meta property="og:title" content="Transit survey">');
    expect(shown.body).toContain(`<meta property="og:url" content="${survey.webUrl}">`);
    expect(shown.body).toMatch(/<legend><span class="num">Question 1<\/span>How do you get to work\?<\/legend>/);
    expect(shown.body).toMatch(/<input type="radio" id="q\d+-0" name="q\d+" value="A" required>Transit<\/label>/);
    expect(shown.body.match(new RegExp(`name="q${survey.questions[1]?.id}"`, 'g'))).toHaveLength(5);
    expect(shown.body).toContain(`<textarea id="q${survey.questions[2]?.id}"`);
    expect(shown.body).toContain('I agree to receive recurring texts from Groundswell Demo');
    expect(shown.body).not.toContain('<script');
    expect(Buffer.byteLength(shown.body)).toBeLessThan(30_000);
    const spanish = await page(survey.webPath, { 'accept-language': 'es-MX,es;q=0.9' });
    expect(spanish.body).toContain('<html lang="es">');
    expect(spanish.body).toContain('Enviar mis respuestas');

    // Closing the survey closes its page: it says so and takes nothing.
    await api('POST', `/surveys/${survey.id}/close`);
    const closedAction = await db()
      .selectFrom('actions')
      .select(['status', 'closed_at'])
      .where('survey_id', '=', survey.id)
      .executeTakeFirstOrThrow();
    expect(closedAction.status).toBe('closed');
    const closedPage = await page(survey.webPath);
    expect(closedPage.body).toContain('This survey is closed');
    expect(closedPage.body).not.toContain('<form');
    const late = await t.app.inject({
      method: 'POST',
      url: survey.webPath,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ ...answers(survey, 'A', '3', 'Buses'), firstName: 'Late', phone: '5125550150' }),
    });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('This survey is closed');
    expect(await memberByPhone('+15125550150')).toBeUndefined();

    // Reopened: the page takes answers again.
    await api('POST', `/surveys/${survey.id}/open`);
    expect((await page(survey.webPath)).body).toContain('<form');
    const again = await api('POST', `/surveys/${survey.id}/web`);
    expect(again.statusCode).toBe(200);
    expect(await db().selectFrom('actions').select('id').where('survey_id', '=', survey.id).execute()).toHaveLength(1);
  });

  it('counts a web answer and an SMS answer in the same results', async () => {
    const survey = await onTheWeb(await openSurvey());
    // Ana answers by text message.
    const anaPhone = '+15125550201';
    const ana = await consentingMember(db(), { workspaceId: ws, phone: anaPhone, firstName: 'Ana', now: t.clock.now() });
    const sent = await api('POST', `/surveys/${survey.id}/send`, { memberIds: [ana] });
    expect(sent.statusCode, sent.body).toBe(202);
    await t.runJobs();
    expect((await api('GET', `/surveys/${survey.id}/sends/${sent.json().id}`)).json()).toMatchObject({ status: 'done', started: 1 });
    for (const text of ['transit', '4', 'More buses']) {
      expect((await api('POST', '/simulator/inbound', { from: anaPhone, body: text })).statusCode).toBe(202);
      t.clock.advance(SURVEY_SETTLE_MS);
      await t.runJobs();
    }
    // Bo answers on the web page.
    const done = await answer(survey.webPath, {
      ...answers(survey, 'A', '2', '  Safer crossings  '),
      firstName: 'Bo',
      phone: '(512) 555-0142',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Thank you, Bo!');
    expect(done.body).toContain('Thanks, see you at the meeting!');

    const r = await results(survey);
    expect([r.startedCount, r.completedCount]).toEqual([2, 2]);
    const [choice, scale, text] = r.questions;
    expect(choice?.answered).toBe(2);
    expect(choice?.tallies.find((x) => x.value === 'A')?.count).toBe(2);
    expect(scale?.tallies.filter((x) => x.count > 0).map((x) => [x.value, x.count])).toEqual([
      ['2', 1],
      ['4', 1],
    ]);
    expect(scale?.average).toBe(3);
    expect(text?.answered).toBe(2);

    const bo = await memberByPhone('+15125550142');
    expect(bo).toMatchObject({ first_name: 'Bo', source: 'survey', sms_consent: 'none' });
    const responses = (await api('GET', `/surveys/${survey.id}/responses`)).json() as {
      responses: { memberId: number; channel: string; status: string; answers: { label: string; raw: string }[] }[];
    };
    expect(responses.responses.map((x) => [x.memberId, x.channel, x.status])).toEqual([
      [bo?.id, 'web', 'completed'],
      [ana, 'sms', 'completed'],
    ]);
    expect(responses.responses[0]?.answers.map((a) => a.label)).toEqual(['Transit', '2', 'Safer crossings']);
    const activities = await db()
      .selectFrom('activities')
      .select(['type', 'subject_type', 'subject_id'])
      .where('member_id', '=', bo?.id ?? 0)
      .where('type', '=', 'answered')
      .execute();
    expect(activities).toEqual(Array(3).fill({ type: 'answered', subject_type: 'survey', subject_id: survey.id }));
    expect(await takenCount(survey)).toBe(1);

    // Ana opens the page too: her texted answers count; she is told so and nothing changes.
    const twice = await answer(survey.webPath, { ...answers(survey, 'C', '1', 'Nothing'), firstName: 'Ana', phone: anaPhone });
    expect(twice.statusCode).toBe(200);
    expect(twice.body).toContain('You already answered');
    expect((await results(survey)).completedCount).toBe(2);
    expect((await results(survey)).questions[0]?.tallies.find((x) => x.value === 'C')?.count).toBe(0);
    expect(await takenCount(survey)).toBe(1);
  });

  it('shows field errors for a missing or invalid answer and keeps the other answers', async () => {
    const survey = await onTheWeb(await openSurvey());
    const [q1, q2, q3] = survey.questions;
    const response = await answer(survey.webPath, {
      // No choice made; a number the scale does not offer (a tampered form); the text is fine.
      [`q${q2?.id}`]: '9',
      [`q${q3?.id}`]: 'Wider sidewalks',
      firstName: 'Cy',
      phone: '512',
      email: 'cy@example.org',
    });
    expect(response.statusCode).toBe(400);
    const body = response.body;
    expect(body).toContain('role="alert"');
    expect(body).toContain(`<a href="#q${q1?.id}-0">Question 1: Choose an answer.</a>`);
    expect(body).toContain(`<a href="#q${q2?.id}-0">Question 2: Choose one of the answers listed.</a>`);
    expect(body).toContain('<a href="#phone">Mobile phone: This is not a phone number we recognise.');
    expect(body).toContain(`id="q${q1?.id}-error"`);
    // What was given is still there.
    expect(body).toContain('>Wider sidewalks</textarea>');
    expect(body).toContain('value="Cy"');
    expect(body).toContain('value="cy@example.org"');
    // Nothing was stored.
    expect(await memberByPhone('+15125550512')).toBeUndefined();
    expect((await results(survey)).completedCount).toBe(0);

    // Fixed: the choice made, the scale in range, a real number.
    const fixed = await answer(survey.webPath, { ...answers(survey, 'B', '5', 'Wider sidewalks'), firstName: 'Cy', phone: '512-555-0143' });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect((await results(survey)).questions[0]?.tallies.find((x) => x.value === 'B')?.count).toBe(1);
  });

  it('records SMS consent only when the box is ticked, with the words, address, browser and page', async () => {
    const survey = await onTheWeb(await openSurvey());
    await answer(survey.webPath, { ...answers(survey, 'A', '3', 'More trains'), firstName: 'Di', phone: '5125550144' });
    const di = await memberByPhone('+15125550144');
    expect(di?.sms_consent).toBe('none');
    expect(
      await db()
        .selectFrom('consent_events')
        .select('id')
        .where('member_id', '=', di?.id ?? 0)
        .execute(),
    ).toEqual([]);

    const shown = (await page(survey.webPath)).body;
    const wording = /<label for="consent">([^<]+)<\/label>/.exec(shown)?.[1]?.replaceAll('&amp;', '&');
    const ticked = await answer(
      survey.webPath,
      { ...answers(survey, 'B', '4', 'Bike lanes'), firstName: 'Ed', phone: '5125550145', consent: 'yes' },
      { ip: '203.0.113.9' },
    );
    expect(ticked.statusCode, ticked.body).toBe(200);
    expect(ticked.body).toContain('reply STOP');
    const ed = await memberByPhone('+15125550145');
    expect(ed?.sms_consent).toBe('granted');
    const events = await db()
      .selectFrom('consent_events')
      .selectAll()
      .where('member_id', '=', ed?.id ?? 0)
      .execute();
    expect(events).toEqual([
      expect.objectContaining({
        channel: 'sms',
        status: 'granted',
        method: 'web_form',
        wording,
        ip: '203.0.113.9',
        user_agent: UA,
        source_url: `${t.config.publicUrl}${survey.webPath}`,
      }),
    ]);
  });

  it('refuses a second answer politely, and a honeypot answer stores nothing', async () => {
    const survey = await onTheWeb(await openSurvey());
    const first = await answer(survey.webPath, { ...answers(survey, 'A', '3', 'Buses'), firstName: 'Fay', phone: '5125550146' });
    expect(first.body).toContain('Thank you, Fay!');
    const second = await answer(survey.webPath, { ...answers(survey, 'C', '1', 'Cars'), firstName: 'Fay', phone: '512 555 0146' });
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('You already answered “Transit survey”; each person answers once. Nothing was changed.');
    const r = await results(survey);
    expect(r.completedCount).toBe(1);
    expect(r.questions[0]?.tallies.map((x) => x.count)).toEqual([1, 0, 0]);
    expect(await takenCount(survey)).toBe(1);

    const bot = await answer(survey.webPath, {
      ...answers(survey, 'B', '2', 'x'),
      firstName: 'Bot',
      phone: '5125550147',
      website: 'http://spam.example',
    });
    expect(bot.statusCode).toBe(200);
    expect(await memberByPhone('+15125550147')).toBeUndefined();
    expect((await results(survey)).completedCount).toBe(1);

    // A flood from one address is turned away with a page that says why; another address still answers.
    const post = (ip: string) =>
      t.app.inject({
        method: 'POST',
        url: survey.webPath,
        remoteAddress: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ firstName: 'Flood' }),
      });
    const statuses = [];
    for (let i = 0; i < 31; i++) statuses.push((await post('192.0.2.66')).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    const limited = await post('192.0.2.66');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many answers came from your connection');
    expect((await post('192.0.2.67')).statusCode).toBe(400);
  });

  it('prefills the form for a member arriving from a text link, and tells one who answered', async () => {
    const survey = await onTheWeb(await openSurvey());
    const gus = await consentingMember(db(), { workspaceId: ws, phone: '+15125550148', firstName: 'Gus', now: t.clock.now() });
    const token = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: gus, issuedAt: t.clock.now() });
    const shown = await page(`${survey.webPath}?gsm=${token}`);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.body).toContain('id="firstName" name="firstName" type="text" value="Gus"');
    expect(shown.body).toContain('id="phone" name="phone" type="tel" value="(512) 555-0148"');
    // Nobody is recognized from an altered token.
    expect((await page(`${survey.webPath}?gsm=${token.slice(0, -2)}xx`)).body).not.toContain('value="Gus"');

    const done = await answer(
      survey.webPath,
      { ...answers(survey, 'A', '5', 'Nothing'), firstName: 'Gus', phone: '(512) 555-0148' },
      { query: `?gsm=${token}` },
    );
    expect(done.statusCode, done.body).toBe(200);
    // A known member answers as themselves: no second member, their consent untouched.
    expect(await db().selectFrom('members').select('id').where('phone', '=', '+15125550148').execute()).toEqual([{ id: gus }]);
    const again = await page(`${survey.webPath}?gsm=${token}`);
    expect(again.body).toContain('You already answered this survey. Thank you!');
    expect(again.body).not.toContain('<form');
  });
});
