import { Badge, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { formatRelative } from '../../../lib/format.ts';
import { formatPhone } from '../../../lib/phone.ts';
import type { Conversation } from './conversations.ts';
import { iso } from './display.ts';

/** Numbers that texted or were texted lately; picking one opens its thread on the phone. */
export function ConversationList(props: { conversations: Conversation[]; selected: string | null; onSelect: (phone: string) => void }) {
  if (props.conversations.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No text messages yet. Launch a broadcast or text in as a member.
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={480} type="auto" scrollbars="y">
      <nav aria-label="Conversations">
        {props.conversations.map((conversation) => (
          <NavLink
            key={conversation.phone}
            styles={{ body: { minWidth: 0 } }}
            active={conversation.phone === props.selected}
            onClick={() => props.onSelect(conversation.phone)}
            label={
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm" fw={500} truncate style={{ minWidth: 0 }}>
                  {conversation.name ?? formatPhone(conversation.phone)}
                </Text>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {formatRelative(iso(conversation.last.createdAt))}
                </Text>
              </Group>
            }
            description={
              <Group gap={4} wrap="nowrap">
                {conversation.last.direction === 'in' && (
                  <Badge size="xs" variant="light" color="indigo" tt="none">
                    in
                  </Badge>
                )}
                <Text size="xs" c="dimmed" truncate style={{ minWidth: 0 }}>
                  {conversation.last.body}
                </Text>
              </Group>
            }
          />
        ))}
      </nav>
    </ScrollArea.Autosize>
  );
}
