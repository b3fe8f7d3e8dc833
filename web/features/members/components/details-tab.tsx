import { ActionIcon, Alert, Anchor, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle, IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { timezoneOptions } from '../../../lib/locale-options.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { formatPhone } from '../../../lib/phone.ts';
import type { Member } from '../api/get-member.ts';
import { type MemberPatch, useUpdateMember } from '../api/update-member.ts';
import { EraseSection } from './erase-section.tsx';
import { languageOptions, warningText } from './member-display.ts';

const TEXT_FIELDS = ['firstName', 'lastName', 'phone', 'email', 'postalCode'] as const;
const FIELDS = [...TEXT_FIELDS, 'language', 'timezone', 'customFields'] as const;
type Values = Record<(typeof TEXT_FIELDS)[number], string> & { language: string; timezone: string };
type CustomRow = { key: string; value: string };

function valuesOf(member: Member): Values {
  return {
    firstName: member.firstName ?? '',
    lastName: member.lastName ?? '',
    phone: member.phone ? formatPhone(member.phone) : (member.phoneRaw ?? ''),
    email: member.email ?? '',
    postalCode: member.postalCode ?? '',
    language: member.language,
    // Only a time zone set on purpose is editable; an inferred one is shown as the placeholder.
    timezone: member.timezoneSource === 'explicit' ? member.timezone : '',
  };
}

function customRowsOf(member: Member): CustomRow[] {
  return Object.entries(member.customFields).map(([key, value]) => ({ key, value: String(value) }));
}

/** The custom fields to send: changed or new keys with their value, removed keys as null; null when nothing changed. */
function customPatch(member: Member, rows: CustomRow[]): Record<string, string | null> | null {
  const saved = new Map(customRowsOf(member).map((row) => [row.key, row.value]));
  const patch: Record<string, string | null> = {};
  const kept = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim().toLowerCase();
    if (!key) continue;
    kept.add(key);
    if (saved.get(key) !== row.value.trim()) patch[key] = row.value.trim() || null;
  }
  for (const key of saved.keys()) if (!kept.has(key)) patch[key] = null;
  return Object.keys(patch).length > 0 ? patch : null;
}

const TIMEZONE_SOURCES: Record<Member['timezoneSource'], string> = {
  explicit: 'set by hand',
  postal_code: 'from the postal code',
  area_code: 'from the area code',
  workspace: "the workspace's",
};

