import { Alert, Anchor, Badge, Button, Collapse, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { ConsentBadge } from '../../../components/consent-badge.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type ConsentEvent, useConsent } from '../api/get-consent.ts';
import type { Member } from '../api/get-member.ts';
import { type ConsentRecord, useRecordConsent } from '../api/record-consent.ts';

const METHODS: Record<string, string> = {
  web_form: 'Web form',
  keyword: 'Texted a keyword',
  reply: 'Text reply',
  import: 'Import',
  api: 'API',
  staff: 'Recorded by staff',
  verified_code: 'Verified code',
  provider: 'SMS provider report',
};

export function ConsentTab(props: { member: Member }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const memberId = String(props.member.id);
  const consent = useConsent(workspaceId, memberId);
  return (
    <Stack>
      {can('members.write') && !props.member.erasedAt && <RecordConsentForm memberId={memberId} hasPhone={Boolean(props.member.phone)} />}
      <QueryView query={consent} errorTitle="Could not load the consent history">
        {(data) => (
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={3} size="h5">
                Consent history
              </Title>
              <Group gap="xs">
                <ConsentBadge channel="sms" state={data.current.sms} />
                <ConsentBadge channel="email" state={data.current.email} />
              </Group>
            </Group>
            <Text size="xs" c="dimmed">
              Every time this member agreed or opted out, newest first. Entries are never changed or removed, and are kept for at least four
              years.
            </Text>
            {data.events.length === 0 ? (
              <Text size="sm" c="dimmed">
                No consent recorded. Without it, this member receives no text messages.
              </Text>
            ) : (
              <Stack gap="xs" component="ol" aria-label="Consent history" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {[...data.events]
                  .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)
                  .map((event) => (
                    <ConsentEventItem key={event.id} event={event} />
                  ))}
              </Stack>
            )}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}

function ConsentEventItem(props: { event: ConsentEvent }) {
  const { event } = props;
  const { workspaceId } = useCurrentWorkspace();
  const granted = event.status === 'granted';
  return (
    <Paper
      component="li"
      withBorder
      radius="md"
      p="sm"
      style={{ borderLeft: `4px solid var(--mantine-color-${granted ? 'teal' : 'red'}-6)` }}
    >
      <Group justify="space-between" gap="xs" align="flex-start">
        <Group gap="xs">
          <Badge color={granted ? 'teal' : 'red'} variant="light" tt="none">
            {granted ? 'Opted in' : 'Opted out'}
          </Badge>
          <Text size="sm" fw={500}>
            {event.channel === 'sms' ? 'SMS' : 'Email'}
          </Text>
          <Text size="sm" c="dimmed">
            · {METHODS[event.method] ?? event.method}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" title={formatRelative(event.createdAt)}>
          {formatDateTime(event.createdAt)}
        </Text>
      </Group>
      {event.wording ? (
        <Text
          size="sm"
          mt={6}
          p="xs"
          bg="var(--mantine-color-gray-0)"
          style={{ borderRadius: 6, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
        >
          “{event.wording}”
        </Text>
      ) : (
        <Text size="xs" c="dimmed" mt={6}>
          No wording recorded.
        </Text>
      )}
      <Group gap="md" style={{ rowGap: 2 }} mt={6}>
        {event.recordedBy && <Meta label="By">{event.recordedBy.name}</Meta>}
        {event.importId !== null && (
          <Meta label="Import">
            <Anchor component={Link} to={`/w/${workspaceId}/members/import/${event.importId}`} size="xs">
              #{event.importId}
            </Anchor>
          </Meta>
        )}
        {event.sourceUrl && (
          <Meta label="Page">
            <Anchor href={event.sourceUrl} target="_blank" rel="noreferrer noopener" size="xs" style={{ overflowWrap: 'anywhere' }}>
              {event.sourceUrl}
            </Anchor>
          </Meta>
        )}
        {event.ip && <Meta label="IP">{event.ip}</Meta>}
        {event.userAgent && <Meta label="Browser">{event.userAgent}</Meta>}
      </Group>
    </Paper>
  );
}

function Meta(props: { label: string; children: ReactNode }) {
  return (
    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
      {props.label}:{' '}
      <Text span size="xs" c="var(--mantine-color-text)">
        {props.children}
      </Text>
    </Text>
  );
}

function RecordConsentForm(props: { memberId: string; hasPhone: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  const record = useRecordConsent(workspaceId, props.memberId);
  const [opened, toggle] = useDisclosure(false);
  const [channel, setChannel] = useState<ConsentRecord['channel']>(props.hasPhone ? 'sms' : 'email');
  const [status, setStatus] = useState<ConsentRecord['status']>('granted');
  const [wording, setWording] = useState('');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    record.mutate(
      { channel, status, wording: wording.trim() },
      {
        onSuccess: () => {
          notifySuccess(status === 'granted' ? 'Consent recorded.' : 'Opt-out recorded. No more messages will go out on this channel.');
          setWording('');
          toggle.close();
        },
      },
    );
  };

  const error = record.error;
  return (
    <Paper withBorder radius="md" p="sm">
      <Group justify="space-between">
        <Text size="sm">Did this member agree to messages, or ask to stop, in person or by phone?</Text>
        <Button variant={opened ? 'subtle' : 'light'} size="compact-sm" onClick={toggle.toggle}>
          {opened ? 'Close' : 'Record consent / opt-out'}
        </Button>
      </Group>
      <Collapse expanded={opened}>
        <form onSubmit={submit} noValidate>
          <Stack mt="sm" gap="sm">
            <Group gap="md">
              <SegmentedControl
                aria-label="Channel"
                value={channel}
                onChange={(value) => setChannel(value as ConsentRecord['channel'])}
                data={[
                  { value: 'sms', label: 'SMS' },
                  { value: 'email', label: 'Email' },
                ]}
              />
              <SegmentedControl
                aria-label="Consent"
                value={status}
                onChange={(value) => setStatus(value as ConsentRecord['status'])}
                color={status === 'granted' ? 'teal' : 'red'}
                data={[
                  { value: 'granted', label: 'Opted in' },
                  { value: 'revoked', label: 'Opted out' },
                ]}
              />
            </Group>
            <Textarea
              label={status === 'granted' ? 'The exact words they agreed to' : 'How they asked to stop'}
              placeholder={
                status === 'granted'
                  ? 'I agree to receive recurring text messages from …'
                  : 'Asked at the rally on May 3 to stop receiving texts.'
              }
              value={wording}
              onChange={(event) => setWording(event.currentTarget.value)}
              error={fieldError(error, 'wording')}
              autosize
              minRows={2}
              withAsterisk={status === 'granted'}
            />
            {status === 'granted' && channel === 'sms' && (
              <Alert color="blue" variant="light" icon={<IconInfoCircle />} p="xs">
                Record consent only when the member actually gave it. It is stored with your name and the time.
              </Alert>
            )}
            {error && !onlyFieldErrors(error, ['wording', 'channel', 'status']) && (
              <Alert color="red" variant="light" role="alert">
                {errorDetail(error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button
                type="submit"
                color={status === 'granted' ? 'teal' : 'red'}
                loading={record.isPending}
                disabled={status === 'granted' && !wording.trim()}
              >
                {status === 'granted' ? 'Record consent' : 'Record opt-out'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Collapse>
    </Paper>
  );
}
