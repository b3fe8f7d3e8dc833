import { Badge } from '@mantine/core';
import type { P2pStatus } from '../api/list-campaigns.ts';

const LOOK: Record<P2pStatus, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  loading: { label: 'Loading contacts', color: 'blue' },
  active: { label: 'Active', color: 'teal' },
  paused: { label: 'Paused', color: 'yellow' },
  closed: { label: 'Closed', color: 'dark' },
};

export function P2pStatusBadge(props: { status: P2pStatus }) {
  const look = LOOK[props.status];
  return (
    <Badge color={look.color} variant="light" tt="none" data-status={props.status}>
      {look.label}
    </Badge>
  );
}
