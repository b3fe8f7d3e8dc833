import { ActionIcon, Alert, Button, Checkbox, Code, Group, NativeSelect, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { STEP_KIND_META, type StepOf, stepExits, type WorkflowStep } from '../../../../common/workflows.ts';
import { allowedAnswers, exitField, problemAt, setExitTarget, stepTitle, withBranches } from '../definition.ts';
import type { Choice } from './choices-editor.tsx';
import { FieldControl } from './field-control.tsx';

/** The problems of a field and of what is inside it, by path relative to the field. */
export function within(fields: Record<string, string> | undefined, key: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields ?? {})) {
    if (path === key) result[''] = message;
    else if (path.startsWith(`${key}.`)) result[path.slice(key.length + 1)] = message;
  }
  return result;
}

const withNext = (branch: { answer: string }, next: string | undefined) => (next === undefined ? branch : { ...branch, next });

/** A wait-for-reply step after its answer kind or choices changed: choices kept sensible, branches following them. */
function replyChanged(step: StepOf<'wait_for_reply'>, key: 'reply' | 'choices', value: unknown): StepOf<'wait_for_reply'> {
  if (key === 'reply') {
    const reply = value as StepOf<'wait_for_reply'>['reply'];
    const { choices, ...rest } = step;
    const next: StepOf<'wait_for_reply'> =
      reply === 'choice'
        ? {
            ...rest,
            reply,
            choices: choices?.length
              ? choices
              : [
                  { key: 'a', label: 'Choice 1' },
                  { key: 'b', label: 'Choice 2' },
                ],
          }
        : { ...rest, reply };
    // The new answers take over where the old ones led, in order (yes → the first choice, no → the second).
    return { ...next, branches: allowedAnswers(next).map((answer, i) => withNext({ answer }, step.branches[i]?.next)) };
  }
  const old = step.choices ?? [];
  const next = value as Choice[];
  let branches = step.branches;
  if (next.length === old.length) {
    // A key edited in place: its branch follows it.
    const renamed = new Map(old.map((c, i) => [c.key, next[i]?.key ?? c.key]));
    branches = branches.map((b) => ({ ...b, answer: renamed.get(b.answer) ?? b.answer }));
  } else if (next.length > old.length) {
    branches = [...branches, ...next.slice(old.length).map((c) => ({ answer: c.key }))];
  } else {
    branches = branches.filter((b) => next.some((c) => c.key === b.answer));
  }
  return { ...step, choices: next, branches };
}

/**
 * The editor of the selected step: its name, the fields its kind has (from STEP_KIND_META), which answers get their
 * own path (wait for a reply), the weights of a random split, where each exit leads, and deleting it.
 */
