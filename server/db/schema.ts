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
  members: MembersTable;
  member_tags: MemberTagsTable;
  member_notes: MemberNotesTable;
  consent_events: ConsentEventsTable;
  suppressions: SuppressionsTable;
  communities: CommunitiesTable;
  memberships: MembershipsTable;
  keywords: KeywordsTable;
  activities: ActivitiesTable;
  imports: ImportsTable;
  import_chunks: ImportChunksTable;
  import_errors: ImportErrorsTable;
  verification_codes: VerificationCodesTable;
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

export type Channel = 'sms' | 'email';
export type ConsentStatus = 'granted' | 'revoked';
export type ConsentState = ConsentStatus | 'none';
export type ConsentMethod = 'web_form' | 'keyword' | 'reply' | 'import' | 'api' | 'staff' | 'verified_code' | 'provider';
export type PhoneType = 'mobile' | 'landline' | 'voip' | 'unknown';
export type TimezoneSource = 'explicit' | 'postal_code' | 'area_code' | 'workspace';

export type MembersTable = {
  id: Generated<number>;
  workspace_id: number;
  phone: string | null;
  phone_type: Generated<PhoneType>;
  phone_raw: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  name_key: string | null;
  last_name_key: string | null;
  postal_code: string | null;
  language: Generated<string>;
  timezone: string;
  timezone_source: TimezoneSource;
  custom_fields: Generated<string>;
  source: string | null;
  referred_by: number | null;
  sms_consent: Generated<ConsentState>;
  email_consent: Generated<ConsentState>;
  merged_into: number | null;
  erased_at: number | null;
  last_active_at: number | null;
  created_at: number;
  updated_at: number;
};

export type MemberTagsTable = { workspace_id: number; member_id: number; tag: string; created_at: number };

export type MemberNotesTable = {
  id: Generated<number>;
  workspace_id: number;
  member_id: number;
  author_user_id: number | null;
  body: string;
  created_at: number;
};

export type ConsentEventsTable = {
  id: Generated<number>;
  workspace_id: number;
  member_id: number;
  channel: Channel;
  status: ConsentStatus;
  method: ConsentMethod;
  address_hash: string | null;
  wording: string | null;
  source_url: string | null;
  ip: string | null;
  user_agent: string | null;
  recorded_by_user_id: number | null;
  import_id: number | null;
  created_at: number;
};

export type SuppressionsTable = { workspace_id: number; channel: Channel; address_hash: string; reason: string; created_at: number };

export type CommunityVisibility = 'public' | 'request' | 'invite';

export type CommunitiesTable = {
  id: Generated<number>;
  workspace_id: number;
  parent_id: number | null;
  name: string;
  slug: string;
  description: Generated<string>;
  guidelines: Generated<string>;
  visibility: CommunityVisibility;
  consent_wording: string | null;
  member_count: Generated<number>;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
};

export type MembershipRole = 'member' | 'leader' | 'mentor';
export type MembershipStatus = 'active' | 'pending' | 'left';

export type MembershipsTable = {
  id: Generated<number>;
  workspace_id: number;
  community_id: number;
  member_id: number;
  role: MembershipRole;
  status: MembershipStatus;
  source: string | null;
  joined_at: number;
  left_at: number | null;
  updated_at: number;
};

export type KeywordsTable = {
  id: Generated<number>;
  workspace_id: number;
  keyword: string;
  target_type: 'community';
  target_id: number;
  created_at: number;
};

export type ActivitiesTable = {
  id: Generated<number>;
  workspace_id: number;
  member_id: number;
  type: string;
  community_id: number | null;
  subject_type: string | null;
  subject_id: number | null;
  data: string | null;
  occurred_at: number;
  created_at: number;
};

export type ImportStatus = 'uploaded' | 'validating' | 'validated' | 'running' | 'done' | 'failed' | 'cancelled';

export type ImportsTable = {
  id: Generated<number>;
  workspace_id: number;
  created_by: number | null;
  filename: string;
  size_bytes: number;
  status: ImportStatus;
  dry_run: Generated<number>;
  headers: string | null;
  mapping: string | null;
  options: string | null;
  total_rows: number | null;
  processed_rows: Generated<number>;
  created_count: Generated<number>;
  updated_count: Generated<number>;
  duplicate_count: Generated<number>;
  error_count: Generated<number>;
  last_error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
};

export type ImportChunksTable = { import_id: number; seq: number; data: Buffer };

export type ImportErrorsTable = {
  id: Generated<number>;
  import_id: number;
  line: number;
  field: string | null;
  message: string;
  /** error: the row was not imported; warning: it was, with something left out (migration 20261123090000). */
  severity: Generated<'error' | 'warning'>;
};

/** One-time codes of the public join page (server/modules/communities/join.service.ts); hashes only. */
export type VerificationCodesTable = {
  id: Generated<number>;
  workspace_id: number;
  token_hash: string;
  phone_hash: string;
  phone_prefix: string;
  code_hash: string;
  community_id: number;
  member_id: number;
  attempts: Generated<number>;
  ip: string;
  user_agent: string | null;
  language: string;
  wording: string;
  source_url: string;
  /** JSON: the form's first name, email and postal code, applied to an existing member's empty fields once verified. */
  details: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
};
