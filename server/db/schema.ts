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
  /** Empty: the product's default wording (server/modules/messaging/compliance-texts.ts). */
  help_text: Generated<string>;
  opt_out_text: Generated<string>;
  opt_in_text: Generated<string>;
  first_message_footer: Generated<string>;
  /** At most this many non-reply messages per member in frequency_window_days, across all communities. */
  frequency_cap: Generated<number>;
  frequency_window_days: Generated<number>;
  /** A broadcast pauses itself when more than this share of its recent sends fail. */
  failure_pause_percent: Generated<number>;
  /** e.g. https://gs.example.org: short links are built on it instead of PUBLIC_URL. */
  short_link_base: string | null;
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
  channel_accounts: ChannelAccountsTable;
  senders: SendersTable;
  broadcasts: BroadcastsTable;
  broadcast_stats: BroadcastStatsTable;
  broadcast_holdouts: BroadcastHoldoutsTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
  link_targets: LinkTargetsTable;
  links: LinksTable;
  keyword_confirmations: KeywordConfirmationsTable;
  surveys: SurveysTable;
  survey_questions: SurveyQuestionsTable;
  survey_responses: SurveyResponsesTable;
  survey_answers: SurveyAnswersTable;
  survey_tallies: SurveyTalliesTable;
  survey_sends: SurveySendsTable;
  p2p_campaigns: P2pCampaignsTable;
  p2p_contacts: P2pContactsTable;
  conversations: ConversationsTable;
  conversation_tags: ConversationTagsTable;
  conversation_notes: ConversationNotesTable;
  canned_responses: CannedResponsesTable;
  actions: ActionsTable;
  petition_signatures: PetitionSignaturesTable;
  call_targets: CallTargetsTable;
  call_districts: CallDistrictsTable;
  call_logs: CallLogsTable;
  call_patches: CallPatchesTable;
  event_shifts: EventShiftsTable;
  event_rsvps: EventRsvpsTable;
  share_codes: ShareCodesTable;
  referrals: ReferralsTable;
  referral_tallies: ReferralTalliesTable;
  share_tallies: ShareTalliesTable;
  share_sharers: ShareSharersTable;
  story_submissions: StorySubmissionsTable;
  story_photos: StoryPhotosTable;
  segments: SegmentsTable;
  segment_snapshots: SegmentSnapshotsTable;
  segment_snapshot_members: SegmentSnapshotMembersTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_step_results: WorkflowStepResultsTable;
  workflow_step_stats: WorkflowStepStatsTable;
  workflow_cursors: WorkflowCursorsTable;
  workflow_segment_members: WorkflowSegmentMembersTable;
  staff_notifications: StaffNotificationsTable;
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
  /** Lifetime points from activities, capped at 100 (server/modules/activities/engagement.ts). */
  engagement_score: Generated<number>;
  /** People this member brought in (`referred` activities). */
  referral_count: Generated<number>;
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

/** What a keyword does: join a community, start a survey, answer with a link, or only answer. */
export type KeywordTarget = 'community' | 'survey' | 'link' | 'reply' | 'action';
/** exact: the whole text is the keyword; first_word: the text starts with it ("CLIMATE please"). */
export type KeywordMatch = 'exact' | 'first_word';

export type KeywordsTable = {
  id: Generated<number>;
  workspace_id: number;
  keyword: string;
  target_type: KeywordTarget;
  /** The community, survey or action; 0 for link and reply keywords. */
  target_id: number;
  match: Generated<KeywordMatch>;
  /** The auto-reply (Liquid); NULL: the product's default for the target. */
  reply: string | null;
  /** 1: a member without SMS consent confirms with YES before joining (double opt-in). */
  confirm: Generated<number>;
  link_url: string | null;
  uses: Generated<number>;
  created_at: number;
  updated_at: number | null;
};

