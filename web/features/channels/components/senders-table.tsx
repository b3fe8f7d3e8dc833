import { ActionIcon, Badge, Button, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconArchive, IconArchiveOff, IconPencil, IconStar, IconStarFilled } from '@tabler/icons-react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import type { Sender } from '../api/list-senders.ts';
import { useUpdateSender } from '../api/update-sender.ts';
import { formatPrice, KIND_LABELS } from './display.ts';

/** The numbers and addresses of one account. */
export function SendersTable(props: { senders: Sender[]; accountName: string; onEdit: (sender: Sender) => void }) {
  const { workspaceId } = useCurrentWorkspace();
  const update = useUpdateSender(workspaceId);
  const change = (sender: Sender, patch: Parameters<typeof update.mutate>[0]['patch'], done: string) =>
    update.mutate({ senderId: sender.id, patch }, { onSuccess: () => notifySuccess(done), onError: (error) => notifyError(error) });

  if (props.senders.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No sender yet: add the number, short code or address this account sends from.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760} type="native">
      <Table verticalSpacing="xs" aria-label={`Senders of ${props.accountName}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40} aria-label="Default" />
            <Table.Th>Sender</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th ta="right">Per second</Table.Th>
            <Table.Th>MMS</Table.Th>
            <Table.Th ta="right">Price</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.senders.map((sender) => {
            const archived = sender.status === 'archived';
            const name = sender.label || sender.address;
            return (
              <Table.Tr key={sender.id} style={{ opacity: archived ? 0.55 : 1 }} data-sender={sender.address}>
                <Table.Td>
                  <Tooltip
                    label={sender.isDefault ? `Default for ${sender.channel === 'sms' ? 'SMS' : 'email'}` : 'Make default'}
                    withArrow
                  >
                    <ActionIcon
                      variant="subtle"
                      color={sender.isDefault ? 'yellow' : 'gray'}
                      aria-label={sender.isDefault ? `${name} is the default` : `Make ${name} the default`}
                      aria-pressed={sender.isDefault}
                      disabled={archived}
                      onClick={() => !sender.isDefault && change(sender, { isDefault: true }, `${name} is now the default sender.`)}
                    >
                      {sender.isDefault ? <IconStarFilled size={16} /> : <IconStar size={16} />}
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {sender.address}
                  </Text>
                  {sender.label && (
                    <Text size="xs" c="dimmed">
                      {sender.label}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Text size="sm">{KIND_LABELS[sender.kind]}</Text>
                    {archived && (
                      <Badge size="xs" color="gray" variant="outline" tt="none">
                        archived
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right">{sender.throughput.toLocaleString()}</Table.Td>
                <Table.Td>{sender.supportsMms ? `yes · ${formatPrice(sender.mmsPriceMicros)}` : '—'}</Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatPrice(sender.priceMicros)} / {sender.channel === 'sms' ? 'segment' : 'email'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {!archived && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        leftSection={<IconPencil size={14} />}
                        onClick={() => props.onEdit(sender)}
                      >
                        Edit
                      </Button>
                    )}
                    <Tooltip label={archived ? 'Restore' : 'Archive: stop offering it for new broadcasts'} withArrow>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={archived ? `Restore ${name}` : `Archive ${name}`}
                        onClick={() =>
                          change(sender, { archived: !archived }, archived ? `${name} was restored.` : `${name} was archived.`)
                        }
                      >
                        {archived ? <IconArchiveOff size={16} /> : <IconArchive size={16} />}
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
