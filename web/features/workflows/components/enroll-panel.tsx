import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { IconUsersPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { TriggerKind } from '../../../../common/workflows.ts';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { type EnrollResult, useEnrollSegment } from '../api/enroll-members.ts';
import { usePickers } from './pickers.tsx';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Enrolls a saved segment's members in an active workflow, and says how many went in, were held out or skipped. */
export function EnrollPanel(props: { workflowId: string; triggerKind: TriggerKind; holdoutPercent: number }) {
  const { workspaceId } = useCurrentWorkspace();
  const { segments } = usePickers();
  const enroll = useEnrollSegment(workspaceId, props.workflowId);
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [result, setResult] = useState<EnrollResult | null>(null);
  return (
    <Paper withBorder radius="md" p="md" data-testid="enroll-panel">
      <Stack gap="xs">
        <Title order={5}>Enroll members</Title>
        <Text size="sm" c="dimmed">
          {props.triggerKind === 'manual'
            ? 'This workflow starts only when you enroll members: pick a saved segment.'
            : 'Members also enter by the trigger; you may enroll a saved segment too.'}{' '}
          The enrollment rule applies{props.holdoutPercent > 0 ? `, and about ${props.holdoutPercent}% are held out` : ''}.
        </Text>
        <Group align="flex-end" gap="xs">
          <Select
            label="Segment"
            placeholder={segments.length === 0 ? 'No saved segments yet' : 'Choose a segment'}
            data={segments}
            value={segmentId}
            onChange={(value) => {
              setSegmentId(value);
              setResult(null);
            }}
            searchable
            w={280}
            maw="100%"
          />
          <Button
            leftSection={<IconUsersPlus size={16} />}
            disabled={segmentId === null}
            loading={enroll.isPending}
            onClick={() => enroll.mutate(Number(segmentId), { onSuccess: setResult })}
          >
            Enroll
          </Button>
        </Group>
        {enroll.error && <ErrorAlert error={enroll.error} title="Could not enroll" />}
        {result && (
          <Alert color="teal" variant="light" role="status" data-testid="enroll-result">
            {plural(result.enrolled, 'member enrolled', 'members enrolled')}, {result.heldOut.toLocaleString()} held out
            {result.skipped > 0 ? `, ${plural(result.skipped, 'member', 'members')} skipped (already in or not eligible)` : ''}.
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
