import { Button, Group } from '@mantine/core';
import { IconPencil, IconPlayerPause, IconPlayerPlay, IconRepeat, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { useCancelBroadcast } from '../api/cancel-broadcast.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import { usePauseBroadcast } from '../api/pause-broadcast.ts';
import { useResendUnknown } from '../api/resend-unknown.ts';
import { useResumeBroadcast } from '../api/resume-broadcast.ts';

/** Edit, pause, resume, cancel or resend unknown messages, as the broadcast's status allows. */
export function ReportActions(props: { broadcast: Broadcast }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const pause = usePauseBroadcast(workspaceId);
  const resume = useResumeBroadcast(workspaceId);
  const cancel = useCancelBroadcast(workspaceId);
  const resend = useResendUnknown(workspaceId);
  const { broadcast } = props;
  const id = String(broadcast.id);
  if (!can('broadcasts.manage')) return null;
  const { status } = broadcast;
  const cancellable = status === 'scheduled' || status === 'expanding' || status === 'sending' || status === 'paused';

  return (
    <Group gap="xs">
      {(status === 'draft' || status === 'scheduled') && (
        <Button component={Link} to={`/w/${workspaceId}/messages/${id}/edit`} variant="default" leftSection={<IconPencil size={16} />}>
          {status === 'draft' ? 'Edit draft' : 'Edit'}
        </Button>
      )}
      {(status === 'sending' || status === 'expanding') && (
        <Button
          variant="default"
          leftSection={<IconPlayerPause size={16} />}
          loading={pause.isPending}
          onClick={() =>
            pause.mutate(id, {
              onSuccess: () => notifySuccess('Sending is paused. Nothing more goes out until you resume.'),
              onError: (error) => notifyError(error, 'The broadcast was not paused'),
            })
          }
        >
          Pause
        </Button>
      )}
      {status === 'paused' && (
        <Button
          leftSection={<IconPlayerPlay size={16} />}
          loading={resume.isPending}
          onClick={() =>
            resume.mutate(id, {
              onSuccess: () => notifySuccess('Sending resumed.'),
              onError: (error) => notifyError(error, 'The broadcast was not resumed'),
            })
          }
        >
          Resume
        </Button>
      )}
      {broadcast.stats.unknown > 0 && (status === 'sending' || status === 'paused' || status === 'completed') && (
        <ConfirmButton
          title={`Send ${broadcast.stats.unknown} message${broadcast.stats.unknown === 1 ? '' : 's'} again?`}
          message="The provider never said whether it took these messages: some of these members may already have the text and would get it twice. Consent and quiet hours are checked again before they go out."
          confirmLabel="Send them again"
          onConfirm={() => resend.mutateAsync(id).then(() => notifySuccess('The messages with an unknown outcome are queued again.'))}
          buttonProps={{ variant: 'default', size: 'sm', leftSection: <IconRepeat size={16} /> }}
        >
          Resend unknown
        </ConfirmButton>
      )}
      {cancellable && (
        <ConfirmButton
          title={`Cancel ${broadcast.name}?`}
          message="Messages not yet sent are dropped and the broadcast cannot be restarted. Messages already sent stay sent."
          confirmLabel="Cancel the broadcast"
          onConfirm={() => cancel.mutateAsync(id).then(() => notifySuccess(`${broadcast.name} was cancelled.`))}
          buttonProps={{ variant: 'default', size: 'sm', leftSection: <IconX size={16} /> }}
        >
          Cancel broadcast
        </ConfirmButton>
      )}
    </Group>
  );
}
