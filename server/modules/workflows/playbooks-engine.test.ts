import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ACTIVITY_TYPES } from '../../../common/workflows.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { type WorkflowsDriver, workflowsDriver } from '../../../test/helpers/workflows.ts';
import { recordActivities } from '../activities/activities.repo.ts';

// The petition → call ladder from start to report, as an organizer runs it: the segment "signed the petition, no other
// action since" and its count, the playbook started for it with a 10% holdout, members moving through the branches on
// their replies (YES, NO, none), calls made from the member's own link, and the report's per-step counts and lift.
// Also the link variable on its own: one link per member and text, and no text when the action is not open.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SIGNERS = 100;

type Step = { stepId: string; entered: number; exits: { key: string; count: number }[] };

describe.each(testDialects())('playbooks in the engine on %s', (dialect) => {
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

  const created = async (path: string, body: object) => {
    const res = await wf.api('POST', path, body);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: number }).id;
  };
  const published = async (kind: 'petitions' | 'calls', body: object) => {
    const id = await created(`/${kind}`, body);
    const res = await wf.api('POST', `/${kind}/${id}/publish`);
    expect(res.statusCode, res.body).toBe(200);
    return id;
  };
  const callPage = (title: string, publish = true) => {
    const body = {
      title,
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, this is {{ member.first_name }}.',
      fixedTargets: [{ name: 'Mayor Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
    };
    return publish ? published('calls', body) : created('/calls', body);
  };
  const phoneOf = (i: number) => `+1512555${String(4000 + i).padStart(4, '0')}`;
  const did = (memberId: number, type: 'signed' | 'called', actionId: number) =>
    recordActivities(
      db(),
      [{ workspaceId: ws, memberId, type, subjectType: 'action', subjectId: actionId, occurredAt: t.clock.now() }],
      t.clock.now(),
    );
  const linkIn = (text: string | undefined) => new RegExp(`(${t.config.publicUrl}/l/([A-Za-z0-9]{10}))$`).exec(text ?? '');

  it('runs the petition → call ladder for a segment with a holdout, and reports per-step counts and the lift', async () => {
    const oaks = await published('petitions', { title: 'Save the Oak Street trees', target: 'Austin City Council' });
    const transit = await published('petitions', { title: 'Fund the bus lanes', target: 'Austin City Council' });
    const mayor = await callPage('Call the mayor about the oaks');
    const since = t.clock.now();

    // 100 members signed the oaks petition and did nothing else; 6 more also signed another petition since.
    const members: number[] = [];
    for (let i = 0; i < SIGNERS + 6; i++)
      members.push(await consentingMember(db(), { workspaceId: ws, phone: phoneOf(i), firstName: `M${i}`, now: since }));
    t.clock.advance(60_000);
    for (const memberId of members) await did(memberId, 'signed', oaks);
    t.clock.advance(60_000);
    for (const memberId of members.slice(SIGNERS)) await did(memberId, 'signed', transit);

    const segmentId = await created('/segments', {
      name: 'Signed the oaks petition, nothing since',
      rules: {
        kind: 'group',
        op: 'and',
        rules: [
          { kind: 'activity', did: true, types: ['signed'], actionId: oaks },
          { kind: 'activity', did: false, types: [...ACTION_ACTIVITY_TYPES], excludeActionId: oaks, when: { kind: 'since', at: since } },
        ],
      },
    });
    const segment = (await wf.api('GET', `/segments/${segmentId}`)).json();
    expect(segment.lastCount).toBe(SIGNERS);
    expect(segment.summary).toContain('signed Save the Oak Street trees and did not sign');

    const draft = await wf.api('POST', '/workflows/from-playbook', {
      playbook: 'petition_call_ladder',
      params: { petitionId: oaks, callId: mayor, segmentId, holdoutPercent: 10 },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const workflowId = draft.json().id as number;
    expect(draft.json().draft).toMatchObject({ trigger: { kind: 'manual' }, holdoutPercent: 10 });
    expect((await wf.api('POST', `/workflows/${workflowId}/publish`)).statusCode).toBe(200);
    const enrolled = (await wf.api('POST', `/workflows/${workflowId}/enroll`, { segmentId })).json();
    expect(enrolled.enrolled + enrolled.heldOut).toBe(SIGNERS);
    // 10% of 100: none held out happens once in 40,000 runs, more than 30 never.
    expect(enrolled.heldOut).toBeGreaterThan(0);
    expect(enrolled.heldOut).toBeLessThan(30);

    const runs = await db()
      .selectFrom('workflow_runs')
      .select(['member_id', 'held_out'])
      .where('workflow_id', '=', workflowId)
      .orderBy('member_id')
      .execute();
    expect(runs.map((r) => r.member_id)).toEqual(members.slice(0, SIGNERS));
    const treated = runs.filter((r) => r.held_out === 0).map((r) => r.member_id);
    const heldOut = runs.filter((r) => r.held_out === 1).map((r) => r.member_id);
    const phone = (memberId: number) => phoneOf(members.indexOf(memberId));
    const yes = treated.slice(0, 4);
    const no = treated.slice(4, 7);
    const silent = treated.slice(7);

    // Everyone treated is asked once; held-out members hear nothing.
    await wf.settle();
    for (const memberId of treated)
      expect(await wf.textsTo(phone(memberId))).toEqual([expect.stringMatching(/^Thanks for signing, M\d+! Will you take 2 minutes/)]);
    for (const memberId of heldOut) expect(await wf.textsTo(phone(memberId))).toEqual([]);

    for (const memberId of yes) await wf.text(phone(memberId), 'Yes!');
    for (const memberId of no) await wf.text(phone(memberId), 'no sorry');
    await wf.settle();
    const yesTexts = await wf.textsTo(phone(yes[0] as number));
    expect(yesTexts[1]).toMatch(/^Thank you! Here is your call page, with the number and a short script: /);
    expect((await wf.textsTo(phone(no[0] as number)))[1]).toBe(
      'No problem, and thank you for signing! We will be in touch about other ways to help.',
    );
    const declined = await db()
      .selectFrom('member_tags')
      .select('member_id')
      .where('tag', '=', 'declined_call')
      .orderBy('member_id')
      .execute();
    expect(declined.map((r) => r.member_id)).toEqual(no);

    // The link is the member's own: it opens the call page knowing who they are.
    const link = linkIn(yesTexts[1]);
    expect(link, yesTexts[1]).not.toBeNull();
    const stored = await db()
      .selectFrom('links')
      .selectAll()
      .where('code', '=', link?.[2] as string)
      .executeTakeFirstOrThrow();
    expect(stored.member_id).toBe(yes[0]);
    expect(stored.message_id).not.toBeNull();
    const tapped = await t.app.inject({
      method: 'GET',
      url: new URL(link?.[1] as string).pathname,
      headers: { 'user-agent': 'Mozilla/5.0 Mobile' },
    });
    expect(tapped.statusCode).toBe(302);
    const location = new URL(tapped.headers.location as string);
    expect(location.pathname).toMatch(/\/call\/call-the-mayor-about-the-oaks$/);
    expect(location.searchParams.get('utm_medium')).toBe('workflow');
    expect(location.searchParams.get('utm_campaign')).toBe(`workflow-${workflowId}`);
    expect(location.searchParams.get('gsm')).not.toBeNull();
    const page = await t.app.inject({ method: 'GET', url: `${location.pathname}${location.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="gsm"');
    expect(page.body).toContain(`M${members.indexOf(yes[0] as number)}`);
    // Another YES member has a link of their own.
    expect(linkIn((await wf.textsTo(phone(yes[1] as number)))[1])?.[2]).not.toBe(link?.[2]);

    // Two who said YES call, and so does one held-out member.
    t.clock.advance(HOUR);
    await did(yes[0] as number, 'called', mayor);
    await did(yes[1] as number, 'called', mayor);
    await did(heldOut[0] as number, 'called', mayor);
    await wf.settle();
    // The two who called left the wait when they reached the goal: only the other two are still at it.
    const during = (await wf.api('GET', `/workflows/${workflowId}/report`)).json();
    expect((during.steps as (Step & { here: number })[]).find((s) => s.stepId === 'give_it_a_day')).toMatchObject({ entered: 4, here: 2 });

    // A day on, the two who said YES and did not call are nudged; two days on, the silent ones get one reminder.
    await wf.settle(DAY);
    await wf.settle(DAY);
    expect((await wf.textsTo(phone(yes[0] as number))).slice(2)).toEqual([]);
    expect((await wf.textsTo(phone(yes[2] as number)))[2]).toMatch(
      /^Did you get a chance to call\? Every call is counted\. Your call page: http/,
    );
    expect((await wf.textsTo(phone(silent[0] as number))).slice(1)).toEqual([
      expect.stringMatching(/^Still have 2 minutes\? .* Here is your call page: http/),
    ]);
    expect((await wf.textsTo(phone(no[0] as number))).length).toBe(2);

    // One of them calls after the reminder.
    await did(silent[0] as number, 'called', mayor);
    await wf.settle();
    await wf.settle(DAY);

    const states = await db()
      .selectFrom('workflow_runs')
      .select(['member_id', 'status', 'exit_reason'])
      .where('workflow_id', '=', workflowId)
      .execute();
    const stateOf = (memberId: number) => states.find((s) => s.member_id === memberId);
    expect(stateOf(yes[0] as number)).toMatchObject({ status: 'completed', exit_reason: 'goal_reached' });
    expect(stateOf(yes[2] as number)).toMatchObject({ status: 'completed', exit_reason: null });
    expect(stateOf(heldOut[0] as number)).toMatchObject({ status: 'held_out' });

    const report = (await wf.api('GET', `/workflows/${workflowId}/report`)).json();
    const byStep = Object.fromEntries((report.steps as Step[]).map((s) => [s.stepId, s]));
    const exits = (id: string) => Object.fromEntries((byStep[id] as Step).exits.map((e) => [e.key, e.count]));
    expect(byStep.ask?.entered).toBe(treated.length);
    expect(exits('answer')).toEqual({ 'answer:yes': 4, 'answer:no': 3, other: 0, timeout: silent.length });
    expect(byStep.call_link?.entered).toBe(4);
    expect(byStep.called_yet?.entered).toBe(2);
    expect(exits('called_yet')).toEqual({ next: 2, end: 0 });
    expect(byStep.nudge?.entered).toBe(2);
    expect(byStep.thank_anyway?.entered).toBe(3);
    expect(byStep.reminder?.entered).toBe(silent.length);
    expect(report.runs).toMatchObject({ enrolled: treated.length, heldOut: heldOut.length, inProgress: 0, completed: treated.length });
    expect((report.steps as { here: number }[]).map((s) => s.here).filter((n) => n > 0)).toEqual([]);

    const goal = report.goal;
    expect(goal.treated).toEqual({ n: treated.length, reached: 3, rate: 3 / treated.length });
    expect(goal.heldOut).toEqual({ n: heldOut.length, reached: 1, rate: 1 / heldOut.length });
    expect(goal.difference).toBeCloseTo(3 / treated.length - 1 / heldOut.length, 10);
    expect(goal.interval.low).toBeLessThan(goal.difference);
    expect(goal.interval.high).toBeGreaterThan(goal.difference);
    expect(goal.interval.method).toMatch(/^Newcombe/);
  });

  it('texts each member their own link to an action, and skips the text while the action is not open', async () => {
    const open = await callPage('Call the council');
    const draft = await callPage('Call the governor', false);
    const ana = await consentingMember(db(), { workspaceId: ws, phone: '+15125550501', firstName: 'Ana', now: t.clock.now() });
    const ben = await consentingMember(db(), { workspaceId: ws, phone: '+15125550502', firstName: 'Ben', now: t.clock.now() });

    // Only SMS texts take links, and only to this workspace's actions.
    const refused = await wf.api('POST', '/workflows', {
      name: 'Links',
      definition: {
        trigger: { kind: 'manual' },
        enrollment: 'every_time',
        steps: [
          { id: 'a', kind: 'send_sms', body: 'Call: {{ links.action_987654 }}', next: 'b' },
          { id: 'b', kind: 'notify_staff', message: `Sent {{ links.action_${open} }}` },
        ],
      },
    });
    expect(refused.json().errors).toEqual([
      { path: 'body.definition.steps.1.message', message: `{{ links.action_${open} }} can only be used in an SMS text` },
      { path: 'body.definition.steps.0.body', message: 'is not an action of this workspace (987654)' },
    ]);

    const workflowId = await wf.publish(
      {
        trigger: { kind: 'manual' },
        enrollment: 'every_time',
        steps: [
          {
            id: 'council',
            kind: 'send_sms',
            body: `Hi {{ member.first_name }}, call the council: {{links.action_${open}}} (thanks!)`,
            next: 'governor',
          },
          { id: 'governor', kind: 'send_sms', body: `And the governor: {{ links.action_${draft} }}` },
        ],
      },
      'Links',
    );
    await wf.api('POST', `/workflows/${workflowId}/enroll`, { memberIds: [ana, ben] });
    await wf.settle();
    const [toAna] = await wf.textsTo('+15125550501');
    const [toBen] = await wf.textsTo('+15125550502');
    const pattern = new RegExp(`^Hi (\\w+), call the council: ${t.config.publicUrl}/l/([A-Za-z0-9]{10}) \\(thanks!\\)`);
    expect(pattern.exec(toAna ?? '')?.[1]).toBe('Ana');
    expect(pattern.exec(toBen ?? '')?.[2]).not.toBe(pattern.exec(toAna ?? '')?.[2]);
    expect(await wf.textsTo('+15125550501')).toHaveLength(1);
    const report = (await wf.api('GET', `/workflows/${workflowId}/report`)).json();
    expect(report.steps[1]).toMatchObject({ stepId: 'governor', entered: 2, skipped: { action_not_open: 2 } });
    const links = await db()
      .selectFrom('links')
      .select(['member_id', 'message_id'])
      .where('workspace_id', '=', ws)
      .orderBy('member_id')
      .execute();
    expect(links.map((l) => l.member_id)).toEqual([ana, ben]);
  });
});
