import { Badge, Box, Group, Paper, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { useEffect, useRef } from 'react';
import type { ThreadMessage } from '../api/get-conversation.ts';
import { fullTime, senderLabel, shortTime, stateColor } from './display.ts';

/** The member's whole history as chat bubbles: their texts on the left, everything sent to them on the right. */
export function Thread(props: { messages: ThreadMessage[]; hasMore: boolean }) {
  const bottom = useRef<HTMLDivElement>(null);
  const lastId = props.messages.at(-1)?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when a new message arrives
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [lastId]);

  return (
    <ScrollArea.Autosize mah="55vh" type="auto" offsetScrollbars>
      <Stack gap="xs" p="xs" aria-label="Messages" role="log">
        {props.hasMore && (
          <Text size="xs" c="dimmed" ta="center">
            Older messages are in the member's profile.
          </Text>
        )}
        {props.messages.length === 0 && (
          <Text size="sm" c="dimmed" ta="center">
            No messages yet.
          </Text>
        )}
        {props.messages.map((message) => (
          <Bubble key={message.id} message={message} />
        ))}
        <div ref={bottom} />
      </Stack>
    </ScrollArea.Autosize>
  );
}

function Bubble(props: { message: ThreadMessage }) {
  const { message } = props;
  const inbound = message.direction === 'in';
  const byPerson = message.sentBy !== null;
  return (
    <Box style={{ alignSelf: inbound ? 'flex-start' : 'flex-end', maxWidth: '80%' }} data-testid={inbound ? 'bubble-in' : 'bubble-out'}>
      <Paper
        px="sm"
        py={6}
        radius="lg"
        bg={
          inbound
            ? 'var(--mantine-color-gray-light)'
            : byPerson
              ? 'var(--mantine-color-indigo-filled)'
              : 'var(--mantine-color-indigo-light)'
        }
        c={!inbound && byPerson ? 'white' : undefined}
      >
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {message.body}
        </Text>
      </Paper>
      <Group gap={6} mt={2} justify={inbound ? 'flex-start' : 'flex-end'}>
        <Text size="xs" c="dimmed">
          {senderLabel(message)}
        </Text>
        <Tooltip label={fullTime(message.createdAt)} withArrow>
          <Text size="xs" c="dimmed">
            {shortTime(message.createdAt)}
          </Text>
        </Tooltip>
        {!inbound && (
          <Tooltip
            label={
              message.errorCode
                ? `Error ${message.errorCode}`
                : message.state === 'queued' && message.sendAt > Date.now()
                  ? `Held until ${fullTime(message.sendAt)}`
                  : message.state
            }
            withArrow
          >
            <Badge size="xs" variant="light" color={stateColor(message.state)} tt="none">
              {message.state}
            </Badge>
          </Tooltip>
        )}
        {message.flag && (
          <Badge size="xs" variant="light" color="red" tt="none">
            {message.flag === 'possible_opt_out' ? 'opt-out?' : message.flag}
          </Badge>
        )}
      </Group>
    </Box>
  );
}
