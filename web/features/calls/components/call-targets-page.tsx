import {
  ActionIcon,
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCheck, IconFileUpload, IconSearch, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { type ImportReport, type TargetKind, useDeleteTarget, useImportTargets } from '../api/import-targets.ts';
import { useDistricts, useOfficials } from '../api/list-targets.ts';

const EXAMPLES: Record<TargetKind, string> = {
  officials: 'name,title,office,district,phone,party',
  districts: 'postal_code,district',
};

/** The people members call: officials and the postal code → district mapping, imported from CSV files. */
export function CallTargetsPage() {
  const { workspaceId } = useCurrentWorkspace();
  return (
    <>
      <PageHeader
        title="Call targets"
        description="Officials with their district and phone, and which districts each postal code lies in. A call by postal code finds a member's officials here."
      />
      <ActionsTabs workspaceId={workspaceId} value="calls" />
      <Tabs defaultValue="officials" mt="md" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="officials">Officials</Tabs.Tab>
          <Tabs.Tab value="districts">Postal codes</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="officials" pt="md">
          <Stack>
            <ImportPanel kind="officials" />
            <OfficialsList />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="districts" pt="md">
          <Stack>
            <ImportPanel kind="districts" />
            <DistrictsList />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function ImportPanel(props: { kind: TargetKind }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'replace' | 'append'>('replace');
  const [report, setReport] = useState<ImportReport | null>(null);
  const importer = useImportTargets(workspaceId, props.kind);
  if (!can('actions.manage')) return null;

  const run = async (dryRun: boolean) => {
    if (!file) return;
    const result = await importer.mutateAsync({ csv: await file.text(), mode, dryRun });
    setReport(result);
    if (!dryRun) {
      notifySuccess(`Imported ${result.imported.toLocaleString()} ${props.kind === 'officials' ? 'officials' : 'postal code mappings'}`);
      setFile(null);
      setReport(null);
    }
  };

  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={5} mb="xs">
        Import a CSV file
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Columns: <code>{EXAMPLES[props.kind]}</code>. The file is checked first; a file with a bad line imports nothing.
      </Text>
      <Group align="flex-end">
        <FileInput
          label="File"
          placeholder="Choose a .csv file"
          accept=".csv,text/csv"
          value={file}
          onChange={(f) => {
            setFile(f);
            setReport(null);
            importer.reset();
          }}
          leftSection={<IconFileUpload size={16} />}
          w={280}
          clearable
        />
        <SegmentedControl
          value={mode}
          onChange={(value) => {
            setMode(value === 'append' ? 'append' : 'replace');
            setReport(null);
          }}
          data={[
            { value: 'replace', label: 'Replace the list' },
            { value: 'append', label: 'Add to the list' },
          ]}
          aria-label="Import mode"
        />
        <Button
          variant="default"
          disabled={!file}
          loading={importer.isPending && !report}
          onClick={() => void run(true).catch(() => undefined)}
        >
          Check file
        </Button>
        <Button
          disabled={!file || !report || report.errors.length > 0}
          loading={importer.isPending && report !== null}
          onClick={() => void run(false).catch((error: unknown) => notifyError(error, 'Could not import'))}
        >
          Import
        </Button>
      </Group>
      {importer.isError && <ErrorAlert error={importer.error} title="Could not check the file" />}
      {report && report.errors.length === 0 && (
        <Alert mt="md" color="green" variant="light" icon={<IconCheck />} title="The file is fine">
          {report.imported.toLocaleString()} of {report.rows.toLocaleString()} rows will be imported (
          {mode === 'replace' ? 'replacing the current list' : 'added to the current list'}).
        </Alert>
      )}
      {report && report.errors.length > 0 && (
        <Alert
          mt="md"
          color="red"
          variant="light"
          title={`${report.errors.length} bad ${report.errors.length === 1 ? 'line' : 'lines'}: fix the file and check it again`}
        >
          <Table aria-label="Problems in the file" mt="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Line</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.errors.map((e) => (
                <Table.Tr key={`${e.line}-${e.message}`}>
                  <Table.Td>{e.line}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Alert>
      )}
    </Paper>
  );
}

function DeleteButton(props: { kind: TargetKind; id: number; label: string }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const remove = useDeleteTarget(workspaceId, props.kind);
  if (!can('actions.manage')) return null;
  return (
    <ActionIcon
      variant="subtle"
      color="red"
      aria-label={`Delete ${props.label}`}
      loading={remove.isPending}
      onClick={() => remove.mutateAsync(props.id).catch((error: unknown) => notifyError(error, 'Could not delete'))}
    >
      <IconTrash size={16} />
    </ActionIcon>
  );
}

function OfficialsList() {
  const { workspaceId } = useCurrentWorkspace();
  const [q, setQ] = useState('');
  const officials = useOfficials(workspaceId, q.trim());
  return (
    <Paper withBorder radius="md" p="lg">
      <TextInput
        placeholder="Search name, district, office"
        leftSection={<IconSearch size={16} />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        mb="sm"
        aria-label="Search officials"
      />
      <QueryView query={officials} errorTitle="Could not load the officials">
        {(data) =>
          data.total === 0 ? (
            <Text c="dimmed">No officials yet.</Text>
          ) : (
            <>
              <Text size="sm" c="dimmed" mb="xs">
                {data.total.toLocaleString()} officials
              </Text>
              <Table.ScrollContainer minWidth={720} type="native">
                <Table aria-label="Officials" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Title</Table.Th>
                      <Table.Th>Office</Table.Th>
                      <Table.Th>District</Table.Th>
                      <Table.Th>Phone</Table.Th>
                      <Table.Th>Party</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.officials.map((o) => (
                      <Table.Tr key={o.id}>
                        <Table.Td>{o.name}</Table.Td>
                        <Table.Td>{o.title}</Table.Td>
                        <Table.Td>{o.office}</Table.Td>
                        <Table.Td>{o.district}</Table.Td>
                        <Table.Td>{o.phone}</Table.Td>
                        <Table.Td>{o.party}</Table.Td>
                        <Table.Td>
                          <DeleteButton kind="officials" id={o.id} label={o.name} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </>
          )
        }
      </QueryView>
    </Paper>
  );
}

function DistrictsList() {
  const { workspaceId } = useCurrentWorkspace();
  const [q, setQ] = useState('');
  const districts = useDistricts(workspaceId, q.trim());
  return (
    <Paper withBorder radius="md" p="lg">
      <TextInput
        placeholder="Postal code or district"
        leftSection={<IconSearch size={16} />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        mb="sm"
        aria-label="Search postal codes"
      />
      <QueryView query={districts} errorTitle="Could not load the postal codes">
        {(data) =>
          data.total === 0 ? (
            <Text c="dimmed">No postal codes yet.</Text>
          ) : (
            <>
              <Text size="sm" c="dimmed" mb="xs">
                {data.total.toLocaleString()} postal code mappings
              </Text>
              <Table aria-label="Postal codes" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Postal code</Table.Th>
                    <Table.Th>District</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.districts.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>{d.postalCode}</Table.Td>
                      <Table.Td>{d.district}</Table.Td>
                      <Table.Td>
                        <DeleteButton kind="districts" id={d.id} label={`${d.postalCode} → ${d.district}`} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )
        }
      </QueryView>
    </Paper>
  );
}
