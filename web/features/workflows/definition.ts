import { ACTIVITY_LABELS, describeRule, type SegmentNames } from '../../../common/segments.ts';
import {
  CONDITION_LABELS,
  defaultStep,
  STEP_KIND_META,
  type StepKind,
  type StepOf,
  stepExits,
  TRIGGER_KIND_META,
  type TriggerKind,
  type WaitUntil,
  type WorkflowDefinition,
  type WorkflowStep,
  type WorkflowTrigger,
  workflowDefinition,
} from '../../../common/workflows.ts';
import { layoutFlow } from './flow.ts';

// The builder's edits of a workflow definition, as pure functions: adding a step after an exit, deleting one (and
// reconnecting what came after it), pointing an exit elsewhere, keeping a wait-for-reply step's branches in step with
// its answers; the problems of a draft by step and field; and the few words each step and trigger is summed up in.

export type Definition = WorkflowDefinition;

/** What a new workflow starts from: a manual trigger and one text. */
export function newDefinition(): Definition {
  return { trigger: { kind: 'manual' }, enrollment: 'once', steps: [defaultStep('send_sms', 'sms_1')] };
}

// ── Steps ───────────────────────────────────────────────────────────────────────────────────────────────────────────

const ID_PREFIX: Record<StepKind, string> = {
  send_sms: 'sms',
  send_email: 'email',
  wait: 'wait',
  wait_for_reply: 'reply',
  condition: 'check',
  random_split: 'split',
  add_tag: 'tag',
  remove_tag: 'untag',
  join_community: 'join',
  leave_community: 'leave',
  award_points: 'points',
  notify_staff: 'notify',
  webhook: 'hook',
  goal: 'goal',
};

/** A step id no step has yet: "sms_2", "reply_1" (ids stay stable across edits, so the report keeps its counts). */
function newStepId(steps: readonly WorkflowStep[], kind: StepKind): string {
  const prefix = ID_PREFIX[kind];
  let n = 1;
  while (steps.some((s) => s.id === `${prefix}_${n}`)) n += 1;
  return `${prefix}_${n}`;
}

/** The answers a wait-for-reply step can tell apart: yes / no, its choices, or any reply. */
export function allowedAnswers(step: StepOf<'wait_for_reply'>): string[] {
  if (step.reply === 'yes_no') return ['yes', 'no'];
  if (step.reply === 'any') return ['any'];
  return (step.choices ?? []).map((c) => c.key);
}

/** Gives these answers a branch of their own (keeping where existing ones lead); the others take "Other reply". */
export function withBranches(step: StepOf<'wait_for_reply'>, answers: readonly string[]): StepOf<'wait_for_reply'> {
  const allowed = allowedAnswers(step);
  return {
    ...step,
    branches: allowed
      .filter((answer) => answers.includes(answer))
      .map((answer) => step.branches.find((b) => b.answer === answer) ?? { answer }),
  };
}

/** A step of a kind as the palette adds it; a wait for a reply starts with a branch per answer. */
function freshStep(kind: StepKind, steps: readonly WorkflowStep[]): WorkflowStep {
  const step = defaultStep(kind, newStepId(steps, kind));
  return step.kind === 'wait_for_reply' ? withBranches(step, allowedAnswers(step)) : step;
}

function withOptional<T extends object>(object: T, key: string, value: unknown): T {
  const copy = { ...object } as Record<string, unknown>;
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy as T;
}

/** Points one exit of a step (a key of stepExits()) at a step, or at nothing (the run ends there). */
export function setExitTarget(step: WorkflowStep, key: string, next: string | undefined): WorkflowStep {
  if (step.kind === 'wait_for_reply' && key.startsWith('answer:')) {
    const answer = key.slice('answer:'.length);
    return { ...step, branches: step.branches.map((b) => (b.answer === answer ? withOptional(b, 'next', next) : b)) };
  }
  if (step.kind === 'random_split' && key.startsWith('split:')) {
    const index = Number(key.slice('split:'.length));
    return { ...step, branches: step.branches.map((b, i) => (i === index ? withOptional(b, 'next', next) : b)) };
  }
  return withOptional(step, key, next);
}

