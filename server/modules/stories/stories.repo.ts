import type { StoryStatus, StorySubmissionsTable } from '../../db/schema.ts';
import type { ActionRow } from '../actions/actions.repo.ts';
import type { Executor } from '../members/members.repo.ts';

// SQL for story settings, submissions and photos. Functions take `db | trx` first and filter every query on workspace_id.

/** What a story action keeps in `actions.settings` (JSON). */
export type StorySettings = {
  /** The question members answer: "Tell us why transit matters to you". */
  prompt: string;
  /** Whether the form asks for a photo. */
  askPhoto: boolean;
  /** The consent-to-publish sentence; null: the default wording (in the page's language). */
  publishWording: string | null;
};

export const DEFAULT_SETTINGS: StorySettings = { prompt: '', askPhoto: true, publishWording: null };

export function settingsOf(row: Pick<ActionRow, 'settings'>): StorySettings {
  try {
    const value = JSON.parse(row.settings) as Partial<StorySettings>;
    return {
      prompt: typeof value.prompt === 'string' ? value.prompt : DEFAULT_SETTINGS.prompt,
      askPhoto: typeof value.askPhoto === 'boolean' ? value.askPhoto : DEFAULT_SETTINGS.askPhoto,
      publishWording: typeof value.publishWording === 'string' && value.publishWording.trim() !== '' ? value.publishWording : null,
    };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export type PhotoType = NonNullable<StorySubmissionsTable['photo_type']>;

/** The photo's real type, read from its first bytes (never from its name or the browser's claim); null: not one we take. */
export function photoTypeOf(bytes: Uint8Array): PhotoType | null {
  const at = (i: number) => bytes[i];
  if (bytes.length >= 3 && at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => at(i) === b)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const LIST_COLUMNS = [
  's.id',
  's.member_id',
  's.public_id',
  's.body',
  's.display',
  's.display_name',
  's.publish_consent',
  's.photo_type',
  's.photo_size',
  's.status',
  's.moderated_by',
  's.moderated_at',
  's.reason',
  's.source',
  's.created_at',
] as const;

/** Submissions of a story action for moderators, newest first, with the member's name; `before` pages back. */
export async function listSubmissions(
  executor: Executor,
  workspaceId: number,
  actionId: number,
  options: { status?: StoryStatus; limit: number; before?: number },
) {
  let query = executor
    .selectFrom('story_submissions as s')
    .innerJoin('members as m', (join) => join.onRef('m.id', '=', 's.member_id').onRef('m.workspace_id', '=', 's.workspace_id'))
    .leftJoin('users as u', 'u.id', 's.moderated_by')
    .select([...LIST_COLUMNS, 'm.first_name', 'm.last_name', 'm.phone', 'm.email', 'u.name as moderator_name'])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.action_id', '=', actionId)
    .orderBy('s.id', 'desc')
    .limit(options.limit);
  if (options.status) query = query.where('s.status', '=', options.status);
  if (options.before !== undefined) query = query.where('s.id', '<', options.before);
  return query.execute();
}

/** How many submissions of a story action are in each status. */
export async function countByStatus(executor: Executor, workspaceId: number, actionId: number): Promise<Record<StoryStatus, number>> {
  const rows = await executor
    .selectFrom('story_submissions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .groupBy('status')
    .execute();
  const counts: Record<StoryStatus, number> = { pending: 0, approved: 0, rejected: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export async function findSubmission(executor: Executor, workspaceId: number, actionId: number, submissionId: number) {
  return executor
    .selectFrom('story_submissions')
    .select(['id', 'member_id', 'status', 'public_id', 'photo_type'])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .where('id', '=', submissionId)
    .executeTakeFirst();
}

/** Approved stories for the public spotlight, newest approval first: words, chosen name and photo only. */
export async function approvedStories(executor: Executor, workspaceId: number, actionId: number, limit: number, offset: number) {
  return executor
    .selectFrom('story_submissions')
    .select(['public_id', 'body', 'display_name', 'photo_type', 'moderated_at'])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .where('status', '=', 'approved')
    .orderBy('moderated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** A photo with its type, by submission id (staff) or by public id (approved stories only). */
export async function photoOf(
  executor: Executor,
  workspaceId: number,
  actionId: number,
  by: { submissionId: number } | { publicId: string; approvedOnly: true },
) {
  let query = executor
    .selectFrom('story_submissions as s')
    .innerJoin('story_photos as p', (join) => join.onRef('p.submission_id', '=', 's.id').onRef('p.workspace_id', '=', 's.workspace_id'))
    .select(['s.photo_type', 'p.data'])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.action_id', '=', actionId);
  query =
    'submissionId' in by
      ? query.where('s.id', '=', by.submissionId)
      : query.where('s.public_id', '=', by.publicId).where('s.status', '=', 'approved');
  return query.executeTakeFirst();
}

/** Submissions of the last window from one address or one number prefix (the velocity limits). */
export async function recentSubmissions(
  executor: Executor,
  workspaceId: number,
  column: 'ip' | 'phone_prefix',
  value: string,
  since: number,
): Promise<number> {
  const row = await executor
    .selectFrom('story_submissions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where(column, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
