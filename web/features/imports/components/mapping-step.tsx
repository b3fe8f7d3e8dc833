import {
  Alert,
  Button,
  Code,
  Group,
  List,
  MultiSelect,
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
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import type { Dispatch, SetStateAction } from 'react';
import { customKeyOf } from '../../../../common/import-fields.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import type { Import } from '../api/get-import.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import { type Draft, draftProblems, FIELD_OPTIONS, fieldLabel } from './import-draft.ts';

/** Step 2: what each column of the file is, and what happens to everyone imported. */
export function MappingStep(props: {
  item: Import;
  samples: Record<string, string[]>;
  notes: string[];
  draft: Draft;
  setDraft: Dispatch<SetStateAction<Draft>>;
  /** The button at the bottom: check the file, or (after a check) import it. */
  action: { label: string; hint: string; run: () => void };
  pending: boolean;
  error: unknown;
}) {
  const { item, draft, setDraft } = props;
  const { workspaceId } = useCurrentWorkspace();
  const communities = useCommunityOptions(workspaceId);
  const headers = Object.keys(draft.mapping);
  const problems = draftProblems(draft);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const consentColumns = new Set([draft.smsColumn, draft.emailColumn].filter(Boolean));
  const headerOptions = headers.map((header) => ({ value: header, label: header }));

  return (
    <Stack gap="lg">
      {props.notes.length > 0 && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle />} title="About this file">
          <List size="sm" spacing={2}>
            {props.notes.map((note) => (
              <List.Item key={note}>{note}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Paper withBorder radius="md">
        <Group justify="space-between" p="sm" pb={0}>
          <Title order={3} size="h5">
            Match the columns of {item.filename}
          </Title>
          <Text size="xs" c="dimmed">
            {headers.length} columns{item.totalRows !== null ? ` · ${item.totalRows.toLocaleString()} rows` : ''}
          </Text>
        </Group>
        <Table.ScrollContainer minWidth={640} type="native">
          <Table verticalSpacing="xs" aria-label="Column mapping">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="28%">Column in the file</Table.Th>
                <Table.Th>Examples</Table.Th>
                <Table.Th w={280}>Import as</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {headers.map((header) => {
                const value = draft.mapping[header] ?? 'ignore';
                const custom = `custom:${customKeyOf(header)}`;
                const options = [...FIELD_OPTIONS, { value: custom, label: fieldLabel(custom) }];
                if (!options.some((option) => option.value === value)) options.push({ value, label: fieldLabel(value) });
                const isConsent = consentColumns.has(header);
                return (
                  <Table.Tr key={header} data-header={header}>
                    <Table.Td>
                      <Code>{header}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                        {(props.samples[header] ?? []).filter(Boolean).slice(0, 3).join(' · ') || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {isConsent ? (
                        <Text size="sm" c="dimmed">
                          Read as {header === draft.smsColumn ? 'SMS' : 'email'} consent (below)
                        </Text>
                      ) : (
                        <Select
                          error={fieldError(props.error, header)}
                          aria-label={`Import ${header} as`}
                          data={options}
                          value={value}
                          onChange={(field) => field && set('mapping', { ...draft.mapping, [header]: field })}
                          allowDeselect={false}
                          size="sm"
                          styles={value === 'ignore' ? { input: { color: 'var(--mantine-color-dimmed)' } } : undefined}
                        />
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <Paper withBorder radius="md" p="md">
        <Title order={3} size="h5" mb={4}>
          Consent
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Only people who agreed may be texted. If a column says who agreed (yes, subscribed, opted in…), pick it: a no or unsubscribed
          there is recorded as an opt-out, and in a column about opting out (“Do not text”) a yes is. Without a column, nobody gets consent
          from this import.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Column with SMS consent"
            placeholder="None"
            data={headerOptions.filter((option) => option.value !== draft.emailColumn)}
            value={draft.smsColumn}
            onChange={(value) => set('smsColumn', value)}
            clearable
          />
          <Select
            label="Column with email consent"
            placeholder="None"
            data={headerOptions.filter((option) => option.value !== draft.smsColumn)}
            value={draft.emailColumn}
            onChange={(value) => set('emailColumn', value)}
            clearable
          />
        </SimpleGrid>
        {(draft.smsColumn || draft.emailColumn) && (
          <Textarea
            mt="sm"
            label="The exact words they agreed to"
            description="As your sign-up form or sheet said it. Stored in each member's consent history with this import."
            placeholder="I agree to receive recurring text messages from … Msg & data rates may apply. Reply STOP to opt out."
            value={draft.wording}
            onChange={(event) => set('wording', event.currentTarget.value)}
            autosize
            minRows={2}
            withAsterisk
          />
        )}
      </Paper>

      <Paper withBorder radius="md" p="md">
        <Title order={3} size="h5" mb="sm">
          Everyone in this file
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <MultiSelect
            label="Add to communities"
            placeholder={communities.isError ? 'Communities could not be loaded' : draft.communityIds.length === 0 ? 'None' : undefined}
            data={communities.data ?? []}
            value={draft.communityIds}
            onChange={(value) => set('communityIds', value)}
            searchable
            clearable
          />
          <TagsInput
            label="Tag them"
            placeholder={draft.tags.length === 0 ? 'Type a tag, then Enter' : undefined}
            value={draft.tags}
            onChange={(value) => set('tags', value)}
            clearable
          />
          <TextInput
            label="Source"
            description="Where these people came from, kept on each new member."
            value={draft.source}
            onChange={(event) => set('source', event.currentTarget.value)}
          />
          <div>
            <Text size="sm" fw={500}>
              People already in Groundswell
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              Recognised by phone number or email. Filling in never overwrites what is already there.
            </Text>
            <SegmentedControl
              aria-label="People already in Groundswell"
              value={draft.dedupe}
              onChange={(value) => set('dedupe', value === 'skip' ? 'skip' : 'update')}
              data={[
                { value: 'update', label: 'Fill in their details' },
                { value: 'skip', label: 'Leave them as they are' },
              ]}
              fullWidth
            />
          </div>
        </SimpleGrid>
      </Paper>

      {problems.length > 0 && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle />} title="Before going on">
          <List size="sm" spacing={2}>
            {problems.map((problem) => (
              <List.Item key={problem}>{problem}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {props.error !== null && props.error !== undefined && !onlyFieldErrors(props.error, headers) && (
        <Alert color="red" variant="light" role="alert">
          {errorDetail(props.error)}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        <Text size="xs" c="dimmed">
          {props.action.hint}
        </Text>
        <Button size="md" onClick={props.action.run} loading={props.pending} disabled={problems.length > 0}>
          {props.action.label}
        </Button>
      </Group>
    </Stack>
  );
}
