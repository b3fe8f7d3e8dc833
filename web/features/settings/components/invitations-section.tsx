import { Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconMailPlus } from '@tabler/icons-react';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { RoleBadge } from '../../../components/role-badge.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type Invitation, useInvitations } from '../api/list-invitations.ts';
import { useRevokeInvitation } from '../api/revoke-invitation.ts';
import { InviteModal } from './invite-modal.tsx';

const STATUS_COLORS: Record<Invitation['status'], string> = {
  pending: 'blue',
  accepted: 'teal',
  expired: 'gray',
  revoked: 'red',
};

export function InvitationsSection() {
  const { workspaceId } = useCurrentWorkspace();
  const invitations = useInvitations(workspaceId);
  const [opened, modal] = useDisclosure(false);

  return (
    <section>
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          Invitations
        </Title>
        <Button leftSection={<IconMailPlus size={16} />} onClick={modal.open}>
          Invite someone
        </Button>
      </Group>
      <QueryView query={invitations} errorTitle="Could not load the invitations">
        {(data) =>
          data.invitations.length === 0 ? (
            <Text size="sm" c="dimmed">
              No invitations yet. Invite organizers, texters and moderators to work with you.
            </Text>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={640} type="native">
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Email</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Invited</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.invitations.map((invitation) => (
                      <InvitationRow key={invitation.id} invitation={invitation} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
      <InviteModal opened={opened} onClose={modal.close} />
    </section>
  );
}

function InvitationRow(props: { invitation: Invitation }) {
  const { invitation } = props;
  const { workspaceId } = useCurrentWorkspace();
  const revoke = useRevokeInvitation(workspaceId);
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{invitation.email}</Text>
      </Table.Td>
      <Table.Td>
        <RoleBadge role={invitation.role} />
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS_COLORS[invitation.status]} variant="dot" tt="none">
          {invitation.status}
        </Badge>
        {invitation.status === 'pending' && (
          <Text size="xs" c="dimmed" title={formatDateTime(invitation.expiresAt)}>
            expires {formatRelative(invitation.expiresAt)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(invitation.createdAt)}>
          {formatRelative(invitation.createdAt)}
        </Text>
        {invitation.invitedBy && (
          <Text size="xs" c="dimmed">
            by {invitation.invitedBy.name}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {invitation.status === 'pending' && (
          <ConfirmButton
            title="Revoke this invitation?"
            message={`The link sent to ${invitation.email} will stop working.`}
            confirmLabel="Revoke"
            buttonProps={{ 'aria-label': `Revoke the invitation for ${invitation.email}` }}
            onConfirm={() => revoke.mutateAsync(invitation.id).then(() => notifySuccess(`Invitation for ${invitation.email} revoked.`))}
          >
            Revoke
          </ConfirmButton>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
