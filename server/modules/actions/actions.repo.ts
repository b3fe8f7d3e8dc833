import type { Selectable } from 'kysely';
import type { ActionsTable, ActionType } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { type Executor, isUniqueViolation } from '../members/members.repo.ts';

// What every kind of action shares: its row in `actions`, its slug (unique in the workspace) and the address of its
// public page. Each kind (petitions, events, calls …) keeps its own module and its own details.

export type ActionRow = Selectable<ActionsTable>;

/** The URL segment of each kind's public pages: /p/<workspace>/<segment>/<slug>. */
export const ACTION_SEGMENTS: Record<ActionType, string> = {
  petition: 'petition',
  event: 'event',
  call: 'call',
  survey: 'survey',
  share: 'share',
  story: 'story',
};

/** The public page of an action, relative to the site: `/p/<workspace>/<kind>/<slug>`. */
export function actionPath(workspaceSlug: string, action: Pick<ActionRow, 'type' | 'slug'>): string {
  return `/p/${encodeURIComponent(workspaceSlug)}/${ACTION_SEGMENTS[action.type]}/${encodeURIComponent(action.slug)}`;
}

/** A URL-safe slug from a title: "Save the Oak St. trees!" → "save-the-oak-st-trees". */
export function actionSlug(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'action'
  );
}

export async function actionSlugTaken(executor: Executor, workspaceId: number, slug: string, exceptId?: number): Promise<boolean> {
  let query = executor.selectFrom('actions').select('id').where('workspace_id', '=', workspaceId).where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** The title's slug, or the first free "<slug>-2", "<slug>-3" … */
export async function uniqueActionSlug(executor: Executor, workspaceId: number, title: string): Promise<string> {
  const base = actionSlug(title);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await actionSlugTaken(executor, workspaceId, slug))) return slug;
  }
}

/** An action of one workspace by id (any kind when `type` is left out). */
export async function findAction(
  executor: Executor,
  workspaceId: number,
  actionId: number,
  type?: ActionType,
): Promise<ActionRow | undefined> {
  let query = executor.selectFrom('actions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', actionId);
  if (type !== undefined) query = query.where('type', '=', type);
  return query.executeTakeFirst();
}

/**
 * The action a public page shows: by the workspace's slug, its kind and its slug. Drafts are not public; a closed
 * action still shows (saying it is closed). Returns the workspace too (name, time zone, country) for the page.
 */
export async function findPublicAction(executor: Executor, workspaceSlug: string, type: ActionType, slug: string) {
  const row = await executor
    .selectFrom('actions as a')
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .selectAll('a')
    .select(['w.name as workspace_name', 'w.slug as workspace_slug', 'w.timezone as workspace_timezone', 'w.default_country'])
    .where('w.slug', '=', workspaceSlug)
    .where('a.type', '=', type)
    .where('a.slug', '=', slug)
    .where('a.status', '!=', 'draft')
    .executeTakeFirst();
  return row;
}

/** Bumps an action's counter (signatures, RSVPs, calls) in the caller's transaction. */
export async function bumpTaken(executor: Executor, workspaceId: number, actionId: number, by: number, now: number): Promise<void> {
  await executor
    .updateTable('actions')
    .set((eb) => ({ taken_count: eb('taken_count', '+', by), updated_at: now }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', actionId)
    .execute();
}

/**
 * Publishes an action (again, after closing) or closes a published one, refusing what its status does not allow with a
 * 409 a person can act on. `noun` names the kind in the message ("petition", "story action" …).
 */
export async function moveAction(
  executor: Executor,
  input: {
    workspaceId: number;
    action: Pick<ActionRow, 'id' | 'status' | 'published_at'>;
    to: 'published' | 'closed';
    noun: string;
    now: number;
  },
): Promise<void> {
  const { action, to, noun, now } = input;
  const allowed = to === 'published' ? action.status !== 'published' : action.status === 'published';
  if (!allowed) {
    throw new AppError({
      code: 'action.invalid_transition',
      status: 409,
      message: to === 'published' ? `The ${noun} is already published.` : `Only a published ${noun} can be closed.`,
    });
  }
  await executor
    .updateTable('actions')
    .set(
      to === 'published'
        ? { status: 'published', published_at: action.published_at ?? now, closed_at: null, updated_at: now }
        : { status: 'closed', closed_at: now, updated_at: now },
    )
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', action.id)
    .execute();
}

/** Deletes a draft action; a published one has takers who were promised it, so it can only be closed (409). */
export async function deleteDraftAction(
  executor: Executor,
  input: { workspaceId: number; action: Pick<ActionRow, 'id' | 'status'>; noun: string },
): Promise<void> {
  if (input.action.status !== 'draft') {
    throw new AppError({
      code: 'action.invalid_transition',
      status: 409,
      message: `Only a draft can be deleted; close the ${input.noun} instead.`,
    });
  }
  await executor
    .deleteFrom('actions')
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.action.id)
    .where('status', '=', 'draft')
    .execute();
}

/** The columns every kind shares, as an action's form sends them (a field left out is left as it is). */
export type CommonActionPatch = {
  title?: string | undefined;
  slug?: string | undefined;
  summary?: string | undefined;
  description?: string | undefined;
  goal?: number | null | undefined;
  communityId?: number | null | undefined;
  consentWording?: string | null | undefined;
  nextActionId?: number | null | undefined;
  shareText?: string | undefined;
};

/** The `actions` columns a patch of the shared fields changes (an empty consent wording means the default). */
export function commonActionColumns(patch: CommonActionPatch) {
  return {
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
    ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.goal !== undefined ? { goal: patch.goal } : {}),
    ...(patch.communityId !== undefined ? { community_id: patch.communityId } : {}),
    ...(patch.consentWording !== undefined ? { consent_wording: patch.consentWording || null } : {}),
    ...(patch.nextActionId !== undefined ? { next_action_id: patch.nextActionId } : {}),
    ...(patch.shareText !== undefined ? { share_text: patch.shareText } : {}),
  };
}

/**
 * Runs an insert that picked a free slug from the title; when two actions with the same title are created at once and
 * the second loses the race for the slug, it runs once more and takes the next free one. A slug the person chose is
 * never changed: its conflict goes back to them.
 */
export async function withFreeSlug(chosenSlug: string | undefined, write: () => Promise<number>): Promise<number> {
  return write().catch((error: unknown) => {
    if (!isUniqueViolation(error) || chosenSlug !== undefined) throw error;
    return write();
  });
}

/** What a public page knows of the organization behind an action. */
export type PublicWorkspace = { id: number; name: string; slug: string; defaultCountry: string; timezone: string };

/** An action as a public page reads it: the found row taken apart into the action and its workspace. */
export async function findActionPage(
  executor: Executor,
  workspaceSlug: string,
  type: ActionType,
  slug: string,
): Promise<{ action: ActionRow; workspace: PublicWorkspace } | null> {
  if (workspaceSlug.length > 100 || slug.length > 100) return null;
  const row = await findPublicAction(executor, workspaceSlug, type, slug);
  if (!row) return null;
  const { workspace_name, workspace_slug, workspace_timezone, default_country, ...action } = row;
  return {
    action,
    workspace: {
      id: action.workspace_id,
      name: workspace_name,
      slug: workspace_slug,
      defaultCountry: default_country,
      timezone: workspace_timezone,
    },
  };
}
