import { Alert, Button, Checkbox, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type SenderInput, useCreateSender } from '../api/create-sender.ts';
import type { ChannelAccount } from '../api/list-channel-accounts.ts';
import type { Provider } from '../api/list-providers.ts';
import type { Sender, SenderKind } from '../api/list-senders.ts';
import { type SenderPatch, useUpdateSender } from '../api/update-sender.ts';
import { formatPrice, KIND_LABELS, SMS_KINDS, toMicros } from './display.ts';

const FIELDS = ['kind', 'address', 'label', 'throughput', 'supportsMms', 'isDefault', 'priceMicros', 'mmsPriceMicros'];

type Values = {
  kind: SenderKind;
  address: string;
  label: string;
  throughput: number | string;
  supportsMms: boolean;
  isDefault: boolean;
  price: number | string;
  mmsPrice: number | string;
};

function valuesOf(provider: Provider | undefined, sender: Sender | undefined, firstOfChannel: boolean): Values {
  return {
    kind: sender?.kind ?? (provider?.channel === 'email' ? 'email' : 'long_code'),
    address: sender?.address ?? '',
    label: sender?.label ?? '',
    throughput: sender?.throughput ?? '',
    supportsMms: sender?.supportsMms ?? provider?.mms ?? false,
    isDefault: sender?.isDefault ?? firstOfChannel,
    price: sender ? sender.priceMicros / 1_000_000 : '',
    mmsPrice: sender ? sender.mmsPriceMicros / 1_000_000 : '',
  };
}

const numberOf = (value: number | string): number | undefined => {
  const number = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(number) ? number : undefined;
};

/** Adds a number or address to an account, or edits `sender`. */
export function SenderModal(props: {
  opened: boolean;
  onClose: () => void;
  account: ChannelAccount;
  provider: Provider | undefined;
  sender?: Sender;
  /** No sender of this channel exists yet: the new one becomes the default. */
  firstOfChannel: boolean;
}) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.sender ? `Edit ${props.sender.label || props.sender.address}` : `Add a sender to ${props.account.name}`}
      centered
    >
      {props.opened && <SenderForm {...props} />}
    </Modal>
  );
}

function SenderForm(props: {
  onClose: () => void;
  account: ChannelAccount;
  provider: Provider | undefined;
  sender?: Sender;
  firstOfChannel: boolean;
}) {
  const { workspaceId } = useCurrentWorkspace();
  const create = useCreateSender(workspaceId);
  const update = useUpdateSender(workspaceId);
  const mutation = props.sender ? update : create;
  const [values, setValues] = useState(() => valuesOf(props.provider, props.sender, props.firstOfChannel));
  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  const email = props.provider?.channel === 'email';
  const unit = email ? 'email' : 'segment';

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const price = numberOf(values.price);
    const mmsPrice = numberOf(values.mmsPrice);
    const throughput = numberOf(values.throughput);
    const common: SenderPatch = {
      label: values.label.trim(),
      isDefault: values.isDefault,
      ...(throughput !== undefined ? { throughput } : {}),
      ...(price !== undefined ? { priceMicros: toMicros(price) } : {}),
      ...(props.provider?.mms ? { supportsMms: values.supportsMms } : {}),
      ...(props.provider?.mms && mmsPrice !== undefined ? { mmsPriceMicros: toMicros(mmsPrice) } : {}),
    };
    const done = (sender: Sender) => {
      notifySuccess(`${sender.label || sender.address} was saved.`);
      props.onClose();
    };
    if (props.sender) {
      update.mutate({ senderId: props.sender.id, patch: common }, { onSuccess: done });
    } else {
      const input: SenderInput = { ...common, channelAccountId: props.account.id, kind: values.kind, address: values.address.trim() };
      create.mutate(input, { onSuccess: done });
    }
  };

  const error = mutation.error;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Kind"
            data={(email ? (['email'] as const) : SMS_KINDS).map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
            value={values.kind}
            onChange={(value) => value && set('kind', value as SenderKind)}
            error={fieldError(error, 'kind')}
            disabled={props.sender !== undefined}
            allowDeselect={false}
          />
          <TextInput
            label={email ? 'Email address' : values.kind === 'alphanumeric' ? 'Sender ID' : 'Number or ID'}
            placeholder={email ? 'news@example.org' : values.kind === 'messaging_service' ? 'MG…' : '+1 512 555 0100'}
            value={values.address}
            onChange={(event) => set('address', event.currentTarget.value)}
            error={fieldError(error, 'address')}
            disabled={props.sender !== undefined}
            withAsterisk
            data-autofocus
          />
        </SimpleGrid>
        <TextInput
          label="Label"
          description="Shown to your team when picking a sender."
          placeholder="Austin chapter number"
          value={values.label}
          onChange={(event) => set('label', event.currentTarget.value)}
          error={fieldError(error, 'label')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label={`${email ? 'Emails' : 'Segments'} per second`}
            description="What the provider allows this sender."
            placeholder={props.provider ? String(props.provider.defaultThroughput) : undefined}
            value={values.throughput}
            onChange={(value) => set('throughput', value)}
            error={fieldError(error, 'throughput')}
            min={0}
            decimalScale={2}
          />
          <NumberInput
            label={`Price per ${unit}`}
            description="For cost estimates and reports."
            placeholder={props.provider ? formatPrice(props.provider.defaultPriceMicros).replace('$', '') : undefined}
            prefix="$"
            value={values.price}
            onChange={(value) => set('price', value)}
            error={fieldError(error, 'priceMicros')}
            min={0}
            decimalScale={6}
          />
        </SimpleGrid>
        {props.provider?.mms && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Switch
              label="Can send pictures (MMS)"
              checked={values.supportsMms}
              onChange={(event) => set('supportsMms', event.currentTarget.checked)}
              mt="lg"
            />
            {values.supportsMms && (
              <NumberInput
                label="Price per MMS"
                placeholder={formatPrice(props.provider.defaultMmsPriceMicros).replace('$', '')}
                prefix="$"
                value={values.mmsPrice}
                onChange={(value) => set('mmsPrice', value)}
                error={fieldError(error, 'mmsPriceMicros')}
                min={0}
                decimalScale={6}
              />
            )}
          </SimpleGrid>
        )}
        <Checkbox
          label={`Default sender for ${email ? 'email' : 'SMS'}`}
          description="Broadcasts without a chosen sender, replies and opt-out confirmations go out from it."
          checked={values.isDefault}
          onChange={(event) => set('isDefault', event.currentTarget.checked)}
        />
        {error && !onlyFieldErrors(error, FIELDS) && (
          <Alert color="red" variant="light" role="alert">
            {errorDetail(error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!values.address.trim()}>
            {props.sender ? 'Save changes' : 'Add sender'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
