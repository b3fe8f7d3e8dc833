import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { KeywordMatch, KeywordsTable, KeywordTarget } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { type Executor, isUniqueViolation } from '../members/members.repo.ts';
import { replyProblems } from './keyword-replies.ts';
import type { KeywordInput, KeywordPatch, KeywordView } from './keywords.schema.ts';

// Keyword triggers as the dashboard and the API manage them. A community's join keywords (set on the community form)
// are rows of the same table: they are listed, edited and deleted here too, and the community form shows the result.

type Deps = { db: Db; clock: Clock };
type KeywordRow = Selectable<KeywordsTable>;

/** A keyword's settings once input and current row are merged: what is validated and stored. */
type Settings = {
  keyword: string;
  match: KeywordMatch;
  targetType: KeywordTarget;
  targetId: number | null;
  linkUrl: string | null;
  reply: string | null;
  confirm: boolean;
};

const notFound = () =>
  new AppError({ code: 'keyword.not_found', status: 404, message: 'There is no keyword with this id in the workspace.' });

/** Runs a write again when a concurrent one took the same word between our check and our insert (see communities). */
async function onceMoreOnConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return write();
  }
}

type Target = { name: string; archived: boolean; kind?: string };

/** Keyword kinds that point at a row (a community, a survey, an action) through target_id. */
const hasTargetRow = (type: KeywordTarget) => type === 'community' || type === 'survey' || type === 'action';

