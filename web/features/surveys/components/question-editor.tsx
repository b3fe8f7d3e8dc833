import { ActionIcon, Group, NumberInput, Paper, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import type { QuestionInput } from '../api/create-survey.ts';
import { QUESTION_KINDS, type QuestionKind } from '../api/get-survey.ts';

/** A question while it is being written: choice options one per line. */
export type QuestionDraft = { key: string; kind: QuestionKind; prompt: string; choices: string; min: number; max: number };

export const KIND_LABELS: Record<QuestionKind, string> = {
  choice: 'Multiple choice',
  scale: 'Number scale',
  nps: 'NPS (0–10)',
  text: 'Free text',
  yes_no: 'Yes / no',
};

let nextKey = 0;
export function newDraft(kind: QuestionKind = 'choice'): QuestionDraft {
  nextKey += 1;
  return { key: `q${nextKey}`, kind, prompt: '', choices: '', min: 1, max: 5 };
}

export function draftOf(question: {
  kind: QuestionKind;
  prompt: string;
  choices: { label: string }[];
  min: number | null;
  max: number | null;
}) {
  return {
    ...newDraft(question.kind),
    prompt: question.prompt,
    choices: question.choices.map((c) => c.label).join('\n'),
    min: question.kind === 'scale' ? (question.min ?? 1) : 1,
    max: question.kind === 'scale' ? (question.max ?? 5) : 5,
  };
}

const optionLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export function inputOf(draft: QuestionDraft): QuestionInput {
  if (draft.kind === 'choice') return { kind: 'choice', prompt: draft.prompt, choices: optionLines(draft.choices) };
  if (draft.kind === 'scale') return { kind: 'scale', prompt: draft.prompt, min: draft.min, max: draft.max };
  return { kind: draft.kind, prompt: draft.prompt };
}

/** What is wrong with a draft before it is saved (the server checks again). */
export function draftProblem(draft: QuestionDraft): string | null {
  if (draft.prompt.trim() === '') return 'Write the question.';
  if (draft.kind === 'choice' && optionLines(draft.choices).length < 2) return 'List at least 2 options, one per line.';
  if (draft.kind === 'scale' && draft.min >= draft.max) return 'The highest number must be greater than the lowest.';
  return null;
}

/** One question of the builder: kind, prompt, options; moved up and down, removed. */
export function QuestionEditor(props: {
  draft: QuestionDraft;
  index: number;
  count: number;
  disabled: boolean;
  onChange: (draft: QuestionDraft) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { draft, index, disabled } = props;
  const set = (patch: Partial<QuestionDraft>) => props.onChange({ ...draft, ...patch });
  const letters = optionLines(draft.choices).map((label, i) => `${String.fromCharCode(65 + i)}) ${label}`);
  return (
    <Paper withBorder radius="md" p="md" data-question={index + 1}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} size="sm">
            Question {index + 1}
          </Text>
          <Group gap={4}>
            <ActionIcon variant="subtle" aria-label="Move up" disabled={disabled || index === 0} onClick={() => props.onMove(-1)}>
              <IconArrowUp size={16} />
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              aria-label="Move down"
              disabled={disabled || index === props.count - 1}
              onClick={() => props.onMove(1)}
            >
              <IconArrowDown size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" aria-label="Remove question" disabled={disabled} onClick={props.onRemove}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Group>
        <Group grow align="flex-start">
          <Select
            label="Kind"
            data={QUESTION_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
            value={draft.kind}
            onChange={(value) => value && set({ kind: value as QuestionKind })}
            allowDeselect={false}
            disabled={disabled}
            maw={200}
          />
          <TextInput
            label="Question"
            value={draft.prompt}
            onChange={(event) => set({ prompt: event.currentTarget.value })}
            maxLength={320}
            disabled={disabled}
          />
        </Group>
        {draft.kind === 'choice' && (
          <Textarea
            label="Options, one per line"
            description={
              letters.length > 0 ? `Members reply with a letter, a number or the option's words: ${letters.join('  ')}` : undefined
            }
            value={draft.choices}
            onChange={(event) => set({ choices: event.currentTarget.value })}
            autosize
            minRows={3}
            disabled={disabled}
          />
        )}
        {draft.kind === 'scale' && (
          <Group>
            <NumberInput
              label="From"
              value={draft.min}
              min={0}
              max={9}
              onChange={(v) => set({ min: Number(v) || 0 })}
              disabled={disabled}
              w={100}
            />
            <NumberInput
              label="To"
              value={draft.max}
              min={1}
              max={10}
              onChange={(v) => set({ max: Number(v) || 1 })}
              disabled={disabled}
              w={100}
            />
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
