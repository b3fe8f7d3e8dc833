import { Button, Divider, Group, Loader, Modal, MultiSelect, Stack, TagsInput, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifyError } from '../../../lib/notify.ts';
import { useCancelSurveySend } from '../api/cancel-survey-send.ts';
import { surveysKeys } from '../api/keys.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import { isActiveSend, useSurveySends } from '../api/list-survey-sends.ts';
import { useSendSurvey } from '../api/send-survey.ts';
import { SendHistory, SendProgress } from './survey-sends.tsx';

const FIELDS = ['communityIds', 'tags', 'memberIds'];

/**
 * Sends an open survey to the members of communities (sub-communities included) and of tags, each once. The send runs
 * in the background: the dialog follows its progress (and shows one already running when it opens), then lists the
 * survey's earlier sends.
 */
export function SendSurveyModal(props: { opened: boolean; onClose: () => void; workspaceId: string; surveyId: string }) {
  const { workspaceId, surveyId } = props;
  const queryClient = useQueryClient();
  const communities = useCommunityOptions(workspaceId);
  const sends = useSurveySends(workspaceId, surveyId);
  const send = useSendSurvey(workspaceId, surveyId);
  const cancel = useCancelSurveySend(workspaceId, surveyId);
  const [communityIds, setCommunityIds] = useState<string[]>([]);
  const [tags, setTags] = useState<string[]>([]);

  const list = sends.data?.sends ?? [];
  // The send this dialog started (fresh from the list once it is there), else one already under way.
  const current = (send.data && (list.find((s) => s.id === send.data.id) ?? send.data)) || list.find(isActiveSend);
  const earlier = list.filter((s) => s.id !== current?.id);
  const running = current !== undefined && isActiveSend(current);

  // When the send shown ends, the survey's counters and results have moved.
  const finishedId = current && !running ? current.id : null;
  useEffect(() => {
    if (finishedId === null) return;
    void queryClient.invalidateQueries({ queryKey: surveysKeys.detail(workspaceId, surveyId) });
    void queryClient.invalidateQueries({ queryKey: surveysKeys.results(workspaceId, surveyId) });
  }, [finishedId, workspaceId, surveyId, queryClient]);

  const close = () => {
    setCommunityIds([]);
    setTags([]);
    send.reset();
    props.onClose();
  };

  return (
    <Modal opened={props.opened} onClose={close} title="Send to members" centered size="lg">
      <Stack>
        {current ? (
          <SendProgress
            send={current}
            cancelling={cancel.isPending}
            onCancel={() => cancel.mutate(current.id, { onError: (error) => notifyError(error, 'The send was not cancelled') })}
          />
        ) : sends.isPending ? (
          <Loader size="sm" />
        ) : (
          <>
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
            />
            <Text size="sm" c="dimmed">
              Only members who agreed to receive texts get the first question, each inside their texting hours. A member in several
              communities or tags is asked once; members already answering, and those who got as many texts this week as the workspace
              allows, are not asked. Large audiences are sent in the background: you can close this window meanwhile.
            </Text>
          </>
        )}
        {send.error !== null && !onlyFieldErrors(send.error, FIELDS) && <ErrorAlert error={send.error} title="The survey was not sent" />}
        <Group justify="flex-end">
          {current ? (
            <Button onClick={close}>{running ? 'Close' : 'Done'}</Button>
          ) : (
            <>
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button
                onClick={() => send.mutate({ communityIds: communityIds.map(Number), tags })}
                loading={send.isPending}
                disabled={sends.isPending}
              >
                Send
              </Button>
            </>
          )}
        </Group>
        {earlier.length > 0 && (
          <>
            <Divider label="Earlier sends" labelPosition="left" />
            <SendHistory sends={earlier} />
          </>
        )}
      </Stack>
    </Modal>
  );
}
