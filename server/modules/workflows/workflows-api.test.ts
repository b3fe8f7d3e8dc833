import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../../../common/workflows.ts';
import { startWebhookReceiver } from '../../../test/fakes/webhook-receiver.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { type WorkflowsDriver, workflowsDriver } from '../../../test/helpers/workflows.ts';
import { differenceOfProportions } from './report.ts';

// The workflows API as the dashboard and other systems use it: drafts with field-level errors, publishing, roles and
// workspaces kept apart, enrollment by staff and by inbound webhook, webhook steps against a receiver, notifications,
// the holdout and the report.

const sayHello: WorkflowDefinition = {
  trigger: { kind: 'manual' },
  enrollment: 'every_time',
  steps: [{ id: 'hello', kind: 'send_sms', body: 'Hello {{ member.first_name }}' }],
};

describe.each(testDialects())('workflows API on %s', (dialect) => {
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

  const member = (phone: string, firstName: string, email?: string) =>
    consentingMember(db(), { workspaceId: ws, phone, firstName, now: t.clock.now() }).then(async (id) => {
      if (email) await db().updateTable('members').set({ email }).where('id', '=', id).execute();
      return id;
    });
  const invite = async (email: string, role: string, password: string) => {
    const inv = (await wf.api('POST', '/invitations', { email, role })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Someone', password } });
    return signIn(t.app, email, password);
  };

  it('saves only valid drafts, with each problem on its field, and publishes them as versions', async () => {
    const broken = await wf.api('POST', '/workflows', {
      name: 'Broken',
      definition: {
        trigger: { kind: 'joined_community', communityId: 987_654 },
        enrollment: 'once',
        steps: [
          { id: 'a', kind: 'send_sms', body: 'Hi {{ member.first_nam }', next: 'b' },
          { id: 'b', kind: 'join_community', communityId: 987_654, next: 'zz' },
        ],
      },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors).toEqual([{ path: 'body.definition.steps.1.next', message: 'no step has the id "zz"' }]);

    const unknownIds = await wf.api('POST', '/workflows', {
      name: 'Unknown ids',
      definition: {
        trigger: { kind: 'joined_community', communityId: 987_654 },
        enrollment: 'once',
        steps: [{ id: 'a', kind: 'send_sms', body: 'Hi {{ member.nickname }}' }],
      },
    });
    expect(unknownIds.statusCode).toBe(400);
    expect(unknownIds.json().errors).toEqual([
      { path: 'body.definition.steps.0.body', message: expect.stringContaining('unknown variable "member.nickname"') },
      { path: 'body.definition.trigger.communityId', message: 'is not a community of this workspace (987654)' },
    ]);

    const created = await wf.api('POST', '/workflows', { name: 'Hello', definition: sayHello });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ status: 'draft', currentVersion: null, published: null, unpublishedChanges: true });
    // A draft takes no one.
    expect((await wf.api('POST', `/workflows/${id}/enroll`, { memberIds: [1] })).json().code).toBe('workflow.not_active');

    const published = (await wf.api('POST', `/workflows/${id}/publish`)).json();
    expect(published).toMatchObject({ status: 'active', currentVersion: 1, unpublishedChanges: false, triggerKind: 'manual' });
    // Publishing an unchanged draft again makes no new version.
    expect((await wf.api('POST', `/workflows/${id}/publish`)).json().versions).toHaveLength(1);
    expect((await wf.api('POST', `/workflows/${id}/pause`)).json().status).toBe('paused');
    expect((await wf.api('POST', `/workflows/${id}/pause`)).statusCode).toBe(409);
    expect((await wf.api('POST', `/workflows/${id}/resume`)).json().status).toBe('active');
    expect((await wf.api('DELETE', `/workflows/${id}`)).json().code).toBe('workflow.invalid_transition');
    expect((await wf.api('GET', '/workflows')).json().workflows.map((w: { name: string }) => w.name)).toEqual(['Hello']);
  });

  it('lets analysts read but not change workflows, and keeps other workspaces’ workflows out of reach', async () => {
    const id = await wf.publish(sayHello);
    const analyst = await invite('analyst@example.org', 'analyst', 'analyst-password-1');
    expect((await wf.api('GET', `/workflows/${id}`, undefined, analyst)).statusCode).toBe(200);
    expect((await wf.api('GET', `/workflows/${id}/report`, undefined, analyst)).statusCode).toBe(200);
    const refused = await wf.api('POST', `/workflows/${id}/enroll`, { memberIds: [1] }, analyst);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'auth.forbidden']);

    const bea = await invite('bea@example.org', 'owner', 'bea-password-12');
    const other = (await bea.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const theirs = await bea.request({ method: 'GET', url: `/api/workspaces/${other}/workflows/${id}` });
    expect(theirs.statusCode).toBe(404);
    const theirRuns = await bea.request({ method: 'GET', url: `/api/workspaces/${other}/workflows/${id}/runs` });
    expect(theirRuns.statusCode).toBe(404);
  });

  it('posts a signed webhook, retries it after a failure with the same key and body, and records the delivery', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const ana = await member('+15125550201', 'Ana', 'ana@example.org');
      const id = await wf.publish({
        trigger: { kind: 'manual' },
        enrollment: 'once',
        steps: [{ id: 'tell_crm', kind: 'webhook', url: `${receiver.url}/hooks/groundswell` }],
      });
      receiver.answerWith(503);
      await wf.api('POST', `/workflows/${id}/enroll`, { memberIds: [ana] });
      await t.runJobs();
      expect(receiver.received).toHaveLength(1);
      await wf.settle(60_000);
      expect(receiver.received).toHaveLength(2);

      const { secret } = (await wf.api('GET', `/workflows/${id}/webhook-secret`)).json();
      const [first, second] = receiver.received;
      for (const hook of [first, second]) {
        const expected = `sha256=${createHmac('sha256', secret)
          .update(hook?.body ?? '')
          .digest('hex')}`;
        expect(hook?.headers['x-groundswell-signature']).toBe(expected);
      }
      expect(second?.body).toBe(first?.body);
      const runId = (await db().selectFrom('workflow_runs').select('id').where('workflow_id', '=', id).executeTakeFirstOrThrow()).id;
      expect(second?.headers['idempotency-key']).toBe(`${runId}:tell_crm:1`);
      expect(JSON.parse(second?.body ?? '{}')).toMatchObject({
        event: 'workflow.step',
        workflow: { id, version: 1 },
        step: { id: 'tell_crm', visit: 1 },
        member: { id: ana, firstName: 'Ana', email: 'ana@example.org', phone: '+15125550201' },
      });
      const detail = (await wf.api('GET', `/workflows/${id}/runs/${runId}`)).json();
      expect(detail.results[0].outcome).toMatchObject({ delivery: 'delivered', status: 200 });
      await wf.settle(3_600_000);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  it('enrolls from an inbound webhook by phone or email, once per idempotency key', async () => {
    const ana = await member('+15125550211', 'Ana', 'ana@example.org');
    const id = await wf.publish({ ...sayHello, trigger: { kind: 'inbound_webhook' } });
    const { token, url } = (await wf.api('POST', `/workflows/${id}/hook-token`)).json();
    expect(url).toMatch(new RegExp(`/api/hooks/workflows/${token}$`));
    const hook = (payload: object, key?: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/hooks/workflows/${token}`,
        payload,
        ...(key ? { headers: { 'idempotency-key': key } } : {}),
      });

    expect((await hook({ phone: '(512) 555-0211' }, 'crm-1')).json()).toEqual({ enrolled: true });
    expect((await hook({ phone: '512 555 0211' }, 'crm-1')).json()).toEqual({ enrolled: false });
    expect((await hook({ email: 'ANA@example.org' })).json()).toEqual({ enrolled: true });
    const unknown = await hook({ phone: '+15125550299' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'member.not_found']);
    const bad = await hook({ phone: 'call me' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.phone');
    const wrongToken = await t.app.inject({
      method: 'POST',
      url: `/api/hooks/workflows/${'x'.repeat(43)}`,
      payload: { phone: '+15125550211' },
    });
    expect(wrongToken.statusCode).toBe(404);

    await wf.settle();
    expect(await wf.textsTo('+15125550211')).toHaveLength(2);
    const runs = await db().selectFrom('workflow_runs').select('member_id').where('workflow_id', '=', id).execute();
    expect(runs.map((r) => r.member_id)).toEqual([ana, ana]);
  });

  it('leaves staff a notification, records a missing email channel, and keeps going', async () => {
    const ana = await member('+15125550221', 'Ana', 'ana@example.org');
    await db().updateTable('members').set({ email_consent: 'granted' }).where('id', '=', ana).execute();
    const id = await wf.publish({
      trigger: { kind: 'manual' },
      enrollment: 'once',
      steps: [
        { id: 'mail', kind: 'send_email', subject: 'Welcome {{ member.first_name }}', body: 'Hi!', next: 'staff' },
        { id: 'staff', kind: 'notify_staff', message: 'Call {{ member.first_name }} back', email: 'lead@example.org', next: 'points' },
        { id: 'points', kind: 'award_points', points: 25 },
      ],
    });
    await wf.api('POST', `/workflows/${id}/enroll`, { memberIds: [ana] });
    await wf.settle();

    const notes = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/notifications` })).json();
    expect(notes.unread).toBe(1);
    expect(notes.notifications[0]).toMatchObject({ body: 'Call Ana back', memberId: ana, workflowId: id, readAt: null });
    const read = await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/notifications/${notes.notifications[0].id}/read` });
    expect(read.statusCode).toBe(204);
    expect((await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/notifications?unread=true` })).json()).toEqual({
      notifications: [],
      unread: 0,
    });

    const runId = (await db().selectFrom('workflow_runs').select('id').where('workflow_id', '=', id).executeTakeFirstOrThrow()).id;
    const detail = (await wf.api('GET', `/workflows/${id}/runs/${runId}`)).json();
    expect(detail.status).toBe('completed');
    expect(detail.results.map((r: { stepId: string; outcome: object }) => [r.stepId, r.outcome])).toEqual([
      ['mail', { skipped: 'no_email_channel', exit: 'next' }],
      ['staff', { notificationId: expect.any(Number), emailSkipped: 'no_email_channel', exit: 'next' }],
      ['points', { points: 25, exit: 'next' }],
    ]);
    const points = await db()
      .selectFrom('activities')
      .select('data')
      .where('member_id', '=', ana)
      .where('type', '=', 'points_awarded')
      .execute();
    expect(points.map((p) => JSON.parse(p.data ?? '{}'))).toEqual([{ points: 25 }]);
    const report = (await wf.api('GET', `/workflows/${id}/report`)).json();
    expect(report.steps[0]).toMatchObject({ stepId: 'mail', entered: 1, skipped: { no_email_channel: 1 } });
  });

  it('holds out about the share asked for and reports the goal difference with its interval', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 400; i++) ids.push(await member(`+1512555${String(3000 + i).padStart(4, '0')}`, `M${i}`));
    const id = await wf.publish({
      trigger: { kind: 'manual' },
      enrollment: 'once',
      goal: { types: ['signed'], withinDays: 14 },
      holdoutPercent: 25,
      steps: [{ id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 86_400 } }],
    });
    const result = (await wf.api('POST', `/workflows/${id}/enroll`, { memberIds: ids })).json();
    expect(result.enrolled + result.heldOut).toBe(400);
    // 25% of 400 is 100, with a standard deviation near 9: four of them either side.
    expect(result.heldOut).toBeGreaterThan(64);
    expect(result.heldOut).toBeLessThan(136);
    const held = await db().selectFrom('workflow_runs').select('status').where('workflow_id', '=', id).where('held_out', '=', 1).execute();
    expect(held.every((r) => r.status === 'held_out')).toBe(true);
    expect(held).toHaveLength(result.heldOut);

    // Known counts (Newcombe 1998, example a): 56 of 70 treated against 48 of 80 held out reached the goal.
    const version = (await db().selectFrom('workflow_versions').select('id').where('workflow_id', '=', id).executeTakeFirstOrThrow()).id;
    await db().deleteFrom('workflow_step_stats').where('workflow_id', '=', id).execute();
    await db()
      .insertInto('workflow_step_stats')
      .values(
        [
          ['enrolled', 70],
          ['goal:treated', 56],
          ['held_out', 80],
          ['goal:held_out', 48],
        ].map(([key, value]) => ({
          workspace_id: ws,
          workflow_id: id,
          version_id: version,
          step_id: '',
          key: key as string,
          value: value as number,
        })),
      )
      .execute();
    const goal = (await wf.api('GET', `/workflows/${id}/report`)).json().goal;
    expect(goal.treated).toEqual({ n: 70, reached: 56, rate: 0.8 });
    expect(goal.heldOut).toEqual({ n: 80, reached: 48, rate: 0.6 });
    expect(goal.difference).toBeCloseTo(0.2, 10);
    expect(goal.interval.low).toBeCloseTo(0.0524, 4);
    expect(goal.interval.high).toBeCloseTo(0.3339, 4);
  });
});

describe('the goal interval', () => {
  it('matches the published values of Newcombe’s hybrid score interval', () => {
    // Newcombe, Statistics in Medicine 1998;17:873–890, table II, method 10.
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
    ];
    for (const [x1, n1, x2, n2, low, high] of cases) {
      const result = differenceOfProportions(x1, n1, x2, n2);
      expect(result?.interval.low).toBeCloseTo(low, 4);
      expect(result?.interval.high).toBeCloseTo(high, 4);
    }
    expect(differenceOfProportions(1, 10, 0, 0)).toBeNull();
  });
});