export type KeywordConfirmationsTable = {
  id: Generated<number>;
  workspace_id: number;
  member_id: number;
  keyword_id: number;
  /** The exact confirmation text sent; consent is recorded with these words. */
  prompt: string;
  status: 'pending' | 'confirmed' | 'expired';
  expires_at: number;
  created_at: number;
  confirmed_at: number | null;
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

// ── SMS engine (migration 20261123100000) ───────────────────────────────────

export type ProviderName = 'simulator' | 'twilio' | 'telnyx' | 'smpp' | 'smtp';
export type ChannelAccountStatus = 'active' | 'auth_failed' | 'disabled';

/** A provider account of a workspace. `credentials` is sealed with the app secret and never leaves the server. */
export type ChannelAccountsTable = {
  id: Generated<number>;
  workspace_id: number;
  provider: ProviderName;
  name: string;
  webhook_key: string;
  base_url: string | null;
  credentials: string;
  settings: Generated<string>;
  status: Generated<ChannelAccountStatus>;
  status_detail: string | null;
  created_at: number;
  updated_at: number;
};

export type SenderKind = 'long_code' | 'toll_free' | 'short_code' | 'messaging_service' | 'alphanumeric' | 'email';

export type SendersTable = {
  id: Generated<number>;
  workspace_id: number;
  channel_account_id: number;
  channel: Channel;
  kind: SenderKind;
  address: string;
  label: string;
  /** Segments per second the provider allows this sender. */
  throughput: number;
  supports_mms: Generated<number>;
  is_default: Generated<number>;
  price_micros: Generated<number>;
  mms_price_micros: Generated<number>;
  bucket_tokens: Generated<number>;
  bucket_at: Generated<number>;
  paused_until: number | null;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
};

export type BroadcastStatus = 'draft' | 'scheduled' | 'expanding' | 'sending' | 'paused' | 'completed' | 'cancelled';
export type ScheduleKind = 'now' | 'at' | 'local_time';

export type BroadcastsTable = {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  channel: Channel;
  status: BroadcastStatus;
  /** JSON: { communityIds: number[], tags: string[] } */
  audience: string;
  sender_id: number | null;
  /** JSON: language → template text */
  templates: string;
  default_language: string;
  subject: string | null;
  media_url: string | null;
  track_links: Generated<number>;
  /** JSON: { source, medium, campaign } */
  utm: string | null;
  schedule_kind: ScheduleKind;
  scheduled_at: number | null;
  local_time: string | null;
  throttle_per_minute: number | null;
  pause_reason: string | null;
  expand_cursor: Generated<number>;
  recipient_count: Generated<number>;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  launched_at: number | null;
  completed_at: number | null;
  /** A segment audience: the snapshot frozen when the expansion began (the audience is read from it). */
  segment_snapshot_id: Generated<number | null>;
  /** 0–50: the share of the screened audience held out of the send, to measure the broadcast against. */
  holdout_percent: Generated<number>;
  /** JSON: the goal the lift report measures, { types, actionId?, withinDays } (common/workflows.ts workflowGoal). */
  goal: string | null;
  /** 0 … 2^32 − 1: keys the holdout draw, so a retried expansion holds out the same members. */
  holdout_seed: Generated<number>;
};

/** Members of a broadcast's audience held out of it (not texted), for its lift report. */
export type BroadcastHoldoutsTable = { workspace_id: number; broadcast_id: number; member_id: number; created_at: number };

export type BroadcastStatsTable = { broadcast_id: number; workspace_id: number; key: string; value: number };

export type MessageDirection = 'out' | 'in';
/**
 * conversation: typed by a person in the inbox; p2p: a peer-to-peer campaign's initial text, sent by a texter's click.
 * reply: an automatic answer to what the member just wrote (keyword replies, survey questions).
 */
export type MessageKind = 'broadcast' | 'reply' | 'compliance' | 'test' | 'automation' | 'inbound' | 'conversation' | 'p2p';
export type MessageState =
  | 'queued'
  | 'held'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'failed'
  | 'unknown'
  | 'cancelled'
  | 'received'
  | 'processed';

export type MessagesTable = {
  id: Generated<number>;
  workspace_id: number;
  direction: MessageDirection;
  channel: Channel;
  kind: MessageKind;
  member_id: number | null;
  broadcast_id: number | null;
  sender_id: number | null;
  to_address: string;
  from_address: string;
  subject: string | null;
  body: string;
  /** JSON array of URLs */
  media_urls: string | null;
  segments: number;
  encoding: 'gsm7' | 'ucs2' | 'email';
  priority: number;
  state: MessageState;
  send_at: number;
  expires_at: number | null;
  attempts: Generated<number>;
  locked_by: string | null;
  lease_until: number | null;
  provider: ProviderName | null;
  provider_id: string | null;
  error_code: string | null;
  error_detail: string | null;
  cost_micros: number | null;
  flag: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  /** The staff user who typed it (inbox replies, P2P initials). */
  sent_by: number | null;
  /** The P2P campaign it belongs to. */
  campaign_id: number | null;
};

export type MessageEventsTable = {
  id: Generated<number>;
  workspace_id: number;
  message_id: number;
  status: string;
  error_code: string | null;
  occurred_at: number;
  created_at: number;
};

export type LinkTargetsTable = {
  id: Generated<number>;
  workspace_id: number;
  broadcast_id: number | null;
  url: string;
  created_at: number;
};

export type LinksTable = {
  code: string;
  workspace_id: number;
  target_id: number;
  member_id: number | null;
  broadcast_id: number | null;
  message_id: number | null;
  clicks: Generated<number>;
  first_clicked_at: number | null;
  created_at: number;
};

// ── SMS surveys ──────────────────────────────────────────────────────────

export type SurveyStatus = 'draft' | 'open' | 'closed';
export type SurveyQuestionKind = 'choice' | 'scale' | 'nps' | 'text' | 'yes_no';
export type SurveyResponseStatus = 'in_progress' | 'completed' | 'handed_off' | 'stopped';

export type SurveysTable = {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  status: SurveyStatus;
  intro: Generated<string>;
  outro: Generated<string>;
  started_count: Generated<number>;
  completed_count: Generated<number>;
  handed_off_count: Generated<number>;
  created_by: number | null;
  created_at: number;
  updated_at: number;
};

export type SurveyQuestionsTable = {
  id: Generated<number>;
  workspace_id: number;
  survey_id: number;
  position: number;
  kind: SurveyQuestionKind;
  prompt: string;
  /** JSON: { choices: [{ key, label }] } for choice, { min, max } for scale. */
  options: Generated<string>;
  created_at: number;
};

export type SurveyResponsesTable = {
  id: Generated<number>;
  workspace_id: number;
  survey_id: number;
  member_id: number;
  channel: 'sms' | 'web';
  status: SurveyResponseStatus;
  /** The question waiting for an answer (NULL once finished). */
  question_id: number | null;
  /** Invalid answers to the current question so far (one re-ask, then a person takes over). */
  reasks: Generated<number>;
  /** The number the survey is texted from. */
  sender_id: number | null;
  started_at: number;
  updated_at: number;
  completed_at: number | null;
};

export type SurveyAnswersTable = {
  id: Generated<number>;
  workspace_id: number;
  survey_id: number;
  response_id: number;
  question_id: number;
  member_id: number;
  value: string;
  raw: string;
  message_id: number | null;
  answered_at: number;
  created_at: number;
};

export type SurveyTalliesTable = { workspace_id: number; survey_id: number; question_id: number; value: string; count: Generated<number> };

export type SurveySendStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Staff sending a survey by SMS: carried out by the surveys.send job, batch by batch in member id order. */
export type SurveySendsTable = {
  id: Generated<number>;
  workspace_id: number;
  survey_id: number;
  /** JSON: { memberIds, communityIds, tags } */
  audience: string;
  sender_id: number | null;
  status: SurveySendStatus;
  /** Members up to this id are done: a retried run resumes after it. */
  last_member_id: Generated<number>;
  /** Members in the audience when the send was made (members chosen by id included, found or not). */
  total: Generated<number>;
  processed: Generated<number>;
  started_count: Generated<number>;
  skipped_no_consent: Generated<number>;
  skipped_already_started: Generated<number>;
  skipped_already_completed: Generated<number>;
  skipped_not_found: Generated<number>;
  skipped_frequency_cap: Generated<number>;
  error: string | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
};

// ── Peer-to-peer campaigns ───────────────────────────────────────────────

export type P2pCampaignStatus = 'draft' | 'loading' | 'active' | 'paused' | 'closed';
export type P2pContactStatus = 'pending' | 'assigned' | 'sent' | 'skipped';

export type P2pCampaignsTable = {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  status: P2pCampaignStatus;
  /** JSON: { communityIds, tags } */
  audience: string;
  sender_id: number | null;
  /** JSON: the script (initial text, question, answers with follow-up texts, other saved responses). */
  script: string;
  batch_size: Generated<number>;
  /** Last member id loaded into contacts. */
  load_cursor: Generated<number>;
  contact_count: Generated<number>;
  sent_count: Generated<number>;
  skipped_count: Generated<number>;
  replied_count: Generated<number>;
  opted_out_count: Generated<number>;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  launched_at: number | null;
  closed_at: number | null;
};

export type P2pContactsTable = {
  id: Generated<number>;
  workspace_id: number;
  campaign_id: number;
  member_id: number;
  texter_id: number | null;
  status: P2pContactStatus;
  skip_reason: string | null;
  message_id: number | null;
  answer: string | null;
  assigned_at: number | null;
  sent_at: number | null;
  created_at: number;
  /** The member's first reply and opt-out after the initial: each counts once in the campaign's counters. */
  replied_at: number | null;
  opted_out_at: number | null;
};

// ── The inbox ────────────────────────────────────────────────────────────

export type ConversationStatus = 'open' | 'closed';

export type ConversationsTable = {
  id: Generated<number>;
  workspace_id: number;
  member_id: number;
  status: ConversationStatus;
  assignee_id: number | null;
  campaign_id: number | null;
  /** 1 while the member's last text waits for a person. */
  needs_response: Generated<number>;
  /** Inbound texts since a person last opened the conversation. */
  unread: Generated<number>;
  flag: 'possible_opt_out' | 'opted_out' | null;
  preview: Generated<string>;
  last_direction: MessageDirection | null;
  last_message_id: number | null;
  last_message_at: number;
  last_inbound_at: number | null;
  last_outbound_at: number | null;
  created_at: number;
  updated_at: number;
};

export type ConversationTagsTable = { workspace_id: number; conversation_id: number; tag: string; created_at: number };

export type ConversationNotesTable = {
  id: Generated<number>;
  workspace_id: number;
  conversation_id: number;
  user_id: number | null;
  body: string;
  created_at: number;
};

export type CannedResponsesTable = {
  id: Generated<number>;
  workspace_id: number;
  title: string;
  body: string;
  created_by: number | null;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
};

// ── Actions ──────────────────────────────────────────────────────────────

export type ActionType = 'petition' | 'event' | 'call' | 'survey' | 'share' | 'story';
export type ActionStatus = 'draft' | 'published' | 'closed';

export type ActionsTable = {
  id: Generated<number>;
  workspace_id: number;
  type: ActionType;
  slug: string;
  title: string;
  summary: Generated<string>;
  description: Generated<string>;
  status: ActionStatus;
  community_id: number | null;
  /** The SMS consent checkbox's words; NULL: the workspace's default wording. */
  consent_wording: string | null;
  /** The next step shown after taking part (ladder of engagement). */
  next_action_id: number | null;
  share_text: Generated<string>;
  image_url: string | null;
  /** JSON: the kind's own settings. */
  settings: Generated<string>;
  goal: number | null;
  /** Signatures, RSVPs, calls … kept as a counter (never counted from the rows). */
  taken_count: Generated<number>;
  /** Kind 'survey': the survey answered on the page (the same one members answer by SMS). */
  survey_id: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  published_at: number | null;
  closed_at: number | null;
};

// ── Calls to representatives (server/modules/calls) ─────────────────────

export type CallOutcome = 'reached' | 'voicemail' | 'busy' | 'no_answer';

/** Officials of the workspace's dataset (action_id NULL) and the fixed targets of a call action. */
export type CallTargetsTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number | null;
  name: string;
  title: Generated<string>;
  office: Generated<string>;
  district: Generated<string>;
  phone: string;
  party: string | null;
  position: Generated<number>;
  created_at: number;
};