export function StepEditor(props: {
  step: WorkflowStep;
  number: number;
  /** Every step with its number, for the exits' targets. */
  targets: { id: string; label: string }[];
  problems: Record<string, string> | undefined;
  onChange: (step: WorkflowStep) => void;
  onDelete: () => void;
  canDelete: boolean;
}) {
  const { step, problems, onChange } = props;
  const meta = STEP_KIND_META[step.kind];
  const record = step as unknown as Record<string, unknown>;
  const stepProblem = problems?.[''] ?? problems?.id ?? problems?.kind;

  const setField = (key: string, value: unknown) => {
    if (step.kind === 'wait_for_reply' && (key === 'reply' || key === 'choices')) return onChange(replyChanged(step, key, value));
    const copy: Record<string, unknown> = { ...record };
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    onChange(copy as WorkflowStep);
  };

  return (
    <Stack gap="sm" data-step-editor={step.id}>
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Step {props.number} · {meta.label}
        </Text>
        <Title order={4}>{stepTitle(step)}</Title>
        <Text size="sm" c="dimmed">
          {meta.description}
        </Text>
      </div>
      {stepProblem && (
        <Alert color="red" variant="light" p="xs" icon={<IconAlertTriangle size={16} />} role="alert">
          {stepProblem}
        </Alert>
      )}
      <TextInput
        label="Name on the card"
        description="Optional; reports and runs show it"
        placeholder={meta.label}
        value={step.label ?? ''}
        onChange={(event) => setField('label', event.currentTarget.value === '' ? undefined : event.currentTarget.value)}
        error={problems?.label}
        maxLength={80}
      />
      {meta.fields
        .filter((field) => field.key !== 'choices' || (step.kind === 'wait_for_reply' && step.reply === 'choice'))
        .map((field) => (
          <FieldControl
            key={field.key}
            meta={field}
            value={record[field.key]}
            onChange={(value) => setField(field.key, value)}
            errors={within(problems, field.key)}
            sms={step.kind === 'send_sms'}
          />
        ))}
      {step.kind === 'wait_for_reply' && <AnswerPaths step={step} onChange={onChange} />}
      {step.kind === 'random_split' && <SplitWeights step={step} onChange={onChange} problems={problems} />}

      <Stack gap={6} role="group" aria-label="Where members go next">
        <Text size="sm" fw={600}>
          Where members go next
        </Text>
        {stepExits(step).map((exit) => (
          <NativeSelect
            key={exit.key}
            label={exit.label}
            data={[
              { value: '', label: 'End the run here' },
              ...props.targets.map((t) => ({ value: t.id, label: t.id === step.id ? `${t.label} (this step again)` : t.label })),
            ]}
            value={exit.next ?? ''}
            onChange={(event) => onChange(setExitTarget(step, exit.key, event.currentTarget.value || undefined))}
            error={problemAt(problems, exitField(step, exit.key))}
            data-exit={exit.key}
          />
        ))}
      </Stack>

      <Group justify="space-between" mt="xs">
        <Text size="xs" c="dimmed">
          Step id <Code>{step.id}</Code>
        </Text>
        <Button
          variant="subtle"
          color="red"
          size="compact-sm"
          leftSection={<IconTrash size={14} />}
          onClick={props.onDelete}
          disabled={!props.canDelete}
          title={props.canDelete ? undefined : 'A workflow needs at least one step'}
        >
          Delete step
        </Button>
      </Group>
    </Stack>
  );
}

function answerLabel(step: StepOf<'wait_for_reply'>, answer: string): string {
  if (answer === 'yes') return 'Yes';
  if (answer === 'no') return 'No';
  if (answer === 'any') return 'Any reply';
  return step.choices?.find((c) => c.key === answer)?.label ?? answer;
}

/** Which answers lead somewhere of their own; the others take "Other reply" (or keep the run waiting without one). */
function AnswerPaths(props: { step: StepOf<'wait_for_reply'>; onChange: (step: WorkflowStep) => void }) {
  const { step } = props;
  const allowed = allowedAnswers(step);
  return (
    <Checkbox.Group
      label="Answers with a path of their own"
      description="Other answers take “Other reply”"
      value={step.branches.map((b) => b.answer)}
      onChange={(answers) => props.onChange(withBranches(step, answers))}
    >
      <Group gap="md" mt={6}>
        {allowed.map((answer) => (
          <Checkbox key={answer} value={answer} label={answerLabel(step, answer)} />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

/** The weights of a random split's paths (shares of 100). */
function SplitWeights(props: {
  step: StepOf<'random_split'>;
  onChange: (step: WorkflowStep) => void;
  problems: Record<string, string> | undefined;
}) {
  const { step, onChange } = props;
  const setWeight = (index: number, weight: number) =>
    onChange({ ...step, branches: step.branches.map((b, i) => (i === index ? { ...b, weight } : b)) });
  return (
    <Stack gap={6} role="group" aria-label="Paths and weights">
      <Text size="sm" fw={600}>
        Paths and weights
      </Text>
      {step.branches.map((branch, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a path is its position
        <Group key={index} gap="xs" wrap="nowrap">
          <NumberInput
            aria-label={`Weight of path ${index + 1}`}
            value={branch.weight}
            min={1}
            max={100}
            allowDecimal={false}
            onChange={(value) => setWeight(index, typeof value === 'number' ? value : 0)}
            error={problemAt(props.problems, `branches.${index}.weight`)}
            w={120}
          />
          <Text size="sm" c="dimmed">
            Path {index + 1}
          </Text>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Remove path ${index + 1}`}
            disabled={step.branches.length <= 2}
            onClick={() => onChange({ ...step, branches: step.branches.filter((_, i) => i !== index) })}
          >
            <IconX size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="light"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          disabled={step.branches.length >= 10}
          onClick={() => onChange({ ...step, branches: [...step.branches, { weight: 50 }] })}
        >
          Add a path
        </Button>
      </Group>
    </Stack>
  );
}
