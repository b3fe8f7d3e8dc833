import { ActionIcon, Group, Select, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingCommunity, IconPlus } from '@tabler/icons-react';
import { useLocation, useNavigate } from 'react-router';
import type { WorkspaceSummary } from '../../../lib/session.ts';
import { NewWorkspaceModal } from './new-workspace-modal.tsx';

/** Picks the workspace; switching keeps the person on the same screen (e.g. Settings → Users). */
export function WorkspaceSwitcher(props: { workspaces: WorkspaceSummary[]; currentId: string; fullWidth?: boolean }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, modal] = useDisclosure(false);

  const switchTo = (id: string | null) => {
    if (!id || id === props.currentId) return;
    const rest = location.pathname.replace(/^\/w\/[^/]+/, '');
    navigate(`/w/${id}${rest}`);
  };

  return (
    <Group gap={6} wrap="nowrap" w={props.fullWidth ? '100%' : undefined}>
      <Select
        aria-label="Workspace"
        data={props.workspaces.map((w) => ({ value: String(w.id), label: w.name }))}
        value={props.currentId}
        onChange={switchTo}
        allowDeselect={false}
        leftSection={<IconBuildingCommunity size={16} />}
        searchable={props.workspaces.length > 8}
        w={props.fullWidth ? undefined : 240}
        style={props.fullWidth ? { flex: 1 } : undefined}
        comboboxProps={{ withinPortal: true }}
      />
      <Tooltip label="New workspace" withArrow>
        <ActionIcon variant="default" size="lg" onClick={modal.open} aria-label="New workspace">
          <IconPlus size={18} />
        </ActionIcon>
      </Tooltip>
      <NewWorkspaceModal opened={opened} onClose={modal.close} />
    </Group>
  );
}
