import { Badge } from '@mantine/core';
import type { ShareStatus } from '../api/list-shares.ts';

const COLORS: Record<ShareStatus, string> = { draft: 'gray', published: 'teal', closed: 'dark' };
const LABELS: Record<ShareStatus, string> = { draft: 'Draft', published: 'Published', closed: 'Closed' };

export function ShareStatusBadge(props: { status: ShareStatus }) {
  return (
    <Badge color={COLORS[props.status]} variant="light">
      {LABELS[props.status]}
    </Badge>
  );
}
