import { Button, Group } from '@mantine/core';
import { IconArchive, IconPlayerPause, IconPlayerPlay, IconRocket, IconTrash } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { useChangeWorkflowStatus } from '../api/change-workflow-status.ts';
import { useDeleteWorkflow } from '../api/delete-workflow.ts';
import type { Workflow } from '../api/get-workflow.ts';

/** Publish (a new version), pause, resume, archive, or delete a draft never published; each but publishing asks first. */
export function WorkflowActions(props: {
  workflow: Workflow;
  dirty: boolean;
  /** Saves unsaved edits; false when they could not be saved. */
  beforePublish: () => Promise<boolean>;
  /** Shows the problems a refused publish names; false when the failure was not about the draft. */
  onPublishProblems: (error: unknown) => boolean;
}) {
  const { workflow } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const id = String(workflow.id);
  const change = useChangeWorkflowStatus(workspaceId, id);
  const remove = useDeleteWorkflow(workspaceId, id);
  if (!can('broadcasts.manage') || workflow.status === 'archived') return null;
  const live = workflow.status === 'active' || workflow.status === 'paused';

  const publish = async () => {
    if (!(await props.beforePublish())) return;
    try {
      const result = await change.mutateAsync('publish');
      notifySuccess(
        result.currentVersion === workflow.currentVersion
          ? `Nothing changed: version ${result.currentVersion} is still live.`
          : `Published: version ${result.currentVersion} is live.`,
      );
    } catch (error) {
      if (!props.onPublishProblems(error)) notifyError(error, 'Could not publish the workflow');
    }
  };
  const quiet = { variant: 'default', color: 'gray', size: 'sm' } as const;

  return (
    <Group gap="xs">
      {workflow.status === 'draft' && (
        <ConfirmButton
          title="Delete this draft?"
          message={`"${workflow.name}" was never published; it is deleted for good.`}
          confirmLabel="Delete draft"
          onConfirm={async () => {
            await remove.mutateAsync();
            notifySuccess('Draft deleted.');
            navigate(`/w/${workspaceId}/messages/workflows`, { replace: true });
          }}
          buttonProps={{ ...quiet, color: 'red', leftSection: <IconTrash size={16} /> }}
        >
          Delete
        </ConfirmButton>
      )}
      {workflow.status === 'active' && (
        <ConfirmButton
          title="Pause this workflow?"
          message="No one is enrolled while it is paused, and runs stay at the step they are on until you resume it."
          confirmLabel="Pause"
          confirmColor="orange"
          onConfirm={async () => {
            await change.mutateAsync('pause');
            notifySuccess('Workflow paused.');
          }}
          buttonProps={{ ...quiet, leftSection: <IconPlayerPause size={16} /> }}
        >
          Pause
        </ConfirmButton>
      )}
      {workflow.status === 'paused' && (
        <ConfirmButton
          title="Resume this workflow?"
          message="Members are enrolled again, and runs whose time came while it was paused go on at once."
          confirmLabel="Resume"
          confirmColor="teal"
          onConfirm={async () => {
            await change.mutateAsync('resume');
            notifySuccess('Workflow resumed.');
          }}
          buttonProps={{ ...quiet, leftSection: <IconPlayerPlay size={16} /> }}
        >
          Resume
        </ConfirmButton>
      )}
      {live && (
        <ConfirmButton
          title="Archive this workflow?"
          message="Runs under way end here (as exited), no one else is enrolled and its webhook URL stops working. An archived workflow cannot be changed or resumed; its report stays."
          confirmLabel="Archive"
          onConfirm={async () => {
            await change.mutateAsync('archive');
            notifySuccess('Workflow archived.');
          }}
          buttonProps={{ ...quiet, color: 'red', leftSection: <IconArchive size={16} /> }}
        >
          Archive
        </ConfirmButton>
      )}
      {(workflow.status === 'draft' || workflow.unpublishedChanges || props.dirty) && (
        <Button
          onClick={() => void publish()}
          loading={change.isPending && change.variables === 'publish'}
          leftSection={<IconRocket size={16} />}
          color="teal"
        >
          {workflow.currentVersion === null ? 'Publish' : `Publish v${workflow.currentVersion + 1}`}
        </Button>
      )}
    </Group>
  );
}
