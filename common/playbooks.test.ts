import { describe, expect, it } from 'vitest';
import {
  buildPlaybook,
  inactiveSegmentRule,
  PLAYBOOK_KEYS,
  PLAYBOOKS,
  type PlaybookKey,
  parsePlaybookParams,
  playbookParamsSchema,
} from './playbooks.ts';
import { segmentRule } from './segments.ts';
import { actionLinkIds, type WorkflowDefinition, workflowDefinition } from './workflows.ts';

// The playbooks' catalogue and the definitions they build: every one valid as the builder and the engine read it,
// with the organizer's choices (ids, wording, holdout) in the right places.

/** The smallest valid parameters of each playbook: ids for what it requires. */
const REQUIRED: Record<PlaybookKey, Record<string, unknown>> = {
  welcome_series: {},
  petition_call_ladder: { petitionId: 11, callId: 12 },
  event_loop: { eventId: 13 },
  re_engagement: { segmentId: 14 },
  action_milestone: {},
  join_anniversary: {},
  mentor_introduction: { communityId: 15 },
};

const valid = (definition: WorkflowDefinition) => {
  const parsed = workflowDefinition.safeParse(definition);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const stepOf = (definition: WorkflowDefinition, id: string) => definition.steps.find((s) => s.id === id);

describe('playbooks', () => {
  it('lists each playbook once, with parameters the dashboard can render', () => {
    expect(PLAYBOOKS.map((p) => p.key)).toEqual([...PLAYBOOK_KEYS]);
    for (const playbook of PLAYBOOKS) {
      expect(playbook.name).not.toBe('');
      expect(playbook.description.length).toBeGreaterThan(20);
      const keys = playbook.params.map((p) => p.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const param of playbook.params) {
        if (param.required) expect(param.default).toBeUndefined();
        if (param.type === 'number') expect([param.min, param.max, param.default]).not.toContain(undefined);
      }
    }
    const ladder = PLAYBOOKS.find((p) => p.key === 'petition_call_ladder');
    expect(ladder?.params.find((p) => p.key === 'petitionId')).toMatchObject({ type: 'action', required: true, actionTypes: ['petition'] });
    expect(ladder?.params.find((p) => p.key === 'callId')).toMatchObject({ type: 'action', required: true, actionTypes: ['call'] });
    expect(ladder?.params.find((p) => p.key === 'holdoutPercent')).toMatchObject({ type: 'number', default: 10, min: 0, max: 50 });
  });

  it.each(PLAYBOOK_KEYS)('%s builds a valid workflow from its required parameters, and from all of them', (key) => {
    const built = buildPlaybook(key, REQUIRED[key]);
    expect(valid(built.definition)).toEqual([]);
    expect(built.name).not.toBe('');

    const all: Record<string, unknown> = { ...REQUIRED[key] };
    for (const param of PLAYBOOKS.find((p) => p.key === key)?.params ?? []) {
      if (all[param.key] !== undefined) continue;
      if (param.type === 'action' || param.type === 'community' || param.type === 'segment') all[param.key] = 90 + Object.keys(all).length;
      if (param.type === 'template') all[param.key] = `Custom ${param.key}, {{ member.first_name }}`;
      if (param.type === 'number') all[param.key] = param.max;
      if (param.type === 'email') all[param.key] = 'lead@example.org';
      if (param.type === 'time_of_day') all[param.key] = '18:30';
    }
    const full = buildPlaybook(key, all);
    expect(valid(full.definition)).toEqual([]);
    // Every text the organizer wrote is used.
    const bodies = full.definition.steps.flatMap((s) => (s.kind === 'send_sms' ? [s.body] : []));
    for (const [param, value] of Object.entries(all)) {
      if (typeof value === 'string' && value.startsWith('Custom')) {
        expect(
          bodies.some((b) => b.startsWith(value)),
          `${param} is in a text`,
        ).toBe(true);
      }
    }
  });

  it('builds the petition → call ladder: ask, YES / NO / no answer, the call link, a goal and the holdout', () => {
    const { definition } = buildPlaybook('petition_call_ladder', { petitionId: 11, callId: 12 });
    expect(definition.trigger).toEqual({ kind: 'took_action', types: ['signed'], actionId: 11 });
    expect(definition.goal).toEqual({ types: ['called'], actionId: 12, withinDays: 14 });
    expect(definition.holdoutPercent).toBe(10);
    expect(definition.steps[0]).toMatchObject({ kind: 'wait', until: { kind: 'duration', seconds: 3600 }, next: 'ask' });
    expect(stepOf(definition, 'answer')).toMatchObject({
      kind: 'wait_for_reply',
      reply: 'yes_no',
      branches: [
        { answer: 'yes', next: 'will_call' },
        { answer: 'no', next: 'declined' },
      ],
      timeoutSeconds: 2 * 86_400,
      timeout: 'reminder',
    });
    // A text that places the link itself keeps it where it is, once.
    const placed = buildPlaybook('petition_call_ladder', { petitionId: 11, callId: 12, callText: 'Call {{ links.action_12 }} now!' });
    expect(stepOf(placed.definition, 'call_link')).toMatchObject({ body: 'Call {{ links.action_12 }} now!' });
    for (const id of ['call_link', 'reminder', 'nudge']) {
      const step = stepOf(definition, id);
      expect(step?.kind === 'send_sms' && actionLinkIds(step.body), id).toEqual([12]);
    }
    expect(stepOf(definition, 'called_yet')).toMatchObject({ kind: 'goal', next: 'nudge' });

    // For a segment: started by hand, no wait, and the holdout asked for.
    const bySegment = buildPlaybook('petition_call_ladder', { petitionId: 11, callId: 12, segmentId: 14, holdoutPercent: 0 }).definition;
    expect(bySegment.trigger).toEqual({ kind: 'manual' });
    expect(bySegment.steps[0]?.id).toBe('ask');
    expect(bySegment.holdoutPercent).toBeUndefined();
  });

  it('names the workflow after the actions and communities it is about, when their names are known', () => {
    const built = buildPlaybook(
      'petition_call_ladder',
      { petitionId: 11, callId: 12 },
      { actions: { 11: 'Save the oaks', 12: 'Call the mayor' } },
    );
    expect(built.name).toBe('Call ladder: Save the oaks');
    expect(built.description).toBe('Everyone who signs Save the oaks is asked to call (Call the mayor).');
    expect(buildPlaybook('mentor_introduction', { communityId: 15 }).name).toBe('Mentor introduction: #15');
  });

  it('thanks members at the milestone chosen, once, and on their anniversary at the time chosen', () => {
    const milestone = buildPlaybook('action_milestone', { actionCount: 12 }).definition;
    expect(milestone.trigger).toEqual({ kind: 'took_action' });
    expect(stepOf(milestone, 'reached')).toMatchObject({
      condition: {
        kind: 'segment',
        rule: {
          rules: [
            { kind: 'activity', count: { op: 'gte', n: 12 } },
            { kind: 'tag', has: false, tags: ['milestone_12_actions'] },
          ],
        },
      },
    });
    expect(stepOf(milestone, 'thank')).toMatchObject({ body: expect.stringContaining('your 12th action') });
    expect(stepOf(buildPlaybook('action_milestone', { actionCount: 22 }).definition, 'thank')).toMatchObject({
      body: expect.stringContaining('your 22nd action'),
    });
    const anniversary = buildPlaybook('join_anniversary', { time: '09:15' }).definition;
    expect(anniversary.trigger).toEqual({ kind: 'date_field', field: 'join_anniversary', time: '09:15' });
    expect(anniversary.enrollment).toBe('every_time');
  });

  it('reminds before an event and asks for feedback after it, whatever the answer path', () => {
    const { definition } = buildPlaybook('event_loop', { eventId: 13, reminderHours: 48, feedbackHours: 2 });
    expect(definition.trigger).toEqual({ kind: 'event', actionId: 13, when: 'before', hours: 48 });
    expect(stepOf(definition, 'still_coming')).toMatchObject({ timeoutSeconds: 48 * 3600, timeout: 'until_after' });
    expect(stepOf(definition, 'until_after')).toMatchObject({ until: { seconds: 2 * 3600 }, next: 'feedback' });
    expect(stepOf(definition, 'until_after_answer')).toMatchObject({ until: { seconds: 50 * 3600 }, next: 'feedback' });
    expect(stepOf(definition, 'rating')).toMatchObject({ reply: 'choice', other: 'thanks' });
  });

  it('makes an inactivity segment that the segment schema accepts', () => {
    expect(segmentRule.safeParse(inactiveSegmentRule(60)).success).toBe(true);
  });

  it('reports each parameter problem on params.<key>, and fills in defaults', () => {
    const result = parsePlaybookParams('petition_call_ladder', {
      petitionId: 'twelve',
      holdoutPercent: 80,
      askText: '   ',
      colour: 'red',
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'params.colour', message: 'is not a parameter of this playbook' },
        { path: 'params.petitionId', message: 'must be the id of a petition' },
        { path: 'params.callId', message: 'is required' },
        { path: 'params.holdoutPercent', message: 'must be a whole number from 0 to 50' },
      ],
    });
    const ok = parsePlaybookParams('mentor_introduction', { communityId: 3, staffEmail: null });
    expect(ok.ok && ok.params).toMatchObject({ communityId: 3, offerText: expect.stringContaining('Reply YES or NO') });
    expect(parsePlaybookParams('mentor_introduction', { communityId: 3, staffEmail: 'nope' })).toMatchObject({
      ok: false,
      problems: [{ path: 'params.staffEmail', message: 'must be an email address' }],
    });
    const schema = playbookParamsSchema('join_anniversary').safeParse({ time: '25:00' });
    expect(schema.success ? [] : schema.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['time', 'must be a time of day, HH:MM'],
    ]);
    expect(() => buildPlaybook('event_loop', {})).toThrow(/params\.eventId is required/);
  });
});
