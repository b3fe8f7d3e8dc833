import { Badge } from '@mantine/core';
import { ROLE_LABELS, type Role } from '../../common/roles.ts';

const COLORS: Record<Role, string> = {
  owner: 'grape',
  admin: 'indigo',
  organizer: 'teal',
  texter: 'blue',
  moderator: 'orange',
  analyst: 'gray',
};

export function RoleBadge(props: { role: Role }) {
  return (
    <Badge color={COLORS[props.role]} variant="light" tt="none">
      {ROLE_LABELS[props.role]}
    </Badge>
  );
}
