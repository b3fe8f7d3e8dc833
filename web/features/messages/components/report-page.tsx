import { Alert, Anchor, Breadcrumbs, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlayerPause } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { type Broadcast, useBroadcast } from '../api/get-broadcast.ts';
import { messagesKeys } from '../api/keys.ts';
import { isActive } from '../api/list-broadcasts.ts';
import { BroadcastContentCard } from './broadcast-content-card.tsx';
import { BroadcastStatusBadge } from './broadcast-status-badge.tsx';
import { iso } from './display.ts';
import { FailuresTable } from './failures-table.tsx';
import { LiftCard } from './lift-card.tsx';
import { ProgressCard } from './progress-card.tsx';
import { RecentMessages } from './recent-messages.tsx';
import { ReportActions } from './report-actions.tsx';
import { ReportCounters } from './report-counters.tsx';
import { SkippedCard } from './skipped-card.tsx';

/** /messages/:broadcastId: the live report of one broadcast. */
export function BroadcastReportPage() {
  const { workspaceId } = useCurrentWorkspace();
  const { broadcastId = '' } = useParams();
  const broadcast = useBroadcast(workspaceId, broadcastId);
  return (
    <QueryView query={broadcast} errorTitle="Could not load the broadcast">
      {(data) => <Report broadcast={data} />}
    </QueryView>
  );
}

function describe(broadcast: Broadcast): string {
  const parts = [`Created ${formatDateTime(iso(broadcast.createdAt))}`];
  if (broadcast.launchedAt) parts.push(`launched ${formatDateTime(iso(broadcast.launchedAt))}`);
  parts.push(`${broadcast.channel === 'sms' ? 'SMS' : 'Email'} to ${broadcast.recipientCount.toLocaleString()} recipients`);
  return parts.join(' · ');
}

function Report(props: { broadcast: Broadcast }) {
  const { broadcast } = props;
  const { workspaceId } = useCurrentWorkspace();
  const queryClient = useQueryClient();
  const live = isActive(broadcast.status);

  // Once sending ends, the message list is read one last time for the final states, and the list of broadcasts too.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) {
      void queryClient.invalidateQueries({ queryKey: messagesKeys.messages(workspaceId) });
      void queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    }
    wasLive.current = live;
  }, [live, workspaceId, queryClient]);

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={`/w/${workspaceId}/messages`}>
          Messages
        </Anchor>
        <Text size="sm" c="dimmed" truncate maw={260}>
          {broadcast.name}
        </Text>
      </Breadcrumbs>
      <PageHeader
        title={broadcast.name}
        description={describe(broadcast)}
        actions={
          <Group gap="xs">
            <BroadcastStatusBadge status={broadcast.status} size="lg" />
            <ReportActions broadcast={broadcast} />
          </Group>
        }
      />
      <Stack>
        {broadcast.status === 'paused' && (
          <Alert color="orange" variant="light" icon={<IconPlayerPause />} title="Sending is paused" role="status">
            {broadcast.pauseReason ?? 'It was paused by hand. Resume it to send what is still queued.'}
          </Alert>
        )}
        <ProgressCard broadcast={broadcast} />
        <ReportCounters stats={broadcast.stats} />
        {broadcast.holdoutPercent > 0 && broadcast.status !== 'draft' && broadcast.status !== 'scheduled' && (
          <LiftCard broadcast={broadcast} />
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <FailuresTable failures={broadcast.failuresByCode} />
          <SkippedCard skipped={broadcast.stats.skipped} channel={broadcast.channel} />
        </SimpleGrid>
        <BroadcastContentCard broadcast={broadcast} />
        {broadcast.status !== 'draft' && <RecentMessages broadcastId={String(broadcast.id)} live={live} />}
      </Stack>
    </>
  );
}
