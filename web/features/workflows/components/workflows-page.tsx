import { Anchor, Button, Group, Paper, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { IconBook, IconPlus, IconSitemap } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { TRIGGER_KIND_META } from '../../../../common/workflows.ts';
import { MessagesTabs } from '../../../components/messages-tabs.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useSimulatedTexting } from '../api/get-simulated-texting.ts';
import { useWorkflows, type WorkflowSummary } from '../api/list-workflows.ts';
import { PlaybookModal } from './playbook-modal.tsx';
import { WorkflowStatusBadge } from './status-badge.tsx';

const iso = (ms: number) => new Date(ms).toISOString();

/** Messages → Workflows: every workflow with its status, trigger and run counts; the ways to a new one. */
export function WorkflowsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const [params, setParams] = useSearchParams();
  const archived = params.get('status') === 'archived';
  const workflows = useWorkflows(workspaceId, archived);
  const simulated = useSimulatedTexting(workspaceId);
  const [playbooks, setPlaybooks] = useState(false);
  const manage = can('broadcasts.manage');
  const base = `/w/${workspaceId}/messages/workflows`;

  if (!can('messaging.read')) return <NoAccess>Your role does not include messaging.</NoAccess>;

  return (
    <>
      <PageHeader
        title="Messages"
        description="Workflows: a trigger, then texts, waits, questions and branches for each member, measured against a holdout."
        actions={
          manage && (
            <Group gap="xs">
              <Button variant="default" leftSection={<IconBook size={16} />} onClick={() => setPlaybooks(true)}>
                New from playbook
              </Button>
              <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
                New workflow
              </Button>
            </Group>
          )
        }
      />
      <MessagesTabs workspaceId={workspaceId} value="workflows" simulator={simulated.data === true && can('simulator.use')} />
      <Stack>
        <Group>
          <SegmentedControl
            aria-label="Which workflows"
            data={[
              { value: 'live', label: 'In use and drafts' },
              { value: 'archived', label: 'Archived' },
            ]}
            value={archived ? 'archived' : 'live'}
            onChange={(value) => setParams(value === 'archived' ? { status: 'archived' } : {}, { replace: true })}
          />
        </Group>
        <QueryView query={workflows} errorTitle="Could not load the workflows">
          {(data) => (data.workflows.length === 0 ? <Empty archived={archived} /> : <WorkflowsTable rows={data.workflows} base={base} />)}
        </QueryView>
      </Stack>
      {manage && <PlaybookModal opened={playbooks} onClose={() => setPlaybooks(false)} />}
    </>
  );
}

function Empty(props: { archived: boolean }) {
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack align="center" gap="xs">
        <IconSitemap size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
        <Text fw={600}>{props.archived ? 'No archived workflows' : 'No workflows yet'}</Text>
        {!props.archived && (
          <Text size="sm" c="dimmed" ta="center" maw={480}>
            A workflow follows up on its own: welcome new members, ask petition signers to call, remind RSVPs, win back people who went
            quiet. Start from a playbook or build one step by step.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function WorkflowsTable(props: { rows: WorkflowSummary[]; base: string }) {
  const navigate = useNavigate();
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={760} type="native">
        <Table verticalSpacing="sm" highlightOnHover aria-label="Workflows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Starts when</Table.Th>
              <Table.Th ta="right">Enrolled</Table.Th>
              <Table.Th ta="right">In progress</Table.Th>
              <Table.Th ta="right">Completed</Table.Th>
              <Table.Th>Updated</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.rows.map((workflow) => {
              const to = `${props.base}/${workflow.id}`;
              const { counts } = workflow;
              return (
                <Table.Tr key={workflow.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-workflow={workflow.id}>
                  <Table.Td>
                    <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                      {workflow.name}
                    </Anchor>
                    {workflow.description && (
                      <Text size="xs" c="dimmed" lineClamp={2} maw={420}>
                        {workflow.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <WorkflowStatusBadge status={workflow.status} version={workflow.currentVersion} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{workflow.triggerKind ? TRIGGER_KIND_META[workflow.triggerKind].label : '—'}</Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" data-count="enrolled">
                      {counts.enrolled.toLocaleString()}
                    </Text>
                    {counts.heldOut > 0 && (
                      <Text size="xs" c="dimmed">
                        +{counts.heldOut.toLocaleString()} held out
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" data-count="in-progress">
                      {counts.inProgress.toLocaleString()}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" data-count="completed">
                      {counts.completed.toLocaleString()}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={formatDateTime(iso(workflow.updatedAt))} style={{ whiteSpace: 'nowrap' }}>
                      {formatRelative(iso(workflow.updatedAt))}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    {workflow.currentVersion !== null && (
                      <Anchor component={Link} to={`${to}/report`} size="sm" onClick={(event) => event.stopPropagation()}>
                        Report
                      </Anchor>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
