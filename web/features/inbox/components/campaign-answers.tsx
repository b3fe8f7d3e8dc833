import { Button, Group, Loader, Paper, Text } from '@mantine/core';
import { IconCheck, IconListCheck } from '@tabler/icons-react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { useCampaignQuestion } from '../api/get-campaign-question.ts';
import { useRecordAnswer } from '../api/record-answer.ts';

/**
 * The P2P campaign's question in the conversation its initial opened: the texter taps the member's answer, which is
 * recorded (an activity and the answer's tag), and its follow-up lands in the reply box to read and send.
 */
export function CampaignAnswers(props: {
  campaign: { id: number; name: string };
  memberId: number;
  /** Given the answer's follow-up text; false when the reply box cannot take it (the member opted out). */
  onFollowUp: ((text: string) => void) | false;
}) {
  const { workspaceId } = useCurrentWorkspace();
  const question = useCampaignQuestion(workspaceId, props.campaign.id, props.memberId);
  const record = useRecordAnswer(workspaceId);

  if (question.isPending) return <Loader size="xs" aria-label="Loading the campaign question" />;
  if (question.isError) {
    const code = question.error instanceof ApiError ? question.error.code : '';
    // Not a contact of the campaign (e.g. the member was merged): nothing to record here.
    if (code === 'p2p.contact_not_found' || code === 'p2p.not_found') return null;
    if (code === 'p2p.contact_not_yours') {
      return (
        <Text size="xs" c="dimmed">
          {props.campaign.name}: the member's answer is recorded by the texter who sent the initial.
        </Text>
      );
    }
    return <ErrorAlert error={question.error} title="Could not load the campaign question" onRetry={() => void question.refetch()} />;
  }
  const { answers, answer, question: prompt } = question.data;
  if (answers.length === 0) return null;

  const choose = (key: string, label: string) =>
    record.mutate(
      { campaignId: props.campaign.id, memberId: props.memberId, key },
      {
        onSuccess: (result) => {
          const tagged = result.tagsAdded.length > 0 ? ` Tagged ${result.tagsAdded.join(', ')}.` : '';
          if (result.followUp && props.onFollowUp) {
            props.onFollowUp(result.followUp);
            notifySuccess(`Recorded “${label}”.${tagged} Its follow-up is in the reply box: read it, then send.`);
          } else notifySuccess(`Recorded “${label}”.${tagged}`);
        },
        onError: (error) => notifyError(error, 'The answer was not recorded'),
      },
    );

  return (
    <Paper withBorder p="xs" radius="md" aria-label="Campaign question" data-testid="campaign-question">
      <Group gap={6} wrap="nowrap" align="flex-start">
        <IconListCheck size={16} style={{ flexShrink: 0, marginTop: 2 }} aria-hidden />
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={500}>
            {prompt ?? 'Their answer'}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {props.campaign.name}
          </Text>
        </div>
      </Group>
      <Group gap={6} mt={6} aria-label="Answers">
        {answers.map((a) => {
          const current = a.key === answer;
          return (
            <Button
              key={a.key}
              size="xs"
              h="auto"
              mih={30}
              maw="100%"
              py={4}
              variant={current ? 'filled' : 'default'}
              aria-pressed={current}
              title={a.reply ?? undefined}
              leftSection={current ? <IconCheck size={14} /> : undefined}
              loading={record.isPending && record.variables?.key === a.key}
              disabled={record.isPending && record.variables?.key !== a.key}
              onClick={() => choose(a.key, a.label)}
              styles={{ label: { whiteSpace: 'normal', textAlign: 'left' } }}
            >
              {a.label}
            </Button>
          );
        })}
      </Group>
    </Paper>
  );
}
