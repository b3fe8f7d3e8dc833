import { Alert, Button, Chip, Group, Menu, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { IconBulb, IconSend, IconTemplate } from '@tabler/icons-react';
import { analyzeSms } from '../../../../common/sms-encoding.ts';
import { ApiError } from '../../../lib/api-client.ts';
import { errorDetail } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useSuggestions } from '../api/get-suggestions.ts';
import { useSendReply } from '../api/send-reply.ts';
import { fullTime } from './display.ts';

/**
 * Where a person types the answer: Enter sends, Shift+Enter starts a new line. Saved replies, suggested answers and a
 * campaign answer's follow-up fill the box (the person still reads and sends), so the text is held by the panel. The
 * segment count is the phone network's.
 */
export function Composer(props: {
  workspaceId: string;
  conversationId: number;
  lastMessageId: number | undefined;
  disabledReason: string | null;
  body: string;
  onBodyChange: (body: string) => void;
}) {
  const { body, onBodyChange: setBody } = props;
  const send = useSendReply(props.workspaceId);
  const suggestions = useSuggestions(props.workspaceId, props.conversationId, props.disabledReason === null);
  const analysis = analyzeSms(body);

  const submit = () => {
    const text = body.trim();
    if (text === '' || send.isPending || props.disabledReason) return;
    send.mutate(
      { conversationId: props.conversationId, body: text, afterMessageId: props.lastMessageId },
      {
        onSuccess: (result) => {
          setBody('');
          if (result.scheduledFor) notifySuccess(`It is night where they live: your text goes out at ${fullTime(result.scheduledFor)}.`);
        },
      },
    );
  };

  if (props.disabledReason) {
    return (
      <Alert color="gray" variant="light">
        {props.disabledReason}
      </Alert>
    );
  }

  const stale = send.error instanceof ApiError && send.error.code === 'conversation.stale';
  return (
    <Stack gap="xs">
      {(suggestions.data?.suggested.length ?? 0) > 0 && (
        <Group gap={6} aria-label="Suggested replies">
          <IconBulb size={16} color="var(--mantine-color-yellow-6)" aria-hidden />
          {suggestions.data?.suggested.map((suggestion) => (
            <Tooltip key={suggestion.body} label={suggestion.body} multiline w={320} withArrow>
              <Chip size="xs" checked={false} onChange={() => setBody(suggestion.body)} variant="outline">
                {suggestion.body.length > 40 ? `${suggestion.body.slice(0, 40)}…` : suggestion.body}
              </Chip>
            </Tooltip>
          ))}
        </Group>
      )}
      {send.error && (
        <Alert
          color={stale ? 'orange' : 'red'}
          variant="light"
          title={stale ? 'Someone answered while you were typing' : 'Not sent'}
          withCloseButton
          onClose={() => send.reset()}
        >
          {errorDetail(send.error)}
        </Alert>
      )}
      <Textarea
        aria-label="Reply"
        placeholder="Write a reply… (Enter sends, Shift+Enter for a new line)"
        autosize
        minRows={2}
        maxRows={8}
        value={body}
        onChange={(event) => setBody(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            submit();
          }
        }}
      />
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Menu position="top-start" withinPortal>
            <Menu.Target>
              <Button
                variant="default"
                size="xs"
                leftSection={<IconTemplate size={14} />}
                disabled={(suggestions.data?.canned.length ?? 0) === 0}
              >
                Saved replies
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {suggestions.data?.canned.map((canned) => (
                <Menu.Item key={canned.id} onClick={() => setBody(canned.body)}>
                  <Text size="sm" fw={500}>
                    {canned.title}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={2} maw={320}>
                    {canned.body}
                  </Text>
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Text size="xs" c={analysis.segments > 1 ? 'orange' : 'dimmed'} data-testid="segment-count">
            {analysis.units} chars · {Math.max(1, analysis.segments)} {analysis.segments > 1 ? 'segments' : 'segment'}
            {analysis.encoding === 'ucs2' ? ' · Unicode' : ''}
          </Text>
        </Group>
        <Button size="xs" leftSection={<IconSend size={14} />} onClick={submit} loading={send.isPending} disabled={body.trim() === ''}>
          Send
        </Button>
      </Group>
    </Stack>
  );
}
