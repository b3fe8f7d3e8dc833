import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { rememberWorkspace } from '../../../lib/last-workspace.ts';
import { browserTimezone, countryOptions, timezoneOptions } from '../../../lib/locale-options.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useCreateWorkspace } from '../api/create-workspace.ts';

const FIELDS = ['name', 'timezone', 'defaultCountry'];

export function NewWorkspaceModal(props: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState<string | null>(browserTimezone);
  const [country, setCountry] = useState<string | null>(null);

  const close = () => {
    setName('');
    create.reset();
    props.onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), ...(timezone ? { timezone } : {}), ...(country ? { defaultCountry: country } : {}) },
      {
        onSuccess: (workspace) => {
          notifySuccess(`Workspace “${workspace.name}” created.`);
          rememberWorkspace(String(workspace.id));
          close();
          navigate(`/w/${workspace.id}`);
        },
      },
    );
  };

  const error = create.error;
  return (
    <Modal opened={props.opened} onClose={close} title="New workspace" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            description="Usually the organization or campaign, e.g. “Safe Streets Coalition”."
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError(error, 'name')}
            withAsterisk
            data-autofocus
          />
          <Select
            label="Time zone"
            description="Quiet hours and schedules use it unless a member has their own."
            data={timezoneOptions(timezone ?? undefined)}
            value={timezone}
            onChange={setTimezone}
            error={fieldError(error, 'timezone')}
            searchable
            limit={100}
          />
          <Select
            label="Default country"
            description="For phone numbers written without a country code."
            placeholder="Choose a country"
            data={countryOptions()}
            value={country}
            onChange={setCountry}
            error={fieldError(error, 'defaultCountry')}
            searchable
            clearable
            limit={100}
          />
          {error && !onlyFieldErrors(error, FIELDS) && (
            <Alert color="red" variant="light" role="alert">
              {errorDetail(error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              Create workspace
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
