import { Button, Code, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { JOB_STATES, type Job, type JobCounts, type JobState, useJobs } from '../api/list-jobs.ts';
import { useRetryJob } from '../api/retry-job.ts';

const EMPTY: Record<JobState, string> = {
  dead: 'No dead jobs. A job that fails every attempt lands here, so you can retry it once the cause is fixed.',
  failed: 'No jobs are waiting to retry after a failure.',
  queued: 'Nothing is waiting to run.',
  running: 'Nothing is running right now.',
  done: 'No finished jobs are kept right now.',
};

export function JobsTab() {
  const { can } = useCurrentWorkspace();
  if (!can('jobs.read')) return <NoAccess>Only owners and admins can see background jobs.</NoAccess>;
  return <Jobs />;
}

function Jobs() {
  const { workspaceId } = useCurrentWorkspace();
  const [state, setState] = useState<JobState>('dead');
  const jobs = useJobs(workspaceId, state);

  return (
    <Stack>
      <Text size="sm" c="dimmed" maw={640}>
        Background work of this workspace: sending, imports, follow-ups. A job that keeps failing is retried with growing pauses, then set
        aside as dead.
      </Text>
      <SegmentedControl
        value={state}
        onChange={(value) => setState(value as JobState)}
        data={JOB_STATES.map((value) => ({ value, label: value[0]?.toUpperCase() + value.slice(1) }))}
        w="fit-content"
        maw="100%"
      />
      <QueryView query={jobs} errorTitle="Could not load the jobs">
        {(data) => (
          <>
            <Counts counts={data.counts} />
            {data.jobs.length === 0 ? (
              <Text size="sm" c="dimmed">
                {EMPTY[state]}
              </Text>
            ) : (
              <Paper withBorder radius="md">
                <Table.ScrollContainer minWidth={760} type="native">
                  <Table verticalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Job</Table.Th>
                        <Table.Th>Attempts</Table.Th>
                        <Table.Th>Last error</Table.Th>
                        <Table.Th>Run at</Table.Th>
                        <Table.Th>Updated</Table.Th>
                        <Table.Th />
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.jobs.map((job) => (
                        <JobRow key={job.id} job={job} />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Paper>
            )}
          </>
        )}
      </QueryView>
    </Stack>
  );
}

function Counts(props: { counts: JobCounts }) {
  const items = [
    { label: 'Queued', value: props.counts.queued, color: undefined },
    { label: 'Running', value: props.counts.running, color: undefined },
    { label: 'Done', value: props.counts.done, color: undefined },
    { label: 'Dead', value: props.counts.dead, color: props.counts.dead > 0 ? 'red' : undefined },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }}>
      {items.map((item) => (
        <Paper key={item.label} withBorder radius="md" p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {item.label}
          </Text>
          <Text size="xl" fw={700} c={item.color}>
            {item.value.toLocaleString()}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function JobRow(props: { job: Job }) {
  const { job } = props;
  const { workspaceId } = useCurrentWorkspace();
  const retry = useRetryJob(workspaceId);
  return (
    <Table.Tr>
      <Table.Td>
        <Code>{job.type}</Code>
        <Text size="xs" c="dimmed">
          #{job.id}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {job.attempts} / {job.maxAttempts}
        </Text>
      </Table.Td>
      <Table.Td maw={360}>
        <Text size="xs" c={job.lastError ? 'red' : 'dimmed'} lineClamp={3} title={job.lastError ?? undefined}>
          {job.lastError ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(job.runAt)}>
          {formatRelative(job.runAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(job.updatedAt)}>
          {formatRelative(job.updatedAt)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {job.state === 'dead' && (
          <Group justify="flex-end">
            <Button
              size="compact-sm"
              variant="light"
              loading={retry.isPending}
              onClick={() =>
                retry.mutate(job.id, {
                  onSuccess: () => notifySuccess(`Job #${job.id} queued to run again.`),
                  onError: (error) => notifyError(error, 'Could not retry the job'),
                })
              }
            >
              Retry
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
