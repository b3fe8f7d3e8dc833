import { describe, expect, it } from 'vitest';
import { defaultStep, STEP_KINDS, stepExits, type WorkflowDefinition, workflowDefinition } from '../../../common/workflows.ts';

// The definition a builder saves and the engine runs: shape errors and graph errors come back on the field to fix.

const base = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  trigger: { kind: 'manual' },
  enrollment: 'once',
  steps,
  ...extra,
});

function problems(input: unknown): Record<string, string> {
  const parsed = workflowDefinition.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('workflow definitions', () => {
  it('accepts a branching flow with a loop that waits', () => {
    const def = base([
      { id: 'ask', kind: 'send_sms', body: 'Can you come Saturday, {{ member.first_name }}? Reply YES or NO', next: 'answer' },
      {
        id: 'answer',
        kind: 'wait_for_reply',
        reply: 'yes_no',
        branches: [
          { answer: 'yes', next: 'tag' },
          { answer: 'no', next: 'bye' },
        ],
        timeoutSeconds: 86_400,
        timeout: 'ask',
      },
      { id: 'tag', kind: 'add_tag', tag: 'volunteer' },
      { id: 'bye', kind: 'send_sms', body: 'No worries!' },
    ]);
    expect(problems(def)).toEqual({});
  });

  it('reports duplicate ids, unknown targets and unreachable steps on their fields', () => {
    const def = base([
      { id: 'a', kind: 'send_sms', body: 'Hi', next: 'b' },
      { id: 'b', kind: 'condition', condition: { kind: 'has_tag', tag: 'x' }, yes: 'nowhere', no: 'a' },
      { id: 'b', kind: 'add_tag', tag: 'y' },
      {
        id: 'split',
        kind: 'random_split',
        branches: [
          { weight: 1, next: 'a' },
          { weight: 1, next: 'gone' },
        ],
      },
    ]);
    expect(problems(def)).toEqual({
      'steps.2.id': '"b" is already the id of step 2',
      'steps.1.yes': 'no step has the id "nowhere"',
      'steps.3.branches.1.next': 'no step has the id "gone"',
    });
    // Once the ids are right, the step nothing leads to is reported.
    const unreachable = base([
      { id: 'a', kind: 'send_sms', body: 'Hi' },
      { id: 'orphan', kind: 'add_tag', tag: 'y' },
    ]);
    expect(problems(unreachable)).toEqual({ 'steps.1.id': 'step "orphan" cannot be reached from the first step' });
  });

  it('refuses a loop with no wait in it, and accepts the same loop through a wait', () => {
    const loop = base([
      { id: 'a', kind: 'add_tag', tag: 'x', next: 'b' },
      { id: 'b', kind: 'condition', condition: { kind: 'has_tag', tag: 'y' }, yes: 'a', no: 'c' },
      { id: 'c', kind: 'send_sms', body: 'done' },
    ]);
    expect(Object.values(problems(loop))).toEqual(['step "a" is in a loop with no wait in it']);
    const waiting = base([
      { id: 'a', kind: 'add_tag', tag: 'x', next: 'pause' },
      { id: 'pause', kind: 'wait', until: { kind: 'duration', seconds: 3600 }, next: 'b' },
      { id: 'b', kind: 'condition', condition: { kind: 'has_tag', tag: 'y' }, yes: 'a', no: 'c' },
      { id: 'c', kind: 'send_sms', body: 'done' },
    ]);
    expect(problems(waiting)).toEqual({});
  });

  it('checks answers against the reply kind, choices, times and the goal a goal step needs', () => {
    const def = base([
      {
        id: 'q',
        kind: 'wait_for_reply',
        reply: 'choice',
        choices: [{ key: 'bus', label: 'Bus' }],
        branches: [{ answer: 'car' }],
        timeoutSeconds: 10,
      },
      { id: 'w', kind: 'wait', until: { kind: 'time_of_day', time: '25:00' } },
      { id: 'g', kind: 'goal' },
    ]);
    const found = problems(def);
    expect(found['steps.0.choices']).toBe('needs at least 2 choices');
    expect(found['steps.0.branches.0.answer']).toBe('must be one of bus');
    expect(found['steps.0.timeoutSeconds']).toMatch(/60/);
    expect(found['steps.1.until.time']).toBe('must be a time of day, HH:MM');
    expect(problems(base([{ id: 'g', kind: 'goal' }]))).toEqual({ 'steps.0.kind': 'a goal step needs the workflow to have a goal' });
    expect(problems(base([{ id: 'g', kind: 'goal' }], { goal: { types: ['signed'], withinDays: 14 }, holdoutPercent: 60 }))).toEqual({
      holdoutPercent: 'Too big: expected number to be <=50',
    });
  });

  it('refuses reserved and malformed keywords for a keyword trigger', () => {
    const step = { id: 'a', kind: 'send_sms', body: 'Hi' };
    expect(problems({ ...base([step]), trigger: { kind: 'keyword', keyword: 'STOP' } })['trigger.keyword']).toMatch(/reserved/);
    expect(problems({ ...base([step]), trigger: { kind: 'keyword', keyword: 'two words' } })['trigger.keyword']).toMatch(
      /letters or digits/,
    );
    expect(problems({ ...base([step]), trigger: { kind: 'keyword', keyword: 'Volunteer' } })).toEqual({});
  });

  it('gives the builder a valid default for every step kind and an exit per way out', () => {
    for (const kind of STEP_KINDS) {
      const step = defaultStep(kind, 's1');
      const def: WorkflowDefinition = {
        trigger: { kind: 'manual' },
        enrollment: 'once',
        steps: [step],
        ...(kind === 'goal' ? { goal: { types: ['signed'], withinDays: 7 } } : {}),
      };
      const found = problems(def);
      // A community must still be chosen; everything else is ready to save.
      if (kind === 'join_community' || kind === 'leave_community') expect(Object.keys(found)).toEqual(['steps.0.communityId']);
      else expect(found).toEqual({});
    }
    const reply = defaultStep('wait_for_reply', 'r');
    expect(stepExits(reply).map((e) => e.key)).toEqual(['other', 'timeout']);
    expect(stepExits(defaultStep('random_split', 's')).map((e) => e.label)).toEqual(['50%', '50%']);
  });
});
