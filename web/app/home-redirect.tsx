import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { Navigate } from 'react-router';
import { CenteredCard } from '../components/centered-card.tsx';
import { FullPageLoader } from '../components/full-page-loader.tsx';
import { NewWorkspaceModal } from '../features/workspaces/components/new-workspace-modal.tsx';
import { landingPath } from '../lib/last-workspace.ts';
import { useSession } from '../lib/session.ts';

/** `/`: straight into the last workspace used, or an offer to create the first one. */
export function HomeRedirect() {
  const session = useSession();
  const [opened, modal] = useDisclosure(false);
  if (!session.data) return <FullPageLoader />;
  if (session.data.workspaces.length > 0) return <Navigate to={landingPath(session.data.workspaces)} replace />;
  return (
    <CenteredCard title="No workspace yet" subtitle="You are not part of any workspace. Ask an owner for an invitation, or start your own.">
      <Button fullWidth leftSection={<IconPlus size={16} />} onClick={modal.open}>
        New workspace
      </Button>
      <NewWorkspaceModal opened={opened} onClose={modal.close} />
    </CenteredCard>
  );
}