/** The communities, surveys and actions keywords point at, by kind and id. */
async function targetsOf(executor: Executor, workspaceId: number, rows: readonly Pick<KeywordRow, 'target_type' | 'target_id'>[]) {
  const ids = (type: KeywordTarget) => [...new Set(rows.filter((r) => r.target_type === type).map((r) => r.target_id))];
  const communityIds = ids('community');
  const surveyIds = ids('survey');
  const actionIds = ids('action');
  const targets = new Map<string, Target>();
  if (actionIds.length > 0) {
    const actions = await executor
      .selectFrom('actions')
      .select(['id', 'title', 'type', 'status'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', actionIds)
      .execute();
    for (const a of actions) targets.set(`action:${a.id}`, { name: a.title, archived: a.status === 'closed', kind: a.type });
  }
  if (communityIds.length > 0) {
    const communities = await executor
      .selectFrom('communities')
      .select(['id', 'name', 'archived_at'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', communityIds)
      .execute();
    for (const c of communities) targets.set(`community:${c.id}`, { name: c.name, archived: c.archived_at !== null });
  }
  if (surveyIds.length > 0) {
    const surveys = await executor
      .selectFrom('surveys')
      .select(['id', 'name', 'status'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', surveyIds)
      .execute();
    for (const s of surveys) targets.set(`survey:${s.id}`, { name: s.name, archived: s.status === 'closed' });
  }
  return targets;
}

function viewOf(row: KeywordRow, targets: Map<string, Target>): KeywordView {
  const target = targets.get(`${row.target_type}:${row.target_id}`);
  const hasTarget = hasTargetRow(row.target_type);
  return {
    id: row.id,
    keyword: row.keyword,
    match: row.match,
    targetType: row.target_type,
    targetId: hasTarget ? row.target_id : null,
    targetName: hasTarget ? (target?.name ?? null) : row.target_type === 'link' ? row.link_url : null,
    targetArchived: target?.archived ?? false,
    linkUrl: row.link_url,
    reply: row.reply,
    confirm: row.confirm === 1,
    uses: row.uses,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** "the community "Climate"", "the link keyword for https://…": who holds a word, for a 409 a person can act on. */
function holderOf(row: KeywordRow, targets: Map<string, Target>): string {
  const name = targets.get(`${row.target_type}:${row.target_id}`)?.name;
  switch (row.target_type) {
    case 'community':
      return name === undefined ? 'a community' : `the community "${name}"`;
    case 'survey':
      return name === undefined ? 'a survey' : `the survey "${name}"`;
    case 'link':
      return `the link keyword for ${row.link_url ?? 'a link'}`;
    case 'action': {
      const kind = targets.get(`${row.target_type}:${row.target_id}`)?.kind ?? 'action';
      return name === undefined ? 'an action' : `the ${kind} "${name}"`;
    }
    default:
      return 'an auto-reply keyword';
  }
}

export function createKeywordsService({ db, clock }: Deps) {
  async function requireKeyword(executor: Executor, workspaceId: number, keywordId: number) {
    const row = await executor
      .selectFrom('keywords')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', keywordId)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  async function views(executor: Executor, workspaceId: number, rows: KeywordRow[]) {
    const targets = await targetsOf(executor, workspaceId, rows);
    return rows.map((row) => viewOf(row, targets));
  }

  async function list(workspaceId: number) {
    const rows = await db.selectFrom('keywords').selectAll().where('workspace_id', '=', workspaceId).orderBy('keyword').execute();
    return views(db, workspaceId, rows);
  }

  async function get(workspaceId: number, keywordId: number) {
    const [view] = await views(db, workspaceId, [await requireKeyword(db, workspaceId, keywordId)]);
    if (!view) throw notFound();
    return view;
  }

  /** Everything that needs the database or several fields at once; all problems in one 400. */
  async function validate(executor: Executor, workspaceId: number, settings: Settings) {
    const fields: FieldError[] = [];
    const { targetType, targetId } = settings;
    if (hasTargetRow(targetType)) {
      if (targetId === null) {
        fields.push({ path: 'body.targetId', message: `is required: the ${targetType} members reach by this keyword` });
      } else {
        const target = (await targetsOf(executor, workspaceId, [{ target_type: targetType, target_id: targetId }])).get(
          `${targetType}:${targetId}`,
        );
        if (!target)
          fields.push({ path: 'body.targetId', message: `is not ${targetType === 'action' ? 'an' : 'a'} ${targetType} of this workspace` });
        else if (targetType === 'community' && target.archived) {
          fields.push({ path: 'body.targetId', message: 'is an archived community; restore it first' });
        }
      }
    }
    if (targetType === 'link' && settings.linkUrl === null) {
      fields.push({ path: 'body.linkUrl', message: 'is required: the address members get back' });
    }
    if (targetType === 'reply' && settings.reply === null) {
      fields.push({ path: 'body.reply', message: 'is required: the text members get back' });
    }
    if (settings.reply !== null) {
      for (const problem of replyProblems(settings.reply)) fields.push({ path: 'body.reply', message: problem });
    }
    if (fields.length > 0) {
      throw new AppError({
        code: 'keyword.invalid',
        status: 400,
        message: `The keyword cannot be saved: ${fields.map((f) => `${f.path.replace('body.', '')} ${f.message}`).join('; ')}.`,
        fields,
      });
    }
  }

  /** Unique per workspace across every kind of keyword (the database says so too: keywords_uq). */
  async function checkFree(executor: Executor, workspaceId: number, keyword: string, exceptId?: number) {
    let q = executor.selectFrom('keywords').selectAll().where('workspace_id', '=', workspaceId).where('keyword', '=', keyword);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    const holder = await q.executeTakeFirst();
    if (!holder) return;
    const who = holderOf(holder, await targetsOf(executor, workspaceId, [holder]));
    throw new AppError({
      code: 'keyword.taken',
      status: 409,
      message: `${keyword} is already the keyword of ${who}. Keywords are unique in a workspace; choose another word.`,
      fields: [{ path: 'body.keyword', message: `${keyword} is already the keyword of ${who}` }],
    });
  }

  const columns = (s: Settings) => ({
    keyword: s.keyword,
    match: s.match,
    target_type: s.targetType,
    // Link and auto-reply keywords point at nothing (0, the column is NOT NULL).
    target_id: hasTargetRow(s.targetType) ? (s.targetId ?? 0) : 0,
    link_url: s.targetType === 'link' ? s.linkUrl : null,
    reply: s.reply,
    confirm: s.confirm ? 1 : 0,
  });

  async function create(actor: Actor, workspaceId: number, input: KeywordInput) {
    const now = clock.now();
    const settings: Settings = {
      keyword: input.keyword,
      match: input.match ?? 'exact',
      targetType: input.targetType,
      targetId: input.targetId ?? null,
      linkUrl: input.linkUrl ?? null,
      reply: input.reply ?? null,
      confirm: input.confirm ?? true,
    };
    const id = await onceMoreOnConflict(() =>
      db.transaction().execute(async (trx) => {
        await validate(trx, workspaceId, settings);
        await checkFree(trx, workspaceId, settings.keyword);
        const row = await trx
          .insertInto('keywords')
          .values({ workspace_id: workspaceId, ...columns(settings), created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'keyword.created',
          targetType: 'keyword',
          targetId: row.id,
          data: { keyword: settings.keyword, targetType: settings.targetType },
          at: now,
        });
        return row.id;
      }),
    );
    return get(workspaceId, id);
  }

  async function update(actor: Actor, workspaceId: number, keywordId: number, patch: KeywordPatch) {
    const now = clock.now();
    await onceMoreOnConflict(() =>
      db.transaction().execute(async (trx) => {
        const current = await requireKeyword(trx, workspaceId, keywordId);
        const currentTarget = hasTargetRow(current.target_type) ? current.target_id : null;
        const settings: Settings = {
          keyword: patch.keyword ?? current.keyword,
          match: patch.match ?? current.match,
          targetType: patch.targetType ?? current.target_type,
          targetId: patch.targetId !== undefined ? patch.targetId : currentTarget,
          linkUrl: patch.linkUrl !== undefined ? patch.linkUrl : current.link_url,
          reply: patch.reply !== undefined ? patch.reply : current.reply,
          confirm: patch.confirm ?? current.confirm === 1,
        };
        await validate(trx, workspaceId, settings);
        if (settings.keyword !== current.keyword) await checkFree(trx, workspaceId, settings.keyword, keywordId);
        await trx
          .updateTable('keywords')
          .set({ ...columns(settings), updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', keywordId)
          .execute();
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'keyword.updated',
          targetType: 'keyword',
          targetId: keywordId,
          data: { changed: Object.keys(patch) },
          at: now,
        });
      }),
    );
    return get(workspaceId, keywordId);
  }

  /** Deletes a keyword (a community's join keyword leaves the community); joins waiting for a YES go with it. */
  async function remove(actor: Actor, workspaceId: number, keywordId: number) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await requireKeyword(trx, workspaceId, keywordId);
      await trx.deleteFrom('keyword_confirmations').where('workspace_id', '=', workspaceId).where('keyword_id', '=', keywordId).execute();
      await trx.deleteFrom('keywords').where('workspace_id', '=', workspaceId).where('id', '=', keywordId).execute();
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'keyword.deleted',
        targetType: 'keyword',
        targetId: keywordId,
        data: { keyword: current.keyword },
        at: now,
      });
    });
  }

  return { list, get, create, update, remove };
}

/** Two keywords for the demo workspace: an auto-reply (VOLUNTEER) and a link (DONATE). Idempotent. */
export async function seedDemoKeywords(db: Executor, input: { workspaceId: number; now: number }) {
  const demo = [
    {
      keyword: 'VOLUNTEER',
      target_type: 'reply' as const,
      link_url: null,
      reply:
        'Thanks {{ member.first_name | default: "friend" }}! An organizer of {{ workspace.name }} will text you about volunteer shifts this week.',
    },
    {
      keyword: 'DONATE',
      target_type: 'link' as const,
      link_url: 'https://example.org/donate',
      reply: 'Every dollar keeps {{ workspace.name }} organizing. Give here: {{ link }}',
    },
  ];
  for (const keyword of demo) {
    const taken = await db
      .selectFrom('keywords')
      .select('id')
      .where('workspace_id', '=', input.workspaceId)
      .where('keyword', '=', keyword.keyword)
      .executeTakeFirst();
    if (taken) continue;
    await db
      .insertInto('keywords')
      .values({
        workspace_id: input.workspaceId,
        ...keyword,
        target_id: 0,
        match: 'first_word',
        confirm: 1,
        created_at: input.now,
        updated_at: input.now,
      })
      .execute();
  }
}
