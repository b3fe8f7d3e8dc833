import { Badge } from '@mantine/core';
import type { StoryStatus } from '../api/list-stories.ts';
import type { SubmissionStatus } from '../api/list-submissions.ts';

const COLORS: Record<StoryStatus | SubmissionStatus, string> = {
  draft: 'gray',
  published: 'teal',
  closed: 'dark',
  pending: 'yellow',
  approved: 'teal',
  rejected: 'red',
};
const LABELS: Record<StoryStatus | SubmissionStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  closed: 'Closed',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
};

/** The status of a story action or of one story in the queue. */
export function StoryStatusBadge(props: { status: StoryStatus | SubmissionStatus }) {
  return (
    <Badge color={COLORS[props.status]} variant="light">
      {LABELS[props.status]}
    </Badge>
  );
}
