import { Anchor, Button, Card, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus, IconSend } from '@tabler/icons-react';
import { Link } from 'react-router';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useAssignments } from '../api/list-assignments.ts';
import { useP2pCampaigns } from '../api/list-campaigns.ts';
import { InboxTabs } from './inbox-tabs.tsx';
import { P2pStatusBadge } from './status-badge.tsx';

/** /inbox/campaigns: a texter's campaigns to text, and for organizers every campaign with its progress. */
export function P2pCampaignsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const manage = can('p2p.manage');
  const base = `/w/${workspaceId}/inbox/campaigns`;
  if (!can('p2p.text')) return <NoAccess>Your role does not include peer-to-peer texting.</NoAccess>;
  return (
    <>
      <InboxTabs />
      <PageHeader
        title="Campaigns"
        description="Peer-to-peer texting: each text is sent by a person, and replies come back to them."
        actions={
          manage && (
            <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
              New campaign
            </Button>
          )
        }
      />
      <Stack gap="xl">
        <MyCampaigns />
        {manage && <AllCampaigns />}
      </Stack>
    </>
  );
}

function MyCampaigns() {
  const { workspaceId } = useCurrentWorkspace();
  const assignments = useAssignments(workspaceId);
  return (
    <Stack gap="sm">
      <Title order={4}>My campaigns</Title>
      <QueryView query={assignments} errorTitle="Could not load your campaigns">
        {(campaigns) =>
          campaigns.length === 0 ? (
            <Text c="dimmed" size="sm">
              No campaign is open for texting right now.
            </Text>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {campaigns.map((campaign) => (
                <Card key={campaign.id} withBorder radius="md" data-assignment={campaign.id}>
                  <Stack gap="xs">
                    <Text fw={600}>{campaign.name}</Text>
                    <Text size="sm" c="dimmed">
                      {campaign.sent} sent by you · {campaign.assigned} waiting · {campaign.available} left to take
                    </Text>
                    <Button
                      component={Link}
                      to={`/w/${workspaceId}/inbox/campaigns/${campaign.id}/text`}
                      leftSection={<IconSend size={16} />}
                      disabled={campaign.status !== 'active' && campaign.status !== 'loading'}
                    >
                      Start texting
                    </Button>
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          )
        }
      </QueryView>
    </Stack>
  );
}

function AllCampaigns() {
  const { workspaceId } = useCurrentWorkspace();
  const campaigns = useP2pCampaigns(workspaceId, true);
  return (
    <Stack gap="sm">
      <Title order={4}>All campaigns</Title>
      <QueryView query={campaigns} errorTitle="Could not load the campaigns">
        {(rows) =>
          rows.length === 0 ? (
            <Text c="dimmed" size="sm">
              No campaign yet. Write a script, pick an audience, and your texters take it from there.
            </Text>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={640} type="native">
                <Table verticalSpacing="sm" aria-label="Campaigns">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Progress</Table.Th>
                      <Table.Th ta="right">Replied</Table.Th>
                      <Table.Th ta="right">Opted out</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((c) => {
                      const done = c.sentCount + c.skippedCount;
                      return (
                        <Table.Tr key={c.id} data-campaign={c.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/w/${workspaceId}/inbox/campaigns/${c.id}`} fw={500} size="sm">
                              {c.name}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <P2pStatusBadge status={c.status} />
                          </Table.Td>
                          <Table.Td miw={180}>
                            <Group gap="xs" wrap="nowrap">
                              <Progress value={c.contactCount === 0 ? 0 : (100 * done) / c.contactCount} w={100} />
                              <Text size="xs" c="dimmed">
                                {c.sentCount.toLocaleString()} of {c.contactCount.toLocaleString()} sent
                              </Text>
                            </Group>
                          </Table.Td>
                          <Table.Td ta="right">{c.repliedCount.toLocaleString()}</Table.Td>
                          <Table.Td ta="right">{c.optedOutCount.toLocaleString()}</Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
    </Stack>
  );
}
