import { IconAddressBook, IconMessages, IconTemplate } from '@tabler/icons-react';
import { SectionTabs } from '../../../components/section-tabs.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';

/** The sections of the Inbox area, on top of the campaign screens. */
export function InboxTabs() {
  const { workspaceId } = useCurrentWorkspace();
  const base = `/w/${workspaceId}/inbox`;
  return (
    <SectionTabs
      value="campaigns"
      tabs={[
        { value: 'conversations', label: 'Conversations', to: base, icon: <IconMessages size={16} /> },
        { value: 'campaigns', label: 'Campaigns', to: `${base}/campaigns`, icon: <IconAddressBook size={16} /> },
        { value: 'saved-replies', label: 'Saved replies', to: `${base}/saved-replies`, icon: <IconTemplate size={16} /> },
      ]}
    />
  );
}