/** Postal code → district (several rows per code when it lies in several districts). */
export type CallDistrictsTable = {
  id: Generated<number>;
  workspace_id: number;
  postal_code: string;
  district: string;
  created_at: number;
};

/** One member's call to one target for an action, with the outcome they reported. */
export type CallLogsTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  member_id: number;
  target_id: number | null;
  target_name: string;
  target_key: string;
  outcome: CallOutcome;
  created_at: number;
};

/** A member's request to be called and connected to a target through the voice provider (patch-through). */
export type CallPatchesTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  member_id: number;
  channel_account_id: number | null;
  /** SHA-256 of the random token in the provider's webhook URLs. */
  token_hash: string;
  target_id: number | null;
  target_name: string;
  target_title: string;
  target_district: string;
  /** E.164: the number dialed. */
  target_phone: string;
  target_key: string;
  from_number: string;
  lang: string;
  provider_call_id: string | null;
  error: string | null;
  answered_at: number | null;
  dial_status: string | null;
  dial_duration: number | null;
  /** Written once, by the first result callback. */
  outcome: CallOutcome | null;
  call_status: string | null;
  ended_at: number | null;
  ip: string | null;
  phone_prefix: string | null;
  created_at: number;
};

// ── Petitions ────────────────────────────────────────────────────────────

