import { Paper, SimpleGrid, Text } from '@mantine/core';

export type Stat = { label: string; value: string; hint?: string; color?: string };

/** A row of labelled numbers; each carries `data-count` with its label so people and tests can find it. */
export function StatGrid(props: { stats: Stat[]; cols?: { base: number; sm?: number; md?: number } }) {
  return (
    <SimpleGrid cols={props.cols ?? { base: 2, sm: 3, md: 5 }} spacing="sm">
      {props.stats.map((stat) => (
        <Paper key={stat.label} withBorder radius="md" p="sm" data-count={stat.label}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {stat.label}
          </Text>
          <Text size="xl" fw={700} c={stat.color} data-value>
            {stat.value}
          </Text>
          {stat.hint && (
            <Text size="xs" c="dimmed">
              {stat.hint}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}
