import { Anchor, Badge, Button, Grid, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconDownload, IconFileImport, IconPlus, IconSearch, IconUsers } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ConsentBadge } from '../../../components/consent-badge.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { MembersTabs } from '../../../components/members-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { membersExportUrl } from '../api/export-members.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import { CONSENT_FILTERS, type ConsentFilter, type MemberFilters, type MemberSummary, PAGE_SIZE, useMembers } from '../api/list-members.ts';
import { AddMemberModal } from './add-member-modal.tsx';
import { languageOptions, memberName } from './member-display.ts';

const CONSENT_LABELS: Record<ConsentFilter, string> = {
  sms_granted: 'Subscribed to SMS',
  sms_revoked: 'Opted out of SMS',
  sms_none: 'No SMS consent',
};

const FILTER_KEYS = ['q', 'tag', 'communityId', 'consent', 'language'] as const;

/** Pages already walked through, kept in the history entry so Back from a profile returns to the same page. */
type PagingState = { cursors?: string[] };

export function MembersPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const [addOpened, addModal] = useDisclosure(false);
  const cursors = (location.state as PagingState | null)?.cursors ?? [];
  const filters = readFilters(params);
  const members = useMembers(workspaceId, filters, cursors.at(-1));

  const setFilter = (key: (typeof FILTER_KEYS)[number], value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    // A new filter starts again at the first page.
    setParams(next, { replace: true, state: { cursors: [] } satisfies PagingState });
  };

  const data = members.data;
  const pageNumber = cursors.length + 1;
  const from = (pageNumber - 1) * PAGE_SIZE + 1;
  const active = FILTER_KEYS.some((key) => params.get(key));

  return (
    <>
      <PageHeader
        title="Members"
        description={data ? totalLabel(data.total, data.totalCapped, active) : 'Everyone who has joined, with their consent and history.'}
        actions={
          <Group gap="xs">
            {can('imports.manage') && (
              <Button component={Link} to="import" variant="default" leftSection={<IconFileImport size={16} />}>
                Import
              </Button>
            )}
            {can('members.export') && (
              <Button
                component="a"
                href={membersExportUrl(workspaceId, filters)}
                download
                variant="default"
                leftSection={<IconDownload size={16} />}
              >
                Export CSV
              </Button>
            )}
            {can('members.write') && (
              <Button leftSection={<IconPlus size={16} />} onClick={addModal.open}>
                Add member
              </Button>
            )}
          </Group>
        }
      />
      <MembersTabs workspaceId={workspaceId} value="members" />
      <Stack>
        <Filters filters={filters} onChange={setFilter} />
        {members.isError && !data ? (
          <ErrorAlert error={members.error} title="Could not load the members" onRetry={() => void members.refetch()} />
        ) : (
          <Paper withBorder radius="md" pos="relative">
            <Table.ScrollContainer minWidth={820} type="native">
              <Table verticalSpacing="sm" highlightOnHover striped={false}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Phone</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Tags</Table.Th>
                    <Table.Th>SMS</Table.Th>
                    <Table.Th>Added</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody style={{ opacity: members.isPlaceholderData ? 0.55 : 1, transition: 'opacity 120ms' }}>
                  {data?.members.map((member) => (
                    <MemberRow key={member.id} member={member} />
                  ))}
                  {!data && <LoadingRows />}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {data && data.members.length === 0 && <EmptyList filtered={active} canWrite={can('members.write')} onAdd={addModal.open} />}
          </Paper>
        )}
        {data && (data.members.length > 0 || cursors.length > 0) && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {data.members.length > 0
                ? `${from.toLocaleString()}–${(from + data.members.length - 1).toLocaleString()} of ${totalNumber(data.total, data.totalCapped)}`
                : 'No more members'}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="compact-md"
                leftSection={<IconChevronLeft size={16} />}
                disabled={cursors.length === 0}
                onClick={() => setParams(params, { state: { cursors: cursors.slice(0, -1) } satisfies PagingState })}
              >
                Previous
              </Button>
              <Button
                variant="default"
                size="compact-md"
                rightSection={<IconChevronRight size={16} />}
                disabled={!data.nextCursor || members.isPlaceholderData}
                onClick={() =>
                  data.nextCursor && setParams(params, { state: { cursors: [...cursors, data.nextCursor] } satisfies PagingState })
                }
              >
                Next
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
      {can('members.write') && <AddMemberModal opened={addOpened} onClose={addModal.close} />}
    </>
  );
}

function readFilters(params: URLSearchParams): MemberFilters {
  const consent = params.get('consent');
  return {
    q: params.get('q') || undefined,
    tag: params.get('tag') || undefined,
    communityId: params.get('communityId') || undefined,
    consent: (CONSENT_FILTERS as readonly string[]).includes(consent ?? '') ? (consent as ConsentFilter) : undefined,
    language: params.get('language') || undefined,
  };
}

