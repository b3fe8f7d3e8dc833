import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Grid,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDownload, IconExternalLink, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { EmbedSnippet } from '../../../components/embed-snippet.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { PhonePreview } from '../../../components/phone-preview.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError } from '../../../lib/errors.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { type Call, useCall } from '../api/get-call.ts';
import { useCallResults } from '../api/get-call-results.ts';
import { useActionList } from '../api/list-actions.ts';
import { type CallForm, useSaveCall } from '../api/save-call.ts';
import { useSetCallStatus } from '../api/set-call-status.ts';
import { PatchThroughFields } from './patch-through-fields.tsx';

const VARIABLES = ['member.first_name', 'member.postal_code', 'target.name', 'target.title', 'target.district', 'workspace.name'];
const DEFAULT_SCRIPT =
  'Hi, my name is {{ member.first_name }} and I live in {{ member.postal_code }}. I am calling to ask {{ target.title }} {{ target.name }} to …\n\nThank you for your time.';
const OUTCOME_LABELS = { reached: 'Reached', voicemail: 'Voicemail', busy: 'Busy', no_answer: 'No answer' } as const;
const STATUS_COLOR = { draft: 'gray', published: 'green', closed: 'dark' } as const;

/** A call action: the form (script, targets, next step), publish / close, and its results. */
export function CallPage() {
  const { workspaceId } = useCurrentWorkspace();
  const { actionId } = useParams();
  const call = useCall(workspaceId, actionId);
  if (actionId === undefined) return <CallEditor call={null} />;
  return (
    <QueryView query={call} errorTitle="Could not load this call">
      {(data) => <CallEditor key={data.id} call={data} />}
    </QueryView>
  );
}

const formOf = (call: Call | null): CallForm => ({
  title: call?.title ?? '',
  summary: call?.summary ?? '',
  description: call?.description ?? '',
  targetMode: call?.targetMode ?? 'postal_code',
  offices: call?.offices ?? [],
  script: call?.script ?? DEFAULT_SCRIPT,
  fixedTargets: call?.fixedTargets.map(({ name, title, phone }) => ({ name, title, phone })) ?? [],
  nextActionId: call?.nextActionId ?? null,
  goal: call?.goal ?? null,
  patchThrough: call?.patchThrough ? { accountId: call.patchThrough.accountId, from: call.patchThrough.from } : null,
});

