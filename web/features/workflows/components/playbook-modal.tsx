import { Alert, Anchor, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconArrowLeft, IconBook } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { PLAYBOOKS, type PlaybookMeta } from '../../../../common/playbooks.ts';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useCreateFromPlaybook } from '../api/create-from-playbook.ts';
import { readable } from '../definition.ts';
import { FieldControl } from './field-control.tsx';
import { PickersContext, useLoadPickers } from './pickers.tsx';

/** "New from playbook": the playbooks of common/playbooks.ts, then the chosen one's parameters; creates a draft. */
export function PlaybookModal(props: { opened: boolean; onClose: () => void }) {
  const [chosen, setChosen] = useState<PlaybookMeta | null>(null);
  const close = () => {
    props.onClose();
    setChosen(null);
  };
  return (
    <Modal opened={props.opened} onClose={close} title={chosen ? chosen.name : 'New workflow from a playbook'} size="xl" centered>
      {props.opened &&
        (chosen ? (
          <PlaybookForm key={chosen.key} playbook={chosen} onBack={() => setChosen(null)} onDone={close} />
        ) : (
          <SimpleGrid component="ul" cols={{ base: 1, sm: 2 }} spacing="sm" p={0} m={0} aria-label="Playbooks">
            {PLAYBOOKS.map((playbook) => (
              <li key={playbook.key} style={{ listStyle: 'none' }}>
                <UnstyledButton onClick={() => setChosen(playbook)} data-playbook={playbook.key} w="100%" h="100%">
                  <Paper withBorder radius="md" p="sm" h="100%">
                    <Group gap={6} mb={4} wrap="nowrap">
                      <IconBook size={16} aria-hidden />
                      <Text fw={600} size="sm">
                        {playbook.name}
                      </Text>
                    </Group>
                    <Text size="xs" c="dimmed">
                      {playbook.description}
                    </Text>
                  </Paper>
                </UnstyledButton>
              </li>
            ))}
          </SimpleGrid>
        ))}
    </Modal>
  );
}

const initialValues = (playbook: PlaybookMeta): Record<string, unknown> =>
  Object.fromEntries(playbook.params.flatMap((p) => (p.default === undefined ? [] : [[p.key, p.default]])));

function PlaybookForm(props: { playbook: PlaybookMeta; onBack: () => void; onDone: () => void }) {
  const { playbook } = props;
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const pickers = useLoadPickers();
  const create = useCreateFromPlaybook(workspaceId);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, unknown>>(() => initialValues(playbook));

  // The server's problems by parameter (`body.params.petitionId` → petitionId); `name` too.
  const problems: Record<string, string> = {};
  if (create.error instanceof ApiError) {
    for (const issue of create.error.issues) {
      const key = issue.path.replace(/^body\./, '').replace(/^params\./, '');
      problems[key] ??= readable(issue.message);
    }
  }
  const fieldProblems = Object.keys(problems).length > 0;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const params = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    create.mutate(
      { playbook: playbook.key, ...(name.trim() ? { name: name.trim() } : {}), params },
      {
        onSuccess: (workflow) => {
          notifySuccess(`“${workflow.name}” created as a draft: check it, then publish.`);
          props.onDone();
          navigate(`/w/${workspaceId}/messages/workflows/${workflow.id}`);
        },
      },
    );
  };

  return (
    <PickersContext value={pickers}>
      <form onSubmit={submit} noValidate aria-label={`${playbook.name} parameters`}>
        <Stack gap="sm">
          <Anchor component="button" type="button" size="sm" onClick={props.onBack}>
            <Group gap={4}>
              <IconArrowLeft size={14} /> All playbooks
            </Group>
          </Anchor>
          <Text size="sm" c="dimmed">
            {playbook.description}
          </Text>
          <TextInput
            label="Name"
            placeholder={playbook.name}
            description="Optional; the playbook names it after what you choose"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={problems.name}
          />
          {playbook.params.map((param) => (
            <FieldControl
              key={param.key}
              meta={param}
              value={values[param.key]}
              onChange={(value) => {
                setValues((current) => ({ ...current, [param.key]: value }));
                if (create.error) create.reset();
              }}
              errors={problems[param.key] ? { '': problems[param.key] as string } : {}}
              sms={param.type === 'template'}
              min={param.min}
              max={param.max}
            />
          ))}
          {create.error && !fieldProblems && (
            <Alert color="red" variant="light" title="Could not create the workflow">
              {errorDetail(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onBack}>
              Back
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create draft
            </Button>
          </Group>
        </Stack>
      </form>
    </PickersContext>
  );
}
