import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import { useSenders } from '../api/list-senders.ts';
import { iso, languageName } from './display.ts';

function scheduleText(broadcast: Broadcast): string {
  const schedule = broadcast.schedule;
  if (!schedule || schedule.kind === 'now') return 'At launch';
  if (schedule.kind === 'at') return formatDateTime(iso(schedule.at));
  return `${schedule.date} at ${schedule.time}, each member's local time`;
}

/** What was sent, to whom and from where. */
export function BroadcastContentCard(props: { broadcast: Broadcast }) {
  const { broadcast } = props;
  const { workspaceId } = useCurrentWorkspace();
  const communities = useCommunityOptions(workspaceId);
  const senders = useSenders(workspaceId);
  const names = new Map((communities.data ?? []).map((option) => [option.value, option.label]));
  const sender = senders.data?.find((item) => item.id === broadcast.senderId);
  const languages = [broadcast.defaultLanguage, ...Object.keys(broadcast.templates).filter((code) => code !== broadcast.defaultLanguage)];

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={4}>Message</Title>
        {broadcast.subject && (
          <Text size="sm">
            <b>Subject:</b> {broadcast.subject}
          </Text>
        )}
        {languages.map((code) => (
          <Stack key={code} gap={4}>
            <Text size="xs" fw={600} c="dimmed">
              {languageName(code)}
              {code === broadcast.defaultLanguage ? ' (default)' : ''}
            </Text>
            <Text
              size="sm"
              p="sm"
              bg="var(--mantine-color-gray-1)"
              style={{ borderRadius: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
              data-testid={`template-${code}`}
            >
              {broadcast.templates[code] ?? ''}
            </Text>
          </Stack>
        ))}
        {broadcast.mediaUrl && (
          <Text size="sm">
            Picture:{' '}
            <Anchor href={broadcast.mediaUrl} target="_blank" rel="noreferrer" size="sm">
              {broadcast.mediaUrl}
            </Anchor>
          </Text>
        )}
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            Audience:
          </Text>
          {broadcast.audience.communityIds.map((id) => (
            <Badge key={id} variant="default" tt="none">
              {names.get(String(id)) ?? `Community #${id}`}
            </Badge>
          ))}
          {broadcast.audience.tags.map((tag) => (
            <Badge key={tag} variant="outline" color="gray" tt="none">
              #{tag}
            </Badge>
          ))}
        </Group>
        <Text size="sm" c="dimmed">
          From {sender ? `${sender.label || sender.address} (${sender.accountName})` : 'the default sender'} · {scheduleText(broadcast)}
          {broadcast.throttlePerMinute ? ` · at most ${broadcast.throttlePerMinute.toLocaleString()} per minute` : ''}
          {broadcast.trackLinks ? ' · links tracked' : ''}
        </Text>
      </Stack>
    </Paper>
  );
}
