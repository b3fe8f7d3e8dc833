import { Badge, Card, Center, Grid, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconMessages } from '@tabler/icons-react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useInboxCounts } from '../api/get-counts.ts';
import { type ConversationFilters, INBOX_VIEWS, type InboxView } from '../api/list-conversations.ts';
import { type LiveState, useInboxEvents } from '../hooks/use-inbox-events.ts';
import { ConversationPanel } from './conversation-panel.tsx';
import { ConversationSidebar } from './conversation-sidebar.tsx';
import { InboxTabs } from './inbox-tabs.tsx';

function filtersOf(params: URLSearchParams): ConversationFilters {
  const view = params.get('view');
  const status = params.get('status');
  return {
    view: (INBOX_VIEWS as readonly string[]).includes(view ?? '') ? (view as InboxView) : 'all',
    // Open conversations unless asked otherwise ("any" shows both).
    status: status === 'closed' ? 'closed' : status === 'any' ? undefined : 'open',
    tag: params.get('tag') ?? undefined,
    communityId: params.get('communityId') ?? undefined,
    campaignId: params.get('campaignId') ?? undefined,
    q: params.get('q') ?? undefined,
  };
}

function paramsOf(filters: ConversationFilters): Record<string, string> {
  const params: Record<string, string> = {};
  if (filters.view !== 'all') params.view = filters.view;
  if (filters.status !== 'open') params.status = filters.status ?? 'any';
  if (filters.tag) params.tag = filters.tag;
  if (filters.communityId) params.communityId = filters.communityId;
  if (filters.campaignId) params.campaignId = filters.campaignId;
  if (filters.q) params.q = filters.q;
  return params;
}

const LIVE_LOOK: Record<LiveState, { color: string; label: string; tip: string }> = {
  live: { color: 'teal', label: 'Live', tip: 'New texts and answers appear here as they happen.' },
  connecting: { color: 'yellow', label: 'Connecting', tip: 'Reconnecting to live updates…' },
  offline: { color: 'red', label: 'Offline', tip: 'Live updates stopped; reload the page.' },
};

/** /inbox and /inbox/c/:conversationId: conversations on the left, the open one on the right (one or the other on a phone). */
export function InboxPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const { conversationId } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const phone = useMediaQuery('(max-width: 48em)');
  const live = useInboxEvents(workspaceId);
  const counts = useInboxCounts(workspaceId);
  const filters = filtersOf(params);
  const selected = conversationId ? Number(conversationId) : undefined;
  const base = `/w/${workspaceId}/inbox`;
  const search = new URLSearchParams(paramsOf(filters)).toString();
  const withSearch = (path: string) => (search ? `${path}?${search}` : path);

  if (!can('inbox.read')) return <NoAccess>Your role does not include the inbox.</NoAccess>;

  const look = LIVE_LOOK[live];
  const sidebar = (
    <ConversationSidebar
      workspaceId={workspaceId}
      filters={filters}
      onFilters={(next) =>
        navigate(
          `${selected ? `${base}/c/${selected}` : base}${Object.keys(paramsOf(next)).length ? `?${new URLSearchParams(paramsOf(next))}` : ''}`,
          { replace: true },
        )
      }
      counts={counts.data}
      selectedId={selected}
      onSelect={(conversation) => navigate(withSearch(`${base}/c/${conversation.id}`))}
    />
  );
  const panel = selected ? (
    <ConversationPanel key={selected} conversationId={selected} onBack={phone ? () => navigate(withSearch(base)) : undefined} />
  ) : (
    <Center py={60}>
      <Text c="dimmed" ta="center">
        <IconMessages size={32} style={{ display: 'block', margin: '0 auto 8px' }} />
        Pick a conversation to read and answer it.
      </Text>
    </Center>
  );

  return (
    <>
      <PageHeader
        title="Inbox"
        description="Members' texts that wait for a person, and every answer."
        actions={
          <Tooltip label={look.tip} withArrow>
            <Badge color={look.color} variant="dot" tt="none" data-testid="live-state">
              {look.label}
            </Badge>
          </Tooltip>
        }
      />
      <InboxTabs workspaceId={workspaceId} value="conversations" />
      {phone ? (
        selected ? (
          panel
        ) : (
          sidebar
        )
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Card withBorder padding="sm">
              {sidebar}
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Card withBorder padding="md">
              {panel}
            </Card>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}