function CallEditor(props: { call: Call | null }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const { call } = props;
  const [form, setForm] = useState<CallForm>(() => formOf(call));
  const save = useSaveCall(workspaceId, call ? String(call.id) : undefined);
  const status = useSetCallStatus(workspaceId, call ? String(call.id) : '0');
  const actions = useActionList(workspaceId, 'all');
  const editable = can('actions.manage');
  const set = <K extends keyof CallForm>(key: K, value: CallForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const [previewVersion, setPreviewVersion] = useState(0);
  const refreshPreview = () => setPreviewVersion((v) => v + 1);

  const submit = async () => {
    const saved = await save.mutateAsync(form);
    notifySuccess(call ? 'Call saved' : 'Draft call created');
    refreshPreview();
    if (!call) navigate(`/w/${workspaceId}/actions/calls/${saved.id}`, { replace: true });
  };
  const changeStatus = (verb: 'publish' | 'close') =>
    status.mutateAsync(verb).then(
      () => {
        notifySuccess(verb === 'publish' ? 'Published: the page takes calls' : 'Closed');
        refreshPreview();
      },
      (error: unknown) => notifyError(error, verb === 'publish' ? 'Could not publish' : 'Could not close'),
    );

  const insertVariable = (variable: string) => set('script', `${form.script}{{ ${variable} }}`);
  // Published actions (never this call); the current choice stays listed even if it was closed since.
  const nextOptions = (actions.data ?? [])
    .filter((a) => a.id !== call?.id && (a.status === 'published' || a.id === form.nextActionId))
    .map((a) => ({ value: String(a.id), label: `${a.title} (${a.type}${a.status === 'published' ? '' : `, ${a.status}`})` }));

  return (
    <>
      <PageHeader
        title={call ? call.title : 'New call'}
        description={
          call ? (
            <Group gap="xs" component="span">
              <Badge color={STATUS_COLOR[call.status]} variant="light">
                {call.status}
              </Badge>
              <Anchor href={call.url} target="_blank" rel="noreferrer" size="sm">
                {call.path} <IconExternalLink size={12} />
              </Anchor>
            </Group>
          ) : (
            'Members enter their postal code (or get your fixed list), tap to call, and log how it went.'
          )
        }
        actions={
          call &&
          editable && (
            <Group gap="xs">
              {call.status !== 'published' && (
                <Button onClick={() => void changeStatus('publish')} loading={status.isPending}>
                  {call.status === 'closed' ? 'Reopen' : 'Publish'}
                </Button>
              )}
              {call.status === 'published' && (
                <Button variant="default" color="red" onClick={() => void changeStatus('close')} loading={status.isPending}>
                  Close
                </Button>
              )}
            </Group>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="calls" />
      {status.isError && <ErrorAlert error={status.error} title="Not ready to publish" />}
      <Grid gap="xl" mt="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <Paper withBorder radius="md" p="lg">
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  void submit().catch(() => undefined);
                }}
              >
                <Stack>
                  <TextInput
                    label="Title"
                    required
                    value={form.title}
                    onChange={(e) => set('title', e.currentTarget.value)}
                    error={fieldError(save.error, 'title')}
                    disabled={!editable}
                  />
                  <TextInput
                    label="Summary"
                    description="One line: link previews and lists."
                    value={form.summary}
                    onChange={(e) => set('summary', e.currentTarget.value)}
                    disabled={!editable}
                  />
                  <Textarea
                    label="Description"
                    autosize
                    minRows={3}
                    value={form.description}
                    onChange={(e) => set('description', e.currentTarget.value)}
                    disabled={!editable}
                  />
                  <Stack gap={4}>
                    <Text size="sm" fw={500}>
                      Who members call
                    </Text>
                    <SegmentedControl
                      value={form.targetMode}
                      onChange={(value) => set('targetMode', value === 'fixed' ? 'fixed' : 'postal_code')}
                      data={[
                        { value: 'postal_code', label: 'Their representatives (by postal code)' },
                        { value: 'fixed', label: 'A fixed list' },
                      ]}
                      disabled={!editable}
                      aria-label="Who members call"
                    />
                  </Stack>
                  {form.targetMode === 'postal_code' ? (
                    <TagsInput
                      label="Offices"
                      description="Only officials of these offices (as in your officials file, e.g. federal, state); empty: all of them."
                      value={form.offices}
                      onChange={(value) => set('offices', value)}
                      disabled={!editable}
                    />
                  ) : (
                    <Stack gap="xs">
                      <Text size="sm" fw={500}>
                        People to call
                      </Text>
                      {form.fixedTargets.map((target, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id until saved
                        <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                          {(['name', 'title', 'phone'] as const).map((key) => (
                            <TextInput
                              key={key}
                              aria-label={`${key} ${i + 1}`}
                              placeholder={key === 'name' ? 'Name' : key === 'title' ? 'Title' : 'Phone'}
                              value={target[key]}
                              onChange={(e) => {
                                const value = e.currentTarget.value;
                                set(
                                  'fixedTargets',
                                  form.fixedTargets.map((t, j) => (j === i ? { ...t, [key]: value } : t)),
                                );
                              }}
                              style={{ flex: 1 }}
                              disabled={!editable}
                            />
                          ))}
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove person ${i + 1}`}
                            onClick={() =>
                              set(
                                'fixedTargets',
                                form.fixedTargets.filter((_, j) => j !== i),
                              )
                            }
                            mt={4}
                            disabled={!editable}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Group>
                      ))}
                      {fieldError(save.error, 'phone') && (
                        <Text c="red" size="sm">
                          {fieldError(save.error, 'phone')}
                        </Text>
                      )}
                      <Button
                        variant="light"
                        size="xs"
                        leftSection={<IconPlus size={14} />}
                        onClick={() => set('fixedTargets', [...form.fixedTargets, { name: '', title: '', phone: '' }])}
                        disabled={!editable}
                        w="fit-content"
                      >
                        Add a person
                      </Button>
                    </Stack>
                  )}
                  <Textarea
                    label="Call script"
                    description="What members say on the phone; filled in for each person they call."
                    autosize
                    minRows={4}
                    value={form.script}
                    onChange={(e) => set('script', e.currentTarget.value)}
                    error={fieldError(save.error, 'script')}
                    disabled={!editable}
                  />
                  <Group gap={6}>
                    <Text size="xs" c="dimmed">
                      Insert:
                    </Text>
                    {VARIABLES.map((v) => (
                      <Button key={v} size="compact-xs" variant="default" onClick={() => insertVariable(v)} disabled={!editable}>
                        <Code>{`{{ ${v} }}`}</Code>
                      </Button>
                    ))}
                  </Group>
                  <PatchThroughFields
                    value={form.patchThrough}
                    onChange={(value) => set('patchThrough', value)}
                    error={save.error}
                    disabled={!editable}
                  />
                  <Group grow align="flex-start">
                    <NumberInput
                      label="Goal"
                      description="Calls to reach (optional)"
                      min={1}
                      value={form.goal ?? ''}
                      onChange={(value) => set('goal', typeof value === 'number' ? value : null)}
                      disabled={!editable}
                    />
                    <Select
                      label="Next step"
                      description="Shown after the last call"
                      data={nextOptions}
                      value={form.nextActionId === null ? null : String(form.nextActionId)}
                      onChange={(value) => set('nextActionId', value ? Number(value) : null)}
                      clearable
                      searchable
                      error={fieldError(save.error, 'nextActionId')}
                      disabled={!editable}
                    />
                  </Group>
                  {save.isError && <ErrorAlert error={save.error} title="Could not save" />}
                  {editable && (
                    <Group justify="flex-end">
                      {!call && (
                        <Button variant="default" component={Link} to={`/w/${workspaceId}/actions/calls`}>
                          Cancel
                        </Button>
                      )}
                      <Button type="submit" loading={save.isPending}>
                        {call ? 'Save' : 'Create draft'}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </form>
            </Paper>
            {call && <CallResultsPanel callId={String(call.id)} />}
            {call && <EmbedSnippet url={call.url} title={call.title} published={call.status === 'published'} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PhonePreview
            src={call ? `/api/workspaces/${workspaceId}/calls/${call.id}/preview` : null}
            label="the call page"
            version={previewVersion}
          />
        </Grid.Col>
      </Grid>
    </>
  );
}

function CallResultsPanel(props: { callId: string }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const results = useCallResults(workspaceId, props.callId);
  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Results</Title>
        {can('members.export') && (
          <Button
            component="a"
            href={`/api/workspaces/${workspaceId}/calls/${props.callId}/log.csv`}
            variant="default"
            size="xs"
            leftSection={<IconDownload size={14} />}
          >
            Export CSV
          </Button>
        )}
      </Group>
      <QueryView query={results} errorTitle="Could not load the results">
        {(r) =>
          r.total === 0 ? (
            <Alert variant="light">No calls logged yet. Members log each call's outcome on the page after calling.</Alert>
          ) : (
            <Stack>
              <Text size="sm">
                <strong data-count="calls">{r.total.toLocaleString()}</strong> calls by <strong>{r.callers.toLocaleString()}</strong>{' '}
                {r.callers === 1 ? 'member' : 'members'}
              </Text>
              <SimpleGrid cols={4} spacing="xs">
                {(Object.keys(OUTCOME_LABELS) as (keyof typeof OUTCOME_LABELS)[]).map((o) => (
                  <Paper key={o} withBorder p="xs" radius="sm" ta="center" data-outcome={o}>
                    <Text fw={700} size="lg">
                      {r.byOutcome[o].toLocaleString()}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {OUTCOME_LABELS[o]}
                    </Text>
                  </Paper>
                ))}
              </SimpleGrid>
              <Table aria-label="Calls by person called" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Called</Table.Th>
                    {Object.values(OUTCOME_LABELS).map((label) => (
                      <Table.Th key={label} ta="right">
                        {label}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">Total</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.byTarget.map((t) => (
                    <Table.Tr key={t.name}>
                      <Table.Td>{t.name}</Table.Td>
                      <Table.Td ta="right">{t.outcomes.reached}</Table.Td>
                      <Table.Td ta="right">{t.outcomes.voicemail}</Table.Td>
                      <Table.Td ta="right">{t.outcomes.busy}</Table.Td>
                      <Table.Td ta="right">{t.outcomes.no_answer}</Table.Td>
                      <Table.Td ta="right">{t.total}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          )
        }
      </QueryView>
    </Paper>
  );
}
