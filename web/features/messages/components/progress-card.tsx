import { Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { formatDateTime } from '../../../lib/format.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import { isActive } from '../api/list-broadcasts.ts';
import { iso, plural } from './display.ts';

function caption(broadcast: Broadcast, percent: number): string {
  const { stats } = broadcast;
  switch (broadcast.status) {
    case 'draft':
      return 'Not launched yet.';
    case 'scheduled':
      return broadcast.scheduledAt ? `Starts ${formatDateTime(iso(broadcast.scheduledAt))}.` : 'Waiting for its time to start.';
    case 'expanding':
      return `Preparing the recipient list: ${plural(stats.queued, 'message', 'messages')} queued so far.`;
    case 'completed':
      return `Finished${broadcast.completedAt ? ` ${formatDateTime(iso(broadcast.completedAt))}` : ''}: ${plural(stats.finished, 'message', 'messages')} handled.`;
    case 'cancelled':
      return `Cancelled after ${plural(stats.finished, 'message', 'messages')}.`;
    default:
      return `${stats.finished.toLocaleString()} of ${stats.queued.toLocaleString()} messages handled (${percent}%).`;
  }
}

/** How far sending has got: messages that left the outbox for good, of those queued. */
export function ProgressCard(props: { broadcast: Broadcast }) {
  const { broadcast } = props;
  const { stats } = broadcast;
  const done = broadcast.status === 'completed';
  const percent = stats.queued > 0 ? Math.min(100, Math.round((stats.finished / stats.queued) * 100)) : done ? 100 : 0;
  const moving = broadcast.status === 'sending' || broadcast.status === 'expanding';
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>Progress</Text>
          <Text size="sm" fw={600}>
            {percent}%
          </Text>
        </Group>
        <Progress
          value={percent}
          size="xl"
          radius="xl"
          striped={moving}
          animated={moving}
          color={broadcast.status === 'paused' ? 'orange' : broadcast.status === 'cancelled' ? 'gray' : 'teal'}
          aria-label="Sending progress"
        />
        <Text size="sm" c="dimmed" data-testid="broadcast-progress">
          {caption(broadcast, percent)}
          {isActive(broadcast.status) ? ' Updates every 2 seconds.' : ''}
        </Text>
      </Stack>
    </Paper>
  );
}
