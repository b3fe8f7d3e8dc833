import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { BroadcastStats, Channel } from '../api/list-broadcasts.ts';

/** Members of the audience who were not sent anything, and why. */
export function SkippedCard(props: { skipped: BroadcastStats['skipped']; channel: Channel }) {
  const { skipped } = props;
  const rows = [
    { label: 'No consent recorded', value: skipped.noConsent },
    { label: 'Opted out', value: skipped.optedOut },
    { label: 'Frequency cap reached', value: skipped.frequencyCap },
    ...(props.channel === 'sms' ? [{ label: 'Landline', value: skipped.landline }] : []),
    { label: props.channel === 'sms' ? 'No phone number' : 'No email address', value: skipped.noAddress },
  ];
  const total = rows.reduce((sum, row) => sum + row.value, 0);
  return (
    <Paper withBorder radius="md" p="md" aria-label="Skipped members">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Skipped</Title>
        <Text size="sm" c="dimmed">
          {total.toLocaleString()} {total === 1 ? 'member' : 'members'}
        </Text>
      </Group>
      <Stack gap={6}>
        {rows.map((row) => (
          <Group key={row.label} justify="space-between" data-skipped={row.label}>
            <Text size="sm">{row.label}</Text>
            <Text size="sm" fw={600} c={row.value > 0 ? undefined : 'dimmed'}>
              {row.value.toLocaleString()}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
