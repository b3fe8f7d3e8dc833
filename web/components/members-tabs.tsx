import { IconFilter, IconUsers } from '@tabler/icons-react';
import { SectionTabs } from './section-tabs.tsx';

export type MembersTab = 'members' | 'segments';

/** The sections of Members: everyone, and the saved segments. */
export function MembersTabs(props: { workspaceId: string; value: MembersTab }) {
  const base = `/w/${props.workspaceId}/members`;
  return (
    <SectionTabs
      value={props.value}
      tabs={[
        { value: 'members', label: 'All members', to: base, icon: <IconUsers size={16} /> },
        { value: 'segments', label: 'Segments', to: `${base}/segments`, icon: <IconFilter size={16} /> },
      ]}
    />
  );
}
