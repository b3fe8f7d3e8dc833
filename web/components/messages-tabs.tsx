import { IconDeviceMobileMessage, IconKey, IconMessages, IconSitemap } from '@tabler/icons-react';
import { SectionTabs } from './section-tabs.tsx';

export type MessagesTab = 'broadcasts' | 'workflows' | 'keywords' | 'simulator';

/** The sections of Messages: Broadcasts | Workflows | Keywords | Simulator (the last only where texts go through the simulator). */
export function MessagesTabs(props: { workspaceId: string; value: MessagesTab; simulator: boolean }) {
  const base = `/w/${props.workspaceId}/messages`;
  return (
    <SectionTabs
      value={props.value}
      tabs={[
        { value: 'broadcasts', label: 'Broadcasts', to: base, icon: <IconMessages size={16} /> },
        { value: 'workflows', label: 'Workflows', to: `${base}/workflows`, icon: <IconSitemap size={16} /> },
        { value: 'keywords', label: 'Keywords', to: `${base}/keywords`, icon: <IconKey size={16} /> },
        ...(props.simulator || props.value === 'simulator'
          ? [{ value: 'simulator', label: 'Simulator', to: `${base}/simulator`, icon: <IconDeviceMobileMessage size={16} /> }]
          : []),
      ]}
    />
  );
}
