import { Badge, type BadgeProps } from '@mantine/core';
import { RUN_STATUS_LABELS, type RunStatus, WORKFLOW_STATUS_LABELS, type WorkflowStatus } from '../../../../common/workflows.ts';

const WORKFLOW_COLORS: Record<WorkflowStatus, string> = { draft: 'gray', active: 'teal', paused: 'orange', archived: 'dark' };
const RUN_COLORS: Record<RunStatus, string> = { active: 'blue', waiting: 'violet', completed: 'teal', exited: 'gray', held_out: 'yellow' };

/** A workflow's status, with its live version when it has one ("Active · v2"). */
export function WorkflowStatusBadge(props: { status: WorkflowStatus; version?: number | null; size?: BadgeProps['size'] }) {
  return (
    <Badge color={WORKFLOW_COLORS[props.status]} variant="light" size={props.size ?? 'md'} data-status={props.status}>
      {WORKFLOW_STATUS_LABELS[props.status]}
      {props.version ? ` · v${props.version}` : ''}
    </Badge>
  );
}

export function RunStatusBadge(props: { status: RunStatus }) {
  return (
    // As wide as its label: in a narrow table column a badge would otherwise shrink to an ellipsis.
    <Badge color={RUN_COLORS[props.status]} variant="light" miw="max-content" data-run-status={props.status}>
      {RUN_STATUS_LABELS[props.status]}
    </Badge>
  );
}
