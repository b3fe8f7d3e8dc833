import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconKey, IconLogout } from '@tabler/icons-react';
import type { Session } from '../../../lib/session.ts';
import { useLogout } from '../api/logout.ts';
import { ChangePasswordModal } from './change-password-modal.tsx';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase() || '?';
}

export function UserMenu(props: { user: Session['user'] }) {
  const { user } = props;
  const logout = useLogout();
  const [passwordOpened, passwordModal] = useDisclosure(false);

  // Clearing the session sends the person to /login (the session guard does it).
  const signOut = () => logout.mutate();

  return (
    <>
      <Menu position="bottom-end" width={240} withinPortal>
        <Menu.Target>
          <UnstyledButton aria-label="Account menu">
            <Group gap={6} wrap="nowrap">
              <Avatar color="teal" radius="xl" size={32}>
                {initials(user.name)}
              </Avatar>
              <Text size="sm" fw={500} visibleFrom="md" maw={160} truncate>
                {user.name}
              </Text>
              <IconChevronDown size={14} />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Text size="sm" fw={500} c="var(--mantine-color-text)" truncate>
              {user.name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {user.email}
            </Text>
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item leftSection={<IconKey size={16} />} onClick={passwordModal.open}>
            Change password
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={16} />} onClick={signOut} disabled={logout.isPending}>
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordModal opened={passwordOpened} onClose={passwordModal.close} />
    </>
  );
}
