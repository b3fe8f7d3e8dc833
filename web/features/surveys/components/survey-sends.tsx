import { Alert, Badge, Button, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { IconPlayerStop } from '@tabler/icons-react';
import { formatDateTime } from '../../../lib/format.ts';
import { isActiveSend, type SendStatus, type SurveySend } from '../api/list-survey-sends.ts';

const STATUS: Record<SendStatus, { label: string; color: string }> = {
  queued: { label: 'Waiting to start', color: 'gray' },
  running: { label: 'Sending', color: 'blue' },
  done: { label: 'Sent', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

export function SendStatusBadge(props: { status: SendStatus }) {
  const { label, color } = STATUS[props.status];
  return (
    <Badge color={color} variant="light">
      {label}
    </Badge>
  );
}

const count = (n: number) => n.toLocaleString();

/** Members the send skipped, all reasons together. */
const skippedOf = (send: SurveySend) => Object.values(send.skipped).reduce((sum, n) => sum + n, 0);

/** "40 no consent / opted out, 10 already answering": why members were skipped, the reasons that happened. */
function skipReasons(send: SurveySend): string {
  const { noConsent, alreadyStarted, alreadyCompleted, notFound, frequencyCap } = send.skipped;
  return (
    [
      [noConsent, 'no consent / opted out'],
      [alreadyStarted, 'already answering'],
      [alreadyCompleted, 'already answered'],
      [frequencyCap, 'texted enough this week'],
      [notFound, 'no phone / not found'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${count(n)} ${label}`)
    .join(', ');
}

/** "1,200 of 5,000 members: 1,150 started, 50 skipped (50 no consent / opted out)". */
export function sendSummary(send: SurveySend): string {
  const skipped = skippedOf(send);
  const reasons = skipReasons(send);
  return `${count(send.processed)} of ${count(send.total)} members: ${count(send.started)} started, ${count(skipped)} skipped${
    reasons ? ` (${reasons})` : ''
  }`;
}

/** "Transit riders, Volunteers · #volunteer · 12 chosen members": who a send was for. */
function audienceOf(send: SurveySend): string {
  const parts = [
    send.audience.communities.map((c) => c.name).join(', '),
    send.audience.tags.map((tag) => `#${tag}`).join(', '),
    send.audience.memberCount > 0 ? `${count(send.audience.memberCount)} chosen members` : '',
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

const when = (epochMs: number) => formatDateTime(new Date(epochMs).toISOString());

/** One send's progress: a bar and the counts, with a Cancel button while it runs. */
export function SendProgress(props: { send: SurveySend; onCancel?: () => void; cancelling?: boolean }) {
  const { send } = props;
  const active = isActiveSend(send);
  const percent = send.total > 0 ? Math.min(100, Math.round((send.processed / send.total) * 100)) : active ? 0 : 100;
  return (
    <Stack gap="xs" data-testid="send-progress-panel">
      <Group justify="space-between">
        <Group gap="xs">
          <Text fw={600}>{active ? 'Sending the survey' : 'Survey send'}</Text>
          <SendStatusBadge status={send.status} />
        </Group>
        {active && props.onCancel && (
          <Button
            variant="default"
            size="compact-sm"
            leftSection={<IconPlayerStop size={14} />}
            loading={props.cancelling}
            onClick={props.onCancel}
          >
            Cancel send
          </Button>
        )}
      </Group>
      <Progress
        value={percent}
        size="xl"
        striped={active}
        animated={active}
        color={send.status === 'failed' ? 'red' : send.status === 'cancelled' ? 'gray' : 'teal'}
        aria-label="Send progress"
      />
      <Text size="sm" data-testid="send-progress">
        {sendSummary(send)}
      </Text>
      {send.status === 'queued' && (
        <Text size="sm" c="dimmed">
          Waiting for a worker to start it.
        </Text>
      )}
      {send.status === 'failed' && (
        <Alert color="red" variant="light" title="The send stopped">
          {send.error ?? 'An unexpected error stopped it.'}
        </Alert>
      )}
      {send.status === 'cancelled' && (
        <Text size="sm" c="dimmed">
          Cancelled: members asked before that keep their survey; the others were not texted.
        </Text>
      )}
    </Stack>
  );
}

/** Earlier sends of the survey, newest first. */
export function SendHistory(props: { sends: SurveySend[] }) {
  if (props.sends.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No earlier sends.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560} type="native">
      <Table verticalSpacing="xs" fz="sm" aria-label="Earlier sends">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Skipped</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.sends.map((send) => (
            <Table.Tr key={send.id} data-send={send.id}>
              <Table.Td>
                {when(send.createdAt)}
                {send.createdBy && (
                  <Text size="xs" c="dimmed">
                    by {send.createdBy.name}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{audienceOf(send)}</Table.Td>
              <Table.Td>
                <SendStatusBadge status={send.status} />
                {isActiveSend(send) && (
                  <Text size="xs" c="dimmed">
                    {count(send.processed)} of {count(send.total)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{count(send.started)}</Table.Td>
              <Table.Td title={skipReasons(send) || undefined}>{count(skippedOf(send))}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
