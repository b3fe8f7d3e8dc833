import { ActionIcon, Badge, Box, Button, Group, Paper, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { formatPhone } from '../../../lib/phone.ts';
import type { Message } from '../api/list-messages.ts';
import { messageStateColor } from './display.ts';

const QUICK_REPLIES = ['STOP', 'HELP', 'START', 'YES'];

function Bubble(props: { message: Message }) {
  const { message } = props;
  // This is the member's phone: what they sent is on the right.
  const mine = message.direction === 'in';
  return (
    <Group justify={mine ? 'flex-end' : 'flex-start'} data-direction={message.direction} role="listitem">
      <Box maw="80%">
        <Text
          size="sm"
          px="sm"
          py={6}
          c={mine ? 'white' : undefined}
          bg={mine ? 'var(--mantine-color-blue-6)' : 'var(--mantine-color-gray-2)'}
          style={{ borderRadius: 16, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
        >
          {message.body}
        </Text>
        <Group gap={4} justify={mine ? 'flex-end' : 'flex-start'} mt={2}>
          <Text size="xs" c="dimmed">
            {new Date(message.createdAt).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' })}
          </Text>
          {!mine && (
            <Badge size="xs" variant="dot" color={messageStateColor(message.state)} tt="none">
              {message.state}
            </Badge>
          )}
        </Group>
      </Box>
    </Group>
  );
}

/** A member's phone: the thread with the workspace, and a box to text in as them. */
export function PhoneScreen(props: {
  phone: string;
  name: string | null;
  thread: Message[];
  onSend: (body: string) => Promise<unknown>;
  sending: boolean;
  error: unknown;
}) {
  const [body, setBody] = useState('');
  const viewport = useRef<HTMLDivElement>(null);
  const lastId = props.thread.at(-1)?.id;

  // Keep the newest message in view as texts arrive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when a new message arrives
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [lastId]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    props.onSend(text).then(
      () => setBody(''),
      () => undefined,
    );
  };

  return (
    <Paper withBorder radius={32} p="sm" maw={400} w="100%" mx="auto" bg="var(--mantine-color-gray-0)" aria-label="Simulated phone">
      <Stack gap="xs">
        <Stack gap={0} align="center" py={4}>
          <Text fw={600} size="sm">
            {props.name ?? formatPhone(props.phone)}
          </Text>
          {props.name && (
            <Text size="xs" c="dimmed">
              {formatPhone(props.phone)}
            </Text>
          )}
        </Stack>
        <ScrollArea h={380} viewportRef={viewport} type="auto" bg="white" style={{ borderRadius: 20 }}>
          <Stack gap="xs" p="sm" role="list" aria-label="Conversation">
            {props.thread.length === 0 ? (
              <Text size="sm" c="dimmed" ta="center" py="xl">
                No messages with this number yet.
              </Text>
            ) : (
              props.thread.map((message) => <Bubble key={message.id} message={message} />)
            )}
          </Stack>
        </ScrollArea>
        <Group gap={4} justify="center" aria-label="Quick replies">
          {QUICK_REPLIES.map((word) => (
            <Button key={word} size="compact-xs" variant="light" radius="xl" onClick={() => setBody(word)}>
              {word}
            </Button>
          ))}
        </Group>
        {props.error !== null && props.error !== undefined && <ErrorAlert error={props.error} title="Not delivered to the workspace" />}
        <form onSubmit={submit}>
          <Group gap="xs" wrap="nowrap">
            <TextInput
              aria-label="Text as this member"
              placeholder="Text message"
              value={body}
              onChange={(event) => setBody(event.currentTarget.value)}
              radius="xl"
              style={{ flex: 1 }}
            />
            <ActionIcon type="submit" size="lg" radius="xl" aria-label="Send text" loading={props.sending} disabled={!body.trim()}>
              <IconSend size={18} />
            </ActionIcon>
          </Group>
        </form>
      </Stack>
    </Paper>
  );
}
