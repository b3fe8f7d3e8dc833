import { Anchor, AppShell, Box, Burger, Container, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconHome, IconSettings } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link, Outlet, useLocation, useParams } from 'react-router';
import { Brand } from '../components/brand.tsx';
import { CenteredCard } from '../components/centered-card.tsx';
import { FullPageLoader } from '../components/full-page-loader.tsx';
import { AREAS } from '../features/areas/areas.ts';
import { UserMenu } from '../features/auth/components/user-menu.tsx';
import { WorkspaceSwitcher } from '../features/workspaces/components/workspace-switcher.tsx';
import { CurrentWorkspaceProvider } from '../lib/current-workspace.tsx';
import { landingPath, rememberWorkspace } from '../lib/last-workspace.ts';
import { useSession } from '../lib/session.ts';

/** The app shell of one workspace: header (name, switcher, user menu), the areas in the navbar, the screen. */
export function WorkspaceLayout() {
  const { workspaceId = '' } = useParams();
  const session = useSession();
  const { pathname } = useLocation();
  const [navOpened, nav] = useDisclosure(false);
  const workspace = session.data?.workspaces.find((w) => String(w.id) === workspaceId);

  useEffect(() => {
    if (workspace) rememberWorkspace(String(workspace.id));
  }, [workspace]);

  // On a phone the navbar covers the screen: close it once a link was followed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => nav.close(), [pathname]);

  if (!session.data) return <FullPageLoader />;
  if (!workspace) {
    return (
      <CenteredCard title="Workspace not available">
        <Stack>
          <Text size="sm">This workspace does not exist, or you are not a member of it.</Text>
          <Anchor component={Link} to={landingPath(session.data.workspaces)} size="sm">
            Go to your workspace
          </Anchor>
        </Stack>
      </CenteredCard>
    );
  }

  const base = `/w/${workspace.id}`;
  const isActive = (path: string) => pathname === `${base}/${path}` || pathname.startsWith(`${base}/${path}/`);

  return (
    <CurrentWorkspaceProvider workspace={workspace} user={session.data.user}>
      <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="md" wrap="nowrap">
              <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
              <Anchor component={Link} to={base} underline="never" c="inherit" aria-label="Groundswell home">
                <Brand />
              </Anchor>
              <Box visibleFrom="sm">
                <WorkspaceSwitcher workspaces={session.data.workspaces} currentId={workspaceId} />
              </Box>
            </Group>
            <UserMenu user={session.data.user} />
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" aria-label="Main">
          <AppShell.Section hiddenFrom="sm" mb="sm">
            <WorkspaceSwitcher workspaces={session.data.workspaces} currentId={workspaceId} fullWidth />
          </AppShell.Section>
          <AppShell.Section grow component={ScrollArea} type="scroll">
            <NavLink
              component={Link}
              to={base}
              label="Overview"
              leftSection={<IconHome size={18} stroke={1.7} />}
              active={pathname === base || pathname === `${base}/`}
            />
            {AREAS.map((area) => (
              <NavLink
                key={area.path}
                component={Link}
                to={`${base}/${area.path}`}
                label={area.label}
                leftSection={<area.icon size={18} stroke={1.7} />}
                active={isActive(area.path)}
              />
            ))}
          </AppShell.Section>
          <AppShell.Section pt="sm" style={{ borderTop: '1px solid var(--app-shell-border-color)' }}>
            <NavLink
              component={Link}
              to={`${base}/settings`}
              label="Settings"
              leftSection={<IconSettings size={18} stroke={1.7} />}
              active={isActive('settings')}
            />
          </AppShell.Section>
        </AppShell.Navbar>

        <AppShell.Main bg="var(--mantine-color-gray-0)">
          <Container size="xl" px={{ base: 0, sm: 'md' }} py="sm">
            <Outlet />
          </Container>
        </AppShell.Main>
      </AppShell>
    </CurrentWorkspaceProvider>
  );
}
