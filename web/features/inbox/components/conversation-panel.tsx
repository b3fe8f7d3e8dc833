import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Menu,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconCheck, IconChevronDown, IconRotate, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError } from '../../../lib/notify.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { useAddNote } from '../api/add-note.ts';
import { useAddTag } from '../api/add-tag.ts';
import { type ConversationDetail, useConversation } from '../api/get-conversation.ts';
import { useAssignees } from '../api/list-assignees.ts';
import { useMarkRead } from '../api/mark-read.ts';
import { useRemoveTag } from '../api/remove-tag.ts';
import { useUpdateConversation } from '../api/update-conversation.ts';
import { CampaignAnswers } from './campaign-answers.tsx';
import { Composer } from './composer.tsx';
import { fullTime } from './display.ts';
import { Thread } from './thread.tsx';

/** The right column: who the member is, the thread, the composer, assignment, tags and the team's notes. */
export function ConversationPanel(props: { conversationId: number; onBack?: (() => void) | undefined }) {
  const { workspaceId } = useCurrentWorkspace();
  const detail = useConversation(workspaceId, String(props.conversationId));
  const markRead = useMarkRead(workspaceId);
  const unread = detail.data?.conversation.unread ?? 0;

  // Opening a conversation reads it; a text arriving while it is open is read too.
  // biome-ignore lint/correctness/useExhaustiveDependencies: mark once per unread change
  useEffect(() => {
    if (unread > 0) markRead.mutate(props.conversationId);
  }, [unread, props.conversationId]);

  if (detail.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading the conversation" />
      </Center>
    );
  }
  if (detail.isError)
    return <ErrorAlert error={detail.error} title="Could not open this conversation" onRetry={() => void detail.refetch()} />;
  return <Loaded data={detail.data} onBack={props.onBack} />;
}

function Loaded(props: { data: ConversationDetail; onBack?: (() => void) | undefined }) {
  const { workspaceId, can, user } = useCurrentWorkspace();
  const { conversation, member, thread } = props.data;
  const update = useUpdateConversation(workspaceId);
  const [draft, setDraft] = useState('');
  const assignees = useAssignees(workspaceId, can('inbox.manage'));
  const change = (patch: Parameters<typeof update.mutate>[0]['patch']) =>
    update.mutate({ conversationId: conversation.id, patch }, { onError: (error) => notifyError(error) });

  const optedOut = member.smsConsent === 'revoked' || conversation.flag === 'opted_out';
  const disabledReason = !can('inbox.reply')
    ? 'Your role can read conversations but not answer them.'
    : optedOut
      ? 'This member opted out of texts. They can text START to subscribe again.'
      : member.phone === null
        ? 'This member has no phone number.'
        : null;

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          {props.onBack && (
            <ActionIcon variant="subtle" onClick={props.onBack} aria-label="Back to the conversations" mt={4}>
              <IconArrowLeft size={18} />
            </ActionIcon>
          )}
          <div>
            <Title order={3} size="h4">
              {member.name}
            </Title>
            <Text size="sm" c="dimmed">
              {formatPhone(member.phone)} · {member.language} · {member.timezone}
              {member.communities.length > 0 && ` · ${member.communities.map((c) => c.name).join(', ')}`}
            </Text>
          </div>
        </Group>
        <Group gap="xs" wrap="nowrap">
          {can('inbox.manage') ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" size="xs" rightSection={<IconChevronDown size={14} />} aria-label="Assign">
                  {conversation.assignee ? conversation.assignee.name : 'Unassigned'}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => change({ assigneeId: null })}>Nobody (unassigned)</Menu.Item>
                {(assignees.data ?? []).map((person) => (
                  <Menu.Item
                    key={person.id}
                    onClick={() => change({ assigneeId: person.id })}
                    rightSection={person.id === conversation.assignee?.id ? <IconCheck size={14} /> : null}
                  >
                    {person.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          ) : can('inbox.reply') ? (
            conversation.assignee?.id === user.id ? (
              <Button variant="default" size="xs" onClick={() => change({ assigneeId: null })}>
                Release
              </Button>
            ) : (
              <Button variant="default" size="xs" onClick={() => change({ assigneeId: user.id })}>
                Take
              </Button>
            )
          ) : null}
          {can('inbox.reply') &&
            (conversation.status === 'open' ? (
              <Button
                size="xs"
                variant="light"
                color="gray"
                leftSection={<IconCheck size={14} />}
                onClick={() => change({ status: 'closed' })}
              >
                Close
              </Button>
            ) : (
              <Button size="xs" variant="light" leftSection={<IconRotate size={14} />} onClick={() => change({ status: 'open' })}>
                Reopen
              </Button>
            ))}
        </Group>
      </Group>

      {conversation.flag === 'possible_opt_out' && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="This might be an opt-out">
          The member's words may mean they want no more texts. If so, record the opt-out on their profile; then nothing more is sent.
        </Alert>
      )}
      {conversation.flag === 'opted_out' && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Opted out">
          This member opted out: no more texts go to them.
        </Alert>
      )}

      <Card withBorder padding="xs">
        <Thread messages={thread.messages} hasMore={thread.hasMore} />
      </Card>
      {conversation.campaign && can('p2p.text') && (
        <CampaignAnswers campaign={conversation.campaign} memberId={member.id} onFollowUp={disabledReason === null && setDraft} />
      )}
      <Composer
        workspaceId={workspaceId}
        conversationId={conversation.id}
        lastMessageId={thread.messages.at(-1)?.id}
        disabledReason={disabledReason}
        body={draft}
        onBodyChange={setDraft}
      />
      <Tags conversationId={conversation.id} tags={conversation.tags} editable={can('inbox.reply')} />
      <Notes data={props.data} editable={can('inbox.reply')} />
    </Stack>
  );
}

