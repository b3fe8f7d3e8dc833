import { Badge, Paper, SimpleGrid, Text } from '@mantine/core';
import type { Import, ImportStatus } from '../api/get-import.ts';

const STATUS_LOOK: Record<ImportStatus, { label: string; color: string }> = {
  uploaded: { label: 'needs mapping', color: 'gray' },
  validating: { label: 'checking', color: 'blue' },
  validated: { label: 'checked', color: 'cyan' },
  running: { label: 'importing', color: 'blue' },
  done: { label: 'done', color: 'teal' },
  failed: { label: 'failed', color: 'red' },
  cancelled: { label: 'cancelled', color: 'gray' },
};

export function ImportStatusBadge(props: { item: Pick<Import, 'status' | 'dryRun'> }) {
  const { status, dryRun } = props.item;
  const look = dryRun && status === 'done' ? STATUS_LOOK.validated : STATUS_LOOK[status];
  return (
    <Badge color={look.color} variant="light" tt="none">
      {look.label}
    </Badge>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export type Count = { label: string; value: number | null; color?: string };

export function Counts(props: { counts: Count[] }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: props.counts.length }} spacing="sm">
      {props.counts.map((count) => (
        <Paper key={count.label} withBorder radius="md" p="sm" data-count={count.label}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {count.label}
          </Text>
          <Text size="xl" fw={700} c={count.value ? count.color : undefined}>
            {count.value === null ? '—' : count.value.toLocaleString()}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
