import { Anchor, Badge, Button, Code, Group, Paper, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconExternalLink, IconPlus } from '@tabler/icons-react';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { RoleBadge } from '../../../components/role-badge.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type ApiKey, useApiKeys } from '../api/list-api-keys.ts';
import { useRevokeApiKey } from '../api/revoke-api-key.ts';
import { CreateApiKeyModal } from './create-api-key-modal.tsx';

export function ApiKeysTab() {
  const { can } = useCurrentWorkspace();
  if (!can('api_keys.manage')) return <NoAccess>Only owners and admins can manage API keys.</NoAccess>;
  return <ApiKeys />;
}

function ApiKeys() {
  const { workspaceId } = useCurrentWorkspace();
  const apiKeys = useApiKeys(workspaceId);
  const [opened, modal] = useDisclosure(false);

  return (
    <>
      <Group justify="space-between" align="flex-start" mb="md" gap="sm">
        <Text size="sm" c="dimmed" maw={560}>
          API keys let other systems use the Groundswell REST API on behalf of this workspace, with the permissions of the role you give
          them.{' '}
          <Anchor href="/api/docs" target="_blank" rel="noopener">
            API reference <IconExternalLink size={12} style={{ verticalAlign: 'middle' }} />
          </Anchor>
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={modal.open}>
          Create API key
        </Button>
      </Group>
      <QueryView query={apiKeys} errorTitle="Could not load the API keys">
        {(data) =>
          data.apiKeys.length === 0 ? (
            <Text size="sm" c="dimmed">
              No API keys yet.
            </Text>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={720} type="native">
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Key</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Last used</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.apiKeys.map((apiKey) => (
                      <ApiKeyRow key={apiKey.id} apiKey={apiKey} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
      <CreateApiKeyModal opened={opened} onClose={modal.close} />
    </>
  );
}

function ApiKeyRow(props: { apiKey: ApiKey }) {
  const { apiKey } = props;
  const { workspaceId } = useCurrentWorkspace();
  const revoke = useRevokeApiKey(workspaceId);
  const revoked = apiKey.revokedAt !== null;
  return (
    <Table.Tr c={revoked ? 'dimmed' : undefined}>
      <Table.Td>
        <Text size="sm" fw={500} td={revoked ? 'line-through' : undefined}>
          {apiKey.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <RoleBadge role={apiKey.role} />
      </Table.Td>
      <Table.Td>
        <Code>{apiKey.prefix}…</Code>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(apiKey.createdAt)}>
          {formatRelative(apiKey.createdAt)}
        </Text>
        {apiKey.createdBy && (
          <Text size="xs" c="dimmed">
            by {apiKey.createdBy.name}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(apiKey.lastUsedAt)}>
          {formatRelative(apiKey.lastUsedAt)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {revoked ? (
          <Badge color="gray" variant="light" tt="none" title={formatDateTime(apiKey.revokedAt)}>
            Revoked
          </Badge>
        ) : (
          <ConfirmButton
            title={`Revoke “${apiKey.name}”?`}
            message="Anything using this key stops working at once. This cannot be undone."
            confirmLabel="Revoke key"
            buttonProps={{ 'aria-label': `Revoke ${apiKey.name}` }}
            onConfirm={() => revoke.mutateAsync(apiKey.id).then(() => notifySuccess(`API key “${apiKey.name}” revoked.`))}
          >
            Revoke
          </ConfirmButton>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
