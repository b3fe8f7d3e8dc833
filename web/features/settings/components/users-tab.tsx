import { Badge, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { ROLE_LABELS } from '../../../../common/roles.ts';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { RoleBadge } from '../../../components/role-badge.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { isRole, roleOptions } from '../../../lib/roles.ts';
import { type StaffUser, useUsers } from '../api/list-users.ts';
import { useRemoveUser } from '../api/remove-user.ts';
import { useUpdateUserRole } from '../api/update-user-role.ts';
import { InvitationsSection } from './invitations-section.tsx';

export function UsersTab() {
  const { can } = useCurrentWorkspace();
  if (!can('users.read')) return <NoAccess>Owners, admins and organizers can see who is in this workspace.</NoAccess>;
  return <UsersAndInvitations />;
}

function UsersAndInvitations() {
  const { workspaceId, can } = useCurrentWorkspace();
  const users = useUsers(workspaceId);
  return (
    <Stack gap="xl">
      <section>
        <Title order={3} size="h4" mb="sm">
          Users
        </Title>
        <QueryView query={users} errorTitle="Could not load the users">
          {(data) => (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={640} type="native">
                <Table verticalSpacing="sm" highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Person</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Joined</Table.Th>
                      <Table.Th>Last sign-in</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.users.map((user) => (
                      <UserRow key={user.id} user={user} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )}
        </QueryView>
      </section>
      {can('users.manage') && <InvitationsSection />}
    </Stack>
  );
}

function UserRow(props: { user: StaffUser }) {
  const { user } = props;
  const { workspaceId, workspace, user: me, can } = useCurrentWorkspace();
  const updateRole = useUpdateUserRole(workspaceId);
  const remove = useRemoveUser(workspaceId);
  const isMe = user.id === me.id;
  // Only owners may hand out, take away or remove the owner role; the server enforces the same.
  const manageable = can('users.manage') && (user.role !== 'owner' || workspace.role === 'owner');

  const changeRole = (value: string | null) => {
    if (!isRole(value) || value === user.role) return;
    updateRole.mutate(
      { userId: user.id, role: value },
      {
        onSuccess: () => notifySuccess(`${user.name}'s role is now ${ROLE_LABELS[value]}.`),
        onError: (error) => notifyError(error, 'Role not changed'),
      },
    );
  };

  return (
    <Table.Tr>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={500}>
            {user.name}
          </Text>
          {isMe && (
            <Badge size="xs" variant="outline" color="gray">
              you
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>
        {manageable ? (
          <Select
            aria-label={`Role of ${user.name}`}
            data={roleOptions(workspace.role)}
            value={user.role}
            onChange={changeRole}
            allowDeselect={false}
            disabled={updateRole.isPending}
            size="xs"
            w={190}
          />
        ) : (
          <RoleBadge role={user.role} />
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(user.joinedAt)}>
          {formatRelative(user.joinedAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(user.lastLoginAt)}>
          {formatRelative(user.lastLoginAt)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {manageable && !isMe && (
          <ConfirmButton
            title={`Remove ${user.name}?`}
            message={`${user.name} (${user.email}) will lose access to ${workspace.name} at once. Their past work stays in the audit log.`}
            confirmLabel="Remove"
            buttonProps={{ 'aria-label': `Remove ${user.name}` }}
            onConfirm={() => remove.mutateAsync(user.id).then(() => notifySuccess(`${user.name} was removed from ${workspace.name}.`))}
          >
            Remove
          </ConfirmButton>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