/** The path of an exit's field inside its step, as problems name it ("branches.1.next", "timeout", "next"). */
export function exitField(step: WorkflowStep, key: string): string {
  if (step.kind === 'wait_for_reply' && key.startsWith('answer:')) {
    return `branches.${step.branches.findIndex((b) => `answer:${b.answer}` === key)}.next`;
  }
  if (key.startsWith('split:')) return `branches.${key.slice('split:'.length)}.next`;
  return key;
}

function redirect(step: WorkflowStep, from: string, to: string | undefined): WorkflowStep {
  let result = step;
  for (const exit of stepExits(step)) if (exit.next === from) result = setExitTarget(result, exit.key, to);
  return result;
}

/** Where the palette puts a new step: after an exit of a step, or before the first step. */
export type InsertPoint = { after: string; exit: string } | { first: true };

/**
 * Adds a step of a kind at a point: what the exit led to now follows the new step (through its first exit), so a step
 * added in the middle of a chain keeps the chain whole.
 */
export function insertStep(def: Definition, at: InsertPoint, kind: StepKind): { definition: Definition; stepId: string } {
  let step = freshStep(kind, def.steps);
  const firstExit = stepExits(step)[0];
  if ('first' in at) {
    const first = def.steps[0];
    if (first && firstExit) step = setExitTarget(step, firstExit.key, first.id);
    return { definition: { ...def, steps: inFlowOrder([step, ...def.steps]) }, stepId: step.id };
  }
  const index = def.steps.findIndex((s) => s.id === at.after);
  const from = def.steps[index];
  if (!from) return { definition: def, stepId: step.id };
  const old = stepExits(from).find((e) => e.key === at.exit)?.next;
  if (old !== undefined && firstExit) step = setExitTarget(step, firstExit.key, old);
  const steps = [...def.steps];
  steps[index] = setExitTarget(from, at.exit, step.id);
  steps.splice(index + 1, 0, step);
  return { definition: { ...def, steps: inFlowOrder(steps) }, stepId: step.id };
}

function reachable(steps: readonly WorkflowStep[]): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const queue = steps[0] ? [steps[0].id] : [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = byId.get(id);
    if (step) for (const exit of stepExits(step)) if (exit.next !== undefined && !seen.has(exit.next)) queue.push(exit.next);
  }
  return seen;
}

/**
 * Deletes a step: whatever led to it now leads where its first connected exit led. Steps that only its other branches
 * reached go too (`dropped`, for the builder to ask first). The first step cannot go when it is the only one.
 */
export function removeStep(def: Definition, id: string): { definition: Definition; dropped: string[]; kept: string | undefined } {
  const step = def.steps.find((s) => s.id === id);
  if (!step || def.steps.length === 1) return { definition: def, dropped: [], kept: undefined };
  const kept = stepExits(step).find((e) => e.next !== undefined && e.next !== id)?.next;
  let steps = def.steps.filter((s) => s.id !== id).map((s) => redirect(s, id, kept));
  // A deleted first step hands the start to what followed it.
  if (def.steps[0]?.id === id && kept !== undefined) {
    const next = steps.find((s) => s.id === kept) as WorkflowStep;
    steps = [next, ...steps.filter((s) => s.id !== kept)];
  }
  const before = reachable(def.steps);
  const after = reachable(steps);
  const dropped = steps.filter((s) => before.has(s.id) && !after.has(s.id)).map((s) => s.id);
  steps = steps.filter((s) => !dropped.includes(s.id)).map((s) => dropped.reduce((acc, gone) => redirect(acc, gone, undefined), s));
  return { definition: { ...def, steps: inFlowOrder(steps) }, dropped, kept };
}

export function replaceStep(def: Definition, step: WorkflowStep): Definition {
  return { ...def, steps: inFlowOrder(def.steps.map((s) => (s.id === step.id ? step : s))) };
}

