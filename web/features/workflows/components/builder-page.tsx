import {
  Alert,
  Anchor,
  Badge,
  Box,
  Breadcrumbs,
  Button,
  Fieldset,
  Grid,
  Group,
  List,
  Modal,
  Paper,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertTriangle, IconChartBar, IconDeviceFloppy } from '@tabler/icons-react';
import { useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { stepExits, type WorkflowStep } from '../../../../common/workflows.ts';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { useWorkflow, type Workflow } from '../api/get-workflow.ts';
import { useSaveWorkflow } from '../api/save-workflow.ts';
import {
  type Definition,
  type InsertPoint,
  insertStep,
  localIssues,
  mergeProblems,
  NO_PROBLEMS,
  newDefinition,
  type Problems,
  problemCount,
  problemsOf,
  removeStep,
  replaceStep,
  serverIssues,
  stepTitle,
  summarizeStep,
  summarizeTrigger,
} from '../definition.ts';
import { layoutFlow } from '../flow.ts';
import { AddStepMenu } from './add-step-menu.tsx';
import { EnrollPanel } from './enroll-panel.tsx';
import { IntegrationPanel } from './integration-panel.tsx';
import { PickersContext, useLoadPickers, usePickers } from './pickers.tsx';
import { SettingsEditor } from './settings-editor.tsx';
import { WorkflowStatusBadge } from './status-badge.tsx';
import { CARD_WIDTH, cardId, StepCard } from './step-card.tsx';
import { StepEditor } from './step-editor.tsx';
import { StepFlow } from './step-flow.tsx';
import { TriggerEditor } from './trigger-editor.tsx';
import { WorkflowActions } from './workflow-actions.tsx';

/** The builder: a new workflow at /workflows/new, an existing one's draft at /workflows/:workflowId. */
export function WorkflowBuilderPage() {
  const { workspaceId } = useCurrentWorkspace();
  const workflowId = useParams().workflowId ?? null;
  const workflow = useWorkflow(workspaceId, workflowId ?? '', { enabled: workflowId !== null });
  const pickers = useLoadPickers();
  return (
    <PickersContext value={pickers}>
      {workflowId === null ? (
        <Builder workflow={undefined} />
      ) : (
        <QueryView query={workflow} errorTitle="Could not load the workflow">
          {(data) => <Builder key={data.id} workflow={data} />}
        </QueryView>
      )}
    </PickersContext>
  );
}

/** What saving would change, to tell whether anything is unsaved. */
const fingerprint = (name: string, description: string, definition: Definition) =>
  JSON.stringify({ name: name.trim(), description: description.trim(), definition });

type Panel = 'step' | 'trigger' | 'settings';

function Builder(props: { workflow: Workflow | undefined }) {
  const { workflow } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const editable = can('broadcasts.manage') && workflow?.status !== 'archived';
  const [name, setName] = useState(workflow?.name ?? '');
  const [description, setDescription] = useState(workflow?.description ?? '');
  const [definition, setDefinition] = useState<Definition>(() => workflow?.draft ?? newDefinition());
  const [saved, setSaved] = useState(() => (workflow ? fingerprint(workflow.name, workflow.description, workflow.draft) : ''));
  const [selected, setSelected] = useState<string | null>(() => definition.steps[0]?.id ?? null);
  const [panel, setPanel] = useState<Panel>('step');
  const [server, setServer] = useState<Problems>(NO_PROBLEMS);
  const [removal, setRemoval] = useState<{ id: string; dropped: string[]; next: Definition } | null>(null);
  const save = useSaveWorkflow(workspaceId, workflow ? String(workflow.id) : null);
  const { names } = usePickers();
  const latest = useRef(definition);
  latest.current = definition;

  const local = useMemo(() => problemsOf(definition, localIssues(definition)), [definition]);
  const problems = useMemo(() => mergeProblems(local, server), [local, server]);
  const localCount = problemCount(local);
  const dirty = fingerprint(name, description, definition) !== saved;

  const layout = useMemo(() => layoutFlow(definition.steps.map((s) => ({ id: s.id, exits: stepExits(s) }))), [definition.steps]);
  const stepsById = useMemo(() => new Map(definition.steps.map((s) => [s.id, s])), [definition.steps]);
  const numbered = (id: string) => `Step ${layout.numbers.get(id) ?? '?'}`;
  const titleOf = (id: string) => {
    const step = stepsById.get(id);
    return step ? `${numbered(id)}: ${stepTitle(step)}` : id;
  };
  const targets = [...definition.steps]
    .sort((a, b) => (layout.numbers.get(a.id) ?? 0) - (layout.numbers.get(b.id) ?? 0))
    .map((s) => ({ id: s.id, label: `${numbered(s.id)} · ${stepTitle(s)}` }));

  // ── Edits ──
  const drop = (keep: (key: string) => boolean) =>
    setServer((current) => ({ ...current, general: Object.fromEntries(Object.entries(current.general).filter(([key]) => keep(key))) }));
  const edit = (next: Definition) => setDefinition(next);
  const editStep = (step: WorkflowStep) => {
    setDefinition((current) => replaceStep(current, step));
    setServer((current) => {
      const { [step.id]: _gone, ...steps } = current.steps;
      return { ...current, steps };
    });
  };
  const select = (id: string) => {
    setSelected(id);
    setPanel('step');
  };
  const goto = (id: string) => {
    select(id);
    const card = document.getElementById(cardId(id));
    card?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    card?.focus();
  };
  const insert = (point: InsertPoint, kind: Parameters<typeof insertStep>[2]) => {
    const result = insertStep(definition, point, kind);
    edit(result.definition);
    select(result.stepId);
  };
  const askRemove = (id: string) => {
    const result = removeStep(definition, id);
    if (result.dropped.length === 0) return applyRemoval(id, result.definition);
    setRemoval({ id, dropped: result.dropped, next: result.definition });
  };
  const applyRemoval = (id: string, next: Definition) => {
    const position = layout.numbers.get(id) ?? 1;
    edit(next);
    setRemoval(null);
    const after = layoutFlow(next.steps.map((s) => ({ id: s.id, exits: stepExits(s) })));
    const neighbour = [...after.numbers.entries()].find(([, n]) => n === Math.max(1, position - 1))?.[0] ?? next.steps[0]?.id ?? null;
    setSelected(neighbour);
    notifySuccess(`${numbered(id)} deleted.`);
  };

  // ── Saving ──
  const submit = async (): Promise<Workflow | null> => {
    if (name.trim() === '') {
      setServer((current) => ({ ...current, general: { ...current.general, name: 'Give the workflow a name' } }));
      return null;
    }
    if (localCount > 0) {
      notifyError(new Error('Fix the problems marked on the steps first.'), 'The workflow has problems');
      return null;
    }
    const sent = definition;
    try {
      const result = await save.mutateAsync({ name: name.trim(), description: description.trim(), definition: sent });
      setServer(NO_PROBLEMS);
      setSaved(fingerprint(result.name, result.description, result.draft));
      // The server's copy (trimmed templates) replaces ours unless the organizer went on editing meanwhile.
      if (latest.current === sent) setDefinition(result.draft);
      if (!workflow) {
        notifySuccess('Workflow created as a draft.');
        navigate(`/w/${workspaceId}/messages/workflows/${result.id}`, { replace: true });
      } else notifySuccess('Draft saved.');
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) {
        setServer(problemsOf(sent, serverIssues(error.issues)));
      } else notifyError(error, 'Could not save the workflow');
      return null;
    }
  };
  /** Publishing saves unsaved changes first. Problems the server finds only now (a community deleted since) show too. */
  const beforePublish = async (): Promise<boolean> => (dirty ? (await submit()) !== null : true);
  const onPublishProblems = (error: unknown) => {
    if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) {
      setServer(problemsOf(definition, serverIssues(error.issues)));
      return true;
    }
    return false;
  };

  const selectedStep = selected ? stepsById.get(selected) : undefined;
  const general = problems.general;
  const generalList = Object.entries(general).filter(([key]) => key !== 'name' && key !== 'description');
  const stepProblemList = Object.entries(problems.steps).filter(([, fields]) => Object.keys(fields).length > 0);
  const triggerProblems = Object.keys(general).some((key) => key.startsWith('trigger'));
  const settingsProblems = Object.keys(general).some((key) => /^(goal|holdoutPercent|enrollment)/.test(key));
  const base = `/w/${workspaceId}/messages/workflows`;

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={`/w/${workspaceId}/messages`}>
          Messages
        </Anchor>
        <Anchor component={Link} to={base}>
          Workflows
        </Anchor>
        <Text size="sm" c="dimmed" truncate maw={260}>
          {workflow?.name ?? 'New workflow'}
        </Text>
      </Breadcrumbs>
      <PageHeader
        title={workflow?.name ?? 'New workflow'}
        description={
          workflow
            ? workflow.currentVersion
              ? `Version ${workflow.currentVersion} is live; edits go to the draft until you publish them.`
              : 'A draft: publish it to start enrolling members.'
            : 'Pick what starts it, then add steps after any exit.'
        }
        actions={
          <Group gap="xs">
            {workflow && <WorkflowStatusBadge status={workflow.status} version={workflow.currentVersion} size="lg" />}
            {dirty && workflow && (
              <Badge variant="light" color="yellow" data-testid="unsaved">
                Unsaved changes
              </Badge>
            )}
            {workflow && !dirty && workflow.unpublishedChanges && workflow.currentVersion !== null && (
              <Badge variant="light" color="blue">
                Draft differs from v{workflow.currentVersion}
              </Badge>
            )}
            {workflow && workflow.currentVersion !== null && (
              <Button component={Link} to={`${base}/${workflow.id}/report`} variant="default" leftSection={<IconChartBar size={16} />}>
                Report
              </Button>
            )}
            {workflow && (
              <WorkflowActions workflow={workflow} beforePublish={beforePublish} onPublishProblems={onPublishProblems} dirty={dirty} />
            )}
            {editable && (
              <Button
                onClick={() => void submit()}
                loading={save.isPending}
                disabled={workflow !== undefined && !dirty}
                variant={workflow?.status === 'draft' || !workflow ? 'filled' : 'default'}
                leftSection={<IconDeviceFloppy size={16} />}
              >
                {workflow ? 'Save draft' : 'Create draft'}
              </Button>
            )}
          </Group>
        }
      />

      {(stepProblemList.length > 0 || generalList.length > 0) && (
        <Alert color="orange" variant="light" mb="md" icon={<IconAlertTriangle />} title={problemTitle(problems)} data-testid="problems">
          <List size="sm" spacing={2}>
            {generalList.map(([key, message]) => (
              <List.Item key={key}>
                <UnstyledButton fz="sm" td="underline" onClick={() => setPanel(key.startsWith('trigger') ? 'trigger' : 'settings')}>
                  {key.startsWith('trigger') ? 'Trigger' : 'Settings'}
                </UnstyledButton>
                : {message}
              </List.Item>
            ))}
            {stepProblemList.slice(0, 8).map(([id, fields]) => (
              <List.Item key={id}>
                <UnstyledButton fz="sm" td="underline" onClick={() => goto(id)}>
                  {titleOf(id)}
                </UnstyledButton>
                : {Object.values(fields)[0]}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
            <Fieldset variant="unstyled" disabled={!editable} p={0}>
              <Group align="flex-start" grow>
                <TextInput
                  label="Name"
                  placeholder="e.g. Welcome new volunteers"
                  value={name}
                  onChange={(event) => {
                    setName(event.currentTarget.value);
                    drop((key) => key !== 'name');
                  }}
                  error={general.name}
                  required
                />
                <Textarea
                  label="Description"
                  placeholder="Optional: what it is for"
                  value={description}
                  onChange={(event) => setDescription(event.currentTarget.value)}
                  error={general.description}
                  autosize
                  minRows={1}
                  maxRows={3}
                />
              </Group>
            </Fieldset>
            {workflow && workflow.status === 'active' && can('broadcasts.manage') && (
              <EnrollPanel
                workflowId={String(workflow.id)}
                triggerKind={(workflow.published ?? definition).trigger.kind}
                holdoutPercent={(workflow.published ?? definition).holdoutPercent ?? 0}
              />
            )}
            {workflow && (definition.trigger.kind === 'inbound_webhook' || definition.steps.some((s) => s.kind === 'webhook')) && (
              <IntegrationPanel
                workflowId={String(workflow.id)}
                inbound={definition.trigger.kind === 'inbound_webhook'}
                hasHookToken={workflow.hasHookToken}
                archived={workflow.status === 'archived'}
              />
            )}
            <Paper withBorder radius="md" py="md" aria-label="Steps" role="region">
              <StepFlow
                layout={layout}
                start={
                  <UnstyledButton
                    onClick={() => setPanel('trigger')}
                    aria-label={`Trigger: ${summarizeTrigger(definition.trigger, names)}`}
                    data-start
                  >
                    <Paper
                      radius="xl"
                      px="md"
                      py={6}
                      bg={triggerProblems ? 'red.0' : 'blue.0'}
                      w={CARD_WIDTH}
                      style={{ textAlign: 'center' }}
                    >
                      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                        Starts when
                      </Text>
                      <Text size="sm" fw={600} lineClamp={2}>
                        {summarizeTrigger(definition.trigger, names)}
                      </Text>
                    </Paper>
                  </UnstyledButton>
                }
                renderers={{
                  title: titleOf,
                  goto,
                  step: (node) => {
                    const step = stepsById.get(node.id) as WorkflowStep;
                    return (
                      <StepCard
                        stepId={step.id}
                        number={node.number}
                        kind={step.kind}
                        title={stepTitle(step)}
                        summary={summarizeStep(step, names)}
                        problems={Object.keys(problems.steps[step.id] ?? {}).length}
                        selected={selected === step.id}
                        onSelect={() => select(step.id)}
                      />
                    );
                  },
                  ...(editable
                    ? {
                        insert: (point: InsertPoint, where: string) => <AddStepMenu where={where} onPick={(kind) => insert(point, kind)} />,
                      }
                    : {}),
                }}
              />
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Box style={{ position: 'sticky', top: 76, maxHeight: 'calc(100vh - 92px)', overflowY: 'auto' }}>
            <Paper withBorder radius="md" p="md">
              <Tabs value={panel} onChange={(value) => setPanel((value as Panel | null) ?? 'step')} keepMounted={false}>
                <Tabs.List mb="md">
                  <Tabs.Tab value="step">Step</Tabs.Tab>
                  <Tabs.Tab value="trigger" color={triggerProblems ? 'red' : undefined}>
                    Trigger
                  </Tabs.Tab>
                  <Tabs.Tab value="settings" color={settingsProblems ? 'red' : undefined}>
                    Enrollment & goal
                  </Tabs.Tab>
                </Tabs.List>
                <Fieldset variant="unstyled" disabled={!editable} p={0}>
                  <Tabs.Panel value="step">
                    {selectedStep ? (
                      <StepEditor
                        key={selectedStep.id}
                        step={selectedStep}
                        number={layout.numbers.get(selectedStep.id) ?? 0}
                        targets={targets}
                        problems={problems.steps[selectedStep.id]}
                        onChange={editStep}
                        onDelete={() => askRemove(selectedStep.id)}
                        canDelete={definition.steps.length > 1}
                      />
                    ) : (
                      <Text size="sm" c="dimmed">
                        Choose a step in the flow to edit it.
                      </Text>
                    )}
                  </Tabs.Panel>
                  <Tabs.Panel value="trigger">
                    <TriggerEditor
                      trigger={definition.trigger}
                      onChange={(trigger) => {
                        edit({ ...definition, trigger });
                        drop((key) => !key.startsWith('trigger'));
                      }}
                      problems={general}
                    />
                  </Tabs.Panel>
                  <Tabs.Panel value="settings">
                    <SettingsEditor
                      definition={definition}
                      onChange={(next) => {
                        edit(next);
                        drop((key) => !/^(goal|holdoutPercent|enrollment)/.test(key));
                      }}
                      problems={general}
                    />
                  </Tabs.Panel>
                </Fieldset>
              </Tabs>
            </Paper>
          </Box>
        </Grid.Col>
      </Grid>

      <Modal opened={removal !== null} onClose={() => setRemoval(null)} title="Delete this step and its branches?" centered>
        {removal && (
          <Stack>
            <Text size="sm">
              Deleting {titleOf(removal.id)} also deletes the {removal.dropped.length === 1 ? 'step' : `${removal.dropped.length} steps`}{' '}
              only its other branches lead to: {removal.dropped.map(titleOf).join(', ')}.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRemoval(null)}>
                Cancel
              </Button>
              <Button color="red" onClick={() => applyRemoval(removal.id, removal.next)}>
                Delete {removal.dropped.length + 1} steps
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function problemTitle(problems: Problems): string {
  const n = problemCount(problems);
  return n === 1 ? '1 problem to fix before saving' : `${n} problems to fix before saving`;
}
