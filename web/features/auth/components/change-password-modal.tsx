import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useChangePassword } from '../api/change-password.ts';

export function ChangePasswordModal(props: { opened: boolean; onClose: () => void }) {
  const change = useChangePassword();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const mismatch = confirm.length > 0 && confirm !== newPassword;

  const close = () => {
    setCurrentPassword('');
    setNewPassword('');
    setConfirm('');
    change.reset();
    props.onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mismatch) return;
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          notifySuccess('Password changed.');
          close();
        },
      },
    );
  };

  const error = change.error;
  return (
    <Modal opened={props.opened} onClose={close} title="Change password" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.currentTarget.value)}
            error={fieldError(error, 'currentPassword')}
            data-autofocus
          />
          <PasswordInput
            label="New password"
            description="At least 10 characters."
            autoComplete="new-password"
            value={newPassword}
            onChange={(event) => setNewPassword(event.currentTarget.value)}
            error={fieldError(error, 'newPassword')}
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            value={confirm}
            onChange={(event) => setConfirm(event.currentTarget.value)}
            error={mismatch ? 'Does not match the new password' : undefined}
          />
          {error && !onlyFieldErrors(error, ['currentPassword', 'newPassword']) && (
            <Alert color="red" variant="light" role="alert">
              {errorDetail(error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={change.isPending} disabled={!currentPassword || !newPassword || mismatch}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
