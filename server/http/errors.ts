/** Every error code the API can answer with. Namespaced by domain; add new codes here. */
export type ErrorCode =
  | 'request.invalid'
  | 'request.not_found'
  | 'request.rate_limited'
  | 'request.too_large'
  | 'auth.required'
  | 'auth.invalid_credentials'
  | 'auth.session_expired'
  | 'auth.csrf_failed'
  | 'auth.locked'
  | 'auth.forbidden'
  | 'auth.api_key_invalid'
  | 'workspace.not_found'
  | 'workspace.slug_taken'
  | 'user.not_found'
  | 'user.email_taken'
  | 'user.last_owner'
  | 'api_key.not_found'
  | 'invitation.not_found'
  | 'invitation.expired'
  | 'invitation.used'
  | 'job.not_found'
  | 'job.not_dead'
  | 'member.not_found'
  | 'member.merged'
  | 'member.erased'
  | 'member.duplicate'
  | 'member.invalid'
  | 'member.merge_invalid'
  | 'community.not_found'
  | 'community.slug_taken'
  | 'community.archived'
  | 'community.invalid_parent'
  | 'keyword.taken'
  | 'membership.not_found'
  | 'import.not_found'
  | 'import.invalid_file'
  | 'import.too_large'
  | 'import.invalid_mapping'
  | 'import.not_startable'
  | 'import.not_cancellable'
  | 'channel_account.not_found'
  | 'sender.not_found'
  | 'sender.address_taken'
  | 'broadcast.not_found'
  | 'broadcast.invalid'
  | 'broadcast.not_launchable'
  | 'broadcast.invalid_transition'
  | 'simulator.unavailable'
  | 'action.not_found'
  | 'action.invalid'
  | 'action.slug_taken'
  | 'action.invalid_transition'
  | 'action.not_open'
  | 'event.shift_not_found'
  | 'event.shift_full'
  | 'event.rsvp_not_found'
  | 'call.target_not_found'
  | 'call.invalid_file'
  | 'keyword.not_found'
  | 'keyword.invalid'
  | 'survey.not_found'
  | 'survey.invalid'
  | 'survey.not_open'
  | 'survey.not_editable'
  | 'survey.send_in_progress'
  | 'survey.send_not_found'
  | 'survey.send_finished'
  | 'conversation.not_found'
  | 'conversation.assigned_elsewhere'
  | 'conversation.stale'
  | 'conversation.opted_out'
  | 'conversation.no_sender'
  | 'conversation.no_phone'
  | 'canned_response.not_found'
  | 'p2p.not_found'
  | 'p2p.invalid'
  | 'p2p.invalid_transition'
  | 'p2p.contact_not_found'
  | 'p2p.contact_not_yours'
  | 'p2p.outside_hours'
  | 'p2p.no_consent'
  | 'workflow.not_found'
  | 'workflow.invalid'
  | 'workflow.invalid_transition'
  | 'workflow.not_active'
  | 'workflow.run_not_found'
  | 'workflow.hook_unknown'
  | 'notification.not_found'
  | 'segment.not_found'
  | 'segment.invalid'
  | 'internal';

export type FieldError = { path: string; message: string };

type AppErrorOptions = {
  code: ErrorCode;
  status: number;
  message: string;
  /** Whether the message may be shown to the caller. Errors with status < 500 are exposed by default. */
  expose?: boolean;
  fields?: FieldError[];
  headers?: Record<string, string>;
  cause?: unknown;
};

/** The one error type of the application; the HTTP error handler turns it into RFC 9457 problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly fields: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    this.expose = options.expose ?? options.status < 500;
    this.fields = options.fields;
    this.headers = options.headers;
  }
}
