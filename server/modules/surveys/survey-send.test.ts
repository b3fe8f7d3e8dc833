import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, defaultSender, queueMessages } from '../../../test/helpers/messaging.ts';
import { createLogger } from '../../lib/logger.ts';
import { startSurvey } from './survey-engine.ts';
import { createSurveySendJob, runSurveySend, SEND_BATCH, sendBatch } from './survey-send.job.ts';

// Sending a survey to a large audience: POST /send records the send and answers at once; the surveys.send job asks
// the members batch by batch (about 500 per transaction) and the send's counters show the progress. These tests run
// the job the way workers do (t.runJobs), one batch at a time (a worker that stopped after a batch), and twice at once.

type Send = {
  id: number;
  status: string;
  total: number;
  processed: number;
  started: number;
  skipped: { noConsent: number; alreadyStarted: number; alreadyCompleted: number; notFound: number; frequencyCap: number };
  error: string | null;
  audience: { memberCount: number; communities: { id: number; name: string }[]; tags: string[] };
  createdBy: { id: number; name: string } | null;
};

/** Batches of a few members, so a small community takes several (the job's own are SEND_BATCH). */
const BATCH = 50;

const NO_SKIPS = { noConsent: 0, alreadyStarted: 0, alreadyCompleted: 0, notFound: 0, frequencyCap: 0 };

