import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ACTION_ACTIVITY_TYPES } from '../../../../common/workflows.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { useActionOptions } from '../../../lib/options/action-options.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import { type Lift, useLift } from '../api/get-lift.ts';
import { iso, plural } from './display.ts';
import { GOAL_TYPE_LABELS } from './holdout-fields.tsx';

/** A share as percentage points with its sign: 0.041 → "+4.1", −0.008 → "−0.8". */
function formatPoints(value: number): string {
  const points = Math.abs(value * 100).toFixed(1);
  return `${value < 0 && points !== '0.0' ? '−' : '+'}${points}`;
}

/** "took any action", or "signed a petition or made a call". */
function goalKinds(types: readonly string[]): string {
  if (ACTION_ACTIVITY_TYPES.every((type) => types.includes(type)) && types.length === ACTION_ACTIVITY_TYPES.length)
    return 'took any action';
  const labels = types.map((type) => (GOAL_TYPE_LABELS[type] ?? type).toLowerCase());
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? '');
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** "+4.1 points (95% CI −0.8 to +9.0)" */
function describeDifference(lift: Pick<Lift, 'difference' | 'interval'>): string | null {
  if (lift.difference === null || lift.interval === null) return null;
  const { low, high, level } = lift.interval;
  return `${formatPoints(lift.difference)} points (${Math.round(level * 100)}% CI ${formatPoints(low)} to ${formatPoints(high)})`;
}

/** What the interval says, in plain words. */
function verdict(lift: Lift): { text: string; color: string } | null {
  if (lift.interval === null) return null;
  if (lift.interval.low > 0) return { text: 'Members who got the message reached the goal more often than those held out.', color: 'teal' };
  if (lift.interval.high < 0) return { text: 'Members who got the message reached the goal less often than those held out.', color: 'red' };
  return {
    text: 'Not enough evidence of a difference: the interval includes 0, so the gap may be chance.',
    color: 'gray',
  };
}

function GroupStat(props: { label: string; group: Lift['treated']; testId: string }) {
  const { group } = props;
  return (
    <Paper withBorder radius="md" p="sm" data-testid={props.testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="xl" fw={700} data-value>
        {percent(group?.rate ?? null)}
      </Text>
      <Text size="xs" c="dimmed">
        {group ? `${group.reached.toLocaleString()} of ${plural(group.n, 'member', 'members')} reached the goal` : 'Not sent yet'}
      </Text>
    </Paper>
  );
}

/** The holdout comparison of a broadcast: goal rates of texted and held-out members, the difference and its interval. */
export function LiftCard(props: { broadcast: Broadcast }) {
  const { workspaceId } = useCurrentWorkspace();
  const lift = useLift(workspaceId, String(props.broadcast.id));
  const actions = useActionOptions(workspaceId);
  const data = lift.data;
  const goal = data?.goal ?? props.broadcast.goal ?? null;
  const actionLabel = goal?.actionId ? actions.data?.find((a) => a.value === String(goal.actionId))?.label : undefined;
  const difference = data ? describeDifference(data) : null;
  const said = data ? verdict(data) : null;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Lift">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Lift</Title>
          {data?.window && (
            <Badge color={data.window.open ? 'blue' : 'gray'} variant="light">
              {data.window.open ? 'Window open' : 'Window closed'}
            </Badge>
          )}
        </Group>
        {goal && (
          <Text size="sm" c="dimmed">
            Goal: members who {goalKinds(goal.types)}
            {goal.actionId ? ` (${actionLabel ?? `action ${goal.actionId}`})` : ''} within {plural(goal.withinDays, 'day', 'days')} of
            sending. {props.broadcast.holdoutPercent}% of the audience was held out at random.
          </Text>
        )}
        {lift.isError && (
          <Alert color="red" variant="light" title="Could not load the comparison">
            {errorDetail(lift.error)}
          </Alert>
        )}
        {data && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <GroupStat label="Got the message" group={data.treated} testId="lift-treated" />
              <GroupStat label="Held out" group={data.heldOut} testId="lift-held-out" />
              <Paper withBorder radius="md" p="sm" data-testid="lift-difference">
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  Difference
                </Text>
                <Text size="xl" fw={700} data-value>
                  {data.difference === null ? '—' : `${formatPoints(data.difference)} pts`}
                </Text>
                <Text size="xs" c="dimmed">
                  {data.interval
                    ? `95% CI ${formatPoints(data.interval.low)} to ${formatPoints(data.interval.high)}`
                    : data.heldOut?.n === 0
                      ? 'Nobody was held out'
                      : 'Once both groups have members'}
                </Text>
              </Paper>
            </SimpleGrid>
            {difference && said && (
              <Text size="sm" c={said.color === 'gray' ? undefined : said.color} data-testid="lift-verdict">
                <b>{difference}</b>. {said.text}
              </Text>
            )}
            {data.heldOut?.n === 0 && (
              <Text size="sm" c="dimmed">
                The random draw held out no member of this audience: there is nothing to compare with.
              </Text>
            )}
            {data.window && (
              <Text size="sm" c="dimmed" data-testid="lift-window">
                {data.window.open
                  ? `Window still open until ${formatDateTime(iso(data.window.until))}: members can still reach the goal, so the numbers will move.`
                  : `Window closed ${formatDateTime(iso(data.window.until))}: these are the final numbers.`}
              </Text>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