/** One signature per member and petition (server/modules/petitions). */
export type PetitionSignaturesTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  member_id: number;
  comment: string | null;
  /** 1: the signer agreed to appear in the public signer list. */
  public: Generated<number>;
  public_name: string | null;
  public_place: string | null;
  source: string | null;
  medium: string | null;
  ref: string | null;
  referred_by: number | null;
  ip: string | null;
  phone_prefix: string | null;
  created_at: number;
};

// ── Events ───────────────────────────────────────────────────────────────

export type RsvpStatus = 'going' | 'waitlisted' | 'cancelled' | 'attended' | 'no_show';

export type EventShiftsTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  starts_at: number;
  ends_at: number;
  /** Seats, guests included; NULL: no limit. */
  capacity: number | null;
  /** 1: a full shift takes a waitlist. */
  waitlist: Generated<number>;
  /** Seats taken by RSVPs going (guests included): a counter, never counted from the rows. */
  going_count: Generated<number>;
  waitlist_count: Generated<number>;
  attended_count: Generated<number>;
  /** The code shown at the door for self check-in. */
  checkin_code: string;
  created_at: number;
  updated_at: number;
};

export type EventRsvpsTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  shift_id: number;
  member_id: number;
  status: RsvpStatus;
  guests: Generated<number>;
  friend_name: string | null;
  friend_phone: string | null;
  source: string | null;
  ref: string | null;
  ip: string | null;
  phone_prefix: string | null;
  checked_in_at: number | null;
  checkin_method: 'self' | 'organizer' | null;
  day_reminder_at: number | null;
  day_reminder_message_id: number | null;
  hour_reminder_at: number | null;
  hour_reminder_message_id: number | null;
  feedback_at: number | null;
  feedback_message_id: number | null;
  created_at: number;
  updated_at: number;
};

