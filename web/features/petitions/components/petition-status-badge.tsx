import { Badge } from '@mantine/core';
import type { PetitionStatus } from '../api/list-petitions.ts';

const COLORS: Record<PetitionStatus, string> = { draft: 'gray', published: 'teal', closed: 'dark' };
const LABELS: Record<PetitionStatus, string> = { draft: 'Draft', published: 'Published', closed: 'Closed' };

export function PetitionStatusBadge(props: { status: PetitionStatus }) {
  return (
    <Badge color={COLORS[props.status]} variant="light">
      {LABELS[props.status]}
    </Badge>
  );
}
