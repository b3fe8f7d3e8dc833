import { Anchor, Badge, Breadcrumbs, Button, Grid, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { type ReportStep, useWorkflowReport, type WorkflowReport } from '../api/get-report.ts';
import { useWorkflow, type Workflow } from '../api/get-workflow.ts';
import { useRuns } from '../api/list-runs.ts';
import { layoutFlow } from '../flow.ts';
import { GoalCard } from './goal-card.tsx';
import { exitReasonLabel, RunsTable } from './runs-table.tsx';
import { WorkflowStatusBadge } from './status-badge.tsx';
import { StepCard } from './step-card.tsx';
import { StepFlow } from './step-flow.tsx';

/** /messages/workflows/:workflowId/report: counts per step, run totals, the goal against the holdout, the runs. */
export function WorkflowReportPage() {
  const { workspaceId } = useCurrentWorkspace();
  const { workflowId = '' } = useParams();
  const workflow = useWorkflow(workspaceId, workflowId);
  return (
    <QueryView query={workflow} errorTitle="Could not load the workflow">
      {(data) => <Report workflow={data} />}
    </QueryView>
  );
}

function Report(props: { workflow: Workflow }) {
  const { workflow } = props;
  const { workspaceId } = useCurrentWorkspace();
  const id = String(workflow.id);
  // Counts move while runs are under way: read again every few seconds while the workflow is active.
  const live = workflow.status === 'active';
  const [version, setVersion] = useState<number | null>(null);
  const report = useWorkflowReport(workspaceId, id, version, live);
  const newest = useRuns(workspaceId, id, { status: null, before: null, live });
  const base = `/w/${workspaceId}/messages/workflows/${workflow.id}`;
  const shown = report.data?.version ?? workflow.currentVersion;

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={`/w/${workspaceId}/messages`}>
          Messages
        </Anchor>
        <Anchor component={Link} to={`/w/${workspaceId}/messages/workflows`}>
          Workflows
        </Anchor>
        <Anchor component={Link} to={base}>
          {workflow.name}
        </Anchor>
        <Text size="sm" c="dimmed">
          Report
        </Text>
      </Breadcrumbs>
      <PageHeader
        title={`${workflow.name}: report`}
        description={
          shown ? `Step counts of version ${shown}; totals and the goal across ${version ? 'this version' : 'every version'}.` : undefined
        }
        actions={
          <Group gap="xs">
            <WorkflowStatusBadge status={workflow.status} version={workflow.currentVersion} size="lg" />
            {live && (
              <Badge variant="dot" color="teal" size="lg">
                Live
              </Badge>
            )}
            {workflow.versions.length > 1 && (
              <NativeSelect
                aria-label="Version"
                data={[
                  { value: '', label: `Current (v${workflow.currentVersion ?? '?'}), all versions’ totals` },
                  ...workflow.versions.map((v) => ({ value: String(v.number), label: `Version ${v.number} only` })),
                ]}
                value={version === null ? '' : String(version)}
                onChange={(event) => setVersion(event.currentTarget.value ? Number(event.currentTarget.value) : null)}
              />
            )}
            <Button component={Link} to={base} variant="default" leftSection={<IconPencil size={16} />}>
              Edit
            </Button>
          </Group>
        }
      />
      <QueryView query={report} errorTitle="Could not load the report">
        {(data) => (
          <Stack>
            <Totals report={data} />
            <GoalCard
              goal={data.goal}
              definition={(workflow.published ?? workflow.draft).goal}
              newestEnrollment={newest.data?.runs[0]?.enrolledAt ?? null}
            />
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, xl: 7 }}>
                <Paper withBorder radius="md" py="md" role="region" aria-label="Steps and their counts">
                  <Title order={5} px="md" mb="sm">
                    Steps{data.version ? ` of version ${data.version}` : ''}
                  </Title>
                  <StepCounts report={data} />
                </Paper>
              </Grid.Col>
              <Grid.Col span={{ base: 12, xl: 5 }}>
                <RunsTable workflowId={id} live={live} stepTitle={(stepId) => titleIn(data.steps, stepId)} />
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryView>
    </>
  );
}

function titleIn(steps: readonly ReportStep[], id: string): string {
  const index = steps.findIndex((s) => s.stepId === id);
  return index < 0 ? id : (steps[index]?.label ?? id);
}