function Tags(props: { conversationId: number; tags: string[]; editable: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  const add = useAddTag(workspaceId);
  const remove = useRemoveTag(workspaceId);
  const [tag, setTag] = useState('');
  const submit = () => {
    if (tag.trim() === '') return;
    add.mutate({ conversationId: props.conversationId, tag }, { onSuccess: () => setTag(''), onError: (error) => notifyError(error) });
  };
  return (
    <Group gap="xs" aria-label="Tags">
      <Text size="sm" fw={500}>
        Tags
      </Text>
      {props.tags.map((t) => (
        <Badge
          key={t}
          variant="light"
          color="gray"
          tt="none"
          rightSection={
            props.editable && (
              <ActionIcon
                size="xs"
                variant="transparent"
                color="gray"
                aria-label={`Remove tag ${t}`}
                onClick={() => remove.mutate({ conversationId: props.conversationId, tag: t })}
              >
                <IconX size={10} />
              </ActionIcon>
            )
          }
        >
          {t}
        </Badge>
      ))}
      {props.editable && (
        <TextInput
          size="xs"
          w={140}
          placeholder="Add a tag"
          aria-label="Add a tag"
          value={tag}
          onChange={(event) => setTag(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') submit();
          }}
        />
      )}
    </Group>
  );
}

function Notes(props: { data: ConversationDetail; editable: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  const add = useAddNote(workspaceId);
  const [body, setBody] = useState('');
  return (
    <Card withBorder padding="sm" bg="var(--mantine-color-yellow-light)">
      <Text size="sm" fw={500} mb={4}>
        Team notes (never texted)
      </Text>
      <Stack gap={6}>
        {props.data.notes.length === 0 && (
          <Text size="xs" c="dimmed">
            No notes yet.
          </Text>
        )}
        {props.data.notes.map((note) => (
          <div key={note.id}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {note.body}
            </Text>
            <Text size="xs" c="dimmed">
              {note.author?.name ?? 'Someone'} · {fullTime(note.createdAt)}
            </Text>
          </div>
        ))}
        {props.editable && (
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Textarea
              size="xs"
              autosize
              minRows={1}
              style={{ flex: 1 }}
              placeholder="Add a note for the team"
              aria-label="Add a note"
              value={body}
              onChange={(event) => setBody(event.currentTarget.value)}
            />
            <Button
              size="xs"
              variant="light"
              disabled={body.trim() === ''}
              loading={add.isPending}
              onClick={() =>
                add.mutate(
                  { conversationId: props.data.conversation.id, body },
                  { onSuccess: () => setBody(''), onError: (error) => notifyError(error) },
                )
              }
            >
              Add note
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
