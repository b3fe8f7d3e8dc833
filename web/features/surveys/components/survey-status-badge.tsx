import { Badge } from '@mantine/core';
import type { SurveyStatus } from '../api/list-surveys.ts';

const COLORS: Record<SurveyStatus, string> = { draft: 'gray', open: 'teal', closed: 'dark' };
const LABELS: Record<SurveyStatus, string> = { draft: 'Draft', open: 'Open', closed: 'Closed' };

export function SurveyStatusBadge(props: { status: SurveyStatus }) {
  return (
    <Badge color={COLORS[props.status]} variant="light">
      {LABELS[props.status]}
    </Badge>
  );
}
