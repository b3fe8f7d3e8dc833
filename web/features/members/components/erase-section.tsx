import { Alert, Button, Group, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useEraseMember } from '../api/erase-member.ts';
import type { Member } from '../api/get-member.ts';
import { memberName } from './member-display.ts';

const CONFIRMATION = 'ERASE';

/** Danger zone: erase a member's personal data (a deletion request). Admins and owners only. */
export function EraseSection(props: { member: Member }) {
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const erase = useEraseMember(workspaceId, String(props.member.id));
  const [opened, modal] = useDisclosure(false);
  const [typed, setTyped] = useState('');
  const name = memberName(props.member);

  const close = () => {
    setTyped('');
    erase.reset();
    modal.close();
  };
  // mutateAsync, not mutate's callbacks: the refreshed profile (now erased) unmounts this section before they would run.
  const confirm = () =>
    erase
      .mutateAsync()
      .then(() => {
        notifySuccess(`${name}'s personal data was erased.`);
        navigate(`/w/${workspaceId}/members`);
      })
      .catch(() => {
        // Shown in the dialog from erase.error.
      });

  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} style={{ borderColor: 'var(--mantine-color-red-4)' }}>
      <Title order={3} size="h5" c="red" mb={4}>
        Danger zone
      </Title>
      <Group justify="space-between" gap="sm">
        <Text size="sm" maw={560}>
          Erase this member's personal data (name, number, email, notes, custom fields) when they ask to be forgotten. Their consent history
          and opt-outs are kept, so they are never texted again.
        </Text>
        <Button color="red" variant="outline" onClick={modal.open}>
          Erase member
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title={`Erase ${name}?`} centered>
        <Stack>
          <Alert color="red" variant="light" icon={<IconAlertTriangle />}>
            This cannot be undone. Their name, phone number, email, notes and custom fields are deleted and they leave every community.
          </Alert>
          <TextInput
            label={`Type ${CONFIRMATION} to confirm`}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            data-autofocus
          />
          {erase.error && (
            <Alert color="red" variant="light" role="alert">
              {errorDetail(erase.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red" disabled={typed.trim().toUpperCase() !== CONFIRMATION} loading={erase.isPending} onClick={confirm}>
              Erase for good
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