// ── Stories ──────────────────────────────────────────────────────────────

export type StoryStatus = 'pending' | 'approved' | 'rejected';

/** A member's story on a story action (server/modules/stories); public only once a moderator approves it. */
export type StorySubmissionsTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  member_id: number;
  /** The random name of the story in public URLs (its photo). */
  public_id: string;
  body: string;
  display: 'name' | 'anonymous';
  /** "Ana, Austin" as chosen at submission; NULL: anonymous. */
  display_name: string | null;
  /** The exact consent-to-publish words the member agreed to. */
  publish_consent: string;
  photo_type: 'image/jpeg' | 'image/png' | 'image/webp' | null;
  photo_size: number | null;
  status: StoryStatus;
  moderated_by: number | null;
  moderated_at: number | null;
  reason: string | null;
  source: string | null;
  ip: string | null;
  phone_prefix: string | null;
  created_at: number;
};

/** The photo of a story, as uploaded. */
export type StoryPhotosTable = {
  submission_id: number;
  workspace_id: number;
  data: Buffer;
};

// ── Referrals and share actions (server/modules/referrals, server/modules/shares) ──

/** A member's own share code: ?ref=<code> on every action link they pass on. */
export type ShareCodesTable = { id: Generated<number>; workspace_id: number; member_id: number; code: string; created_at: number };

/** A member who took an action through another member's code (one row per action and member). */
export type ReferralsTable = {
  id: Generated<number>;
  workspace_id: number;
  action_id: number;
  member_id: number;
  referrer_id: number;
  source: string | null;
  medium: string | null;
  created_at: number;
};

/** Roll-up counters per member (a referrer) and per community (of the actions). */
export type ReferralTalliesTable = {
  workspace_id: number;
  scope: 'member' | 'community';
  scope_id: number;
  recruits: Generated<number>;
  conversions: Generated<number>;
  shares: Generated<number>;
  updated_at: number;
};

/** Taps and the sign-ups they brought, per share action and network. */
export type ShareTalliesTable = {
  workspace_id: number;
  action_id: number;
  network: string;
  shares: Generated<number>;
  signups: Generated<number>;
};