function Totals(props: { report: WorkflowReport }) {
  const { runs } = props.report;
  const reasons = Object.entries(runs.exitReasons)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n.toLocaleString()} ${exitReasonLabel(reason)}`)
    .join(', ');
  const stats: { label: string; value: number; hint?: string }[] = [
    { label: 'Enrolled', value: runs.enrolled, hint: 'got the workflow' },
    { label: 'Held out', value: runs.heldOut, hint: 'got no steps' },
    { label: 'In progress', value: runs.inProgress, hint: 'running or waiting' },
    { label: 'Completed', value: runs.completed, hint: `${runs.goalReached.toLocaleString()} reached the goal` },
    { label: 'Exited', value: runs.exited, ...(reasons ? { hint: reasons } : { hint: 'ended early' }) },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} spacing="sm">
      {stats.map((stat) => (
        <Paper key={stat.label} withBorder radius="md" p="sm" data-total={stat.label}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {stat.label}
          </Text>
          <Text size="xl" fw={700} data-value>
            {stat.value.toLocaleString()}
          </Text>
          {stat.hint && (
            <Text size="xs" c="dimmed">
              {stat.hint}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}

const SKIP_LABELS: Record<string, string> = {
  no_sms_consent: 'no SMS consent',
  no_email_consent: 'no email consent',
  no_phone: 'no phone',
  landline: 'landline',
  no_email: 'no email',
  no_email_channel: 'no email channel',
  no_sms_sender: 'no SMS sender',
  frequency_cap: 'frequency cap',
  empty_message: 'empty message',
  community_gone: 'community gone',
};

/** The version's steps drawn as the builder draws them, each with how many entered, finished and went each way. */
function StepCounts(props: { report: WorkflowReport }) {
  const { steps } = props.report;
  const byId = useMemo(() => new Map(steps.map((s) => [s.stepId, s])), [steps]);
  const layout = useMemo(
    () =>
      layoutFlow(
        steps.map((s) => ({ id: s.stepId, exits: s.exits.map((e) => ({ key: e.key, label: e.label, next: e.next ?? undefined })) })),
      ),
    [steps],
  );
  if (steps.length === 0) {
    return (
      <Text size="sm" c="dimmed" px="md">
        Nothing published yet.
      </Text>
    );
  }
  const title = (id: string) => `Step ${layout.numbers.get(id) ?? '?'}: ${byId.get(id)?.label ?? id}`;
  return (
    <StepFlow
      layout={layout}
      start={
        <Badge variant="light" size="lg" radius="xl">
          Start
        </Badge>
      }
      renderers={{
        title,
        goto: (id) => document.getElementById(`step-card-${id}`)?.scrollIntoView({ block: 'center', behavior: 'smooth' }),
        exitBadge: (stepId, exit) => {
          const count = byId.get(stepId)?.exits.find((e) => e.key === exit.key)?.count ?? 0;
          return (
            <Badge variant="filled" color={count > 0 ? 'blue' : 'gray'} size="lg" radius="sm" data-exit-count={`${stepId}:${exit.key}`}>
              {count.toLocaleString()}
            </Badge>
          );
        },
        step: (node) => {
          const step = byId.get(node.id) as ReportStep;
          const skipped = Object.entries(step.skipped).filter(([, n]) => n > 0);
          return (
            <StepCard stepId={step.stepId} number={node.number} kind={step.kind} title={step.label} summary="">
              <Group gap="md" mt={4} data-step-counts={step.stepId}>
                <Count label="Entered" value={step.entered} name="entered" />
                <Count label="Done" value={step.completed} name="completed" />
                {step.here > 0 && <Count label="Here now" value={step.here} name="here" />}
              </Group>
              {skipped.length > 0 && (
                <Text size="xs" c="orange.8" mt={4} data-skipped>
                  Skipped:{' '}
                  {skipped.map(([reason, n]) => `${n.toLocaleString()} ${SKIP_LABELS[reason] ?? reason.replaceAll('_', ' ')}`).join(', ')}
                </Text>
              )}
            </StepCard>
          );
        },
      }}
    />
  );
}

function Count(props: { label: string; value: number; name: string }) {
  return (
    <div data-count={props.name}>
      <Text size="lg" fw={700} lh={1.1} data-value>
        {props.value.toLocaleString()}
      </Text>
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
    </div>
  );
}
