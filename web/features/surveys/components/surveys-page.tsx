import { Anchor, Button, Group, Modal, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError } from '../../../lib/errors.ts';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useCreateSurvey } from '../api/create-survey.ts';
import { useSurveys } from '../api/list-surveys.ts';
import { SurveyStatusBadge } from './survey-status-badge.tsx';

const iso = (ms: number) => new Date(ms).toISOString();

/** Surveys and polls: the list with their counters, and a new draft in one step (the builder does the rest). */
export function SurveysPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const surveys = useSurveys(workspaceId);
  const navigate = useNavigate();
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState('');
  const create = useCreateSurvey(workspaceId);

  const submit = async () => {
    const survey = await create.mutateAsync({ name });
    close();
    setName('');
    navigate(`/w/${workspaceId}/actions/surveys/${survey.id}`);
  };

  return (
    <>
      <PageHeader
        title="Surveys"
        description="Questions asked one at a time by SMS or all at once on a web page; answers are counted live."
        actions={
          can('surveys.manage') && (
            <Button leftSection={<IconPlus size={16} />} onClick={open}>
              New survey
            </Button>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="surveys" />
      <QueryView query={surveys} errorTitle="Could not load the surveys">
        {({ surveys: rows }) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No surveys yet. Create one, add a few questions, open it and share its keyword.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={720} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Surveys">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th ta="right">Questions</Table.Th>
                      <Table.Th ta="right">Started</Table.Th>
                      <Table.Th ta="right">Completed</Table.Th>
                      <Table.Th>Created</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((survey) => {
                      const to = `/w/${workspaceId}/actions/surveys/${survey.id}`;
                      return (
                        <Table.Tr key={survey.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-survey={survey.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                              {survey.name}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <SurveyStatusBadge status={survey.status} />
                          </Table.Td>
                          <Table.Td ta="right">{survey.questionCount}</Table.Td>
                          <Table.Td ta="right" data-count="started">
                            {survey.startedCount.toLocaleString()}
                          </Table.Td>
                          <Table.Td ta="right" data-count="completed">
                            {survey.completedCount.toLocaleString()}
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" title={formatDateTime(iso(survey.createdAt))} style={{ whiteSpace: 'nowrap' }}>
                              {formatRelative(iso(survey.createdAt))}
                            </Text>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
      <Modal opened={opened} onClose={close} title="New survey">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit().catch(() => undefined);
          }}
        >
          <Stack>
            <TextInput
              label="Name"
              description="Staff see it; members see it only when they already answered."
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldError(create.error, 'name')}
              data-autofocus
              required
            />
            {create.isError && !fieldError(create.error, 'name') && <ErrorAlert error={create.error} title="Could not create" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
