import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ROLE_LABELS } from '../../../../common/roles.ts';
import { SecretField } from '../../../components/secret-field.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { isRole, type Role, roleOptions } from '../../../lib/roles.ts';
import { useCreateInvitation } from '../api/create-invitation.ts';

export function InviteModal(props: { opened: boolean; onClose: () => void }) {
  const { workspaceId, workspace } = useCurrentWorkspace();
  const create = useCreateInvitation(workspaceId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('organizer');

  const close = () => {
    setEmail('');
    setRole('organizer');
    create.reset();
    props.onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      { email: email.trim(), role },
      { onSuccess: (result) => notifySuccess(`Invitation for ${result.invitation.email} created.`) },
    );
  };

  const created = create.data;
  const error = create.error;
  return (
    <Modal opened={props.opened} onClose={close} title={created ? 'Send this link' : 'Invite someone'} centered size="lg">
      {created ? (
        <Stack>
          <Text size="sm">
            Send this link to <b>{created.invitation.email}</b>. It lets them join {workspace.name} as{' '}
            {ROLE_LABELS[created.invitation.role]} until {formatDateTime(created.invitation.expiresAt)}.
          </Text>
          <SecretField label="Invitation link" value={created.acceptUrl} testId="invitation-link" />
          <Alert color="yellow" variant="light" icon={<IconInfoCircle />}>
            This link is shown only once. If it gets lost, revoke the invitation and create a new one.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Email"
              type="email"
              placeholder="name@example.org"
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={fieldError(error, 'email')}
              withAsterisk
              data-autofocus
            />
            <Select
              label="Role"
              data={roleOptions(workspace.role)}
              value={role}
              onChange={(value) => isRole(value) && setRole(value)}
              error={fieldError(error, 'role')}
              allowDeselect={false}
            />
            {error && !onlyFieldErrors(error, ['email', 'role']) && (
              <Alert color="red" variant="light" role="alert">
                {errorDetail(error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!email.trim()}>
                Create invitation
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
