import type { Generated } from 'kysely';

// Row types of every table. Times are epoch milliseconds (docs/decisions/0002-times-as-epoch-milliseconds.md);
// JSON documents are stored as text.

import type { Role } from '../../common/roles.ts';

export type { Role };

export type WorkspacesTable = {
  id: Generated<number>;
  name: string;
  slug: string;
  timezone: string;
  default_country: string;
  quiet_hours_start: string;
  quiet_hours_end: string;
  created_at: number;
};

export type UsersTable = {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
  failed_logins: Generated<number>;
  locked_until: number | null;
};

export type WorkspaceUsersTable = {
  workspace_id: number;
  user_id: number;
  role: Role;
  created_at: number;
};

export type SessionsTable = {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
};

export type ApiKeysTable = {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  role: Role;
  prefix: string;
  key_hash: string;
  created_by: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
};

export type InvitationsTable = {
  id: Generated<number>;
  workspace_id: number;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: number | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
};

export type AuditEntriesTable = {
  id: Generated<number>;
  workspace_id: number | null;
  actor_user_id: number | null;
  actor_api_key_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  data: string | null;
  created_at: number;
};

export type Database = {
  workspaces: WorkspacesTable;
  users: UsersTable;
  workspace_users: WorkspaceUsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  invitations: InvitationsTable;
  audit_entries: AuditEntriesTable;
  jobs: JobsTable;
};

/** The job queue (server/jobs/queue.ts). `payload` is JSON text; times are epoch milliseconds. */
export type JobsTable = {
  id: Generated<number>;
  /** NULL for system jobs. */
  workspace_id: number | null;
  type: string;
  payload: string;
  /** A job that failed and will retry is back to 'queued' with a later run_at and last_error set. */
  state: 'queued' | 'running' | 'done' | 'dead';
  /** Lower runs first. */
  priority: number;
  run_at: number;
  attempts: Generated<number>;
  max_attempts: number;
  lease_expires_at: number | null;
  /** The worker holding the lease while state is 'running'. */
  locked_by: string | null;
  /** Unique per type when set. */
  idempotency_key: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
};
