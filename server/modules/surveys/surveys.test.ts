import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, defaultSender } from '../../../test/helpers/messaging.ts';
import { processInbound } from '../messaging/inbound.job.ts';
import { storeInbound } from '../messaging/ingest.ts';
import { SURVEY_SETTLE_MS, startSurvey } from './survey-engine.ts';
import { seedDemoSurvey } from './surveys.service.ts';

// SMS surveys end to end: staff define and send a survey over HTTP, members answer by texting the simulator, the
// inbound pipeline runs as jobs, and what members receive is read from the outbox.

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

describe.each(testDialects())('SMS surveys on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let phoneSeq = 0;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    phoneSeq = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function member(options: { consent?: boolean; firstName?: string } = {}) {
    phoneSeq += 1;
    const phone = `+1512555${String(200 + phoneSeq).padStart(4, '0')}`;
    const id = await consentingMember(db(), { workspaceId: ws, phone, now: t.clock.now(), ...options });
    return { id, phone };
  }

  /** Texts in as the member, then lets the settle delay pass and runs the jobs (the worker's view of time). */
  async function textIn(from: string, body: string) {
    const response = await api('POST', '/simulator/inbound', { from, body });
    expect(response.statusCode, response.body).toBe(202);
    t.clock.advance(SURVEY_SETTLE_MS);
    await t.runJobs();
  }

  const outbound = (phone: string) =>
    db().selectFrom('messages').selectAll().where('to_address', '=', phone).where('direction', '=', 'out').orderBy('id').execute();
  const bodiesTo = async (phone: string) => (await outbound(phone)).filter((m) => m.state !== 'cancelled').map((m) => m.body);

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

  async function openSurvey(body: object = transit) {
    const created = await api('POST', '/surveys', body);
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    const opened = await api('POST', `/surveys/${id}/open`);
    expect(opened.statusCode, opened.body).toBe(200);
    return opened.json() as { id: number; questions: { id: number; kind: string }[] };
  }

  type SendOutcome = { status: string; started: number; skipped: Record<string, number> };

  /** Sends the survey, lets the worker carry the send out, and returns what it did. */
  async function sendAndRun(surveyId: number, audience: { memberIds?: number[]; communityIds?: number[]; tags?: string[] }) {
    const response = await api('POST', `/surveys/${surveyId}/send`, audience);
    expect(response.statusCode, response.body).toBe(202);
    const queued = response.json() as { id: number; status: string };
    expect(queued.status).toBe('queued');
    await t.runJobs();
    const done = (await api('GET', `/surveys/${surveyId}/sends/${queued.id}`)).json() as SendOutcome & { processed: number; total: number };
    expect(done).toMatchObject({ status: 'done', processed: done.total });
    return { started: done.started, skipped: done.skipped };
  }
  const send = (surveyId: number, memberIds: number[]) => sendAndRun(surveyId, { memberIds });

  const responseOf = (surveyId: number, memberId: number) =>
    db()
      .selectFrom('survey_responses')
      .selectAll()
      .where('survey_id', '=', surveyId)
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
  const answersOf = (surveyId: number, memberId: number) =>
    db()
      .selectFrom('survey_answers as a')
      .innerJoin('survey_questions as q', 'q.id', 'a.question_id')
      .select(['q.position', 'a.value', 'a.raw'])
      .where('a.survey_id', '=', surveyId)
      .where('a.member_id', '=', memberId)
      .orderBy('q.position')
      .execute();

  it('a member answers a 3-question survey by SMS, tolerantly, and gets the thank-you', async () => {
    const survey = await openSurvey();
    const ana = await member({ firstName: 'Ana' });
    expect(await send(survey.id, [ana.id])).toEqual({
      started: 1,
      skipped: { noConsent: 0, alreadyStarted: 0, alreadyCompleted: 0, notFound: 0, frequencyCap: 0 },
    });
    // The first text the member ever gets: intro and first question, naming the organization and how to opt out.
    let bodies = await bodiesTo(ana.phone);
    expect(bodies).toEqual([
      'Three quick questions about getting around.\nHow do you get to work?\nA) Transit\nB) Bike\nC) Car\nGroundswell Demo: Reply STOP to opt out',
    ]);

    await textIn(ana.phone, 'transit!');
    await textIn(ana.phone, '4 stars');
    await textIn(ana.phone, '  More buses on Main St 🚌 ');
    bodies = await bodiesTo(ana.phone);
    expect(bodies.slice(1)).toEqual([
      'How safe do the streets feel? (reply 1-5)',
      'What one change would help most?',
      'Thanks, see you at the meeting!',
    ]);
    expect(await answersOf(survey.id, ana.id)).toEqual([
      { position: 1, value: 'A', raw: 'transit!' },
      { position: 2, value: '4', raw: '4 stars' },
      { position: 3, value: 'More buses on Main St 🚌', raw: 'More buses on Main St 🚌' },
    ]);
    expect(await responseOf(survey.id, ana.id)).toMatchObject({ status: 'completed', question_id: null });
    const activities = await db()
      .selectFrom('activities')
      .select(['type', 'subject_type', 'subject_id'])
      .where('member_id', '=', ana.id)
      .where('type', '=', 'answered')
      .execute();
    expect(activities).toEqual(Array(3).fill({ type: 'answered', subject_type: 'survey', subject_id: survey.id }));
    // Answers to the survey are not waiting for a person in the inbox.
    const conversation = await db().selectFrom('conversations').select('needs_response').where('member_id', '=', ana.id).executeTakeFirst();
    expect(conversation?.needs_response ?? 0).toBe(0);

    // The questions really go out through the simulator.
    await t.messaging.createDispatcher().runOnce();
    const states = (await outbound(ana.phone)).map((m) => m.state);
    expect(states.every((s) => s === 'sent' || s === 'delivered')).toBe(true);

    const detail = (await api('GET', `/surveys/${survey.id}`)).json();
    expect(detail).toMatchObject({ status: 'open', startedCount: 1, completedCount: 1, handedOffCount: 0, answered: true });
  });

  it('asks again once with a hint, then hands the member to a person in the inbox', async () => {
    const survey = await openSurvey({ name: 'Safety', questions: [{ kind: 'scale', prompt: 'How safe do you feel?' }] });
    const ben = await member();
    await send(survey.id, [ben.id]);
    await textIn(ben.phone, 'pretty safe I guess');
    expect((await bodiesTo(ben.phone)).at(-1)).toBe('Please reply with a number from 1 to 5.\nHow safe do you feel? (reply 1-5)');
    await textIn(ben.phone, 'why do you ask?');
    // No third question: a person takes over.
    expect(await bodiesTo(ben.phone)).toHaveLength(2);
    expect(await responseOf(survey.id, ben.id)).toMatchObject({ status: 'handed_off', reasks: 1 });
    const conversation = await db().selectFrom('conversations').selectAll().where('member_id', '=', ben.id).executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ needs_response: 1, preview: 'why do you ask?' });
    expect(await answersOf(survey.id, ben.id)).toEqual([]);
    expect((await api('GET', `/surveys/${survey.id}`)).json()).toMatchObject({ handedOffCount: 1, completedCount: 0 });
    // Later texts are the inbox's too, not re-read as answers.
    await textIn(ben.phone, '3');
    expect(await bodiesTo(ben.phone)).toHaveLength(2);
  });

  it('takes answers in the order they were sent when they arrive swapped', async () => {
    const survey = await openSurvey();
    const cy = await member();
    await send(survey.id, [cy.id]);
    const sender = await defaultSender(db(), ws);
    const account = await db()
      .selectFrom('channel_accounts')
      .select(['id', 'workspace_id', 'provider'])
      .where('id', '=', sender.channel_account_id)
      .executeTakeFirstOrThrow();
    const sent = t.clock.now();
    const deliver = (providerId: string, body: string, receivedAt: number) =>
      db()
        .transaction()
        .execute((trx) =>
          storeInbound(trx, account, [{ providerId, from: cy.phone, to: sender.address, body, mediaUrls: [], receivedAt }], t.clock.now()),
        );
    // "5" was sent second but arrives first; the worker runs at once and must not take it yet.
    await deliver('SWAP-2', '5', sent + 1_000);
    await t.runJobs();
    expect(await answersOf(survey.id, cy.id)).toEqual([]);
    t.clock.advance(800);
    await deliver('SWAP-1', 'B', sent);
    t.clock.advance(SURVEY_SETTLE_MS);
    await t.runJobs();
    expect((await answersOf(survey.id, cy.id)).map((a) => [a.position, a.value])).toEqual([
      [1, 'B'],
      [2, '5'],
    ]);
    expect((await bodiesTo(cy.phone)).at(-1)).toBe('What one change would help most?');
  });

  it('a text delivered twice, or processed twice, answers once', async () => {
    const survey = await openSurvey();
    const dee = await member();
    await send(survey.id, [dee.id]);
    const sender = await defaultSender(db(), ws);
    const account = await db()
      .selectFrom('channel_accounts')
      .select(['id', 'workspace_id', 'provider'])
      .where('id', '=', sender.channel_account_id)
      .executeTakeFirstOrThrow();
    const inbound = { providerId: 'DUP-1', from: dee.phone, to: sender.address, body: 'C', mediaUrls: [], receivedAt: t.clock.now() };
    const first = await db()
      .transaction()
      .execute((trx) => storeInbound(trx, account, [inbound], t.clock.now()));
    // The provider retries its webhook: the same text again.
    const again = await db()
      .transaction()
      .execute((trx) => storeInbound(trx, account, [inbound], t.clock.now()));
    expect(again).toEqual([]);
    t.clock.advance(SURVEY_SETTLE_MS);
    await t.runJobs();
    // A job run again after it committed (a worker lost its lease) finds the text processed.
    const rerun = await db()
      .transaction()
      .execute((trx) => processInbound(trx, TEST_APP_SECRET, { workspaceId: ws, messageId: first[0] as number, now: t.clock.now() }));
    expect(rerun).toBe('ignored');
    expect(await answersOf(survey.id, dee.id)).toEqual([{ position: 1, value: 'C', raw: 'C' }]);
    expect((await bodiesTo(dee.phone)).filter((b) => b.startsWith('How safe'))).toHaveLength(1);
    const results = (await api('GET', `/surveys/${survey.id}/results`)).json();
    expect(results.questions[0].answered).toBe(1);
  });

  it('an opt-out in the middle of a survey stops it: no further question', async () => {
    const survey = await openSurvey();
    const eve = await member();
    await send(survey.id, [eve.id]);
    await textIn(eve.phone, 'a');
    await textIn(eve.phone, 'STOP');
    expect(await responseOf(survey.id, eve.id)).toMatchObject({ status: 'stopped' });
    await textIn(eve.phone, '5');
    const bodies = await bodiesTo(eve.phone);
    expect(bodies.slice(-1)[0]).toMatch(/unsubscribed/i);
    expect(bodies.filter((b) => b.startsWith('What one change'))).toEqual([]);
    expect((await answersOf(survey.id, eve.id)).map((a) => a.value)).toEqual(['A']);
    // Starting it again (a keyword) does not text an opted-out member.
    const again = await db()
      .transaction()
      .execute((trx) =>
        startSurvey(trx, { workspaceId: ws, surveyId: survey.id, memberId: eve.id, phone: eve.phone, senderId: null, now: t.clock.now() }),
      );
    expect(again).toBe('not_open');
    expect(await bodiesTo(eve.phone)).toEqual(bodies);
  });

  it('results count answers per option with percentages, and list free text newest first', async () => {
    const survey = await openSurvey({
      name: 'Mixed',
      questions: [
        { kind: 'choice', prompt: 'Pick one', choices: ['Transit', 'Bike', 'Car'] },
        { kind: 'nps', prompt: 'Would you recommend us?' },
        { kind: 'text', prompt: 'Anything else?' },
        { kind: 'yes_no', prompt: 'Coming Saturday?' },
      ],
    });
    const people = [await member({ firstName: 'Ana' }), await member({ firstName: 'Ben' }), await member({ firstName: 'Cy' })];
    await send(
      survey.id,
      people.map((p) => p.id),
    );
    const answers = [
      ['1', '10', 'More buses', 'yes'],
      ['transit', '9', 'Bike lanes', 'Y'],
      ['(b)', 'three', 'Safer crossings', 'nope'],
    ];
    for (const [i, person] of people.entries()) for (const body of answers[i] ?? []) await textIn(person.phone, body);

    const response = await api('GET', `/surveys/${survey.id}/results`);
    expect(response.statusCode).toBe(200);
    const results = response.json();
    expect(results).toMatchObject({ startedCount: 3, completedCount: 3, inProgressCount: 0 });
    const [choice, nps, text, yesNo] = results.questions;
    expect(choice.answered).toBe(3);
    expect(choice.tallies).toEqual([
      { value: 'A', label: 'Transit', count: 2, percent: 66.7 },
      { value: 'B', label: 'Bike', count: 1, percent: 33.3 },
      { value: 'C', label: 'Car', count: 0, percent: 0 },
    ]);
    expect(nps.tallies).toHaveLength(11);
    expect(nps).toMatchObject({ answered: 3, average: 7.33, nps: 33 });
    expect(text.answered).toBe(3);
    expect(text.recentAnswers.map((a: { text: string; memberName: string }) => [a.memberName, a.text])).toEqual([
      ['Cy', 'Safer crossings'],
      ['Ben', 'Bike lanes'],
      ['Ana', 'More buses'],
    ]);
    expect(yesNo.tallies).toEqual([
      { value: 'yes', label: 'Yes', count: 2, percent: 66.7 },
      { value: 'no', label: 'No', count: 1, percent: 33.3 },
    ]);

    const page = (await api('GET', `/surveys/${survey.id}/questions/${text.questionId}/answers?limit=2`)).json();
    expect(page.answers.map((a: { text: string }) => a.text)).toEqual(['Safer crossings', 'Bike lanes']);
    const rest = (await api('GET', `/surveys/${survey.id}/questions/${text.questionId}/answers?limit=2&before=${page.nextCursor}`)).json();
    expect(rest).toMatchObject({ answers: [{ text: 'More buses' }], nextCursor: null });

    const responses = (await api('GET', `/surveys/${survey.id}/responses`)).json();
    expect(responses.responses).toHaveLength(3);
    expect(responses.responses[2]).toMatchObject({ memberName: 'Ana', status: 'completed', channel: 'sms' });
    expect(responses.responses[2].answers.map((a: { label: string }) => a.label)).toEqual(['Transit', '10', 'More buses', 'Yes']);
  });

  it('a survey is editable until someone answers; only drafts are deleted; keywords show on it', async () => {
    const invalid = await api('POST', '/surveys', {
      name: '',
      questions: [
        { kind: 'choice', prompt: 'Pick', choices: ['Only one'] },
        { kind: 'scale', prompt: 'Rate', min: 5, max: 3 },
        { kind: 'essay', prompt: 'Tell us' },
      ],
    });
    expect(invalid.statusCode).toBe(400);
    expect(((invalid.json() as Problem).errors ?? []).map((e) => e.path).sort()).toEqual([
      'body.name',
      'body.questions.0.choices',
      'body.questions.1.max',
      'body.questions.2.kind',
    ]);
    expect(await db().selectFrom('surveys').select('id').where('workspace_id', '=', ws).execute()).toEqual([]);

    const empty = (await api('POST', '/surveys', { name: 'Empty' })).json();
    const cannotOpen = await api('POST', `/surveys/${empty.id}/open`);
    expect(cannotOpen.statusCode).toBe(400);
    expect((cannotOpen.json() as Problem).errors?.[0]?.path).toBe('questions');
    expect((await api('DELETE', `/surveys/${empty.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/surveys/${empty.id}`)).statusCode).toBe(404);

    const survey = await openSurvey();
    await db()
      .insertInto('keywords')
      .values({
        workspace_id: ws,
        keyword: 'COMMUTE',
        target_type: 'survey',
        target_id: survey.id,
        reply: null,
        link_url: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    // Before anyone answers, the questions may still change (even while open).
    const edited = await api('PATCH', `/surveys/${survey.id}`, {
      questions: [
        { kind: 'yes_no', prompt: 'Do you ride the bus?' },
        { kind: 'text', prompt: 'Why?' },
      ],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      keywords: ['COMMUTE'],
      answered: false,
      questions: [{ kind: 'yes_no', smsText: 'Do you ride the bus? (reply YES or NO)' }, { kind: 'text' }],
    });

    const fay = await member();
    await send(survey.id, [fay.id]);
    await textIn(fay.phone, 'yep');
    const refused = await api('PATCH', `/surveys/${survey.id}`, { questions: [{ kind: 'text', prompt: 'New question' }] });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as Problem).code).toBe('survey.not_editable');
    const renamed = await api('PATCH', `/surveys/${survey.id}`, { name: 'Bus survey' });
    expect(renamed.json()).toMatchObject({
      name: 'Bus survey',
      answered: true,
      questions: [{ prompt: 'Do you ride the bus?' }, { prompt: 'Why?' }],
    });
    const deleteOpen = await api('DELETE', `/surveys/${survey.id}`);
    expect(deleteOpen.statusCode).toBe(409);

    // Closing stops the member mid-survey: their next text goes to a person.
    expect((await api('POST', `/surveys/${survey.id}/close`)).json()).toMatchObject({ status: 'closed' });
    await textIn(fay.phone, 'because it is cheap');
    expect(await responseOf(survey.id, fay.id)).toMatchObject({ status: 'stopped' });
    const conversation = await db().selectFrom('conversations').selectAll().where('member_id', '=', fay.id).executeTakeFirstOrThrow();
    expect(conversation.needs_response).toBe(1);
    const list = (await api('GET', '/surveys')).json();
    expect(list.surveys).toEqual([expect.objectContaining({ name: 'Bus survey', status: 'closed', questionCount: 2, startedCount: 1 })]);
  });

  it('sending only reaches members with consent, inside their sending hours, and says who was skipped', async () => {
    const survey = await openSurvey();
    const willing = await member();
    const unknown = await member({ consent: false });
    const done = await member();
    await send(survey.id, [done.id]);
    for (const body of ['A', '3', 'ok']) await textIn(done.phone, body);
    // 03:00 in Chicago: the question waits for 08:00 local and is valid until 21:00.
    t.clock.set(Date.parse('2026-11-23T09:00:00Z'));
    const result = await send(survey.id, [willing.id, unknown.id, done.id, 999_999]);
    expect(result).toEqual({ started: 1, skipped: { noConsent: 1, alreadyStarted: 0, alreadyCompleted: 1, notFound: 1, frequencyCap: 0 } });
    const [question] = await outbound(willing.phone);
    expect(question).toMatchObject({
      kind: 'automation',
      send_at: Date.parse('2026-11-23T14:00:00Z'),
      expires_at: Date.parse('2026-11-24T03:00:00Z'),
    });
    expect(await outbound(unknown.phone)).toEqual([]);
    // Sent again: those already answering are not asked twice.
    expect(await send(survey.id, [willing.id])).toMatchObject({ started: 0, skipped: { alreadyStarted: 1 } });

    const draft = (await api('POST', '/surveys', { name: 'Draft', questions: transit.questions })).json();
    const notOpen = await api('POST', `/surveys/${draft.id}/send`, { memberIds: [willing.id] });
    expect(notOpen.statusCode).toBe(409);
    expect((notOpen.json() as Problem).code).toBe('survey.not_open');
  });

  async function community(name: string, parentId?: number) {
    const response = await api('POST', '/communities', { name, visibility: 'public', ...(parentId ? { parentId } : {}) });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }
  async function join(communityId: number, memberIds: number[]) {
    const response = await api('POST', `/communities/${communityId}/members`, { memberIds });
    expect(response.statusCode, response.body).toBe(200);
  }
  const sendTo = sendAndRun;
  const firstQuestion =
    'Three quick questions about getting around.\nHow do you get to work?\nA) Transit\nB) Bike\nC) Car\nGroundswell Demo: Reply STOP to opt out';

  it('sending to communities reaches their consenting members, sub-communities included, each once', async () => {
    const survey = await openSurvey();
    const network = await community('Climate Network');
    const austin = await community('Austin', network);
    const houston = await community('Houston', network);
    const elsewhere = await community('Elsewhere');
    const [ana, ben, cy, dee, eve] = [await member(), await member(), await member({ consent: false }), await member(), await member()];
    await join(austin, [ana.id, cy.id, dee.id]);
    await join(houston, [ana.id]);
    await join(network, [ben.id]);
    await join(elsewhere, [eve.id]);
    // Dee left Austin: an ended membership is not in the audience.
    expect((await api('DELETE', `/communities/${austin}/members/${dee.id}`)).statusCode).toBe(204);

    // Ana is in two of the chosen communities (and under the third): one question.
    expect(await sendTo(survey.id, { communityIds: [network, austin, houston] })).toEqual({
      started: 2,
      skipped: { noConsent: 1, alreadyStarted: 0, alreadyCompleted: 0, notFound: 0, frequencyCap: 0 },
    });
    expect(await bodiesTo(ana.phone)).toEqual([firstQuestion]);
    expect(await bodiesTo(ben.phone)).toEqual([firstQuestion]);
    for (const person of [cy, dee, eve]) expect(await outbound(person.phone)).toEqual([]);
    // Chosen both by id and through a community, a member is counted once.
    expect(await sendTo(survey.id, { memberIds: [eve.id, ana.id], communityIds: [austin] })).toEqual({
      started: 1,
      skipped: { noConsent: 1, alreadyStarted: 1, alreadyCompleted: 0, notFound: 0, frequencyCap: 0 },
    });
    expect(await bodiesTo(ana.phone)).toEqual([firstQuestion]);
    expect(await bodiesTo(eve.phone)).toEqual([firstQuestion]);
    expect((await api('GET', `/surveys/${survey.id}`)).json()).toMatchObject({ startedCount: 3 });
  });

  it('sending to a tag reaches the tagged members; a large community is sent in batches, each member once', async () => {
    const survey = await openSurvey();
    const [fay, gus, hal] = [await member(), await member(), await member()];
    for (const person of [fay, gus]) {
      const tagged = await api('POST', `/members/${person.id}/tags`, { tag: 'Volunteer' });
      expect(tagged.statusCode, tagged.body).toBe(204);
    }
    expect(await sendTo(survey.id, { tags: [' VOLUNTEER'] })).toMatchObject({ started: 2, skipped: { noConsent: 0, alreadyStarted: 0 } });
    expect(await bodiesTo(fay.phone)).toEqual([firstQuestion]);
    expect(await outbound(hal.phone)).toEqual([]);

    // More members than one transaction takes (250): every one is asked once.
    const big = await community('Everyone');
    const crowd = [];
    for (let i = 0; i < 260; i += 1) crowd.push((await member()).id);
    await join(big, [...crowd, fay.id]);
    expect(await sendTo(survey.id, { communityIds: [big], tags: ['volunteer'] })).toEqual({
      started: 260,
      skipped: { noConsent: 0, alreadyStarted: 2, alreadyCompleted: 0, notFound: 0, frequencyCap: 0 },
    });
    const asked = await db()
      .selectFrom('messages')
      .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', ws)
      .where('direction', '=', 'out')
      .where('member_id', 'in', crowd)
      .groupBy('member_id')
      .execute();
    expect(asked).toHaveLength(260);
    expect(asked.every((row) => Number(row.n) === 1)).toBe(true);
  });

  it('a send names someone to send to, and only communities of the workspace', async () => {
    const survey = await openSurvey();
    const empty = await api('POST', `/surveys/${survey.id}/send`, { memberIds: [], tags: [] });
    expect(empty.statusCode).toBe(400);
    expect(((empty.json() as Problem).errors ?? []).map((e) => e.path).sort()).toEqual([
      'body.communityIds',
      'body.memberIds',
      'body.tags',
    ]);
    expect((await api('POST', `/surveys/${survey.id}/send`, {})).statusCode).toBe(400);
    const austin = await community('Austin');
    const foreign = await api('POST', `/surveys/${survey.id}/send`, { communityIds: [austin, 999_999] });
    expect(foreign.statusCode).toBe(400);
    expect((foreign.json() as Problem).errors).toEqual([
      { path: 'body.communityIds', message: 'has ids that are not communities of this workspace: 999999' },
    ]);
    expect(await db().selectFrom('survey_responses').select('id').where('survey_id', '=', survey.id).execute()).toEqual([]);
  });

  it('a keyword start asks the first question, resumes, and tells a member who finished', async () => {
    const survey = await openSurvey({ name: 'Quick', questions: [{ kind: 'yes_no', prompt: 'Coming Saturday?' }] });
    const gus = await member();
    const start = () =>
      db()
        .transaction()
        .execute((trx) =>
          startSurvey(trx, {
            workspaceId: ws,
            surveyId: survey.id,
            memberId: gus.id,
            phone: gus.phone,
            senderId: null,
            now: t.clock.now(),
          }),
        );
    expect(await start()).toBe('started');
    expect(await start()).toBe('resumed');
    await textIn(gus.phone, 'Yes!');
    expect(await start()).toBe('already_completed');
    const bodies = await bodiesTo(gus.phone);
    expect(bodies).toEqual([
      'Coming Saturday? (reply YES or NO)\nGroundswell Demo: Reply STOP to opt out',
      'Coming Saturday? (reply YES or NO)',
      'Thank you for answering!',
      'You already answered Quick. Thank you!',
    ]);
    expect((await outbound(gus.phone)).every((m) => m.kind === 'reply')).toBe(true);
    await api('POST', `/surveys/${survey.id}/close`);
    expect(await start()).toBe('not_open');
  });

  it('the demo survey is open with three questions, and another workspace cannot see it', async () => {
    const id = await seedDemoSurvey(db(), { workspaceId: ws, now: t.clock.now() });
    const demo = (await api('GET', `/surveys/${id}`)).json();
    expect(demo).toMatchObject({ name: 'Transit survey', status: 'open' });
    expect(demo.questions.map((q: { kind: string }) => q.kind)).toEqual(['choice', 'scale', 'text']);

    // A survey of another organization is not found from this one (even by a user of both).
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id;
    const theirs = (await owner.request({ method: 'POST', url: `/api/workspaces/${other}/surveys`, payload: { name: 'Theirs' } })).json();
    expect(theirs.id).toBeGreaterThan(0);
    const foreign = await api('GET', `/surveys/${theirs.id}`);
    expect(foreign.statusCode).toBe(404);
  });
});
