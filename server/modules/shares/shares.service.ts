import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import {
  type ActionRow,
  actionPath,
  actionSlugTaken,
  commonActionColumns,
  deleteDraftAction,
  findAction,
  moveAction,
  uniqueActionSlug,
  withFreeSlug,
} from '../actions/actions.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { DEFAULT_SHARE_SETTINGS, type ShareSettings, shareCounters, shareSettingsOf } from './shares.repo.ts';
import type { ShareInput, SharePatch, ShareView } from './shares.schema.ts';

// Share actions as organizers manage them: an `actions` row of type 'share' whose settings hold what is shared (one of
// our actions, or an outside address) and the suggested post per network. Drafts are private; publishing opens the
// public page; closing stops new taps (the page stays and says so).

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

const notFound = () =>
  new AppError({ code: 'action.not_found', status: 404, message: 'There is no share action with this id in the workspace.' });

export function createSharesService({ db, clock, config }: Deps) {
  const workspaceOf = (executor: Executor, workspaceId: number) =>
    executor.selectFrom('workspaces').select(['slug', 'name']).where('id', '=', workspaceId).executeTakeFirstOrThrow();

  async function requireShare(executor: Executor, workspaceId: number, shareId: number) {
    const row = await findAction(executor, workspaceId, shareId, 'share');
    if (!row) throw notFound();
    return row;
  }

  async function viewOf(row: ActionRow, workspace: { slug: string }): Promise<ShareView> {
    const settings = shareSettingsOf(row);
    const target = settings.targetActionId === null ? undefined : await findAction(db, row.workspace_id, settings.targetActionId);
    return {
      id: row.id,
      title: row.title,
      slug: row.slug,
      status: row.status,
      summary: row.summary,
      description: row.description,
      communityId: row.community_id,
      targetActionId: target ? target.id : null,
      targetTitle: target ? target.title : null,
      targetUrl: settings.targetUrl,
      posts: settings.posts,
      mastodonInstance: settings.mastodonInstance,
      consentWording: row.consent_wording,
      sharers: row.taken_count,
      url: `${config.publicUrl}${actionPath(workspace.slug, row)}`,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      publishedAt: row.published_at,
      closedAt: row.closed_at,
    };
  }

  /** Checks what needs the database; every problem in one 400. */
  async function validate(executor: Executor, workspaceId: number, shareId: number | null, input: SharePatch, current: ShareSettings) {
    const fields: FieldError[] = [];
    if (input.communityId != null) {
      const community = await executor
        .selectFrom('communities')
        .select(['id', 'archived_at'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', input.communityId)
        .executeTakeFirst();
      if (!community) fields.push({ path: 'body.communityId', message: 'is not a community of this workspace' });
      else if (community.archived_at !== null)
        fields.push({ path: 'body.communityId', message: 'is an archived community; restore it first' });
    }
    if (input.targetActionId != null) {
      if (input.targetActionId === shareId) fields.push({ path: 'body.targetActionId', message: 'cannot be the share action itself' });
      else if (!(await findAction(executor, workspaceId, input.targetActionId)))
        fields.push({ path: 'body.targetActionId', message: 'is not an action of this workspace' });
    }
    const targetActionId = input.targetActionId !== undefined ? input.targetActionId : current.targetActionId;
    const targetUrl = input.targetUrl !== undefined ? input.targetUrl : current.targetUrl;
    if (targetActionId != null && targetUrl) {
      fields.push({ path: 'body.targetUrl', message: 'must be empty when the posts link to one of your actions' });
    }
    if (fields.length > 0) {
      throw new AppError({
        code: 'action.invalid',
        status: 400,
        message: `The share action cannot be saved: ${fields.map((f) => `${f.path.replace('body.', '')} ${f.message}`).join('; ')}.`,
        fields,
      });
    }
    if (input.slug !== undefined && (await actionSlugTaken(executor, workspaceId, input.slug, shareId ?? undefined))) {
      throw new AppError({
        code: 'action.slug_taken',
        status: 409,
        message: `Another action of this workspace already has the address "${input.slug}"; choose another.`,
        fields: [{ path: 'body.slug', message: `"${input.slug}" is already the address of another action` }],
      });
    }
  }

  const settingsJson = (current: ShareSettings, input: SharePatch) =>
    JSON.stringify({
      targetActionId: input.targetActionId !== undefined ? input.targetActionId : current.targetActionId,
      targetUrl: input.targetUrl ?? current.targetUrl,
      posts: input.posts ?? current.posts,
      mastodonInstance: input.mastodonInstance ?? current.mastodonInstance,
    } satisfies ShareSettings);

  async function list(workspaceId: number) {
    const workspace = await workspaceOf(db, workspaceId);
    const rows = await db
      .selectFrom('actions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'share')
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      slug: row.slug,
      status: row.status,
      sharers: row.taken_count,
      url: `${config.publicUrl}${actionPath(workspace.slug, row)}`,
      createdAt: row.created_at,
    }));
  }

  async function get(workspaceId: number, shareId: number) {
    return viewOf(await requireShare(db, workspaceId, shareId), await workspaceOf(db, workspaceId));
  }

  async function create(createdBy: number | null, workspaceId: number, input: ShareInput) {
    const now = clock.now();
    const write = () =>
      db.transaction().execute(async (trx) => {
        await validate(trx, workspaceId, null, input, DEFAULT_SHARE_SETTINGS);
        const slug = input.slug ?? (await uniqueActionSlug(trx, workspaceId, input.title));
        const row = await trx
          .insertInto('actions')
          .values({
            workspace_id: workspaceId,
            type: 'share',
            slug,
            title: input.title,
            summary: input.summary ?? '',
            description: input.description ?? '',
            status: 'draft',
            community_id: input.communityId ?? null,
            consent_wording: input.consentWording || null,
            next_action_id: null,
            image_url: null,
            settings: settingsJson(DEFAULT_SHARE_SETTINGS, input),
            goal: null,
            survey_id: null,
            created_by: createdBy,
            created_at: now,
            updated_at: now,
            published_at: null,
            closed_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return row.id;
      });
    // Two share actions with the same title at once: the second takes the next free slug.
    const id = await withFreeSlug(input.slug, write);
    return get(workspaceId, id);
  }

  async function update(workspaceId: number, shareId: number, patch: SharePatch) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await requireShare(trx, workspaceId, shareId);
      const settings = shareSettingsOf(current);
      await validate(trx, workspaceId, shareId, patch, settings);
      await trx
        .updateTable('actions')
        .set({
          ...commonActionColumns(patch),
          settings: settingsJson(settings, patch),
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', shareId)
        .execute();
    });
    return get(workspaceId, shareId);
  }

  async function transition(workspaceId: number, shareId: number, to: 'published' | 'closed') {
    const current = await requireShare(db, workspaceId, shareId);
    if (to === 'published' && Object.values(shareSettingsOf(current).posts).every((post) => post === undefined)) {
      throw new AppError({
        code: 'action.invalid',
        status: 400,
        message: 'Suggest a post for at least one network before publishing.',
        fields: [{ path: 'body.posts', message: 'needs at least one network' }],
      });
    }
    await moveAction(db, { workspaceId, action: current, to, noun: 'share action', now: clock.now() });
    return get(workspaceId, shareId);
  }

  async function remove(workspaceId: number, shareId: number) {
    await deleteDraftAction(db, { workspaceId, action: await requireShare(db, workspaceId, shareId), noun: 'share action' });
  }

  async function results(workspaceId: number, shareId: number) {
    const share = await requireShare(db, workspaceId, shareId);
    const { perNetwork, top } = await shareCounters(db, workspaceId, shareId);
    return {
      shares: perNetwork.reduce((sum, row) => sum + row.shares, 0),
      sharers: share.taken_count,
      signups: perNetwork.reduce((sum, row) => sum + row.signups, 0),
      perNetwork: perNetwork.map((row) => ({ network: row.network, shares: row.shares, signups: row.signups })),
      topSharers: top.map((row) => ({
        memberId: row.member_id,
        name: [row.first_name, row.last_name].filter(Boolean).join(' ') || `Member #${row.member_id}`,
        shares: row.shares,
        signups: row.signups,
      })),
    };
  }

  return { list, get, create, update, transition, remove, results };
}
