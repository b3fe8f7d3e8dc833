import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { countryOptions, timezoneOptions } from '../../../lib/locale-options.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useWorkspace, type Workspace } from '../api/get-workspace.ts';
import { useUpdateWorkspace, type WorkspacePatch } from '../api/update-workspace.ts';

const FIELDS = ['name', 'timezone', 'defaultCountry', 'quietHoursStart', 'quietHoursEnd'] as const;

export function GeneralTab() {
  const { workspaceId } = useCurrentWorkspace();
  const workspace = useWorkspace(workspaceId);
  return (
    <QueryView query={workspace} errorTitle="Could not load the workspace settings">
      {(data) => <GeneralForm key={data.id} workspace={data} />}
    </QueryView>
  );
}

function GeneralForm(props: { workspace: Workspace }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const editable = can('workspace.manage');
  const update = useUpdateWorkspace(workspaceId);
  const [values, setValues] = useState(() => pick(props.workspace));
  const saved = pick(props.workspace);
  const patch: WorkspacePatch = Object.fromEntries(FIELDS.filter((f) => values[f] !== saved[f]).map((f) => [f, values[f]]));
  const dirty = Object.keys(patch).length > 0;
  const set = (field: (typeof FIELDS)[number]) => (value: string | null) => setValues((current) => ({ ...current, [field]: value ?? '' }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate(patch, {
      onSuccess: (workspace) => {
        setValues(pick(workspace));
        notifySuccess('Workspace settings saved.');
      },
    });
  };

  const error = update.error;
  return (
    <Paper withBorder radius="md" p="lg" maw={720}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {!editable && (
            <Alert color="gray" variant="light" icon={<IconInfoCircle />}>
              Only owners and admins can change these settings.
            </Alert>
          )}
          <TextInput
            label="Workspace name"
            value={values.name}
            onChange={(event) => set('name')(event.currentTarget.value)}
            error={fieldError(error, 'name')}
            readOnly={!editable}
            withAsterisk={editable}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Time zone"
              description="Used for schedules and quiet hours when a member has no time zone."
              data={timezoneOptions(values.timezone)}
              value={values.timezone}
              onChange={set('timezone')}
              error={fieldError(error, 'timezone')}
              searchable
              limit={100}
              allowDeselect={false}
              readOnly={!editable}
            />
            <Select
              label="Default country"
              description="For phone numbers written without a country code."
              data={countryOptions()}
              value={values.defaultCountry}
              onChange={set('defaultCountry')}
              error={fieldError(error, 'defaultCountry')}
              searchable
              limit={100}
              allowDeselect={false}
              readOnly={!editable}
            />
          </SimpleGrid>
          <div>
            <Text size="sm" fw={500}>
              Quiet hours
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              Texts are only sent between these times, in each member's local time.
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <TextInput
                type="time"
                aria-label="Sending starts at"
                label="From"
                value={values.quietHoursStart}
                onChange={(event) => set('quietHoursStart')(event.currentTarget.value)}
                error={fieldError(error, 'quietHoursStart')}
                readOnly={!editable}
              />
              <TextInput
                type="time"
                aria-label="Sending stops at"
                label="Until"
                value={values.quietHoursEnd}
                onChange={(event) => set('quietHoursEnd')(event.currentTarget.value)}
                error={fieldError(error, 'quietHoursEnd')}
                readOnly={!editable}
              />
            </SimpleGrid>
          </div>
          {error && !onlyFieldErrors(error, FIELDS) && (
            <Alert color="red" variant="light" role="alert">
              {errorDetail(error)}
            </Alert>
          )}
          <Group justify="space-between" mt="xs">
            <Text size="xs" c="dimmed">
              Slug <code>{props.workspace.slug}</code> · created {formatDateTime(props.workspace.createdAt)}
            </Text>
            {editable && (
              <Group gap="xs">
                <Button variant="default" disabled={!dirty || update.isPending} onClick={() => setValues(saved)}>
                  Reset
                </Button>
                <Button type="submit" disabled={!dirty} loading={update.isPending}>
                  Save changes
                </Button>
              </Group>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function pick(workspace: Workspace) {
  return {
    name: workspace.name,
    timezone: workspace.timezone,
    defaultCountry: workspace.defaultCountry,
    quietHoursStart: workspace.quietHoursStart,
    quietHoursEnd: workspace.quietHoursEnd,
  };
}
