import { IconAddressBook, IconMessages, IconTemplate } from '@tabler/icons-react';
import { type SectionTab, SectionTabs } from '../../../components/section-tabs.tsx';

/** The sections of the Inbox area. */
export function InboxTabs(props: { workspaceId: string; value: 'conversations' | 'campaigns' | 'saved-replies' }) {
  const base = `/w/${props.workspaceId}/inbox`;
  const tabs: SectionTab[] = [
    { value: 'conversations', label: 'Conversations', to: base, icon: <IconMessages size={16} /> },
    { value: 'campaigns', label: 'Campaigns', to: `${base}/campaigns`, icon: <IconAddressBook size={16} /> },
    { value: 'saved-replies', label: 'Saved replies', to: `${base}/saved-replies`, icon: <IconTemplate size={16} /> },
  ];
  return <SectionTabs value={props.value} tabs={tabs} />;
}
