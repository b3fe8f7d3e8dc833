import { describe, expect, it } from 'vitest';
import { stepExits, type WorkflowDefinition, workflowDefinition } from '../common/workflows.ts';
import { insertStep, localIssues, problemsOf, removeStep, serverIssues } from '../web/features/workflows/definition.ts';
import { layoutFlow } from '../web/features/workflows/flow.ts';

// The dashboard builder's edits of a workflow definition (web/features/workflows): what the organizer does by clicking
// must leave a definition the server accepts, with the chain kept whole, and problems must land on the right step.

const ask: WorkflowDefinition = {
  trigger: { kind: 'manual' },
  enrollment: 'once',
  steps: [
    { id: 'hi', kind: 'send_sms', body: 'Can you help? Reply YES or NO', next: 'reply' },
    {
      id: 'reply',
      kind: 'wait_for_reply',
      reply: 'yes_no',
      branches: [
        { answer: 'yes', next: 'thanks' },
        { answer: 'no', next: 'bye' },
      ],
      timeoutSeconds: 86_400,
      timeout: 'thanks',
    },
    { id: 'thanks', kind: 'send_sms', body: 'Thanks!', next: 'bye' },
    { id: 'bye', kind: 'add_tag', tag: 'asked' },
  ],
};

const ids = (def: WorkflowDefinition) => def.steps.map((s) => s.id);
const next = (def: WorkflowDefinition, id: string) =>
  stepExits(def.steps.find((s) => s.id === id) ?? (def.steps[0] as never)).map((e) => `${e.key}→${e.next ?? 'end'}`);

describe('the workflow builder’s edits', () => {
  it('draws each step once, where it is first reached, and links to it from elsewhere', () => {
    const layout = layoutFlow(ask.steps.map((s) => ({ id: s.id, exits: stepExits(s) })));
    expect([...layout.numbers.entries()]).toEqual([
      ['hi', 1],
      ['reply', 2],
      ['thanks', 3],
      ['bye', 4],
    ]);
    const reply = layout.start?.exits[0]?.target;
    expect(reply?.type).toBe('step');
    const lanes = reply?.type === 'step' ? reply.node.exits.map((e) => [e.exit.label, e.target.type]) : [];
    expect(lanes).toEqual([
      ['Yes', 'step'],
      ['No', 'goto'],
      ['Other reply', 'end'],
      ['No reply', 'goto'],
    ]);
    expect(layout.detached).toEqual([]);
  });

  it('adds a step on an exit with what followed it after the new step, and keeps the list in reading order', () => {
    const { definition, stepId } = insertStep(ask, { after: 'reply', exit: 'answer:no' }, 'wait');
    expect(stepId).toBe('wait_1');
    expect(next(definition, 'reply')).toEqual(['answer:yes→thanks', 'answer:no→wait_1', 'other→end', 'timeout→thanks']);
    expect(next(definition, 'wait_1')).toEqual(['next→bye']);
    expect(ids(definition)).toEqual(['hi', 'reply', 'thanks', 'bye', 'wait_1']);
    expect(workflowDefinition.safeParse(definition).success).toBe(true);

    const question = insertStep(ask, { after: 'thanks', exit: 'next' }, 'wait_for_reply');
    const added = question.definition.steps.find((s) => s.id === question.stepId);
    // A new question has a path per answer; what followed goes on from its first one.
    expect(added).toMatchObject({ reply: 'yes_no', branches: [{ answer: 'yes', next: 'bye' }, { answer: 'no' }] });

    const first = insertStep(ask, { first: true }, 'wait');
    expect(ids(first.definition)[0]).toBe('wait_1');
    expect(next(first.definition, 'wait_1')).toEqual(['next→hi']);
  });

  it('deletes a step, reconnecting what led to it, and takes along the steps only its other branches reached', () => {
    const removed = removeStep(ask, 'thanks');
    expect(removed.dropped).toEqual([]);
    expect(next(removed.definition, 'reply')).toEqual(['answer:yes→bye', 'answer:no→bye', 'other→end', 'timeout→bye']);

    const first = removeStep(ask, 'hi');
    expect(ids(first.definition)[0]).toBe('reply');

    const branching = removeStep(insertStep(ask, { after: 'reply', exit: 'answer:no' }, 'award_points').definition, 'reply');
    // The question's first path (yes → thanks → bye) is kept; the points only "no" reached go with it.
    expect(branching.kept).toBe('thanks');
    expect(branching.dropped).toEqual(['points_1']);
    expect(ids(branching.definition)).toEqual(['hi', 'thanks', 'bye']);
    expect(workflowDefinition.safeParse(branching.definition).success).toBe(true);
  });

  it('puts local and server problems on the step they are about', () => {
    const broken: WorkflowDefinition = { ...ask, steps: ask.steps.map((s) => (s.id === 'bye' ? { ...s, tag: '' } : s)) };
    expect(problemsOf(broken, localIssues(broken)).steps).toEqual({ bye: { tag: expect.any(String) } });
    const fromServer = serverIssues([
      { path: 'body.definition.steps.2.body', message: 'unknown variable "member.nickname"' },
      { path: 'draft.trigger.keyword', message: 'is already a keyword' },
      { path: 'body.name', message: 'must not be empty' },
    ]);
    expect(problemsOf(ask, fromServer)).toEqual({
      steps: { thanks: { body: 'Unknown variable "member.nickname"' } },
      general: { 'trigger.keyword': 'Is already a keyword', name: 'Fill this in' },
    });
  });
});
