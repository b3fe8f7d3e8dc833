import { Button, Group, Stack, Text } from '@mantine/core';
import { IconAntenna, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { type ChannelAccount, useChannelAccounts } from '../api/list-channel-accounts.ts';
import { type Provider, useProviders } from '../api/list-providers.ts';
import { type Sender, useAllSenders } from '../api/list-senders.ts';
import { AccountCard } from './account-card.tsx';
import { AccountModal } from './account-modal.tsx';
import { SenderModal } from './sender-modal.tsx';

/** Settings → Channels & senders. */
export function ChannelsTab() {
  const { can } = useCurrentWorkspace();
  if (!can('channels.manage')) return <NoAccess>Only owners and admins can connect messaging providers.</NoAccess>;
  return <Channels />;
}

type AccountDialog = { account?: ChannelAccount } | null;
type SenderDialog = { account: ChannelAccount; sender?: Sender } | null;

function Channels() {
  const { workspaceId } = useCurrentWorkspace();
  const providers = useProviders(workspaceId);
  const accounts = useChannelAccounts(workspaceId);
  const senders = useAllSenders(workspaceId);
  const [accountDialog, setAccountDialog] = useState<AccountDialog>(null);
  const [senderDialog, setSenderDialog] = useState<SenderDialog>(null);
  const providerOf = (name: string): Provider | undefined => providers.data?.find((provider) => provider.name === name);
  const sendersOf = (account: ChannelAccount) => (senders.data ?? []).filter((sender) => sender.channelAccountId === account.id);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={640}>
          The services that carry your texts and emails, and the numbers and addresses they go out from. The default SMS sender also sends
          replies and opt-out confirmations.
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAccountDialog({})} disabled={!providers.data}>
          Add account
        </Button>
      </Group>
      {senders.isError && <ErrorAlert error={senders.error} title="Could not load the senders" onRetry={() => void senders.refetch()} />}
      <QueryView query={accounts} errorTitle="Could not load the messaging accounts">
        {(list) =>
          list.length === 0 ? (
            <Stack align="center" gap="xs" py="xl">
              <IconAntenna size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
              <Text fw={600}>No messaging account yet</Text>
              <Text size="sm" c="dimmed" ta="center" maw={420}>
                Connect Twilio, Telnyx, an SMPP gateway or an SMTP server, or the simulator to try everything without sending real texts.
              </Text>
            </Stack>
          ) : (
            <Stack>
              {list.map((account) => (
                <AccountCard
                  key={account.id}
                  account={account}
                  provider={providerOf(account.provider)}
                  senders={sendersOf(account)}
                  onEdit={() => setAccountDialog({ account })}
                  onAddSender={() => setSenderDialog({ account })}
                  onEditSender={(sender) => setSenderDialog({ account, sender })}
                />
              ))}
            </Stack>
          )
        }
      </QueryView>
      <AccountModal
        opened={accountDialog !== null}
        onClose={() => setAccountDialog(null)}
        providers={providers.data ?? []}
        account={accountDialog?.account}
      />
      {senderDialog && (
        <SenderModal
          opened
          onClose={() => setSenderDialog(null)}
          account={senderDialog.account}
          provider={providerOf(senderDialog.account.provider)}
          sender={senderDialog.sender}
          firstOfChannel={
            !(senders.data ?? []).some(
              (sender) => sender.status !== 'archived' && sender.channel === providerOf(senderDialog.account.provider)?.channel,
            )
          }
        />
      )}
    </Stack>
  );
}