export function DetailsTab(props: { member: Member }) {
  const { member } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const editable = can('members.write') && !member.erasedAt;
  const memberId = String(member.id);
  const update = useUpdateMember(workspaceId, memberId);
  const [values, setValues] = useState(() => valuesOf(member));
  const [custom, setCustom] = useState(() => customRowsOf(member));
  const saved = valuesOf(member);

  const patch: MemberPatch = {};
  for (const field of TEXT_FIELDS) {
    if (values[field].trim() !== saved[field]) patch[field] = values[field].trim() || null;
  }
  if (values.language !== saved.language) patch.language = values.language;
  if (values.timezone !== saved.timezone) patch.timezone = values.timezone || null;
  const changedCustom = customPatch(member, custom);
  if (changedCustom) patch.customFields = changedCustom;
  const dirty = Object.keys(patch).length > 0;

  const set = (field: keyof Values) => (value: string) => setValues((current) => ({ ...current, [field]: value }));
  const setRow = (index: number, row: Partial<CustomRow>) =>
    setCustom((rows) => rows.map((current, i) => (i === index ? { ...current, ...row } : current)));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate(patch, {
      onSuccess: (updated) => {
        setValues(valuesOf(updated));
        setCustom(customRowsOf(updated));
        if (updated.warnings && updated.warnings.length > 0) {
          notifications.show({
            title: 'Saved, with warnings',
            message: updated.warnings.map(warningText).join(' · '),
            color: 'yellow',
            autoClose: 10_000,
          });
        } else {
          notifySuccess('Member details saved.');
        }
      },
    });
  };
  const reset = () => {
    setValues(saved);
    setCustom(customRowsOf(member));
    update.reset();
  };

  const error = update.error;
  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <form onSubmit={submit} noValidate>
          <Stack>
            {!editable && !member.erasedAt && (
              <Alert color="gray" variant="light" icon={<IconInfoCircle />}>
                Your role can see these details but not change them.
              </Alert>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="First name"
                value={values.firstName}
                onChange={(e) => set('firstName')(e.currentTarget.value)}
                error={fieldError(error, 'firstName')}
                readOnly={!editable}
              />
              <TextInput
                label="Last name"
                value={values.lastName}
                onChange={(e) => set('lastName')(e.currentTarget.value)}
                error={fieldError(error, 'lastName')}
                readOnly={!editable}
              />
              <TextInput
                label="Phone"
                type="tel"
                value={values.phone}
                onChange={(e) => set('phone')(e.currentTarget.value)}
                error={fieldError(error, 'phone')}
                readOnly={!editable}
              />
              <TextInput
                label="Email"
                type="email"
                value={values.email}
                onChange={(e) => set('email')(e.currentTarget.value)}
                error={fieldError(error, 'email')}
                readOnly={!editable}
              />
              <TextInput
                label="Postal code"
                value={values.postalCode}
                onChange={(e) => set('postalCode')(e.currentTarget.value)}
                error={fieldError(error, 'postalCode')}
                readOnly={!editable}
              />
              <Select
                label="Language"
                data={languageOptions(values.language)}
                value={values.language}
                onChange={(value) => value && set('language')(value)}
                error={fieldError(error, 'language')}
                searchable
                allowDeselect={false}
                readOnly={!editable}
              />
              <Select
                label="Time zone"
                description="Quiet hours follow it. Left empty, it is worked out from the postal code or number."
                placeholder={
                  member.timezoneSource === 'explicit' ? undefined : `${member.timezone} (${TIMEZONE_SOURCES[member.timezoneSource]})`
                }
                data={timezoneOptions(values.timezone || undefined)}
                value={values.timezone || null}
                onChange={(value) => set('timezone')(value ?? '')}
                error={fieldError(error, 'timezone')}
                searchable
                clearable={editable}
                limit={100}
                readOnly={!editable}
              />
            </SimpleGrid>

            <div>
              <Text size="sm" fw={500}>
                Custom fields
              </Text>
              <Text size="xs" c="dimmed" mb={6}>
                Anything else you know, e.g. from an import: ward, employer, t-shirt size.
              </Text>
              <Stack gap="xs">
                {custom.length === 0 && (
                  <Text size="sm" c="dimmed">
                    None.
                  </Text>
                )}
                {custom.map((row, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their key text changes while typing
                  <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
                    <TextInput
                      aria-label="Field name"
                      placeholder="Field"
                      value={row.key}
                      onChange={(e) => setRow(index, { key: e.currentTarget.value })}
                      readOnly={!editable}
                      w="40%"
                    />
                    <TextInput
                      aria-label={`Value of ${row.key || 'field'}`}
                      placeholder="Value"
                      value={row.value}
                      onChange={(e) => setRow(index, { value: e.currentTarget.value })}
                      readOnly={!editable}
                      style={{ flex: 1 }}
                    />
                    {editable && (
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        size="lg"
                        aria-label={`Remove ${row.key || 'field'}`}
                        onClick={() => setCustom((rows) => rows.filter((_, i) => i !== index))}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    )}
                  </Group>
                ))}
                {fieldError(error, 'customFields') && (
                  <Text size="xs" c="red">
                    {fieldError(error, 'customFields')}
                  </Text>
                )}
                {editable && (
                  <Button
                    variant="subtle"
                    size="compact-sm"
                    w="fit-content"
                    leftSection={<IconPlus size={14} />}
                    onClick={() => setCustom((rows) => [...rows, { key: '', value: '' }])}
                  >
                    Add field
                  </Button>
                )}
              </Stack>
            </div>

            {error && !onlyFieldErrors(error, FIELDS) && (
              <Alert color="red" variant="light" role="alert">
                {errorDetail(error)}
              </Alert>
            )}
            {editable && (
              <Group justify="flex-end" gap="xs">
                <Button variant="default" disabled={!dirty || update.isPending} onClick={reset}>
                  Reset
                </Button>
                <Button type="submit" disabled={!dirty} loading={update.isPending}>
                  Save changes
                </Button>
              </Group>
            )}
          </Stack>
        </form>
      </Paper>

      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Title order={3} size="h5" mb="xs">
          Record
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4}>
          <Fact label="Member id">#{member.id}</Fact>
          <Fact label="Source">{member.source ?? '—'}</Fact>
          <Fact label="Added">{formatDateTime(member.createdAt)}</Fact>
          <Fact label="Last active">{formatDateTime(member.lastActiveAt)}</Fact>
          <Fact label="Referred by">
            {member.referredBy ? (
              <Anchor component={Link} to={`../${member.referredBy.id}`} relative="path" size="sm">
                {member.referredBy.name}
              </Anchor>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Merged from">{member.mergedIds.length > 0 ? member.mergedIds.map((id) => `#${id}`).join(', ') : '—'}</Fact>
        </SimpleGrid>
      </Paper>

      {can('members.erase') && !member.erasedAt && <EraseSection member={member} />}
    </Stack>
  );
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Text size="sm">
      <Text span c="dimmed" size="sm">
        {props.label}:
      </Text>{' '}
      {props.children}
    </Text>
  );
}
