import { Alert, Anchor, Button, Group, Paper, Stack, Stepper, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { type Import, useImport } from '../api/get-import.ts';
import { useImports } from '../api/list-imports.ts';
import { useStartImport } from '../api/start-import.ts';
import type { UploadResult } from '../api/upload-import.ts';
import { CheckStep } from './check-step.tsx';
import { formatBytes, ImportStatusBadge } from './import-display.tsx';
import { type Draft, initialDraft, toRequest } from './import-draft.ts';
import { MappingStep } from './mapping-step.tsx';
import { RunStep } from './run-step.tsx';
import { UploadStep } from './upload-step.tsx';

const STEPS = [
  { label: 'Upload', description: 'a CSV file' },
  { label: 'Match columns', description: 'and choose options' },
  { label: 'Check', description: 'nothing is saved yet' },
  { label: 'Import', description: 'members are added' },
];

export function ImportPage() {
  const { importId } = useParams();
  const { can } = useCurrentWorkspace();
  return (
    <>
      <Anchor component={Link} to={importId ? '../..' : '..'} relative="path" size="sm" w="fit-content" display="block" mb="xs">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          Members
        </Group>
      </Anchor>
      <PageHeader title="Import members" description="Bring people in from a spreadsheet: a CSV file with one row per person." />
      {!can('imports.manage') ? (
        <NoAccess>Owners, admins and organizers can import members.</NoAccess>
      ) : (
        <Stack gap="xl">
          {importId ? <Wizard key={importId} importId={importId} /> : <NewImport />}
          <PastImports currentId={importId} />
        </Stack>
      )}
    </>
  );
}

function Steps(props: { active: number }) {
  return (
    <Stepper active={props.active} allowNextStepsSelect={false} size="sm" mb="lg" wrap>
      {STEPS.map((step) => (
        <Stepper.Step key={step.label} label={step.label} description={step.description} />
      ))}
    </Stepper>
  );
}

function NewImport() {
  return (
    <div>
      <Steps active={0} />
      <UploadStep />
    </div>
  );
}

/** Sample values per column from the upload's answer (its first rows, cells in column order). */
function samplesOf(upload: UploadResult | null): Record<string, string[]> {
  const samples: Record<string, string[]> = {};
  if (!upload) return samples;
  upload.headers.forEach((header, index) => {
    samples[header] = upload.sampleRows.map((row) => row[index] ?? '').filter((value) => value.trim() !== '');
  });
  return samples;
}

function Wizard(props: { importId: string }) {
  const { workspaceId } = useCurrentWorkspace();
  const item = useImport(workspaceId, props.importId);
  return (
    <QueryView query={item} errorTitle="Could not load this import">
      {(data) => <WizardSteps item={data} />}
    </QueryView>
  );
}

function WizardSteps(props: { item: Import }) {
  const { item } = props;
  const { workspaceId } = useCurrentWorkspace();
  const location = useLocation();
  const state = location.state as { upload?: UploadResult } | null;
  const upload = state?.upload?.import.id === item.id ? state.upload : null;
  const [draft, setDraft] = useState<Draft>(() => initialDraft(item, upload));
  const [editing, setEditing] = useState(false);
  const start = useStartImport(workspaceId, String(item.id));

  const run = (dryRun: boolean) =>
    start.mutate(toRequest(draft, dryRun), {
      onSuccess: () => setEditing(false),
    });

  // A check (dry run) can run once per upload; after it, the import can start with the same or a changed matching.
  const checked = item.dryRun && (item.status === 'validated' || item.status === 'done');
  const checking = item.dryRun && item.status === 'validating';
  const checkFailed = item.dryRun && (item.status === 'failed' || item.status === 'cancelled');
  let step: number;
  if (item.status === 'uploaded' || (checked && editing)) step = 1;
  else if (checked || checking || checkFailed) step = 2;
  else step = 3;

  return (
    <div>
      <Steps active={step} />
      {step === 1 && (
        <MappingStep
          item={item}
          samples={samplesOf(upload)}
          notes={upload?.notes ?? []}
          draft={draft}
          setDraft={setDraft}
          action={
            checked
              ? {
                  label: 'Import with this matching',
                  hint: 'The file was already checked once; it is checked again row by row as it imports.',
                  run: () => run(false),
                }
              : { label: 'Check the file', hint: 'Nothing is saved during the check.', run: () => run(true) }
          }
          pending={start.isPending}
          error={start.error}
        />
      )}
      {step === 2 &&
        (checkFailed ? (
          <Alert color="red" variant="light" title={item.status === 'cancelled' ? 'The check was stopped' : 'The check failed'}>
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{item.lastError ?? 'The file could not be read to the end.'}</Text>
              <Button component={Link} to={`/w/${workspaceId}/members/import`} variant="light" color="red" size="compact-sm">
                Upload the file again
              </Button>
            </Stack>
          </Alert>
        ) : (
          <CheckStep
            item={item}
            onBack={() => setEditing(true)}
            onImport={() => run(false)}
            pending={start.isPending}
            error={start.error}
          />
        ))}
      {step === 3 && <RunStep item={item} />}
    </div>
  );
}

/** Whether the import wrote members (its counts are real, not a check's forecast). */
function ran(item: Import): boolean {
  return !item.dryRun && item.status !== 'uploaded';
}

function PastImports(props: { currentId?: string }) {
  const { workspaceId } = useCurrentWorkspace();
  const imports = useImports(workspaceId);
  const navigate = useNavigate();
  return (
    <section>
      <Title order={3} size="h4" mb="sm">
        Past imports
      </Title>
      <QueryView query={imports} errorTitle="Could not load the past imports">
        {(data) =>
          data.imports.length === 0 ? (
            <Text size="sm" c="dimmed">
              No imports yet.
            </Text>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={720} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Past imports">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>File</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th ta="right">Rows</Table.Th>
                      <Table.Th ta="right">New</Table.Th>
                      <Table.Th ta="right">Updated</Table.Th>
                      <Table.Th ta="right">Errors</Table.Th>
                      <Table.Th>Uploaded</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.imports.map((item) => (
                      <Table.Tr
                        key={item.id}
                        onClick={() => navigate(`/w/${workspaceId}/members/import/${item.id}`)}
                        style={{ cursor: 'pointer' }}
                        bg={String(item.id) === props.currentId ? 'var(--mantine-color-teal-light)' : undefined}
                      >
                        <Table.Td>
                          <Anchor
                            component={Link}
                            to={`/w/${workspaceId}/members/import/${item.id}`}
                            size="sm"
                            fw={500}
                            onClick={(event) => event.stopPropagation()}
                          >
                            {item.filename}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {formatBytes(item.sizeBytes)}
                            {item.dryRun ? ' · check only' : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <ImportStatusBadge item={item} />
                        </Table.Td>
                        <Table.Td ta="right">{item.totalRows?.toLocaleString() ?? '—'}</Table.Td>
                        <Table.Td ta="right">{ran(item) ? item.createdCount.toLocaleString() : '—'}</Table.Td>
                        <Table.Td ta="right">{ran(item) ? item.updatedCount.toLocaleString() : '—'}</Table.Td>
                        <Table.Td ta="right">
                          <Text size="sm" c={item.errorCount > 0 ? 'red' : undefined}>
                            {item.errorCount.toLocaleString()}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" title={formatDateTime(item.createdAt)} style={{ whiteSpace: 'nowrap' }}>
                            {formatRelative(item.createdAt)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
    </section>
  );
}
