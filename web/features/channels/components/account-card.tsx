import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconPencil, IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { SecretField } from '../../../components/secret-field.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import type { ChannelAccount } from '../api/list-channel-accounts.ts';
import type { Provider } from '../api/list-providers.ts';
import type { Sender } from '../api/list-senders.ts';
import { useUpdateChannelAccount } from '../api/update-channel-account.ts';
import { ACCOUNT_STATUS_LOOK } from './display.ts';
import { SendersTable } from './senders-table.tsx';

/** One provider account: its state, the webhook URL to give the provider, and its senders. */
export function AccountCard(props: {
  account: ChannelAccount;
  provider: Provider | undefined;
  senders: Sender[];
  onEdit: () => void;
  onAddSender: () => void;
  onEditSender: (sender: Sender) => void;
}) {
  const { account, provider } = props;
  const { workspaceId } = useCurrentWorkspace();
  const update = useUpdateChannelAccount(workspaceId);
  const look = ACCOUNT_STATUS_LOOK[account.status];
  const setStatus = (status: 'active' | 'disabled') =>
    update
      .mutateAsync({ accountId: account.id, patch: { status } })
      .then(() => notifySuccess(status === 'active' ? `${account.name} is active again.` : `${account.name} was disabled.`));

  return (
    <Paper withBorder radius="md" p="md" data-account={account.name} aria-label={`Account ${account.name}`} component="section">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="xs">
              <Title order={4}>{account.name}</Title>
              <Badge
                color={look.color}
                variant={account.status === 'auth_failed' ? 'filled' : 'light'}
                tt="none"
                data-status={account.status}
              >
                {look.label}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {provider?.label ?? account.provider} · {provider?.channel === 'email' ? 'Email' : 'SMS'}
              {account.baseUrl ? ` · ${account.baseUrl}` : ''}
            </Text>
          </div>
          <Group gap="xs">
            <Button variant="default" size="compact-sm" leftSection={<IconPencil size={14} />} onClick={props.onEdit}>
              Edit
            </Button>
            <Button
              variant="default"
              size="compact-sm"
              leftSection={<IconPlus size={14} />}
              onClick={props.onAddSender}
              disabled={account.status === 'disabled'}
            >
              Add sender
            </Button>
            {account.status === 'disabled' ? (
              <Button
                variant="subtle"
                size="compact-sm"
                leftSection={<IconPlayerPlay size={14} />}
                loading={update.isPending}
                onClick={() => setStatus('active').catch((error: unknown) => notifyError(error))}
              >
                Enable
              </Button>
            ) : (
              <ConfirmButton
                title={`Disable ${account.name}?`}
                message="Nothing is sent through this account while it is disabled: broadcasts using its senders wait. Its credentials are kept."
                confirmLabel="Disable"
                onConfirm={() => setStatus('disabled')}
              >
                Disable
              </ConfirmButton>
            )}
          </Group>
        </Group>
        {account.status === 'auth_failed' && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle />} title="The provider refused these credentials" role="alert">
            {account.statusDetail ?? 'Sending through this account stopped.'} Update the credentials (Edit) to resume sending.
          </Alert>
        )}
        {account.webhookUrl && <SecretField label="Webhook URL" value={account.webhookUrl} />}
        <SendersTable senders={props.senders} accountName={account.name} onEdit={props.onEditSender} />
      </Stack>
    </Paper>
  );
}
