import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../../../common/workflows.ts';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { type WorkflowsDriver, workflowsDriver } from '../../../test/helpers/workflows.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { createWorkflowEngine } from './engine.ts';
import { sendSms } from './steps/send-sms.ts';

// The engine through the job runner, with the test clock: triggers enroll, timers wake runs, replies come in through
// the real inbound pipeline, and nothing is ever sent twice.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(testDialects())('workflow engine on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let wf: WorkflowsDriver;
  let ws: number;
  const db = () => t.database.db;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    wf = workflowsDriver(t, () => owner);
  });
  afterEach(async () => {
    await t.close();
  });

  const member = (phone: string, firstName: string) => consentingMember(db(), { workspaceId: ws, phone, firstName, now: t.clock.now() });
  const community = async (name: string) => {
    const res = await wf.api('POST', '/communities', { name, visibility: 'public' });
    expect(res.statusCode).toBe(201);
    return (res.json() as { id: number }).id;
  };
  const join = async (communityId: number, memberIds: number[]) => {
    const res = await wf.api('POST', `/communities/${communityId}/members`, { memberIds });
    expect(res.statusCode).toBe(200);
  };
  const runsOf = (workflowId: number) =>
    db().selectFrom('workflow_runs').selectAll().where('workflow_id', '=', workflowId).orderBy('member_id').orderBy('id').execute();
  const tags = async (memberId: number) =>
    (await db().selectFrom('member_tags').select('tag').where('member_id', '=', memberId).execute()).map((r) => r.tag);

  it('runs a volunteer ask: waits, texts, branches on YES / NO, keeps waiting on an unreadable answer, times out', async () => {
    const saturday = await community('Saturday crew');
    const ana = await member('+15125550101', 'Ana');
    const ben = await member('+15125550102', 'Ben');
    const cy = await member('+15125550103', 'Cy');
    const definition: WorkflowDefinition = {
      trigger: { kind: 'joined_community', communityId: saturday },
      enrollment: 'once',
      steps: [
        { id: 'settle_in', kind: 'wait', until: { kind: 'duration', seconds: 3600 }, next: 'ask' },
        { id: 'ask', kind: 'send_sms', body: 'Hi {{ member.first_name }}, can you help Saturday? Reply YES or NO', next: 'answer' },
        {
          id: 'answer',
          kind: 'wait_for_reply',
          reply: 'yes_no',
          branches: [
            { answer: 'yes', next: 'tag' },
            { answer: 'no', next: 'no_worries' },
          ],
          timeoutSeconds: 86_400,
          timeout: 'nudge',
        },
        { id: 'tag', kind: 'add_tag', tag: 'volunteer', next: 'thanks' },
        { id: 'thanks', kind: 'send_sms', body: 'Great, see you Saturday {{ member.first_name }}!' },
        { id: 'no_worries', kind: 'send_sms', body: 'No worries, next time!' },
        { id: 'nudge', kind: 'send_sms', body: 'Still thinking about Saturday?' },
      ],
    };
    const workflowId = await wf.publish(definition, 'Saturday ask');

    await join(saturday, [ana, ben, cy]);
    await wf.settle();
    const enrolled = await runsOf(workflowId);
    expect(enrolled.map((r) => [r.member_id, r.status, r.current_step_id])).toEqual([
      [ana, 'waiting', 'settle_in'],
      [ben, 'waiting', 'settle_in'],
      [cy, 'waiting', 'settle_in'],
    ]);
    expect(await wf.textsTo('+15125550101')).toEqual([]);

    // An hour later everyone is asked once.
    await wf.settle(HOUR);
    const asked = await wf.textsTo('+15125550101');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^Hi Ana, can you help Saturday\? Reply YES or NO/);
    expect(await wf.textsTo('+15125550103')).toHaveLength(1);

    await wf.text('+15125550101', 'Yes!');
    await wf.text('+15125550102', 'no thanks');
    await wf.text('+15125550103', 'what time is it?');
    await wf.settle();

    expect(await tags(ana)).toEqual(['volunteer']);
    expect((await wf.textsTo('+15125550101')).at(-1)).toBe('Great, see you Saturday Ana!');
    expect((await wf.textsTo('+15125550102')).at(-1)).toBe('No worries, next time!');
    // Cy's question is for a person; the run still waits for an answer it can read.
    const conversation = await db()
      .selectFrom('conversations')
      .select('needs_response')
      .where('member_id', '=', cy)
      .executeTakeFirstOrThrow();
    expect(conversation.needs_response).toBe(1);
    const answered = await db()
      .selectFrom('conversations')
      .select(['member_id', 'needs_response'])
      .where('member_id', 'in', [ana, ben])
      .orderBy('member_id')
      .execute();
    expect(answered.map((c) => c.needs_response)).toEqual([0, 0]);
    expect((await runsOf(workflowId)).map((r) => [r.status, r.current_step_id])).toEqual([
      ['completed', 'thanks'],
      ['completed', 'no_worries'],
      ['waiting', 'answer'],
    ]);

    // A day later Cy is nudged, once, however often the jobs run.
    await wf.settle(DAY);
    await wf.settle();
    expect((await wf.textsTo('+15125550103')).slice(1)).toEqual(['Still thinking about Saturday?']);

    const report = (await wf.api('GET', `/workflows/${workflowId}/report`)).json();
    const byStep = Object.fromEntries(report.steps.map((s: { stepId: string }) => [s.stepId, s]));
    expect(byStep.ask).toMatchObject({ entered: 3, completed: 3 });
    expect(Object.fromEntries(byStep.answer.exits.map((e: { key: string; count: number }) => [e.key, e.count]))).toEqual({
      'answer:yes': 1,
      'answer:no': 1,
      other: 0,
      timeout: 1,
    });
    expect(report.runs).toMatchObject({ enrolled: 3, completed: 3, inProgress: 0 });

    // Ana's run, step by step, as the dashboard shows it.
    const anaRun = (await wf.api('GET', `/workflows/${workflowId}/runs?memberId=${ana}`)).json().runs[0];
    const detail = (await wf.api('GET', `/workflows/${workflowId}/runs/${anaRun.id}`)).json();
    expect(detail.results.map((r: { stepId: string; outcome: { exit?: string } }) => [r.stepId, r.outcome.exit])).toEqual([
      ['settle_in', 'next'],
      ['ask', 'next'],
      ['answer', 'answer:yes'],
      ['tag', 'next'],
      ['thanks', 'next'],
    ]);
  });

  it('enrolls a member who texts the keyword, once per text', async () => {
    const workflowId = await wf.publish({
      trigger: { kind: 'keyword', keyword: 'Volunteer' },
      enrollment: 'every_time',
      steps: [{ id: 'hello', kind: 'send_sms', body: 'Thanks for raising your hand, {{ member.first_name | default: "friend" }}!' }],
    });
    await member('+15125550110', 'Dee');
    await wf.text('+15125550110', 'volunteer please');
    expect(await wf.textsTo('+15125550110')).toEqual([expect.stringMatching(/^Thanks for raising your hand, Dee!/)]);
    await wf.settle();
    expect(await runsOf(workflowId)).toHaveLength(1);
    const inbox = await db().selectFrom('conversations').select('needs_response').executeTakeFirstOrThrow();
    expect(inbox.needs_response).toBe(0);
  });

  it('rolls a crashed step back with its send, and a run taken again at a step already done follows its exit', async () => {
    const ana = await member('+15125550120', 'Ana');
    const workflowId = await wf.publish({
      trigger: { kind: 'manual' },
      enrollment: 'once',
      steps: [
        { id: 'hello', kind: 'send_sms', body: 'Hello {{ member.first_name }}', next: 'pause' },
        { id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 60 }, next: 'bye' },
        { id: 'bye', kind: 'send_sms', body: 'Bye' },
      ],
    });
    // Enroll without running the jobs, so the engines below are the only ones at work.
    expect((await wf.api('POST', `/workflows/${workflowId}/enroll`, { memberIds: [ana] })).json()).toMatchObject({ enrolled: 1 });

    // The batch fails, and so does the run alone when the batch is redone run by run.
    let crashes = 2;
    const crashing = createWorkflowEngine({
      db: db(),
      clock: t.clock,
      appSecret: TEST_APP_SECRET,
      steps: {
        send_sms: {
          kind: 'send_sms',
          async execute(step, ctx) {
            const result = await sendSms.execute(step, ctx);
            if (crashes-- > 0) throw new Error('the worker died right after writing the text');
            return result;
          },
        },
      },
    });
    await crashing.tick();
    const afterCrash = (await runsOf(workflowId))[0];
    expect(await wf.textsTo('+15125550120')).toEqual([]);
    expect(afterCrash).toMatchObject({ status: 'active', current_step_id: 'hello', errors: 1 });
    expect(afterCrash?.last_error).toBe('the worker died right after writing the text');

    // The retry, after its backoff, sends the text once.
    t.clock.advance(60_000);
    const engine = createWorkflowEngine({ db: db(), clock: t.clock, appSecret: TEST_APP_SECRET });
    await engine.tick();
    expect(await wf.textsTo('+15125550120')).toHaveLength(1);
    const parked = (await runsOf(workflowId))[0];
    expect(parked).toMatchObject({ status: 'waiting', current_step_id: 'pause', errors: 0 });

    // A second worker that still sees the run at its first step (its view of the row is from before that commit)
    // finds the step's result and goes on from it without texting again.
    await db()
      .updateTable('workflow_runs')
      .set({ status: 'active', current_step_id: 'hello', visit: 1, wake_at: t.clock.now() })
      .where('id', '=', parked?.id as number)
      .execute();
    await engine.tick();
    expect(await wf.textsTo('+15125550120')).toHaveLength(1);
    t.clock.advance(61_000);
    await engine.tick();
    await engine.tick();
    expect(await wf.textsTo('+15125550120')).toEqual([expect.stringMatching(/^Hello Ana/), 'Bye']);
    expect((await runsOf(workflowId))[0]?.status).toBe('completed');
  });

  it('keeps members on the version they enrolled on when a new one is published', async () => {
    const ana = await member('+15125550130', 'Ana');
    const ben = await member('+15125550131', 'Ben');
    const v1: WorkflowDefinition = {
      trigger: { kind: 'manual' },
      enrollment: 'once',
      steps: [
        { id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 3600 }, next: 'say' },
        { id: 'say', kind: 'send_sms', body: 'Version one' },
      ],
    };
    const workflowId = await wf.publish(v1);
    await wf.api('POST', `/workflows/${workflowId}/enroll`, { memberIds: [ana] });
    await wf.settle();

    const v2 = { ...v1, steps: [v1.steps[0], { id: 'say', kind: 'send_sms', body: 'Version two' }] };
    expect((await wf.api('PATCH', `/workflows/${workflowId}`, { definition: v2 })).statusCode).toBe(200);
    const published = (await wf.api('POST', `/workflows/${workflowId}/publish`)).json();
    expect(published.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    await wf.api('POST', `/workflows/${workflowId}/enroll`, { memberIds: [ben] });
    await wf.settle(HOUR);

    expect(await wf.textsTo('+15125550130')).toEqual([expect.stringMatching(/^Version one/)]);
    expect(await wf.textsTo('+15125550131')).toEqual([expect.stringMatching(/^Version two/)]);
    expect((await wf.api('GET', `/workflows/${workflowId}/report?version=1`)).json().runs).toMatchObject({ enrolled: 1, completed: 1 });
  });

  it('applies the enrollment rules: once, every time, not while a run is under way', async () => {
    const ana = await member('+15125550140', 'Ana');
    const flow = (enrollment: WorkflowDefinition['enrollment']): WorkflowDefinition => ({
      trigger: { kind: 'manual' },
      enrollment,
      steps: [{ id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 3600 } }],
    });
    const enroll = async (id: number) => (await wf.api('POST', `/workflows/${id}/enroll`, { memberIds: [ana] })).json();

    const once = await wf.publish(flow('once'), 'Once');
    expect(await enroll(once)).toEqual({ enrolled: 1, heldOut: 0, skipped: 0 });
    await wf.settle(2 * HOUR);
    expect(await enroll(once)).toEqual({ enrolled: 0, heldOut: 0, skipped: 1 });

    const every = await wf.publish(flow('every_time'), 'Every time');
    expect(await enroll(every)).toMatchObject({ enrolled: 1 });
    expect(await enroll(every)).toMatchObject({ enrolled: 1 });
    expect(await runsOf(every)).toHaveLength(2);

    const notWhile = await wf.publish(flow('not_while_active'), 'Not while active');
    expect(await enroll(notWhile)).toMatchObject({ enrolled: 1 });
    expect(await enroll(notWhile)).toMatchObject({ enrolled: 0, skipped: 1 });
    await wf.settle();
    await wf.settle(2 * HOUR);
    expect((await runsOf(notWhile)).map((r) => r.status)).toEqual(['completed']);
    expect(await enroll(notWhile)).toMatchObject({ enrolled: 1 });
  });

  it('ends the runs of a member who texts STOP, and sends them nothing more', async () => {
    const ana = await member('+15125550150', 'Ana');
    const ben = await member('+15125550151', 'Ben');
    const workflowId = await wf.publish({
      trigger: { kind: 'manual' },
      enrollment: 'once',
      steps: [
        { id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 3600 }, next: 'say' },
        { id: 'say', kind: 'send_sms', body: 'Are you coming?' },
      ],
    });
    await wf.api('POST', `/workflows/${workflowId}/enroll`, { memberIds: [ana, ben] });
    await wf.settle();
    await wf.text('+15125550150', 'STOP');
    await wf.settle();
    await wf.settle(HOUR);
    expect(await wf.textsTo('+15125550150')).toEqual([]);
    expect(await wf.textsTo('+15125550151')).toHaveLength(1);
    const runs = await runsOf(workflowId);
    expect(runs.map((r) => [r.member_id, r.status, r.exit_reason])).toEqual([
      [ana, 'exited', 'opted_out'],
      [ben, 'completed', null],
    ]);
    // The report counts why runs ended early.
    expect((await wf.api('GET', `/workflows/${workflowId}/report`)).json().runs).toMatchObject({
      completed: 1,
      exited: 1,
      exitReasons: { opted_out: 1 },
    });
  });

  it('ends a run as completed when the member reaches the goal, and counts held-out members who do', async () => {
    const ana = await member('+15125550160', 'Ana');
    const workflowId = await wf.publish({
      trigger: { kind: 'manual' },
      enrollment: 'every_time',
      goal: { types: ['signed'], withinDays: 7 },
      steps: [
        { id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 3 * 86_400 }, next: 'remind' },
        { id: 'remind', kind: 'send_sms', body: 'Please sign!' },
      ],
    });
    await wf.api('POST', `/workflows/${workflowId}/enroll`, { memberIds: [ana] });
    await wf.settle();
    // A held-out run, as holdoutPercent would give some members.
    const run = (await runsOf(workflowId))[0];
    await db()
      .insertInto('workflow_runs')
      .values({
        ...run,
        id: undefined,
        status: 'held_out',
        current_step_id: null,
        visit: 0,
        wake_at: null,
        held_out: 1,
        enroll_key: 'held',
      } as never)
      .execute();
    await db()
      .insertInto('workflow_step_stats')
      .values({ workspace_id: ws, workflow_id: workflowId, version_id: run?.version_id as number, step_id: '', key: 'held_out', value: 1 })
      .execute();

    t.clock.advance(HOUR);
    await recordActivities(
      db(),
      [{ workspaceId: ws, memberId: ana, type: 'signed', subjectType: 'action', subjectId: 1, occurredAt: t.clock.now() }],
      t.clock.now(),
    );
    await wf.settle();
    await wf.settle(3 * DAY);
    expect(await wf.textsTo('+15125550160')).toEqual([]);
    const runs = await runsOf(workflowId);
    expect(runs.map((r) => [r.status, r.exit_reason, r.goal_reached_at !== null])).toEqual([
      ['completed', 'goal_reached', true],
      ['held_out', null, true],
    ]);
    const goal = (await wf.api('GET', `/workflows/${workflowId}/report`)).json().goal;
    expect(goal.treated).toEqual({ n: 1, reached: 1, rate: 1 });
    expect(goal.heldOut).toEqual({ n: 1, reached: 1, rate: 1 });
  });
});
