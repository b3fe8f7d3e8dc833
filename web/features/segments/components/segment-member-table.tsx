import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import type { SegmentMember } from '../api/preview-segment.ts';

/** How a member is named on screen: their name, else their id. */
export function memberName(member: SegmentMember): string {
  return member.name.trim() || `Member #${member.id}`;
}

/** Members of a segment: name (to their profile), the end of their number, and how engaged they are. */
export function SegmentMemberTable(props: { members: readonly SegmentMember[]; label: string; dimmed?: boolean; compact?: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  return (
    <Table.ScrollContainer minWidth={props.compact ? 0 : 640} type="native">
      <Table verticalSpacing={props.compact ? 'xs' : 'sm'} aria-label={props.label} style={{ opacity: props.dimmed ? 0.55 : 1 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Phone</Table.Th>
            {!props.compact && <Table.Th>Communities</Table.Th>}
            {!props.compact && <Table.Th>Engagement</Table.Th>}
            <Table.Th>Last active</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.members.map((member) => (
            <Table.Tr key={member.id}>
              <Table.Td>
                <Anchor component={Link} to={`/w/${workspaceId}/members/${member.id}`} size="sm" fw={500} c="inherit">
                  {memberName(member)}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={member.phoneLast4 ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                  {member.phoneLast4 ? `••• ${member.phoneLast4}` : '—'}
                </Text>
              </Table.Td>
              {!props.compact && <Table.Td>{member.communityCount.toLocaleString()}</Table.Td>}
              {!props.compact && <Table.Td>{member.engagementScore.toLocaleString()}</Table.Td>}
              <Table.Td>
                <Text size="sm" title={formatDateTime(member.lastActiveAt)} style={{ whiteSpace: 'nowrap' }}>
                  {formatRelative(member.lastActiveAt)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