describe.each(testDialects())('survey sends on %s', (dialect) => {
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
  const deps = () => ({ db: db(), clock: t.clock });
  const api = (method: 'GET' | 'POST', path: string, payload?: object) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });

  async function openSurvey(name = 'Transit survey') {
    const created = await api('POST', '/surveys', {
      name,
      intro: 'Two quick questions.',
      questions: [
        { kind: 'choice', prompt: 'How do you get to work?', choices: ['Transit', 'Bike', 'Car'] },
        { kind: 'scale', prompt: 'How safe do the streets feel?' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    expect((await api('POST', `/surveys/${id}/open`)).statusCode).toBe(200);
    return id;
  }

  /** A community of `size` members, all with SMS consent but the first `withoutConsent`. */
  async function community(name: string, size: number, options: { withoutConsent?: number } = {}) {
    const created = await api('POST', '/communities', { name, visibility: 'public' });
    expect(created.statusCode, created.body).toBe(201);
    const communityId = (created.json() as { id: number }).id;
    const members: { id: number; phone: string }[] = [];
    // One transaction: the members arrive at once, as from an import.
    await db()
      .transaction()
      .execute(async (trx) => {
        for (let i = 0; i < size; i++) {
          phoneSeq += 1;
          const phone = `+1512${String(3_000_000 + phoneSeq)}`;
          const consent = i >= (options.withoutConsent ?? 0);
          members.push({ id: await consentingMember(trx, { workspaceId: ws, phone, now: t.clock.now(), consent }), phone });
        }
      });
    for (let i = 0; i < members.length; i += 1_000) {
      const joined = await api('POST', `/communities/${communityId}/members`, { memberIds: members.slice(i, i + 1_000).map((m) => m.id) });
      expect(joined.statusCode, joined.body).toBe(200);
    }
    return { communityId, members };
  }

  async function sendTo(surveyId: number, audience: object) {
    const response = await api('POST', `/surveys/${surveyId}/send`, audience);
    expect(response.statusCode, response.body).toBe(202);
    return response.json() as Send;
  }
  const getSend = async (surveyId: number, sendId: number) => (await api('GET', `/surveys/${surveyId}/sends/${sendId}`)).json() as Send;

  /** Survey texts each member got (cancelled ones aside), by member id. */
  async function textsPerMember(memberIds: number[]) {
    const rows = await db()
      .selectFrom('messages')
      .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', ws)
      .where('direction', '=', 'out')
      .where('body', 'like', 'Two quick questions.%')
      .where('member_id', 'in', memberIds)
      .groupBy('member_id')
      .execute();
    return new Map(rows.map((r) => [Number(r.member_id), Number(r.n)]));
  }

  it('sends to a community of 1,200 members as a job, 500 at a time, counting who was skipped and why', async () => {
    const surveyId = await openSurvey();
    const { communityId, members } = await community('Everyone', 1_200, { withoutConsent: 40 });
    // Ten opted out since; five already got as many texts this week as the workspace allows (6).
    for (const m of members.slice(40, 50)) {
      const revoked = await api('POST', `/members/${m.id}/consent`, { channel: 'sms', status: 'revoked', wording: 'STOP' });
      expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    }
    const capped = members.slice(50, 55);
    const sender = await defaultSender(db(), ws);
    for (let i = 0; i < 6; i++) {
      await queueMessages(db(), {
        workspaceId: ws,
        senderId: sender.id,
        from: sender.address,
        broadcastId: null,
        recipients: capped.map((m) => ({ memberId: m.id, to: m.phone })),
        now: t.clock.now(),
      });
    }

    const queued = await sendTo(surveyId, { communityIds: [communityId] });
    expect(queued).toMatchObject({
      status: 'queued',
      total: 1_200,
      processed: 0,
      started: 0,
      audience: { memberCount: 0, communities: [{ id: communityId, name: 'Everyone' }], tags: [] },
      createdBy: { id: owner.userId },
    });
    // Nobody is texted by the request itself.
    expect((await textsPerMember(members.map((m) => m.id))).size).toBe(0);

    // One batch: the progress shows it.
    expect(await sendBatch(deps(), { workspaceId: ws, sendId: queued.id })).toBe('more');
    expect(await getSend(surveyId, queued.id)).toMatchObject({ status: 'running', processed: SEND_BATCH, total: 1_200 });

    await t.runJobs();
    const done = await getSend(surveyId, queued.id);
    expect(done).toMatchObject({
      status: 'done',
      total: 1_200,
      processed: 1_200,
      started: 1_145,
      skipped: { ...NO_SKIPS, noConsent: 50, frequencyCap: 5 },
      error: null,
    });
    const texts = await textsPerMember(members.map((m) => m.id));
    expect(texts.size).toBe(1_145);
    expect([...texts.values()].every((n) => n === 1)).toBe(true);
    for (const m of [...members.slice(0, 55)]) expect(texts.has(m.id)).toBe(false);
    expect((await api('GET', `/surveys/${surveyId}`)).json()).toMatchObject({ startedCount: 1_145 });
    const list = (await api('GET', `/surveys/${surveyId}/sends`)).json() as { sends: Send[] };
    expect(list.sends.map((s) => [s.id, s.status])).toEqual([[queued.id, 'done']]);
  }, 120_000);

  it('a run that resumes after a crash, two runs at once, or a run after the end start nobody twice', async () => {
    const surveyId = await openSurvey();
    const { communityId, members } = await community('Everyone', 130);
    const { id: sendId } = await sendTo(surveyId, { communityIds: [communityId], memberIds: [members[0]?.id ?? 0, 999_999] });
    // The first worker wrote a batch, then died before the next one.
    expect(await sendBatch(deps(), { workspaceId: ws, sendId, batchSize: BATCH })).toBe('more');
    expect(await getSend(surveyId, sendId)).toMatchObject({ status: 'running', processed: BATCH });
    // Meanwhile a member of a later batch started the survey by keyword.
    const early = members[90] as { id: number; phone: string };
    const started = await db()
      .transaction()
      .execute((trx) =>
        startSurvey(trx, { workspaceId: ws, surveyId, memberId: early.id, phone: early.phone, senderId: null, now: t.clock.now() }),
      );
    expect(started).toBe('started');

    // The job is retried while two other workers, whose leases had expired, still run it (on PostgreSQL, each batch
    // on a connection of the pool, truly at once).
    await Promise.all([
      runSurveySend(deps(), { workspaceId: ws, sendId, batchSize: BATCH }),
      runSurveySend(deps(), { workspaceId: ws, sendId, batchSize: BATCH }),
      t.runJobs(),
    ]);
    // And once more after the end (a job run again after it was done).
    const job = createSurveySendJob(deps());
    const context = {
      jobId: 0,
      attempt: 2,
      workspaceId: ws,
      signal: new AbortController().signal,
      logger: createLogger({ level: 'silent' }),
    };
    await job.handler({ workspaceId: ws, sendId }, context);

    // Chosen by id and through the community, the first member counts once; the unknown id counts as not found.
    expect(await getSend(surveyId, sendId)).toMatchObject({
      status: 'done',
      total: 131,
      processed: 131,
      started: 129,
      skipped: { ...NO_SKIPS, alreadyStarted: 1, notFound: 1 },
    });
    const texts = await textsPerMember(members.map((m) => m.id));
    expect(texts.size).toBe(130);
    expect([...texts.values()].every((n) => n === 1)).toBe(true);
    const responses = await db().selectFrom('survey_responses').select('member_id').where('survey_id', '=', surveyId).execute();
    expect(responses).toHaveLength(130);
    expect((await api('GET', `/surveys/${surveyId}`)).json()).toMatchObject({ startedCount: 130 });
  });

  it('refuses a second send of a survey while one runs, and takes one again once it is over', async () => {
    const surveyId = await openSurvey();
    const otherSurvey = await openSurvey('Other survey');
    const { communityId, members } = await community('Riders', 3, { withoutConsent: 1 });
    // Two clicks at once: one send.
    const clicks = await Promise.all([1, 2].map(() => api('POST', `/surveys/${surveyId}/send`, { communityIds: [communityId] })));
    expect(clicks.map((c) => c.statusCode).sort()).toEqual([202, 409]);
    const first = clicks.find((c) => c.statusCode === 202)?.json() as Send;

    const again = await api('POST', `/surveys/${surveyId}/send`, { memberIds: [members[1]?.id] });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'survey.send_in_progress',
      detail:
        'This survey is already being sent (0 of 3 members so far). Wait for that send to finish, or cancel it, before sending again.',
    });
    // Another survey is not held up.
    await sendTo(otherSurvey, { communityIds: [communityId] });

    await t.runJobs();
    expect(await getSend(surveyId, first.id)).toMatchObject({ status: 'done', started: 2, skipped: { ...NO_SKIPS, noConsent: 1 } });
    const second = await sendTo(surveyId, { communityIds: [communityId] });
    await t.runJobs();
    expect(await getSend(surveyId, second.id)).toMatchObject({
      status: 'done',
      started: 0,
      skipped: { ...NO_SKIPS, noConsent: 1, alreadyStarted: 2 },
    });
    const list = (await api('GET', `/surveys/${surveyId}/sends?limit=1`)).json() as { sends: Send[]; nextCursor: number | null };
    expect(list.sends.map((s) => s.id)).toEqual([second.id]);
    const older = (await api('GET', `/surveys/${surveyId}/sends?limit=1&before=${list.nextCursor}`)).json() as { sends: Send[] };
    expect(older.sends.map((s) => s.id)).toEqual([first.id]);
  });

  it('cancelling a running send stops it after the batch in progress; a new send reaches the rest', async () => {
    const surveyId = await openSurvey();
    const { communityId, members } = await community('Everyone', 130);
    const { id: sendId } = await sendTo(surveyId, { communityIds: [communityId] });
    expect(await sendBatch(deps(), { workspaceId: ws, sendId, batchSize: BATCH })).toBe('more');

    const cancelled = await api('POST', `/surveys/${surveyId}/sends/${sendId}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', processed: BATCH, started: BATCH });
    await t.runJobs();
    expect(await getSend(surveyId, sendId)).toMatchObject({ status: 'cancelled', processed: BATCH, started: BATCH });
    expect((await textsPerMember(members.map((m) => m.id))).size).toBe(BATCH);

    const twice = await api('POST', `/surveys/${surveyId}/sends/${sendId}/cancel`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'survey.send_finished', detail: 'This send has already been cancelled.' });
    expect((await api('POST', `/surveys/${surveyId}/sends/999999/cancel`)).statusCode).toBe(404);

    const rest = await sendTo(surveyId, { communityIds: [communityId] });
    await t.runJobs();
    expect(await getSend(surveyId, rest.id)).toMatchObject({
      status: 'done',
      started: 130 - BATCH,
      skipped: { ...NO_SKIPS, alreadyStarted: BATCH },
    });
    const texts = await textsPerMember(members.map((m) => m.id));
    expect(texts.size).toBe(130);
    expect([...texts.values()].every((n) => n === 1)).toBe(true);
  });

  it('a survey closed while it is being sent fails the send, saying why', async () => {
    const surveyId = await openSurvey();
    const { communityId, members } = await community('Riders', 5);
    const { id: sendId } = await sendTo(surveyId, { communityIds: [communityId] });
    expect(await sendBatch(deps(), { workspaceId: ws, sendId, batchSize: 2 })).toBe('more');
    expect((await api('POST', `/surveys/${surveyId}/close`)).statusCode).toBe(200);
    await t.runJobs();
    const failed = await getSend(surveyId, sendId);
    expect(failed).toMatchObject({ status: 'failed', processed: 2, started: 2 });
    expect(failed.error).toBe('The survey was closed while it was being sent: members not reached by then were not asked.');
    expect((await textsPerMember(members.map((m) => m.id))).size).toBe(2);
  });
});
