// The settings screens, loaded as one chunk when a person first opens Settings.
export { ApiKeysTab } from './components/api-keys-tab.tsx';
export { AuditTab } from './components/audit-tab.tsx';
export { GeneralTab } from './components/general-tab.tsx';
export { JobsTab } from './components/jobs-tab.tsx';
export { SettingsPage } from './components/settings-page.tsx';
export { UsersTab } from './components/users-tab.tsx';
