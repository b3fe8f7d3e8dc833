import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { can } from '../../../../common/roles.ts';
import { SecretField } from '../../../components/secret-field.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { isRole, type Role, roleOptions } from '../../../lib/roles.ts';
import { useCreateApiKey } from '../api/create-api-key.ts';

export function CreateApiKeyModal(props: { opened: boolean; onClose: () => void }) {
  const { workspaceId, workspace } = useCurrentWorkspace();
  const create = useCreateApiKey(workspaceId);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('organizer');

  const close = () => {
    setName('');
    setRole('organizer');
    create.reset();
    props.onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), role }, { onSuccess: (result) => notifySuccess(`API key “${result.apiKey.name}” created.`) });
  };

  const created = create.data;
  const error = create.error;
  // The example must work with the key's own role: listing users needs users.read.
  const examplePath = created && can(created.apiKey.role, 'users.read') ? '/users' : '';
  const curl = created
    ? `curl -H "Authorization: Bearer ${created.secret}" ${window.location.origin}/api/workspaces/${workspaceId}${examplePath}`
    : '';

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={created ? 'Copy your API key' : 'Create API key'}
      centered
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle />} title="Copy it now">
            This secret will not be shown again. Store it in your password manager or the other system's settings.
          </Alert>
          <SecretField label="Secret" value={created.secret} testId="api-key-secret" />
          <SecretField label="Try it" value={curl} />
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Name"
              description="What will use it, e.g. “CRM sync” or “Zapier”."
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldError(error, 'name')}
              withAsterisk
              data-autofocus
            />
            <Select
              label="Role"
              description={`The key can do what a person with this role can do in ${workspace.name}.`}
              data={roleOptions(workspace.role)}
              value={role}
              onChange={(value) => isRole(value) && setRole(value)}
              error={fieldError(error, 'role')}
              allowDeselect={false}
            />
            {error && !onlyFieldErrors(error, ['name', 'role']) && (
              <Alert color="red" variant="light" role="alert">
                {errorDetail(error)}
              </Alert>
            )}
            <Text size="xs" c="dimmed">
              The secret is shown once, right after you create the key.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
