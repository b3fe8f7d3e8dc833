import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconKey, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { SecretField } from '../../../components/secret-field.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useWebhookSecret } from '../api/get-webhook-secret.ts';
import { useRotateHookToken } from '../api/rotate-hook-token.ts';

/**
 * For workflows that talk to other systems: the secret URL that enrolls a member (inbound-webhook trigger; shown once,
 * a new one replaces it) and the key webhook steps sign their requests with.
 */
export function IntegrationPanel(props: { workflowId: string; inbound: boolean; hasHookToken: boolean; archived: boolean }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const manage = can('broadcasts.manage');
  const rotate = useRotateHookToken(workspaceId, props.workflowId);
  const [showSecret, setShowSecret] = useState(false);
  const secret = useWebhookSecret(workspaceId, props.workflowId, showSecret);
  return (
    <Paper withBorder radius="md" p="md" data-testid="integration-panel">
      <Stack gap="sm">
        <Title order={5}>Webhooks</Title>
        {props.inbound && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              Another system enrolls a member by posting <code>{'{"phone": "…"}'}</code> or <code>{'{"email": "…"}'}</code> to this
              workflow’s secret URL (while it is active). The URL is shown once; making a new one stops the old one.
            </Text>
            {rotate.data ? (
              <SecretField label="Enrollment URL" value={rotate.data.url} testId="hook-url" />
            ) : (
              props.hasHookToken && (
                <Alert color="gray" variant="light" p="xs">
                  A URL was made earlier and still works; it is not shown again.
                </Alert>
              )
            )}
            {manage && !props.archived && (
              <Group>
                <Button
                  variant="light"
                  size="compact-sm"
                  leftSection={<IconRefresh size={14} />}
                  loading={rotate.isPending}
                  onClick={() => rotate.mutate()}
                >
                  {props.hasHookToken || rotate.data ? 'Make a new URL' : 'Make the URL'}
                </Button>
              </Group>
            )}
            {rotate.error && <ErrorAlert error={rotate.error} />}
          </Stack>
        )}
        {manage && (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              Webhook steps sign what they send with this workflow’s key, so the receiver can check it came from here.
            </Text>
            {secret.data ? (
              <>
                <SecretField label="Signing key" value={secret.data.secret} testId="webhook-secret" />
                <Text size="xs" c="dimmed">
                  Header <code>{secret.data.header}</code>: {secret.data.algorithm}.
                </Text>
              </>
            ) : (
              <Group>
                <Button
                  variant="light"
                  size="compact-sm"
                  leftSection={<IconKey size={14} />}
                  loading={secret.isFetching}
                  onClick={() => setShowSecret(true)}
                >
                  Show the signing key
                </Button>
              </Group>
            )}
            {secret.error && <ErrorAlert error={secret.error} />}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