/** The steps in the order the flow draws them (the first stays first), so the saved list reads like the screen. */
function inFlowOrder(steps: WorkflowStep[]): WorkflowStep[] {
  const { numbers } = layoutFlow(steps.map((s) => ({ id: s.id, exits: stepExits(s) })));
  return [...steps].sort((a, b) => (numbers.get(a.id) ?? 0) - (numbers.get(b.id) ?? 0));
}

/** A trigger of a kind with what it needs filled in where there is a sensible default. */
export function defaultTrigger(kind: TriggerKind): WorkflowTrigger {
  switch (kind) {
    case 'keyword':
      return { kind, keyword: '' };
    case 'date_field':
      return { kind, field: 'birthday' };
    case 'event':
      // 0: not chosen yet (the draft's problems ask for one).
      return { kind, actionId: 0, when: 'before', hours: 24 };
    case 'entered_segment':
      return { kind, segmentId: 0 };
    default:
      return { kind } as WorkflowTrigger;
  }
}

// ── Problems ────────────────────────────────────────────────────────────────────────────────────────────────────────

export type Issue = { path: readonly (string | number)[]; message: string };

/** Problems by where they show: per step id and field ('' for the step itself), and the rest by path. */
export type Problems = { general: Record<string, string>; steps: Record<string, Record<string, string>> };

export const NO_PROBLEMS: Problems = { general: {}, steps: {} };

/** The draft checked as the server checks its shape and graph (definitionProblems() included). */
export function localIssues(def: Definition): Issue[] {
  const parsed = workflowDefinition.safeParse(def);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: issue.message,
  }));
}

/**
 * A server problem's path (`body.definition.steps.3.body` when saving, `draft.steps.3.body` when publishing) as a
 * path into the definition; `name` and `description` keep theirs.
 */
export function serverIssues(issues: readonly { path: string; message: string }[]): Issue[] {
  return issues.map((issue) => {
    const parts = issue.path.split('.');
    if (parts[0] === 'body') parts.shift();
    if (parts[0] === 'definition' || parts[0] === 'draft') parts.shift();
    return { path: parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: issue.message };
  });
}

/** Puts each problem on the step it is about (by id, so it stays there while steps move) or with the workflow. */
export function problemsOf(def: Definition, issues: readonly Issue[]): Problems {
  const problems: Problems = { general: {}, steps: {} };
  for (const issue of issues) {
    const [head, index, ...rest] = issue.path;
    const step = head === 'steps' && typeof index === 'number' ? def.steps[index] : undefined;
    if (step) {
      const fields = problems.steps[step.id] ?? {};
      fields[rest.join('.')] ??= readable(issue.message);
      problems.steps[step.id] = fields;
    } else {
      problems.general[issue.path.join('.')] ??= readable(issue.message);
    }
  }
  return problems;
}

/** Both sets of problems, the first winning where both speak of the same field. */
export function mergeProblems(a: Problems, b: Problems): Problems {
  const steps: Problems['steps'] = { ...b.steps };
  for (const [id, fields] of Object.entries(a.steps)) steps[id] = { ...steps[id], ...fields };
  return { general: { ...b.general, ...a.general }, steps };
}

/** The problem of a field or of anything inside it ("until" finds "until.seconds"). */
export function problemAt(fields: Record<string, string> | undefined, key: string): string | undefined {
  if (!fields) return undefined;
  if (fields[key] !== undefined) return fields[key];
  const inside = Object.keys(fields).find((k) => k.startsWith(`${key}.`));
  return inside === undefined ? undefined : fields[inside];
}

export function problemCount(problems: Problems): number {
  return Object.keys(problems.general).length + Object.values(problems.steps).reduce((n, fields) => n + Object.keys(fields).length, 0);
}

/** Zod's generic wording turned into something an organizer can act on. */
export function readable(message: string): string {
  if (/expected array to have >=1/i.test(message)) return 'Choose at least one';
  if (/expected string to have >=1|must not be empty/i.test(message)) return 'Fill this in';
  if (/expected number to be >0/i.test(message)) return 'Choose one';
  if (/expected number, received (undefined|NaN)/i.test(message)) return 'Enter a number';
  if (/expected string, received undefined/i.test(message)) return 'Fill this in';
  return message.charAt(0).toUpperCase() + message.slice(1);
}

