import { Badge, Group, Paper, Text, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { STEP_KIND_META, type StepKind } from '../../../../common/workflows.ts';
import { StepIcon } from './step-icon.tsx';

export const CARD_WIDTH = 240;

/** The DOM id of a step's card, for "go to" links. */
export const cardId = (stepId: string) => `step-card-${stepId}`;

/** A step in the flow: its number, kind and title, a line about what it does, and whatever the screen adds below. */
export function StepCard(props: {
  stepId: string;
  number: number;
  kind: string;
  title: string;
  summary: string;
  problems?: number;
  selected?: boolean;
  onSelect?: () => void;
  children?: ReactNode;
}) {
  const meta = STEP_KIND_META[props.kind as StepKind];
  const border = props.selected
    ? 'var(--mantine-color-blue-6)'
    : props.problems
      ? 'var(--mantine-color-red-5)'
      : 'var(--mantine-color-gray-3)';
  const body = (
    <Paper
      withBorder
      radius="md"
      p="sm"
      w={CARD_WIDTH}
      style={{ borderColor: border, boxShadow: props.selected ? '0 0 0 1px var(--mantine-color-blue-6)' : undefined }}
    >
      <Group justify="space-between" gap={6} wrap="nowrap" mb={4}>
        <Group gap={6} wrap="nowrap" c="dimmed">
          <Badge size="sm" variant="filled" color="gray" miw={20} px={5}>
            {props.number}
          </Badge>
          <StepIcon kind={props.kind} size={14} />
          <Text size="xs" c="dimmed">
            {meta?.label ?? props.kind}
          </Text>
        </Group>
        {props.problems ? (
          <Badge size="sm" color="red" variant="light" data-problems={props.problems}>
            {props.problems === 1 ? '1 problem' : `${props.problems} problems`}
          </Badge>
        ) : null}
      </Group>
      <Text size="sm" fw={600} lineClamp={1}>
        {props.title}
      </Text>
      <Text size="xs" c="dimmed" lineClamp={3} style={{ whiteSpace: 'pre-line', wordBreak: 'break-word' }}>
        {props.summary}
      </Text>
      {props.children}
    </Paper>
  );
  if (!props.onSelect) {
    return (
      <div id={cardId(props.stepId)} data-step-card={props.stepId} tabIndex={-1}>
        {body}
      </div>
    );
  }
  return (
    <UnstyledButton
      id={cardId(props.stepId)}
      onClick={props.onSelect}
      aria-pressed={props.selected ?? false}
      aria-label={`Step ${props.number}: ${props.title}`}
      data-step-card={props.stepId}
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    >
      {body}
    </UnstyledButton>
  );
}
