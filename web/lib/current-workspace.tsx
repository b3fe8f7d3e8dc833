import { createContext, type ReactNode, use } from 'react';
import { can, type Permission } from '../../common/roles.ts';
import type { Session, WorkspaceSummary } from './session.ts';

type CurrentWorkspace = {
  workspace: WorkspaceSummary;
  /** The workspace id as it appears in URLs and API paths. */
  workspaceId: string;
  user: Session['user'];
  /** Whether the person's role allows `permission`. Only hides controls: the server checks every request. */
  can: (permission: Permission) => boolean;
};

const Context = createContext<CurrentWorkspace | null>(null);

export function CurrentWorkspaceProvider(props: { workspace: WorkspaceSummary; user: Session['user']; children: ReactNode }) {
  const { workspace, user } = props;
  const value: CurrentWorkspace = {
    workspace,
    workspaceId: String(workspace.id),
    user,
    can: (permission) => can(workspace.role, permission),
  };
  return <Context value={value}>{props.children}</Context>;
}

export function useCurrentWorkspace(): CurrentWorkspace {
  const value = use(Context);
  if (!value) throw new Error('useCurrentWorkspace() must be used inside a workspace route');
  return value;
}
