import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { ConfirmButton } from './confirm-button.tsx';

/**
 * An action's status and what staff who manage actions can do with it: publish (or reopen a closed one), close a
 * published one after confirming, delete a draft after confirming.
 */
export function ActionStatusControls(props: {
  status: 'draft' | 'published' | 'closed';
  /** The kind's status badge. */
  badge: ReactNode;
  manage: boolean;
  pending: boolean;
  onPublish: () => void;
  /** The close dialog's words, and the close itself. */
  close: { title: string; message: string; confirmLabel: string; onConfirm: () => Promise<unknown> };
  onDelete: () => Promise<unknown>;
}) {
  const { status, manage } = props;
  return (
    <Group>
      {props.badge}
      {manage && status !== 'published' && (
        <Button onClick={props.onPublish} loading={props.pending}>
          {status === 'closed' ? 'Reopen' : 'Publish'}
        </Button>
      )}
      {manage && status === 'published' && (
        <ConfirmButton
          title={props.close.title}
          message={props.close.message}
          confirmLabel={props.close.confirmLabel}
          onConfirm={props.close.onConfirm}
          buttonProps={{ variant: 'default' }}
        >
          Close
        </ConfirmButton>
      )}
      {manage && status === 'draft' && (
        <ConfirmButton
          title="Delete this draft?"
          message="The draft is deleted for good."
          confirmLabel="Delete"
          onConfirm={props.onDelete}
          buttonProps={{ variant: 'default', color: 'red' }}
        >
          Delete
        </ConfirmButton>
      )}
    </Group>
  );
}
