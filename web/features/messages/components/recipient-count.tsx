import { Group, Loader, Stack, Text } from '@mantine/core';
import type { Channel } from '../api/list-broadcasts.ts';
import type { Preview } from '../api/preview-broadcast.ts';

/** Who the audience holds and why some of them will not get the message, from the live preview. */
export function RecipientCount(props: { channel: Channel; recipients: Preview['recipients'] | undefined; loading: boolean }) {
  const { recipients } = props;
  if (!recipients) {
    return (
      <Group gap="xs" mih={24}>
        {props.loading && <Loader size="xs" />}
        <Text size="sm" c="dimmed">
          {props.loading ? 'Counting…' : 'Pick communities or tags to see who will receive it.'}
        </Text>
      </Group>
    );
  }
  const reasons = [
    { label: 'never agreed to receive texts', value: recipients.noConsent },
    { label: 'opted out', value: recipients.optedOut },
    { label: props.channel === 'sms' ? 'have no phone number' : 'have no email address', value: recipients.noAddress },
    { label: 'have a landline', value: recipients.landline },
  ].filter((reason) => reason.value > 0);
  const unreachable = recipients.total - recipients.reachable;
  return (
    <Stack gap={2} data-testid="recipient-count" aria-live="polite">
      <Group gap="xs">
        <Text size="sm">
          <Text span fw={700} fz="lg" data-value="reachable">
            {recipients.reachable.toLocaleString()}
          </Text>{' '}
          of {recipients.total.toLocaleString()} {recipients.total === 1 ? 'member' : 'members'} can be reached
        </Text>
        {props.loading && <Loader size="xs" aria-label="Updating the count" />}
      </Group>
      {unreachable > 0 && (
        <Text size="xs" c="dimmed">
          Not sent to {unreachable.toLocaleString()}:{' '}
          {reasons.map((reason) => `${reason.value.toLocaleString()} ${reason.label}`).join(', ')}.
        </Text>
      )}
    </Stack>
  );
}
