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
import { petitionConsentWording } from './petition-signing.ts';
import { DEFAULT_SETTINGS, type PetitionSettings, settingsOf, signaturesPerDay, signaturesWithMembers } from './petitions.repo.ts';
import type { PetitionInput, PetitionPatch, PetitionView } from './petitions.schema.ts';

// Petitions as organizers manage them: an `actions` row of type 'petition' (its own settings in JSON) and its
// signatures. Drafts are private; publishing opens the public page, closing stops new signatures (the page stays).

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

const notFound = () =>
  new AppError({ code: 'action.not_found', status: 404, message: 'There is no petition with this id in the workspace.' });

const RESULTS_RECENT = 20;
const PER_DAY_WINDOW_MS = 60 * 86_400_000;
const CSV_PAGE = 2_000;

/** A CSV cell: quoted when needed; a leading = + - @ (but a phone number's +) is defused so spreadsheets never run it. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^\+?[\d\s().-]+$/.test(text))) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function createPetitionsService({ db, clock, config }: Deps) {
  async function workspaceOf(executor: Executor, workspaceId: number) {
    return executor.selectFrom('workspaces').select(['slug', 'name']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
  }

  async function requirePetition(executor: Executor, workspaceId: number, actionId: number) {
    const row = await findAction(executor, workspaceId, actionId, 'petition');
    if (!row) throw notFound();
    return row;
  }

  function viewOf(row: ActionRow, workspace: { slug: string; name: string }): PetitionView {
    const settings = settingsOf(row);
    return {
      id: row.id,
      title: row.title,
      slug: row.slug,
      status: row.status,
      summary: row.summary,
      description: row.description,
      target: settings.target,
      letter: settings.letter,
      askComment: settings.askComment,
      showSigners: settings.showSigners,
      goal: row.goal,
      communityId: row.community_id,
      consentWording: row.consent_wording,
      defaultConsentWording: petitionConsentWording(
        { action: { ...row, consent_wording: null }, workspace: { ...workspace, id: row.workspace_id, defaultCountry: '', timezone: '' } },
        'en',
      ),
      nextActionId: row.next_action_id,
      shareText: row.share_text,
      signatures: row.taken_count,
      url: `${config.publicUrl}${actionPath(workspace.slug, row)}`,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      publishedAt: row.published_at,
      closedAt: row.closed_at,
    };
  }

  /** Checks what needs the database; every problem in one 400. */
  async function validate(executor: Executor, workspaceId: number, actionId: number | null, input: PetitionPatch) {
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
    if (input.nextActionId != null) {
      if (input.nextActionId === actionId) fields.push({ path: 'body.nextActionId', message: 'cannot be the petition itself' });
      else if (!(await findAction(executor, workspaceId, input.nextActionId))) {
        fields.push({ path: 'body.nextActionId', message: 'is not an action of this workspace' });
      }
    }
    if (fields.length > 0) {
      throw new AppError({
        code: 'action.invalid',
        status: 400,
        message: `The petition cannot be saved: ${fields.map((f) => `${f.path.replace('body.', '')} ${f.message}`).join('; ')}.`,
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

  const settingsJson = (current: PetitionSettings, input: PetitionPatch) =>
    JSON.stringify({
      target: input.target ?? current.target,
      letter: input.letter ?? current.letter,
      askComment: input.askComment ?? current.askComment,
      showSigners: input.showSigners ?? current.showSigners,
    } satisfies PetitionSettings);

  async function list(workspaceId: number) {
    const workspace = await workspaceOf(db, workspaceId);
    const rows = await db
      .selectFrom('actions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'petition')
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    return rows.map((row) => viewOf(row, workspace));
  }

  async function get(workspaceId: number, actionId: number) {
    return viewOf(await requirePetition(db, workspaceId, actionId), await workspaceOf(db, workspaceId));
  }

  async function create(createdBy: number | null, workspaceId: number, input: PetitionInput) {
    const now = clock.now();
    const write = () =>
      db.transaction().execute(async (trx) => {
        await validate(trx, workspaceId, null, input);
        const slug = input.slug ?? (await uniqueActionSlug(trx, workspaceId, input.title));
        const row = await trx
          .insertInto('actions')
          .values({
            workspace_id: workspaceId,
            type: 'petition',
            slug,
            title: input.title,
            summary: input.summary ?? '',
            description: input.description ?? '',
            status: 'draft',
            community_id: input.communityId ?? null,
            consent_wording: input.consentWording || null,
            next_action_id: input.nextActionId ?? null,
            share_text: input.shareText ?? '',
            image_url: null,
            settings: settingsJson(DEFAULT_SETTINGS, input),
            goal: input.goal ?? null,
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
    // Two petitions with the same title at once: the second takes the next free slug.
    const id = await withFreeSlug(input.slug, write);
    return get(workspaceId, id);
  }

  async function update(workspaceId: number, actionId: number, patch: PetitionPatch) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await requirePetition(trx, workspaceId, actionId);
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
    const current = await requirePetition(db, workspaceId, actionId);
    await moveAction(db, { workspaceId, action: current, to, noun: 'petition', now: clock.now() });
    return get(workspaceId, actionId);
  }

  /** Only drafts can be deleted: a published petition has signers who were promised it. */
  async function remove(workspaceId: number, actionId: number) {
    await deleteDraftAction(db, { workspaceId, action: await requirePetition(db, workspaceId, actionId), noun: 'petition' });
  }

  async function results(workspaceId: number, actionId: number) {
    const petition = await requirePetition(db, workspaceId, actionId);
    const recent = await signaturesWithMembers(db, workspaceId, actionId, { limit: RESULTS_RECENT });
    return {
      signatures: petition.taken_count,
      goal: petition.goal,
      recent: recent.map((s) => ({
        id: s.id,
        memberId: s.member_id,
        name: [s.first_name, s.last_name].filter(Boolean).join(' ') || `Member #${s.member_id}`,
        postalCode: s.postal_code,
        comment: s.comment,
        public: s.public === 1,
        source: s.source,
        createdAt: s.created_at,
      })),
      perDay: await signaturesPerDay(db, workspaceId, actionId, clock.now() - PER_DAY_WINDOW_MS),
    };
  }

  /** The signatures as CSV, newest first, read in pages (never all rows in memory at once). */
  async function* exportCsv(workspaceId: number, actionId: number): AsyncGenerator<string> {
    await requirePetition(db, workspaceId, actionId);
    yield 'first_name,last_name,email,phone,postal_code,comment,signed_at,source,medium,ref\n';
    let before: number | undefined;
    for (;;) {
      const rows = await signaturesWithMembers(db, workspaceId, actionId, { limit: CSV_PAGE, ...(before ? { before } : {}) });
      if (rows.length === 0) return;
      yield rows
        .map(
          (r) =>
            `${[
              r.first_name,
              r.last_name,
              r.email,
              r.phone,
              r.postal_code,
              r.comment,
              new Date(r.created_at).toISOString(),
              r.source,
              r.medium,
              r.ref,
            ]
              .map(csvCell)
              .join(',')}\n`,
        )
        .join('');
      before = rows.at(-1)?.id;
      if (rows.length < CSV_PAGE) return;
    }
  }

  return { list, get, create, update, transition, remove, results, exportCsv };
}
