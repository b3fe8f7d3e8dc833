import { Badge } from '@mantine/core';
import type { BroadcastStatus } from '../api/list-broadcasts.ts';
import { STATUS_LOOK } from './display.ts';

export function BroadcastStatusBadge(props: { status: BroadcastStatus; size?: 'sm' | 'md' | 'lg' }) {
  const look = STATUS_LOOK[props.status];
  return (
    <Badge color={look.color} variant="light" tt="none" size={props.size} data-status={props.status}>
      {look.label}
    </Badge>
  );
}
