import { SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { Sender } from '../api/list-senders.ts';
import type { ComposerValues, SetValue } from './composer-values.ts';
import { formatMoney } from './display.ts';

function senderLabel(sender: Sender): string {
  const name = sender.label ? `${sender.label} · ${sender.address}` : sender.address;
  return `${name} (${sender.accountName})`;
}

/** Name, channel, sender, and the fields that depend on them: the email subject, the MMS picture. */
export function BasicsFields(props: {
  values: ComposerValues;
  set: SetValue;
  senders: readonly Sender[];
  errorOf: (field: string) => string | undefined;
}) {
  const { values, set, errorOf } = props;
  const hasEmail = props.senders.some((sender) => sender.channel === 'email');
  const options = props.senders.filter((sender) => sender.channel === values.channel && sender.status === 'active');
  const fallback = options.find((sender) => sender.isDefault);
  const chosen = options.find((sender) => String(sender.id) === values.senderId) ?? fallback;

  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        description="For your team only; members never see it."
        placeholder="Council vote reminder – March"
        value={values.name}
        onChange={(event) => set('name', event.currentTarget.value)}
        error={errorOf('name')}
        withAsterisk
      />
      {hasEmail && (
        <div>
          <Text size="sm" fw={500} mb={4}>
            Channel
          </Text>
          <SegmentedControl
            aria-label="Channel"
            value={values.channel}
            onChange={(value) => {
              set('channel', value === 'email' ? 'email' : 'sms');
              set('senderId', null);
            }}
            data={[
              { value: 'sms', label: 'SMS' },
              { value: 'email', label: 'Email' },
            ]}
          />
        </div>
      )}
      <Select
        label="Send from"
        description={
          chosen
            ? `${chosen.throughput.toLocaleString()} segments per second · ${formatMoney(chosen.priceMicros)} per ${values.channel === 'sms' ? 'segment' : 'email'}`
            : 'Add a sender under Settings → Channels & senders.'
        }
        placeholder={fallback ? `Default: ${senderLabel(fallback)}` : 'No default sender'}
        data={options.map((sender) => ({ value: String(sender.id), label: senderLabel(sender) }))}
        value={values.senderId}
        onChange={(value) => set('senderId', value)}
        error={errorOf('senderId')}
        clearable
      />
      {values.channel === 'email' && (
        <TextInput
          label="Subject"
          value={values.subject}
          onChange={(event) => set('subject', event.currentTarget.value)}
          error={errorOf('subject')}
          withAsterisk
        />
      )}
      {values.channel === 'sms' && chosen?.supportsMms && (
        <SimpleGrid cols={1}>
          <TextInput
            label="Picture (MMS)"
            description={`A link to an image sent with the text. An MMS costs ${formatMoney(chosen.mmsPriceMicros)} per message.`}
            placeholder="https://example.org/rally.jpg"
            value={values.mediaUrl}
            onChange={(event) => set('mediaUrl', event.currentTarget.value)}
            error={errorOf('mediaUrl')}
            type="url"
          />
        </SimpleGrid>
      )}
    </Stack>
  );
}