// ── In words ────────────────────────────────────────────────────────────────────────────────────────────────────────

const UNITS: [string, number][] = [
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** "1 day", "36 hours", "90 minutes". */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of UNITS) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

function describeWait(until: WaitUntil): string {
  switch (until.kind) {
    case 'duration':
      return `for ${formatSeconds(until.seconds)}`;
    case 'time_of_day':
      return `until ${until.time} (member’s time)`;
    case 'until_date':
      return `until ${new Date(until.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
  }
}

export type Names = SegmentNames & { segments?: Record<number, string> };
const nameOf = (map: Record<number, string> | undefined, id: number | undefined) => (id === undefined ? '?' : (map?.[id] ?? `#${id}`));

/** The few words a step card shows under its title. */
export function summarizeStep(step: WorkflowStep, names: Names): string {
  switch (step.kind) {
    case 'send_sms':
      return step.body;
    case 'send_email':
      return step.subject;
    case 'wait':
      return `Wait ${describeWait(step.until)}`;
    case 'wait_for_reply': {
      const answers =
        step.reply === 'yes_no' ? 'Yes / No' : step.reply === 'any' ? 'Any reply' : (step.choices ?? []).map((c) => c.label).join(' / ');
      return `${answers} · gives up after ${formatSeconds(step.timeoutSeconds)}`;
    }
    case 'condition': {
      const c = step.condition;
      if (c.kind === 'has_tag') return `${CONDITION_LABELS.has_tag} “${c.tag}”`;
      if (c.kind === 'in_community') return `${CONDITION_LABELS.in_community} ${nameOf(names.communities, c.communityId)}`;
      if (c.kind === 'did_activity') {
        const what = c.types.map((t) => ACTIVITY_LABELS[t].past).join(' or ');
        const on = c.actionId === undefined ? '' : ` on ${nameOf(names.actions, c.actionId)}`;
        return `${what}${on}${c.withinDays === undefined ? '' : ` in the last ${c.withinDays} days`}`;
      }
      return describeRule(c.rule, names);
    }
    case 'random_split': {
      const total = step.branches.reduce((n, b) => n + b.weight, 0) || 1;
      return step.branches.map((b) => `${Math.round((b.weight / total) * 100)}%`).join(' / ');
    }
    case 'add_tag':
    case 'remove_tag':
      return `“${step.tag}”`;
    case 'join_community':
    case 'leave_community':
      return step.communityId > 0 ? nameOf(names.communities, step.communityId) : 'Choose a community';
    case 'award_points':
      return `${step.points} points`;
    case 'notify_staff':
      return step.message;
    case 'webhook':
      return step.url;
    case 'goal':
      return 'Ends the run if the goal is reached';
  }
}

export function stepTitle(step: { kind: string; label?: string | undefined }): string {
  return step.label || (STEP_KIND_META[step.kind as StepKind]?.label ?? step.kind);
}

/** "Texted a keyword: JOIN", "Joined a community: Climate – Austin". */
export function summarizeTrigger(trigger: WorkflowTrigger, names: Names): string {
  const label = TRIGGER_KIND_META[trigger.kind].label;
  switch (trigger.kind) {
    case 'keyword':
      return `${label}: ${trigger.keyword.toUpperCase()}`;
    case 'joined_community':
      return trigger.communityId === undefined ? `${label} (any)` : `${label}: ${nameOf(names.communities, trigger.communityId)}`;
    case 'took_action':
      return trigger.actionId === undefined ? `${label} (any)` : `${label}: ${nameOf(names.actions, trigger.actionId)}`;
    case 'entered_segment':
      return `${label}: ${nameOf(names.segments, trigger.segmentId)}`;
    case 'event':
      return `${trigger.hours} h ${trigger.when} ${nameOf(names.actions, trigger.actionId)}`;
    default:
      return label;
  }
}
