import { Alert, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { IconHourglass, IconInfoCircle } from '@tabler/icons-react';
import { ACTIVITY_LABELS } from '../../../../common/segments.ts';
import type { WorkflowGoal } from '../../../../common/workflows.ts';
import type { GoalComparison } from '../api/get-report.ts';

const MINUS = '\u2212';

/** A share as signed percentage points: "+4.1", "−0.8", "0.0". */
export function points(share: number): string {
  const value = Math.round(share * 1000) / 10;
  if (value === 0) return '0.0';
  return `${value > 0 ? '+' : MINUS}${Math.abs(value).toFixed(1)}`;
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);

/** The difference in plain words: "+4.1 points (95% CI −0.8 to +9.0)". */
export function differenceSentence(goal: GoalComparison): string | null {
  if (goal.difference === null || goal.interval === null) return null;
  const level = Math.round(goal.interval.level * 100);
  return `${points(goal.difference)} points (${level}% CI ${points(goal.interval.low)} to ${points(goal.interval.high)})`;
}

/**
 * Did the workflow make a difference: the share of treated members who reached the goal against the share of held-out
 * members who did over the same window, and the difference with its 95% interval in words an organizer can act on.
 */
export function GoalCard(props: {
  goal: GoalComparison | null;
  definition: WorkflowGoal | undefined;
  /** When the newest run began (its goal window is the last to close). */
  newestEnrollment: number | null;
}) {
  const { goal, definition } = props;
  if (!goal) {
    return (
      <Paper withBorder radius="md" p="md">
        <Title order={5} mb={4}>
          Goal
        </Title>
        <Text size="sm" c="dimmed">
          This workflow has no goal. Set one in the builder (Enrollment & goal), with a holdout, to see whether it changes what members do.
        </Text>
      </Paper>
    );
  }
  const sentence = differenceSentence(goal);
  const crossesZero = goal.interval !== null && goal.interval.low <= 0 && goal.interval.high >= 0;
  const windowMs = (definition?.withinDays ?? 0) * 86_400_000;
  const open = props.newestEnrollment !== null && windowMs > 0 && props.newestEnrollment + windowMs > Date.now();
  const what = definition ? definition.types.map((t) => ACTIVITY_LABELS[t].past).join(' or ') : 'reached the goal';
  return (
    <Paper withBorder radius="md" p="md" data-testid="goal-card">
      <Stack gap="sm">
        <div>
          <Title order={5}>Goal</Title>
          <Text size="sm" c="dimmed">
            Members who {what}
            {definition ? ` within ${definition.withinDays} days of enrolling` : ''}.
          </Text>
        </div>
        <Group grow align="flex-start">
          <Rate label="Got the workflow" reached={goal.treated.reached} n={goal.treated.n} rate={goal.treated.rate} color="teal" />
          <Rate label="Held out" reached={goal.heldOut.reached} n={goal.heldOut.n} rate={goal.heldOut.rate} color="gray" />
        </Group>
        {sentence ? (
          <div>
            <Text size="sm" c="dimmed">
              Difference
            </Text>
            <Text size="xl" fw={700} data-testid="goal-difference">
              {sentence}
            </Text>
            {crossesZero ? (
              <Text size="sm" c="orange.8" data-testid="goal-verdict">
                Not enough evidence yet: the interval includes no difference at all, so the workflow may not be changing what members do.
              </Text>
            ) : (
              <Text size="sm" c={goal.difference !== null && goal.difference > 0 ? 'teal.8' : 'red.8'} data-testid="goal-verdict">
                {goal.difference !== null && goal.difference > 0
                  ? 'Members who got the workflow reached the goal more often than those held out.'
                  : 'Members who got the workflow reached the goal less often than those held out.'}
              </Text>
            )}
          </div>
        ) : (
          <Alert color="gray" variant="light" icon={<IconInfoCircle />} p="xs">
            {goal.heldOut.n === 0
              ? 'No one is held out yet, so there is nothing to compare with: set a holdout percent in the builder.'
              : 'No member has got the workflow yet.'}
          </Alert>
        )}
        {open && (
          <Alert color="blue" variant="light" icon={<IconHourglass />} p="xs" data-testid="goal-window-open">
            The goal window is still open: members enrolled in the last {definition?.withinDays} days may still reach it, and count as not
            reached until then.
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function Rate(props: { label: string; reached: number; n: number; rate: number | null; color: string }) {
  return (
    <div data-rate={props.label}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {props.label}
        </Text>
        <Text size="sm" fw={700}>
          {percent(props.rate)}
        </Text>
      </Group>
      <Progress value={(props.rate ?? 0) * 100} color={props.color} size="lg" mt={4} aria-hidden />
      <Text size="xs" c="dimmed" mt={2}>
        {props.reached.toLocaleString()} of {props.n.toLocaleString()} members
      </Text>
    </div>
  );
}
