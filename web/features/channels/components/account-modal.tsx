import { Accordion, Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { SecretField } from '../../../components/secret-field.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type AccountInput, useCreateChannelAccount } from '../api/create-channel-account.ts';
import type { ChannelAccount, CredentialValue } from '../api/list-channel-accounts.ts';
import type { Provider } from '../api/list-providers.ts';
import { useUpdateChannelAccount } from '../api/update-channel-account.ts';
import { type CredentialDraft, CredentialInput } from './credential-input.tsx';

/** Adds a provider account, or edits `account` when given. */
export function AccountModal(props: { opened: boolean; onClose: () => void; providers: Provider[]; account?: ChannelAccount }) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.account ? `Edit ${props.account.name}` : 'Add a messaging account'}
      centered
      size="lg"
    >
      {/* Mounted only while open, so each opening starts from the saved values. */}
      {props.opened && <AccountForm {...props} />}
    </Modal>
  );
}

function initialCredentials(account: ChannelAccount | undefined): Record<string, CredentialDraft> {
  const values: Record<string, CredentialDraft> = {};
  for (const credential of account?.credentials ?? []) {
    if (credential.value !== null) values[credential.key] = credential.value;
  }
  return values;
}

/** What to send: typed values; on edit a secret left empty is left out, so the stored one is kept. */
function credentialsToSend(provider: Provider, drafts: Record<string, CredentialDraft>): Record<string, CredentialValue> {
  const out: Record<string, CredentialValue> = {};
  for (const field of provider.credentialFields) {
    const draft = drafts[field.key];
    if (draft === undefined) continue;
    if (field.kind === 'boolean') out[field.key] = draft === true;
    else if (field.kind === 'number') {
      const number = typeof draft === 'number' ? draft : Number.parseFloat(String(draft));
      if (Number.isFinite(number)) out[field.key] = number;
    } else {
      const text = String(draft).trim();
      if (text !== '') out[field.key] = text;
    }
  }
  return out;
}

function AccountForm(props: { onClose: () => void; providers: Provider[]; account?: ChannelAccount }) {
  const { workspaceId } = useCurrentWorkspace();
  const create = useCreateChannelAccount(workspaceId);
  const update = useUpdateChannelAccount(workspaceId);
  const mutation = props.account ? update : create;
  const [providerName, setProviderName] = useState<string | null>(props.account?.provider ?? null);
  const [name, setName] = useState(props.account?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(props.account?.baseUrl ?? '');
  const [drafts, setDrafts] = useState(() => initialCredentials(props.account));
  const [created, setCreated] = useState<ChannelAccount | null>(null);
  const provider = props.providers.find((item) => item.name === providerName);
  const stored = new Set(props.account?.credentials.filter((credential) => credential.set).map((credential) => credential.key));

  if (created) return <Created account={created} provider={provider} onClose={props.onClose} />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!provider) return;
    const credentials = credentialsToSend(provider, drafts);
    const fields = { name: name.trim() || provider.label, baseUrl: baseUrl.trim() || null, credentials };
    if (props.account) {
      update.mutate(
        { accountId: props.account.id, patch: fields },
        {
          onSuccess: (account) => {
            notifySuccess(`${account.name} was saved.`);
            props.onClose();
          },
        },
      );
    } else {
      const input: AccountInput = { provider: provider.name, ...fields };
      create.mutate(input, { onSuccess: (account) => setCreated(account) });
    }
  };

  const error = mutation.error;
  const fieldNames = ['name', 'baseUrl', 'provider', ...(provider?.credentialFields.map((field) => field.key) ?? [])];
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Select
          label="Provider"
          placeholder="Pick a provider"
          data={props.providers.map((item) => ({ value: item.name, label: `${item.label} (${item.channel === 'sms' ? 'SMS' : 'email'})` }))}
          value={providerName}
          onChange={(value) => {
            setProviderName(value);
            setDrafts({});
          }}
          error={fieldError(error, 'provider')}
          disabled={props.account !== undefined}
          withAsterisk
          data-autofocus
        />
        {provider && (
          <>
            <Text size="sm" c="dimmed">
              {provider.description}
            </Text>
            <TextInput
              label="Name"
              description="How this account is called in Groundswell."
              placeholder={provider.label}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldError(error, 'name')}
            />
            {provider.credentialFields.map((field) => (
              <CredentialInput
                key={field.key}
                field={field}
                value={drafts[field.key]}
                onChange={(value) => setDrafts((current) => ({ ...current, [field.key]: value }))}
                stored={field.secret && stored.has(field.key)}
                error={fieldError(error, field.key)}
              />
            ))}
            <Accordion variant="contained" defaultValue={props.account?.baseUrl ? 'advanced' : null}>
              <Accordion.Item value="advanced">
                <Accordion.Control>Advanced</Accordion.Control>
                <Accordion.Panel>
                  <TextInput
                    label="API base URL"
                    description="Only to send through a regional endpoint or a proxy. Empty: the provider's address."
                    placeholder={provider.defaultBaseUrl ?? 'https://…'}
                    value={baseUrl}
                    onChange={(event) => setBaseUrl(event.currentTarget.value)}
                    error={fieldError(error, 'baseUrl')}
                    type="url"
                  />
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          </>
        )}
        {error && !onlyFieldErrors(error, fieldNames) && (
          <Alert color="red" variant="light" role="alert">
            {errorDetail(error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!provider}>
            {props.account ? 'Save changes' : 'Add account'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** After adding: where the provider must send delivery reports and replies. */
function Created(props: { account: ChannelAccount; provider: Provider | undefined; onClose: () => void }) {
  return (
    <Stack>
      <Alert color="teal" variant="light" icon={<IconCircleCheck />} title={`${props.account.name} is connected`}>
        Next, add the numbers or addresses it sends from{props.provider?.channel === 'sms' ? ', and mark one as the default for SMS' : ''}.
      </Alert>
      {props.account.webhookUrl && (
        <>
          <SecretField label="Webhook URL" value={props.account.webhookUrl} testId="webhook-url" />
          <Text size="sm" c="dimmed">
            Paste it in the provider's console as the URL for delivery status callbacks and incoming messages, so replies, STOP and delivery
            reports reach Groundswell.
          </Text>
        </>
      )}
      <Group justify="flex-end">
        <Button onClick={props.onClose}>Done</Button>
      </Group>
    </Stack>
  );
}
