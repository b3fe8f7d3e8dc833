import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { StoryStatus } from '../../db/schema.ts';
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
import {
  countByStatus,
  DEFAULT_SETTINGS,
  findSubmission,
  listSubmissions,
  photoOf,
  type StorySettings,
  settingsOf,
} from './stories.repo.ts';
import type { StoryInput, StoryPatch, StoryView, SubmissionView } from './stories.schema.ts';
import { storyPublishWording, storySmsWording } from './story-submitting.ts';

// Story actions as organizers manage them (an `actions` row of type 'story', its prompt in the settings) and the
// moderation queue: every story waits as pending; approving makes it and its photo public on the spotlight page,
// rejecting (with a reason kept for the team) keeps it private. A decision can be changed later.

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

const notFound = () =>
  new AppError({ code: 'action.not_found', status: 404, message: 'There is no story action with this id in the workspace.' });
const submissionNotFound = () =>
  new AppError({ code: 'action.not_found', status: 404, message: 'There is no such story in this story action.' });

export function createStoriesService({ db, clock, config }: Deps) {
  const workspaceOf = (executor: Executor, workspaceId: number) =>
    executor.selectFrom('workspaces').select(['slug', 'name']).where('id', '=', workspaceId).executeTakeFirstOrThrow();

  async function requireStory(executor: Executor, workspaceId: number, actionId: number) {
    const row = await findAction(executor, workspaceId, actionId, 'story');
    if (!row) throw notFound();
    return row;
  }

  async function viewOf(row: ActionRow, workspace: { slug: string; name: string }): Promise<StoryView> {
    const settings = settingsOf(row);
    const ctx = { action: { consent_wording: null }, settings: { publishWording: null }, workspace: { name: workspace.name } };
    const url = `${config.publicUrl}${actionPath(workspace.slug, row)}`;
    return {
      id: row.id,
      title: row.title,
      slug: row.slug,
      status: row.status,
      summary: row.summary,
      description: row.description,
      prompt: settings.prompt,
      askPhoto: settings.askPhoto,
      publishWording: settings.publishWording,
      defaultPublishWording: storyPublishWording(ctx, 'en'),
      communityId: row.community_id,
      consentWording: row.consent_wording,
      defaultConsentWording: storySmsWording(ctx, 'en'),
      shareText: row.share_text,
      submitted: row.taken_count,
      counts: await countByStatus(db, row.workspace_id, row.id),
      url,
      spotlightUrl: `${url}/stories`,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      publishedAt: row.published_at,
      closedAt: row.closed_at,
    };
  }

  async function validate(executor: Executor, workspaceId: number, actionId: number | null, input: StoryPatch) {
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
    if (fields.length > 0) {
      throw new AppError({
        code: 'action.invalid',
        status: 400,
        message: `The story action cannot be saved: ${fields.map((f) => `${f.path.replace('body.', '')} ${f.message}`).join('; ')}.`,
        fields,
      });
    }
    if (input.slug !== undefined && (await actionSlugTaken(executor, workspaceId, input.slug, actionId ?? undefined))) {
      throw new AppError({
        code: 'action.slug_taken',
        status: 409,
        message: `Another action of this workspace already has the address "${input.slug}"; choose another.`,
        fields: [{ path: 'body.slug', message: `"${input.slug}" is already the address of another action` }],
      });
    }
  }

  const settingsJson = (current: StorySettings, input: StoryPatch) =>
    JSON.stringify({
      prompt: input.prompt ?? current.prompt,
      askPhoto: input.askPhoto ?? current.askPhoto,
      publishWording: input.publishWording !== undefined ? input.publishWording || null : current.publishWording,
    } satisfies StorySettings);

  async function list(workspaceId: number) {
    const workspace = await workspaceOf(db, workspaceId);
    const rows = await db
      .selectFrom('actions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'story')
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    return Promise.all(rows.map((row) => viewOf(row, workspace)));
  }

  async function get(workspaceId: number, actionId: number) {
    return viewOf(await requireStory(db, workspaceId, actionId), await workspaceOf(db, workspaceId));
  }

  async function create(createdBy: number | null, workspaceId: number, input: StoryInput) {
    const now = clock.now();
    const write = () =>
      db.transaction().execute(async (trx) => {
        await validate(trx, workspaceId, null, input);
        const slug = input.slug ?? (await uniqueActionSlug(trx, workspaceId, input.title));
        const row = await trx
          .insertInto('actions')
          .values({
            workspace_id: workspaceId,
            type: 'story',
            slug,
            title: input.title,
            summary: input.summary ?? '',
            description: input.description ?? '',
            status: 'draft',
            community_id: input.communityId ?? null,
            consent_wording: input.consentWording || null,
            next_action_id: null,
            share_text: input.shareText ?? '',
            image_url: null,
            settings: settingsJson(DEFAULT_SETTINGS, input),
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
    const id = await withFreeSlug(input.slug, write);
    return get(workspaceId, id);
  }

  async function update(workspaceId: number, actionId: number, patch: StoryPatch) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await requireStory(trx, workspaceId, actionId);
      await validate(trx, workspaceId, actionId, patch);
      await trx
        .updateTable('actions')
        .set({
          ...commonActionColumns(patch),
          settings: settingsJson(settingsOf(current), patch),
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', actionId)
        .execute();
    });
    return get(workspaceId, actionId);
  }

  async function transition(workspaceId: number, actionId: number, to: 'published' | 'closed') {
    const current = await requireStory(db, workspaceId, actionId);
    await moveAction(db, { workspaceId, action: current, to, noun: 'story action', now: clock.now() });
    return get(workspaceId, actionId);
  }

  async function remove(workspaceId: number, actionId: number) {
    await deleteDraftAction(db, { workspaceId, action: await requireStory(db, workspaceId, actionId), noun: 'story action' });
  }

  async function submissions(workspaceId: number, actionId: number, query: { status?: StoryStatus; limit: number; before?: number }) {
    await requireStory(db, workspaceId, actionId);
    const rows = await listSubmissions(db, workspaceId, actionId, query);
    const base = `/api/workspaces/${workspaceId}/stories/${actionId}/submissions`;
    return {
      submissions: rows.map(
        (r): SubmissionView => ({
          id: r.id,
          memberId: r.member_id,
          memberName: [r.first_name, r.last_name].filter(Boolean).join(' ') || `Member #${r.member_id}`,
          phone: r.phone,
          email: r.email,
          story: r.body,
          display: r.display,
          displayName: r.display_name,
          publishConsent: r.publish_consent,
          photo: r.photo_type ? { type: r.photo_type, size: r.photo_size ?? 0, url: `${base}/${r.id}/photo` } : null,
          status: r.status,
          moderatedBy: r.moderator_name,
          moderatedAt: r.moderated_at,
          reason: r.reason,
          source: r.source,
          createdAt: r.created_at,
        }),
      ),
      next: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null,
    };
  }

  /** Approves or rejects a story; the same decision twice changes nothing. */
  async function moderate(
    workspaceId: number,
    actionId: number,
    submissionId: number,
    by: number | null,
    decision: { status: 'approved' | 'rejected'; reason: string | null },
  ) {
    await requireStory(db, workspaceId, actionId);
    const current = await findSubmission(db, workspaceId, actionId, submissionId);
    if (!current) throw submissionNotFound();
    if (current.status !== decision.status || decision.status === 'rejected') {
      await db
        .updateTable('story_submissions')
        .set({
          status: decision.status,
          moderated_by: by,
          moderated_at: clock.now(),
          reason: decision.status === 'rejected' ? decision.reason : null,
        })
        .where('workspace_id', '=', workspaceId)
        .where('action_id', '=', actionId)
        .where('id', '=', submissionId)
        .execute();
    }
    const [row] = (await submissions(workspaceId, actionId, { limit: 1, before: submissionId + 1 })).submissions;
    if (!row) throw submissionNotFound();
    return row;
  }

  /** A story's photo for staff (any status). */
  async function photo(workspaceId: number, actionId: number, submissionId: number) {
    await requireStory(db, workspaceId, actionId);
    const row = await photoOf(db, workspaceId, actionId, { submissionId });
    if (!row?.photo_type) throw new AppError({ code: 'action.not_found', status: 404, message: 'This story has no photo.' });
    return { type: row.photo_type, data: row.data };
  }

  return { list, get, create, update, transition, remove, submissions, moderate, photo };
}
