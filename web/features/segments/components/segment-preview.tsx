import { Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import type { SegmentPreview as Preview } from '../api/preview-segment.ts';
import { SegmentMemberTable } from './segment-member-table.tsx';

export function membersLabel(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'member' : 'members'}`;
}

/**
 * The live answer to the rule tree being edited: how many members match, the tree in one sentence, and a sample.
 * `incomplete` when some condition still needs an answer (nothing is asked of the server then).
 */
export function SegmentPreviewPanel(props: { preview: UseQueryResult<Preview>; sentence: string; incomplete: boolean; waiting: boolean }) {
  const { preview, incomplete } = props;
  const data = preview.data;
  const busy = !incomplete && (props.waiting || preview.isFetching);
  // A refused tree is explained on its rows; other failures here.
  const failure = preview.isError && !(preview.error instanceof ApiError && preview.error.status === 400) ? preview.error : null;
  return (
    <Paper withBorder radius="md" p="md" aria-label="Who matches" component="section">
      <Stack gap="sm">
        <Group justify="space-between" align="center">
          <Title order={4}>Who matches</Title>
          {busy && <Loader size="xs" aria-label="Counting" />}
        </Group>
        <Text fz={30} fw={700} lh={1.1} data-segment-count aria-live="polite" c={incomplete || !data ? 'dimmed' : undefined}>
          {data && !incomplete ? membersLabel(data.count) : '—'}
        </Text>
        {incomplete ? (
          <Text size="sm" c="dimmed">
            Finish the highlighted conditions to count who matches.
          </Text>
        ) : preview.isError && preview.error instanceof ApiError && preview.error.status === 400 ? (
          <Text size="sm" c="red">
            Some conditions need fixing: see the messages on them.
          </Text>
        ) : null}
        {failure !== null && <ErrorAlert error={failure} title="Could not count" onRetry={() => void preview.refetch()} />}
        <Text size="sm" data-segment-sentence>
          <Text span fw={600}>
            In words:{' '}
          </Text>
          {props.sentence}
        </Text>
        {data && !incomplete && data.sample.length > 0 && (
          <Stack gap={4}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              A few of them
            </Text>
            <SegmentMemberTable members={data.sample} label="Sample of matching members" dimmed={preview.isPlaceholderData} compact />
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
