import { Alert, Badge, Divider, Group, List, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError } from '../../../lib/api-client.ts';
import { errorDetail } from '../../../lib/errors.ts';
import type { Channel } from '../api/list-broadcasts.ts';
import type { Preview } from '../api/preview-broadcast.ts';
import { formatDuration, formatMoney, languageName } from './display.ts';

function Row(props: { label: string; value: ReactNode; testId?: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap" data-summary={props.testId}>
      <Text size="sm" c="dimmed">
        {props.label}
      </Text>
      <Text size="sm" fw={600} ta="right">
        {props.value}
      </Text>
    </Group>
  );
}

/** Problems the preview reported, or the field messages of a preview the server refused. */
function problemsOf(preview: Preview | undefined, error: unknown): string[] {
  if (error instanceof ApiError) {
    const fields = Object.entries(error.fieldErrors).map(([field, message]) => `${field}: ${message}`);
    return fields.length > 0 ? fields : [error.detail];
  }
  if (error) return [errorDetail(error)];
  return preview?.problems.map((problem) => problem.message) ?? [];
}

/** What launching would do: who gets it, how many segments, what it costs and how long sending takes. */
export function PreviewSummary(props: {
  channel: Channel;
  preview: Preview | undefined;
  error: unknown;
  loading: boolean;
  /** False until the message is written: the cost of a stand-in text is not shown. */
  hasMessage: boolean;
  children: ReactNode;
}) {
  const { preview } = props;
  const problems = problemsOf(preview, props.error);
  const costKnown = preview !== undefined && props.hasMessage;
  return (
    <Paper withBorder radius="md" p="md" pos="sticky" top={76} data-testid="broadcast-summary">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Summary</Title>
          {props.loading && <Loader size="xs" aria-label="Updating the summary" />}
        </Group>
        <Row
          label="Recipients"
          testId="recipients"
          value={preview ? `${preview.recipients.reachable.toLocaleString()} of ${preview.recipients.total.toLocaleString()}` : '—'}
        />
        {props.channel === 'sms' && (
          <Row label="Segments per message" testId="segments" value={costKnown ? preview.segmentsPerMessage.toLocaleString() : '—'} />
        )}
        <Row label="Estimated cost" testId="cost" value={costKnown ? formatMoney(preview.costMicros) : '—'} />
        <Row label="Time to send" testId="drain" value={costKnown ? formatDuration(preview.drainSeconds) : '—'} />
        <Row label="From" value={preview?.sender ? preview.sender.label || preview.sender.address : '—'} />
        {costKnown && preview.renders.length > 0 && (
          <>
            <Divider label="Sample" labelPosition="left" />
            {preview.renders.map((render) => (
              <Stack key={render.language} gap={4}>
                <Group gap={6}>
                  <Text size="xs" fw={600}>
                    {languageName(render.language)}
                  </Text>
                  {preview.languages[render.language] !== undefined && (
                    <Text size="xs" c="dimmed">
                      {preview.languages[render.language]?.toLocaleString()} members
                    </Text>
                  )}
                  {props.channel === 'sms' && (
                    <Badge size="xs" variant="light" color={render.encoding === 'ucs2' ? 'orange' : 'teal'} tt="none">
                      {render.encoding === 'ucs2' ? 'UCS-2' : 'GSM-7'} · {render.segments} seg.
                    </Badge>
                  )}
                </Group>
                <Text
                  size="sm"
                  p="xs"
                  bg="var(--mantine-color-gray-1)"
                  style={{ borderRadius: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                >
                  {render.sample}
                </Text>
              </Stack>
            ))}
          </>
        )}
        {problems.length > 0 && (
          <Alert color="red" variant="light" p="xs" icon={<IconAlertTriangle size={18} />} title="Fix before launching" role="alert">
            <List size="xs" spacing={2}>
              {problems.map((problem) => (
                <List.Item key={problem}>{problem}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {props.children}
      </Stack>
    </Paper>
  );
}