function totalNumber(total: number, capped: boolean): string {
  return capped ? `${total.toLocaleString()}+` : total.toLocaleString();
}

function totalLabel(total: number, capped: boolean, filtered: boolean): string {
  const count = totalNumber(total, capped);
  const noun = total === 1 && !capped ? 'member' : 'members';
  return filtered ? `${count} ${noun} match these filters` : `${count} ${noun}`;
}

function Filters(props: { filters: MemberFilters; onChange: (key: (typeof FILTER_KEYS)[number], value: string | null) => void }) {
  const { workspaceId } = useCurrentWorkspace();
  const communities = useCommunityOptions(workspaceId);
  const [search, setSearch] = useState(props.filters.q ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [tag, setTag] = useState(props.filters.tag ?? '');
  const [debouncedTag] = useDebouncedValue(tag.trim(), 400);
  const { onChange } = props;

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of the typed text searches
  useEffect(() => {
    if (debounced !== (props.filters.q ?? '')) onChange('q', debounced || null);
  }, [debounced]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of the typed text filters
  useEffect(() => {
    if (debouncedTag !== (props.filters.tag ?? '')) onChange('tag', debouncedTag || null);
  }, [debouncedTag]);

  return (
    <Paper withBorder radius="md" p="sm">
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <TextInput
            aria-label="Search members"
            placeholder="Search name, phone or email"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            type="search"
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <TextInput aria-label="Tag" placeholder="Tag" value={tag} onChange={(event) => setTag(event.currentTarget.value)} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <Select
            aria-label="Community"
            placeholder={communities.isError ? 'Communities unavailable' : 'Any community'}
            data={communities.data ?? []}
            value={props.filters.communityId ?? null}
            onChange={(value) => onChange('communityId', value)}
            searchable
            clearable
            nothingFoundMessage="No community by that name"
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            aria-label="SMS consent"
            placeholder="SMS: any"
            data={CONSENT_FILTERS.map((value) => ({ value, label: CONSENT_LABELS[value] }))}
            value={props.filters.consent ?? null}
            onChange={(value) => onChange('consent', value)}
            clearable
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            aria-label="Language"
            placeholder="Any language"
            data={languageOptions(props.filters.language)}
            value={props.filters.language ?? null}
            onChange={(value) => onChange('language', value)}
            searchable
            clearable
          />
        </Grid.Col>
      </Grid>
    </Paper>
  );
}

function MemberRow(props: { member: MemberSummary }) {
  const { member } = props;
  const navigate = useNavigate();
  const to = String(member.id);
  return (
    <Table.Tr onClick={() => navigate(to)} style={{ cursor: 'pointer' }}>
      <Table.Td>
        <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
          {memberName(member)}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatPhone(member.phone) || '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={member.email ? undefined : 'dimmed'} truncate maw={240}>
          {member.email ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="wrap" maw={260}>
          {member.tags.slice(0, 3).map((tag) => (
            <Badge key={tag} variant="default" tt="none" size="sm">
              {tag}
            </Badge>
          ))}
          {member.tags.length > 3 && (
            <Text size="xs" c="dimmed">
              +{member.tags.length - 3}
            </Text>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <ConsentBadge channel="sms" state={member.smsConsent} withChannel={false} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(member.createdAt)} style={{ whiteSpace: 'nowrap' }}>
          {formatRelative(member.createdAt)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function LoadingRows() {
  return Array.from({ length: 6 }, (_, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
    <Table.Tr key={index} aria-hidden>
      <Table.Td colSpan={6}>
        <Text size="sm" c="dimmed">
          {index === 0 ? 'Loading members…' : '\u00a0'}
        </Text>
      </Table.Td>
    </Table.Tr>
  ));
}

function EmptyList(props: { filtered: boolean; canWrite: boolean; onAdd: () => void }) {
  return (
    <Stack align="center" gap="xs" py="xl" px="md">
      <IconUsers size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
      <Text fw={600}>{props.filtered ? 'No member matches' : 'No members yet'}</Text>
      <Text size="sm" c="dimmed" ta="center" maw={420}>
        {props.filtered
          ? 'Try fewer filters, or search by another part of the name, number or email.'
          : 'Members join by texting a keyword or through your public pages. You can also import a spreadsheet or add people by hand.'}
      </Text>
      {!props.filtered && props.canWrite && (
        <Button variant="light" size="compact-md" mt="xs" leftSection={<IconPlus size={14} />} onClick={props.onAdd}>
          Add member
        </Button>
      )}
    </Stack>
  );
}