/** Per share action and member who shared it: taps and sign-ups brought. */
export type ShareSharersTable = {
  workspace_id: number;
  action_id: number;
  member_id: number;
  target_action_id: number | null;
  shares: Generated<number>;
  signups: Generated<number>;
  last_shared_at: number;
};

// ── Segments (server/modules/segments) ──

/** A saved rule tree (common/segments.ts), compiled to SQL when it is counted or used. */
export type SegmentsTable = {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  description: Generated<string>;
  /** JSON: the rule tree */
  rules: string;
  created_by: number | null;
  last_count: number | null;
  last_counted_at: number | null;
  created_at: number;
  updated_at: number;
};

export type SegmentSnapshotPurpose = 'broadcast' | 'export' | 'api';

/** Who was in a segment when it was used; `rules` is the tree it was taken with. */
export type SegmentSnapshotsTable = {
  id: Generated<number>;
  workspace_id: number;
  segment_id: number | null;
  rules: string;
  purpose: SegmentSnapshotPurpose;
  member_count: Generated<number>;
  created_at: number;
};

export type SegmentSnapshotMembersTable = { snapshot_id: number; member_id: number; workspace_id: number };

// ── Workflows (server/modules/workflows) ──

export type WorkflowStatus = 'draft' | 'active' | 'paused' | 'archived';

export type WorkflowsTable = {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  description: Generated<string>;
  status: WorkflowStatus;
  /** JSON: the definition being edited (common/workflows.ts); publishing copies it into a new version. */
  draft: string;
  current_version_id: number | null;
  version_count: Generated<number>;
  /** Of the published version, for the triggers' lookups. */
  trigger_kind: string | null;
  trigger_keyword: string | null;
  /** SHA-256 of the inbound-webhook token (the token itself is shown once). */
  hook_token_hash: string | null;
  /** Sealed with APP_SECRET: the HMAC key of the workflow's webhook steps. */
  webhook_secret: string;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
};

/** An immutable published definition; runs stay on the version they enrolled on. */
export type WorkflowVersionsTable = {
  id: Generated<number>;
  workspace_id: number;
  workflow_id: number;
  number: number;
  definition: string;
  created_by: number | null;
  created_at: number;
};

export type WorkflowRunStatus = 'active' | 'waiting' | 'completed' | 'exited' | 'held_out';

/** One member's way through one version; `wake_at` is the durable timer (NULL once the run is over). */
export type WorkflowRunsTable = {
  id: Generated<number>;
  workspace_id: number;
  workflow_id: number;
  version_id: number;
  member_id: number;
  status: WorkflowRunStatus;
  current_step_id: string | null;
  /** Steps entered so far; the current step's visit number. */
  visit: Generated<number>;
  wake_at: number | null;
  waiting_reply_since: number | null;
  enrolled_at: number;
  finished_at: number | null;
  exit_reason: string | null;
  goal_deadline: number | null;
  goal_reached_at: number | null;
  held_out: Generated<number>;
  enroll_key: string | null;
  errors: Generated<number>;
  last_error: string | null;
  updated_at: number;
};

/** What a step did for a run, once per (run, step, visit): a retried tick finds it instead of acting again. */
export type WorkflowStepResultsTable = {
  id: Generated<number>;
  workspace_id: number;
  run_id: number;
  step_id: string;
  visit: number;
  /** JSON */
  outcome: string;
  created_at: number;
  completed_at: number | null;
};

/** The report's roll-up per version and step ('' for the workflow as a whole). */
export type WorkflowStepStatsTable = {
  workspace_id: number;
  workflow_id: number;
  version_id: number;
  step_id: string;
  key: string;
  value: Generated<number>;
};

/** How far the triggers job has read the activity log; `gaps` (JSON [id, since][]) are ids not committed yet. */
export type WorkflowCursorsTable = { name: string; last_id: Generated<number>; gaps: Generated<string>; updated_at: number };

/** Who matched an "entered a segment" trigger's segment when it was last evaluated. */
export type WorkflowSegmentMembersTable = { workflow_id: number; member_id: number; workspace_id: number };

/** Notes for staff (notify_staff steps), listed in the dashboard. */
export type StaffNotificationsTable = {
  id: Generated<number>;
  workspace_id: number;
  source: string;
  body: string;
  member_id: number | null;
  workflow_id: number | null;
  run_id: number | null;
  created_at: number;
  read_at: number | null;
};
