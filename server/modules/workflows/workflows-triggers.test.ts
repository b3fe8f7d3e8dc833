import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { type WorkflowsDriver, workflowsDriver } from '../../../test/helpers/workflows.ts';
import { recordActivities } from '../activities/activities.repo.ts';

// Triggers other than staff and texts: the activity log (took an action, and only from when the workflow was
// published), the calendar (birthdays, anniversaries of joining, hours before an event) and segments members enter.
// The workspace is in America/Chicago; the test clock starts on Sunday 22 November 2026 at 09:00 there.

const HOUR = 3_600_000;
const MINUTES_5 = 5 * 60_000;

describe.each(testDialects())('workflow triggers on %s', (dialect) => {
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

  const member = (phone: string, firstName: string, fields: { custom?: object; createdAt?: number } = {}) =>
    consentingMember(db(), { workspaceId: ws, phone, firstName, now: t.clock.now() }).then(async (id) => {
      if (!fields.custom && !fields.createdAt) return id;
      await db()
        .updateTable('members')
        .set({
          ...(fields.custom ? { custom_fields: JSON.stringify(fields.custom) } : {}),
          ...(fields.createdAt ? { created_at: fields.createdAt } : {}),
        })
        .where('id', '=', id)
        .execute();
      return id;
    });
  const enrolledIn = async (workflowId: number) =>
    (await db().selectFrom('workflow_runs').select('member_id').where('workflow_id', '=', workflowId).orderBy('member_id').execute()).map(
      (r) => r.member_id,
    );
  const say = (body: string) => ({
    trigger: { kind: 'manual' as const },
    enrollment: 'once' as const,
    steps: [{ id: 's', kind: 'send_sms' as const, body }],
  });

  it('enrolls members who take part in an action after the workflow is published, not before', async () => {
    const early = await member('+15125550301', 'Early');
    const late = await member('+15125550302', 'Late');
    const sign = (memberId: number) =>
      recordActivities(
        db(),
        [{ workspaceId: ws, memberId, type: 'signed', subjectType: 'action', subjectId: 7, occurredAt: t.clock.now() }],
        t.clock.now(),
      );
    await sign(early);
    await wf.settle();
    const id = await wf.publish({
      ...say('Thanks for signing, {{ member.first_name }}!'),
      trigger: { kind: 'took_action', types: ['signed'] },
    });
    await sign(late);
    await recordActivities(db(), [{ workspaceId: ws, memberId: late, type: 'clicked', occurredAt: t.clock.now() }], t.clock.now());
    await wf.settle();
    await wf.settle();
    expect(await enrolledIn(id)).toEqual([late]);
    expect(await wf.textsTo('+15125550302')).toEqual([expect.stringMatching(/^Thanks for signing, Late!/)]);
  });

  it('greets birthdays and anniversaries of joining at 10:00 in the member’s zone, once that day', async () => {
    const lastYear = Date.parse('2025-11-22T18:00:00Z');
    const ana = await member('+15125550311', 'Ana', { custom: { birthday: '11-22' } });
    const ben = await member('+15125550312', 'Ben', { custom: { birthday: '1990-11-22' } });
    await member('+15125550313', 'Cy', { custom: { birthday: '11-23' } });
    const dee = await member('+15125550314', 'Dee', { createdAt: lastYear });
    await member('+15125550315', 'Eve', { createdAt: Date.parse('2026-01-22T18:00:00Z') });
    const birthdays = await wf.publish(
      { ...say('Happy birthday {{ member.first_name }}!'), trigger: { kind: 'date_field', field: 'birthday' } },
      'Birthdays',
    );
    const anniversaries = await wf.publish(
      { ...say('One year with us, {{ member.first_name }}!'), trigger: { kind: 'date_field', field: 'join_anniversary', time: '12:00' } },
      'Anniversaries',
    );
    await wf.settle(MINUTES_5);
    await wf.settle(MINUTES_5);
    expect(await enrolledIn(birthdays)).toEqual([ana, ben]);
    expect(await enrolledIn(anniversaries)).toEqual([dee]);
    // 09:10 in Chicago: nothing yet.
    expect(await wf.textsTo('+15125550311')).toEqual([]);
    await wf.settle(HOUR);
    expect(await wf.textsTo('+15125550311')).toEqual([expect.stringMatching(/^Happy birthday Ana!/)]);
    expect(await wf.textsTo('+15125550314')).toEqual([]);
    await wf.settle(2 * HOUR);
    expect(await wf.textsTo('+15125550314')).toEqual([expect.stringMatching(/^One year with us, Dee!/)]);
    expect(await enrolledIn(birthdays)).toEqual([ana, ben]);
  });

  it('enrolls those going to an event the chosen hours before their shift starts', async () => {
    const created = await wf.api('POST', '/events', {
      title: 'Cleanup at Shoal Creek',
      location: 'Shoal Creek trailhead',
      shifts: [{ date: '2026-11-28', start: '10:00', end: '13:00' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const event = created.json() as { id: number; shifts: { id: number }[] };
    const going = await member('+15125550321', 'Gus');
    const cancelled = await member('+15125550322', 'Cal');
    for (const [memberId, status] of [
      [going, 'going'],
      [cancelled, 'cancelled'],
    ] as const) {
      await db()
        .insertInto('event_rsvps')
        .values({
          workspace_id: ws,
          action_id: event.id,
          shift_id: event.shifts[0]?.id as number,
          member_id: memberId,
          status,
          created_at: t.clock.now(),
          updated_at: t.clock.now(),
        } as never)
        .execute();
    }
    const id = await wf.publish({ ...say('See you tomorrow!'), trigger: { kind: 'event', actionId: event.id, when: 'before', hours: 24 } });
    await wf.settle(MINUTES_5);
    expect(await enrolledIn(id)).toEqual([]);
    // Friday 27 November, 10:02 in Chicago: 24 hours before the shift.
    t.clock.set(Date.parse('2026-11-27T16:02:00Z'));
    await wf.settle(MINUTES_5);
    await wf.settle(MINUTES_5);
    expect(await enrolledIn(id)).toEqual([going]);
  });

  it('enrolls members who enter a segment, not those already in it when the workflow started', async () => {
    const segment = await wf.api('POST', '/segments', { name: 'Volunteers', rules: { kind: 'tag', has: true, tags: ['volunteer'] } });
    expect(segment.statusCode, segment.body).toBe(201);
    const already = await member('+15125550331', 'Ada');
    const newcomer = await member('+15125550332', 'Nia');
    const tag = async (memberId: number) =>
      db()
        .insertInto('member_tags')
        .values({ workspace_id: ws, member_id: memberId, tag: 'volunteer', created_at: t.clock.now() })
        .execute();
    await tag(already);
    const id = await wf.publish({
      ...say('Welcome to the volunteer team!'),
      enrollment: 'every_time',
      trigger: { kind: 'entered_segment', segmentId: (segment.json() as { id: number }).id },
    });
    await wf.settle(MINUTES_5);
    await wf.settle(MINUTES_5);
    expect(await enrolledIn(id)).toEqual([]);
    await tag(newcomer);
    await wf.settle(MINUTES_5);
    await wf.settle(MINUTES_5);
    expect(await enrolledIn(id)).toEqual([newcomer]);
    // Leaving and coming back is entering again.
    await db().deleteFrom('member_tags').where('member_id', '=', newcomer).execute();
    await wf.settle(MINUTES_5);
    await tag(newcomer);
    await wf.settle(MINUTES_5);
    expect(await enrolledIn(id)).toEqual([newcomer, newcomer]);
  });
});
