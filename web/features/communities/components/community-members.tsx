import { Anchor, Badge, Button, Center, Group, Loader, Paper, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { formatPhone } from '../../../lib/phone.ts';
import type { Community } from '../api/list-communities.ts';
import {
  type CommunityMember,
  MEMBERSHIP_ROLES,
  type MembershipRole,
  type MembershipStatus,
  useCommunityMembers,
} from '../api/list-community-members.ts';
import { useRemoveCommunityMember } from '../api/remove-community-member.ts';
import { useUpdateCommunityMember } from '../api/update-community-member.ts';
import { AddMembersModal } from './add-members-modal.tsx';

const STATUS_OPTIONS: { value: MembershipStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'pending', label: 'Pending requests' },
  { value: 'left', label: 'Left' },
];

const ROLE_LABELS: Record<MembershipRole, string> = { member: 'Member', leader: 'Leader', mentor: 'Mentor' };

const EMPTY: Record<MembershipStatus, string> = {
  active: 'No members yet. Share the join link or keyword, or add people who are already in your list.',
  pending: 'No requests waiting. People who ask to join a by-request community show up here for approval.',
  left: 'Nobody has left this community.',
};

function nameOf(member: { memberId: number; firstName: string | null; lastName: string | null; phone: string | null }): string {
  const name = [member.firstName, member.lastName].filter(Boolean).join(' ').trim();
  return name || formatPhone(member.phone) || `Member #${member.memberId}`;
}

export function CommunityMembers(props: { community: Community }) {
  const { community } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const [status, setStatus] = useState<MembershipStatus>('active');
  const [addOpened, addModal] = useDisclosure(false);
  const members = useCommunityMembers(workspaceId, String(community.id), status);
  const manage = can('communities.manage') && !community.archived;

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm">
        <Title order={3} size="h4">
          Members
        </Title>
        {manage && (
          <Button leftSection={<IconUserPlus size={16} />} onClick={addModal.open}>
            Add members
          </Button>
        )}
      </Group>
      <SegmentedControl
        aria-label="Membership status"
        value={status}
        onChange={(value) => setStatus(value as MembershipStatus)}
        data={STATUS_OPTIONS}
        w="fit-content"
        maw="100%"
      />
      {members.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading" />
        </Center>
      ) : members.isError ? (
        <ErrorAlert error={members.error} title="Could not load the members" onRetry={() => void members.refetch()} />
      ) : members.data.pages[0]?.members.length === 0 ? (
        <Text size="sm" c="dimmed">
          {EMPTY[status]}
        </Text>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720} type="native">
            <Table verticalSpacing="sm" aria-label="Community members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Phone</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>{status === 'left' ? 'Left' : status === 'pending' ? 'Asked' : 'Joined'}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.data.pages.flatMap((page) =>
                  page.members.map((member) => <MemberRow key={member.memberId} community={community} member={member} manage={manage} />),
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {members.hasNextPage && (
            <Group justify="center" p="sm">
              <Button variant="subtle" loading={members.isFetchingNextPage} onClick={() => void members.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </Paper>
      )}
      {manage && <AddMembersModal opened={addOpened} onClose={addModal.close} community={community} />}
    </Stack>
  );
}

function MemberRow(props: { community: Community; member: CommunityMember; manage: boolean }) {
  const { community, member, manage } = props;
  const { workspaceId } = useCurrentWorkspace();
  const update = useUpdateCommunityMember(workspaceId, String(community.id));
  const remove = useRemoveCommunityMember(workspaceId, String(community.id));
  const name = nameOf(member);
  const when = member.status === 'left' ? member.leftAt : member.joinedAt;

  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/w/${workspaceId}/members/${member.memberId}`} size="sm" fw={500}>
          {name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatPhone(member.phone) || '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        {manage && member.status === 'active' ? (
          <Select
            aria-label={`Role of ${name}`}
            data={MEMBERSHIP_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
            value={member.role}
            onChange={(value) => {
              if (!value || value === member.role) return;
              update.mutate(
                { memberId: member.memberId, patch: { role: value as MembershipRole } },
                {
                  onSuccess: () =>
                    notifySuccess(`${name} is now ${ROLE_LABELS[value as MembershipRole].toLowerCase()} of ${community.name}.`),
                  onError: (error) => notifyError(error, 'Role not changed'),
                },
              );
            }}
            allowDeselect={false}
            disabled={update.isPending}
            size="xs"
            w={120}
          />
        ) : (
          <Badge variant={member.role === 'member' ? 'default' : 'light'} color={member.role === 'leader' ? 'grape' : 'blue'} tt="none">
            {ROLE_LABELS[member.role]}
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed">
          {member.source ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(when)} style={{ whiteSpace: 'nowrap' }}>
          {formatRelative(when)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {manage && member.status !== 'left' && (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            {member.status === 'pending' && (
              <Button
                size="compact-sm"
                variant="light"
                leftSection={<IconCheck size={14} />}
                loading={update.isPending}
                onClick={() =>
                  // mutateAsync: once approved, the row leaves the pending list (and unmounts) before mutate's callbacks would run.
                  update.mutateAsync({ memberId: member.memberId, patch: { status: 'active' } }).then(
                    () => notifySuccess(`${name} joined ${community.name}.`),
                    (error: unknown) => notifyError(error, 'Not approved'),
                  )
                }
              >
                Approve
              </Button>
            )}
            <ConfirmButton
              title={member.status === 'pending' ? `Decline ${name}'s request?` : `Remove ${name} from ${community.name}?`}
              message={
                member.status === 'pending'
                  ? `${name} will not join ${community.name}.`
                  : `${name} leaves ${community.name} and stops receiving its messages. Their history stays on their profile.`
              }
              confirmLabel={member.status === 'pending' ? 'Decline' : 'Remove'}
              buttonProps={{ 'aria-label': `${member.status === 'pending' ? 'Decline' : 'Remove'} ${name}` }}
              onConfirm={() => remove.mutateAsync(member.memberId).then(() => notifySuccess(`${name} was removed from ${community.name}.`))}
            >
              {member.status === 'pending' ? 'Decline' : 'Remove'}
            </ConfirmButton>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
