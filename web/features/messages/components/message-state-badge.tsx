import { Badge, Tooltip } from '@mantine/core';
import { messageStateColor } from './display.ts';

/** The state of one message; a failure shows its error code on hover. */
export function MessageStateBadge(props: { state: string; errorCode?: string | null }) {
  const badge = (
    <Badge color={messageStateColor(props.state)} variant="light" tt="none" size="sm">
      {props.state}
    </Badge>
  );
  return props.errorCode ? (
    <Tooltip label={`Error ${props.errorCode}`} withArrow>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
