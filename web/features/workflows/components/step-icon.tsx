import { IconClock, IconGitBranch, IconMessage, IconPlugConnected, IconUser } from '@tabler/icons-react';
import { STEP_KIND_META, type StepGroup, type StepKind } from '../../../../common/workflows.ts';

const ICONS: Record<StepGroup, typeof IconMessage> = {
  message: IconMessage,
  timing: IconClock,
  logic: IconGitBranch,
  member: IconUser,
  integration: IconPlugConnected,
};

/** The icon of a step kind's group in the palette (messages, timing, logic, member, integrations). */
export function StepIcon(props: { kind: string; size?: number }) {
  const meta = STEP_KIND_META[props.kind as StepKind];
  const Icon = ICONS[meta?.group ?? 'logic'];
  return <Icon size={props.size ?? 16} aria-hidden />;
}
