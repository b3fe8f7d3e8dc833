import { Alert, Center, Grid, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconDeviceMobileMessage } from '@tabler/icons-react';
import { useState } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useMessages } from '../api/list-messages.ts';
import { useSimulateInbound } from '../api/simulate-inbound.ts';
import { ConversationList } from './conversation-list.tsx';
import { chronological, conversationsOf, counterpart } from './conversations.ts';
import { PhoneScreen } from './phone-screen.tsx';
import { SimulatorContactPicker } from './simulator-contact-picker.tsx';

/**
 * The simulator: texts the workspace sends land on this screen instead of real phones, and anyone on the team can
 * answer as a member, e.g. reply STOP and watch the opt-out confirmation arrive.
 */
export function SimulatorPanel(props: { available: boolean; loading: boolean }) {
  if (props.loading) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!props.available) {
    return (
      <Alert color="gray" variant="light" icon={<IconDeviceMobileMessage />} title="The simulator is not in use">
        The simulator answers only when the default SMS sender belongs to a simulator account (Settings → Channels & senders), and for roles
        that may use it.
      </Alert>
    );
  }
  return <Simulator />;
}

function Simulator() {
  const { workspaceId } = useCurrentWorkspace();
  const recent = useMessages(workspaceId, {}, { pollMs: 2000 });
  const inbound = useSimulateInbound(workspaceId);
  const [picked, setPicked] = useState<string | null>(null);
  const conversations = conversationsOf(recent.data ?? []);
  const phone = picked ?? conversations[0]?.phone ?? null;
  const conversation = conversations.find((item) => item.phone === phone);
  // A member's whole thread when the number is theirs; otherwise what the recent messages hold for it.
  const memberThread = useMessages(
    workspaceId,
    { memberId: conversation?.memberId ? String(conversation.memberId) : undefined },
    { pollMs: 2000, enabled: Boolean(conversation?.memberId) },
  );
  const thread = conversation?.memberId
    ? (memberThread.data ?? []).filter((message) => message.channel === 'sms')
    : (recent.data ?? []).filter((message) => message.channel === 'sms' && counterpart(message) === phone);

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack>
          <Paper withBorder radius="md" p="md">
            <SimulatorContactPicker onPick={setPicked} />
          </Paper>
          <Paper withBorder radius="md" p="xs">
            <Title order={5} px="xs" pb="xs">
              Recent conversations
            </Title>
            {recent.isPending ? (
              <Text size="sm" c="dimmed" px="xs">
                Loading…
              </Text>
            ) : (
              <ConversationList conversations={conversations} selected={phone} onSelect={setPicked} />
            )}
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        {phone ? (
          <PhoneScreen
            key={phone}
            phone={phone}
            name={conversation?.name ?? null}
            thread={chronological(thread)}
            onSend={(body) => inbound.mutateAsync({ from: phone, body })}
            sending={inbound.isPending}
            error={inbound.error}
          />
        ) : (
          <Text size="sm" c="dimmed" ta="center" py="xl">
            Pick a member to text in as.
          </Text>
        )}
      </Grid.Col>
    </Grid>
  );
}
