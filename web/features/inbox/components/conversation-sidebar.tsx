import { Badge, Button, Center, Group, Loader, SegmentedControl, Select, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import type { InboxCounts } from '../api/get-counts.ts';
import { useCommunityFilterOptions } from '../api/list-communities.ts';
import { type Conversation, type ConversationFilters, type InboxView, useConversations } from '../api/list-conversations.ts';
import { shortTime } from './display.ts';

const VIEWS: { value: InboxView; label: string; count: keyof InboxCounts | null }[] = [
  { value: 'mine', label: 'Mine', count: 'mine' },
  { value: 'unassigned', label: 'Unassigned', count: 'unassigned' },
  { value: 'needs_response', label: 'Needs response', count: 'needsResponse' },
  { value: 'flagged', label: 'Flagged', count: 'flagged' },
  { value: 'all', label: 'All', count: 'open' },
];

/** The left column: views with their counts, filters, search and the conversation list. */
export function ConversationSidebar(props: {
  workspaceId: string;
  filters: ConversationFilters;
  onFilters: (filters: ConversationFilters) => void;
  counts: InboxCounts | undefined;
  selectedId: number | undefined;
  onSelect: (conversation: Conversation) => void;
}) {
  const { filters, onFilters } = props;
  const [search, setSearch] = useState(filters.q ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const communities = useCommunityFilterOptions(props.workspaceId);
  const conversations = useConversations(props.workspaceId, filters);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only the typed search drives this
  useEffect(() => {
    if ((filters.q ?? '') !== debounced) onFilters({ ...filters, q: debounced || undefined });
  }, [debounced]);

  return (
    <Stack gap="sm">
      <nav aria-label="Inbox views">
        <Stack gap={2}>
          {VIEWS.map((view) => {
            const count = view.count && props.counts ? props.counts[view.count] : null;
            const active = filters.view === view.value;
            return (
              <UnstyledButton
                key={view.value}
                onClick={() => onFilters({ ...filters, view: view.value })}
                aria-current={active ? 'page' : undefined}
                px="sm"
                py={6}
                style={{ borderRadius: 6, background: active ? 'var(--mantine-color-indigo-light)' : undefined }}
              >
                <Group justify="space-between">
                  <Text size="sm" fw={active ? 600 : 400}>
                    {view.label}
                  </Text>
                  {count !== null && (
                    <Badge
                      size="sm"
                      variant={active ? 'filled' : 'light'}
                      color={view.value === 'flagged' && count > 0 ? 'red' : 'indigo'}
                      aria-label={`${view.label}: ${count}`}
                    >
                      {count}
                    </Badge>
                  )}
                </Group>
              </UnstyledButton>
            );
          })}
        </Stack>
      </nav>
      <SegmentedControl
        size="xs"
        value={filters.status ?? 'any'}
        onChange={(value) => onFilters({ ...filters, status: value === 'any' ? undefined : (value as 'open' | 'closed') })}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'closed', label: 'Closed' },
          { value: 'any', label: 'Any' },
        ]}
        aria-label="Status"
      />
      <TextInput
        size="xs"
        placeholder="Search name or phone"
        aria-label="Search conversations"
        leftSection={<IconSearch size={14} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
      />
      <Group grow gap="xs">
        <TextInput
          size="xs"
          placeholder="Tag"
          aria-label="Filter by tag"
          defaultValue={filters.tag ?? ''}
          onBlur={(event) => onFilters({ ...filters, tag: event.currentTarget.value.trim() || undefined })}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onFilters({ ...filters, tag: event.currentTarget.value.trim() || undefined });
          }}
        />
        <Select
          size="xs"
          placeholder="Community"
          aria-label="Filter by community"
          clearable
          searchable
          data={communities.data ?? []}
          value={filters.communityId ?? null}
          onChange={(value) => onFilters({ ...filters, communityId: value ?? undefined })}
        />
      </Group>
      {conversations.isPending ? (
        <Center py="lg">
          <Loader size="sm" aria-label="Loading conversations" />
        </Center>
      ) : conversations.isError ? (
        <ErrorAlert error={conversations.error} title="Could not load the conversations" onRetry={() => void conversations.refetch()} />
      ) : conversations.data.conversations.length === 0 ? (
        <Text size="sm" c="dimmed" py="md">
          No conversations here. When members text back, they show up in this list.
        </Text>
      ) : (
        <Stack gap={0} component="ul" aria-label="Conversations" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {conversations.data.conversations.map((conversation) => (
            <li key={conversation.id}>
              <ConversationRow
                conversation={conversation}
                selected={conversation.id === props.selectedId}
                onSelect={() => props.onSelect(conversation)}
              />
            </li>
          ))}
          {conversations.data.hasMore && (
            <Button
              variant="subtle"
              size="xs"
              mt="xs"
              loading={conversations.isFetchingNextPage}
              onClick={() => void conversations.fetchNextPage()}
            >
              Load more
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function ConversationRow(props: { conversation: Conversation; selected: boolean; onSelect: () => void }) {
  const { conversation } = props;
  return (
    <UnstyledButton
      onClick={props.onSelect}
      aria-current={props.selected ? 'true' : undefined}
      data-testid="conversation-row"
      w="100%"
      px="sm"
      py="xs"
      style={{
        borderRadius: 6,
        background: props.selected ? 'var(--mantine-color-gray-light)' : undefined,
        borderBottom: '1px solid var(--mantine-color-default-border)',
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" fw={conversation.unread > 0 ? 700 : 500} truncate style={{ minWidth: 0 }}>
          {conversation.member.name}
        </Text>
        <Group gap={4} wrap="nowrap">
          {conversation.flag && (
            <Badge size="xs" color="red" variant="light" leftSection={<IconAlertTriangle size={10} />} tt="none">
              {conversation.flag === 'opted_out' ? 'opted out' : 'opt-out?'}
            </Badge>
          )}
          {conversation.unread > 0 && (
            <Badge size="xs" color="indigo" circle aria-label={`${conversation.unread} unread`}>
              {conversation.unread}
            </Badge>
          )}
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {shortTime(conversation.lastMessageAt)}
          </Text>
        </Group>
      </Group>
      <Group gap={4} wrap="nowrap" mt={2}>
        {conversation.needsResponse && (
          <Badge size="xs" color="orange" variant="dot" tt="none">
            reply
          </Badge>
        )}
        <Text size="xs" c="dimmed" truncate style={{ minWidth: 0 }}>
          {conversation.lastDirection === 'out' ? 'Sent: ' : ''}
          {conversation.preview}
        </Text>
      </Group>
      {(conversation.assignee || conversation.tags.length > 0) && (
        <Group gap={4} mt={4}>
          {conversation.assignee && (
            <Text size="xs" c="dimmed">
              → {conversation.assignee.name}
            </Text>
          )}
          {conversation.tags.map((tag) => (
            <Badge key={tag} size="xs" variant="outline" color="gray" tt="none">
              {tag}
            </Badge>
          ))}
        </Group>
      )}
    </UnstyledButton>
  );
}
