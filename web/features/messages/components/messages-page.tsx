import { Button, Group, Select, Stack } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { MessagesTabs } from '../../../components/messages-tabs.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { BROADCAST_STATUSES, type BroadcastStatus } from '../api/list-broadcasts.ts';
import { defaultSender, useSenders } from '../api/list-senders.ts';
import { BroadcastsTable } from './broadcasts-table.tsx';
import { STATUS_LOOK } from './display.ts';
import { SimulatorPanel } from './simulator-panel.tsx';

function readStatus(value: string | null): BroadcastStatus | undefined {
  return (BROADCAST_STATUSES as readonly string[]).includes(value ?? '') ? (value as BroadcastStatus) : undefined;
}

/** /messages (broadcasts) and /messages/simulator (the phone simulator, on workspaces that send through it); keywords have their own page. */
export function MessagesPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const { pathname } = useLocation();
  const [params, setParams] = useSearchParams();
  const senders = useSenders(workspaceId);
  const simulated = defaultSender(senders.data, 'sms')?.provider === 'simulator' && can('simulator.use');
  const tab = pathname.endsWith('/simulator') ? 'simulator' : 'broadcasts';
  const status = readStatus(params.get('status'));
  const base = `/w/${workspaceId}/messages`;

  if (!can('messaging.read')) return <NoAccess>Your role does not include messaging.</NoAccess>;

  return (
    <>
      <PageHeader
        title="Messages"
        description="Broadcasts to communities and segments, with delivery reports."
        actions={
          can('broadcasts.manage') && (
            <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
              New broadcast
            </Button>
          )
        }
      />
      <MessagesTabs workspaceId={workspaceId} value={tab} simulator={simulated} />
      {tab === 'simulator' ? (
        <SimulatorPanel available={simulated} loading={senders.isPending} />
      ) : (
        <Stack>
          <Group>
            <Select
              aria-label="Status"
              placeholder="Any status"
              data={BROADCAST_STATUSES.map((value) => ({ value, label: STATUS_LOOK[value].label }))}
              value={status ?? null}
              onChange={(value) => {
                const next = new URLSearchParams(params);
                if (value) next.set('status', value);
                else next.delete('status');
                setParams(next, { replace: true });
              }}
              clearable
              w={200}
            />
          </Group>
          <BroadcastsTable status={status} />
        </Stack>
      )}
    </>
  );
}
