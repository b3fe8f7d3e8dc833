import { Alert, Button, Group, Modal, MultiSelect, Stack, TagsInput, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import { type SendResult, useSendSurvey } from '../api/send-survey.ts';

const FIELDS = ['communityIds', 'tags', 'memberIds'];

/** "Started 12, skipped 3 (no consent 2, already answered 1)": what a send did. */
function sendSummary(result: SendResult): string {
  const { noConsent, alreadyCompleted, alreadyStarted, notFound } = result.skipped;
  const skipped = noConsent + alreadyCompleted + alreadyStarted + notFound;
  const reasons = [
    [noConsent, 'no consent'],
    [alreadyCompleted, 'already answered'],
    [alreadyStarted, 'already answering'],
    [notFound, 'no phone'],
  ] as const;
  const detail = reasons
    .filter(([count]) => count > 0)
    .map(([count, label]) => `${label} ${count.toLocaleString()}`)
    .join(', ');
  return `Started ${result.started.toLocaleString()}, skipped ${skipped.toLocaleString()}${detail ? ` (${detail})` : ''}`;
}

/** Sends an open survey to the members of communities (sub-communities included) and of tags, each once. */
export function SendSurveyModal(props: { opened: boolean; onClose: () => void; workspaceId: string; surveyId: string }) {
  const communities = useCommunityOptions(props.workspaceId);
  const send = useSendSurvey(props.workspaceId, props.surveyId);
  const [communityIds, setCommunityIds] = useState<string[]>([]);
  const [tags, setTags] = useState<string[]>([]);

  const close = () => {
    setCommunityIds([]);
    setTags([]);
    send.reset();
    props.onClose();
  };

  return (
    <Modal opened={props.opened} onClose={close} title="Send to members" centered size="lg">
      <Stack>
        <MultiSelect
          label="Communities"
          description="Members of any of these, sub-communities included."
          placeholder={communityIds.length === 0 ? (communities.isError ? 'Communities unavailable' : 'Pick communities') : undefined}
          data={communities.data ?? []}
          value={communityIds}
          onChange={setCommunityIds}
          error={fieldError(send.error, 'communityIds')}
          searchable
          clearable
          hidePickedOptions
          nothingFoundMessage="No community by that name"
          disabled={send.isSuccess}
          data-autofocus
        />
        <TagsInput
          label="Tags"
          description="And members carrying any of these tags. Press Enter after each."
          placeholder={tags.length === 0 ? 'volunteer' : undefined}
          value={tags}
          onChange={(next) => setTags([...new Set(next.map((tag) => tag.trim().toLowerCase()).filter(Boolean))])}
          error={fieldError(send.error, 'tags')}
          clearable
          disabled={send.isSuccess}
        />
        <Text size="sm" c="dimmed">
          Only members who agreed to receive texts get the first question, each inside their texting hours. A member in several communities
          or tags is asked once; members already answering are not asked again.
        </Text>
        {send.error !== null && !onlyFieldErrors(send.error, FIELDS) && <ErrorAlert error={send.error} title="The survey was not sent" />}
        {send.data && (
          <Alert color="green" variant="light" title="Survey sent" data-testid="send-result">
            {sendSummary(send.data)}
          </Alert>
        )}
        <Group justify="flex-end">
          {send.isSuccess ? (
            <Button onClick={close}>Done</Button>
          ) : (
            <>
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button onClick={() => send.mutate({ communityIds: communityIds.map(Number), tags })} loading={send.isPending}>
                Send
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
