import {
  IconBolt,
  IconCalendarEvent,
  IconListCheck,
  IconMessageCircleHeart,
  IconPhoneCall,
  IconShare,
  IconSignature,
} from '@tabler/icons-react';
import { SectionTabs } from './section-tabs.tsx';

export type ActionsTab = 'overview' | 'petitions' | 'events' | 'calls' | 'surveys' | 'stories' | 'shares';

/** The sections of Actions: every action, then each kind. */
export function ActionsTabs(props: { workspaceId: string; value: ActionsTab }) {
  const base = `/w/${props.workspaceId}/actions`;
  return (
    <SectionTabs
      value={props.value}
      tabs={[
        { value: 'overview', label: 'All actions', to: base, icon: <IconBolt size={16} /> },
        { value: 'petitions', label: 'Petitions', to: `${base}/petitions`, icon: <IconSignature size={16} /> },
        { value: 'events', label: 'Events', to: `${base}/events`, icon: <IconCalendarEvent size={16} /> },
        { value: 'calls', label: 'Calls', to: `${base}/calls`, icon: <IconPhoneCall size={16} /> },
        { value: 'surveys', label: 'Surveys', to: `${base}/surveys`, icon: <IconListCheck size={16} /> },
        { value: 'shares', label: 'Share', to: `${base}/shares`, icon: <IconShare size={16} /> },
        { value: 'stories', label: 'Stories', to: `${base}/stories`, icon: <IconMessageCircleHeart size={16} /> },
      ]}
    />
  );
}
