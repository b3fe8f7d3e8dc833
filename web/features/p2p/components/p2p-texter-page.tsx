import { Alert, Anchor, Button, Card, Container, Group, Kbd, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { IconClock, IconMessages, IconPlayerSkipForward, IconSend } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { notifyError } from '../../../lib/notify.ts';
import { type Queue, useQueue } from '../api/get-queue.ts';
import { useSendInitial } from '../api/send-initial.ts';
import { useTakeContacts } from '../api/take-contacts.ts';

const REASONS: Record<string, string> = {
  opted_out: 'opted out',
  no_consent: 'never agreed to texts',
  frequency_cap: 'got enough texts this week',
  no_address: 'has no number any more',
  texter: 'skipped',
};

/**
 * /inbox/campaigns/:campaignId/text — the texter's screen, made for a phone: one contact at a time in a large card,
 * Send (or Enter) sends that one initial and shows the next contact at once; the request finishes in the background.
 */
export function P2pTexterPage() {
  const { campaignId = '' } = useParams();
  const { workspaceId, can } = useCurrentWorkspace();
  const queue = useQueue(workspaceId, campaignId);
  if (!can('p2p.text')) return <NoAccess>Your role does not include peer-to-peer texting.</NoAccess>;
  return (
    <Container size="xs" px={0}>
      <QueryView query={queue} errorTitle="Could not load your contacts">
        {(data) => <Texting key={queue.dataUpdatedAt} queue={data} campaignId={campaignId} />}
      </QueryView>
    </Container>
  );
}

type Done = 'sent' | 'skipped';

function Texting(props: { queue: Queue; campaignId: string }) {
  const { queue, campaignId } = props;
  const { workspaceId } = useCurrentWorkspace();
  const send = useSendInitial(workspaceId, campaignId);
  const take = useTakeContacts(workspaceId);
  // What happened to each contact on this screen, kept in a ref too: key presses faster than a render never send one
  // contact twice.
  const doneRef = useRef(new Map<number, Done>());
  const [, rerender] = useState(0);
  const done = doneRef.current;
  const remaining = queue.contacts.filter((c) => !done.has(c.id));
  const current = remaining[0];
  const next = remaining[1];
  const sentHere = [...done.values()].filter((d) => d === 'sent').length;
  const skippedHere = [...done.values()].filter((d) => d === 'skipped').length;
  const sent = queue.batch.sent + sentHere;
  const size = queue.batch.size;

  const act = useCallback(
    (action: 'send' | 'skip') => {
      const contact = queue.contacts.find((c) => !doneRef.current.has(c.id));
      if (!contact) return;
      doneRef.current.set(contact.id, action === 'send' ? 'sent' : 'skipped');
      rerender((n) => n + 1);
      send.mutate(
        { contactId: contact.id, action },
        {
          onSuccess: (result) => {
            doneRef.current.set(contact.id, result.outcome);
            if (action === 'send' && result.outcome === 'skipped') {
              notifyError(
                new Error(`${contact.firstName ?? 'This contact'} ${REASONS[result.reason ?? ''] ?? 'cannot be texted'}: not sent.`),
                'Skipped',
              );
            }
            rerender((n) => n + 1);
          },
          onError: (error) => {
            doneRef.current.delete(contact.id);
            rerender((n) => n + 1);
            notifyError(error, `Not sent to ${contact.firstName ?? 'this contact'}`);
          },
        },
      );
    },
    [queue.contacts, send],
  );

  // Enter sends the contact on screen (also when the Send button has focus: handled once, here).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.repeat || event.isComposing) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      if (target?.tagName === 'A') return;
      event.preventDefault();
      act('send');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act]);

  const inbox = `/w/${workspaceId}/inbox?view=mine&campaignId=${campaignId}`;
  const open = queue.campaign.status === 'active' || queue.campaign.status === 'loading';

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Title order={3}>{queue.campaign.name}</Title>
          <Text size="sm" c="dimmed" data-testid="p2p-progress">
            {size === 0 ? 'No contacts taken yet' : `${sent} of ${size} sent`}
            {skippedHere + queue.batch.skipped > 0 && ` · ${skippedHere + queue.batch.skipped} skipped`}
          </Text>
        </Stack>
        <Anchor component={Link} to={inbox} size="sm" style={{ whiteSpace: 'nowrap' }}>
          <Group gap={4} wrap="nowrap">
            <IconMessages size={16} />
            My replies
          </Group>
        </Anchor>
      </Group>
      {size > 0 && <Progress value={(100 * (sent + skippedHere + queue.batch.skipped)) / size} size="sm" aria-label="Batch progress" />}
      {!open && (
        <Alert color="yellow" variant="light">
          {queue.campaign.status === 'paused'
            ? 'This campaign is paused: texts cannot go out until an organizer resumes it.'
            : 'This campaign is closed.'}
        </Alert>
      )}

      {current ? (
        <Card withBorder radius="lg" padding="lg" shadow="sm" data-testid="p2p-contact" data-contact={current.id}>
          <Stack gap="md">
            <Text size="xs" c="dimmed">
              Contact {sent + skippedHere + queue.batch.skipped + 1} of {size}
            </Text>
            <Title order={2}>{[current.firstName, current.lastName].filter(Boolean).join(' ') || 'Member'}</Title>
            <Paper p="md" radius="lg" bg="var(--mantine-color-blue-light)">
              <Text size="lg" style={{ whiteSpace: 'pre-wrap' }} data-testid="p2p-message">
                {current.body}
              </Text>
            </Paper>
            <Button size="xl" fullWidth leftSection={<IconSend />} onClick={() => act('send')} disabled={!open}>
              Send
            </Button>
            <Group justify="space-between">
              <Button variant="subtle" color="gray" leftSection={<IconPlayerSkipForward size={16} />} onClick={() => act('skip')}>
                Skip
              </Button>
              <Text size="xs" c="dimmed">
                or press <Kbd>Enter</Kbd>
              </Text>
            </Group>
            {next && (
              <Text size="xs" c="dimmed">
                Next: {[next.firstName, next.lastName].filter(Boolean).join(' ') || 'Member'}
              </Text>
            )}
          </Stack>
        </Card>
      ) : (
        <Card withBorder radius="lg" padding="lg" data-testid="p2p-batch-done">
          <Stack gap="sm">
            <Title order={3}>{size === 0 ? 'Ready when you are' : 'Batch done'}</Title>
            <Text size="sm">
              {size === 0
                ? 'Take a batch of contacts to start texting.'
                : `You sent ${sent} of ${size}. Replies land in your conversations.`}
            </Text>
            <Button
              size="lg"
              fullWidth
              onClick={() =>
                take.mutate(campaignId, {
                  onSuccess: (result) => {
                    if (result.taken === 0 && result.assigned === 0)
                      notifyError(new Error('Every contact of this campaign is taken.'), 'Nothing left');
                  },
                  onError: (error) => notifyError(error, 'Could not take contacts'),
                })
              }
              loading={take.isPending}
              disabled={!open}
            >
              {size === 0 ? 'Take contacts' : 'Take more'}
            </Button>
            <Anchor component={Link} to={inbox} size="sm">
              Go to my conversations
            </Anchor>
          </Stack>
        </Card>
      )}

      {queue.waiting > 0 && (
        <Alert color="blue" variant="light" icon={<IconClock />}>
          {queue.waiting} {queue.waiting === 1 ? 'contact is' : 'contacts are'} outside their texting hours
          {queue.nextWindowAt !== null && ` until ${formatDateTime(new Date(queue.nextWindowAt).toISOString())}`}.
        </Alert>
      )}
    </Stack>
  );
}
