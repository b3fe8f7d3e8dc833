import { Tabs } from '@mantine/core';
import { IconAdjustments, IconAntenna, IconHistory, IconKey, IconListCheck, IconShieldCheck, IconUsers } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import type { Permission } from '../../../../common/roles.ts';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';

type Section = { path: string; label: string; icon: typeof IconUsers; permission: Permission };

const SECTIONS: readonly Section[] = [
  { path: 'general', label: 'General', icon: IconAdjustments, permission: 'workspace.read' },
  { path: 'users', label: 'Users & roles', icon: IconUsers, permission: 'users.read' },
  { path: 'channels', label: 'Channels & senders', icon: IconAntenna, permission: 'channels.manage' },
  { path: 'compliance', label: 'Compliance', icon: IconShieldCheck, permission: 'messaging.read' },
  { path: 'api-keys', label: 'API keys', icon: IconKey, permission: 'api_keys.manage' },
  { path: 'audit', label: 'Audit log', icon: IconHistory, permission: 'audit.read' },
  { path: 'jobs', label: 'Jobs', icon: IconListCheck, permission: 'jobs.read' },
];

export function SettingsPage() {
  const { can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const current = pathname.match(/\/settings\/([^/]+)/)?.[1] ?? 'general';
  const visible = SECTIONS.filter((section) => can(section.permission));

  return (
    <>
      <PageHeader title="Settings" />
      <Tabs value={current} onChange={(value) => value && navigate(value)} mb="lg" keepMounted={false}>
        <Tabs.List>
          {visible.map((section) => (
            <Tabs.Tab key={section.path} value={section.path} leftSection={<section.icon size={16} />}>
              {section.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </>
  );
}
