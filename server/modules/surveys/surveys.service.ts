import type { Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { SurveyResponseStatus, SurveysTable } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import type { Clock } from '../../lib/clock.ts';
import { actionPath, uniqueActionSlug } from '../actions/actions.repo.ts';
import { displayName, type Executor, isUniqueViolation } from '../members/members.repo.ts';
import { getDefaultSender } from '../messaging/channels.repo.ts';
import { choiceKey, DEFAULT_SCALE, questionText } from './answer-parsing.ts';
import { type Question, questionsOf } from './survey-engine.ts';
import { SURVEY_SEND_JOB } from './survey-send.job.ts';
import {
  ACTIVE_SEND_STATUSES,
  activeSend,
  countSendAudience,
  findSend,
  type SurveySendRow,
  sendViews,
  storeSendAudience,
} from './survey-sends.repo.ts';
import type { QuestionInput, SendInput, SurveyInput, SurveyPatch } from './surveys.schema.ts';
import { findSurveyAction } from './web-survey.ts';

// Surveys as staff manage them: definitions (draft → open → closed), live results from the tallies, responses, and
// sending a survey by SMS to chosen members, communities and tags (recorded here, carried out by survey-send.job.ts).
// Answering happens in survey-engine.ts.

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };
type SurveyRow = Selectable<SurveysTable>;

const notFound = () =>
  new AppError({ code: 'survey.not_found', status: 404, message: 'There is no survey with this id in the workspace.' });

/** The options column of a question as written by staff. */
function optionsOf(q: QuestionInput): string {
  if (q.kind === 'choice') return JSON.stringify({ choices: (q.choices ?? []).map((label, i) => ({ key: choiceKey(i), label })) });
  if (q.kind === 'scale') return JSON.stringify({ min: q.min ?? DEFAULT_SCALE.min, max: q.max ?? DEFAULT_SCALE.max });
  return '{}';
}

async function insertQuestions(trx: Executor, workspaceId: number, surveyId: number, questions: readonly QuestionInput[], now: number) {
  if (questions.length === 0) return;
  await trx
    .insertInto('survey_questions')
    .values(
      questions.map((q, i) => ({
        workspace_id: workspaceId,
        survey_id: surveyId,
        position: i + 1,
        kind: q.kind,
        prompt: q.prompt,
        options: optionsOf(q),
        created_at: now,
      })),
    )
    .execute();
}

const questionView = (q: Question) => ({
  id: q.id,
  position: q.position,
  kind: q.kind,
  prompt: q.prompt,
  choices: q.kind === 'choice' ? [...q.choices] : [],
  min: q.kind === 'scale' ? q.min : q.kind === 'nps' ? 0 : null,
  max: q.kind === 'scale' ? q.max : q.kind === 'nps' ? 10 : null,
  smsText: questionText(q),
});

/** The values a question's answers can take, in display order, with their labels. */
function answerValues(q: Question): { value: string; label: string }[] {
  switch (q.kind) {
    case 'choice':
      return q.choices.map((c) => ({ value: c.key, label: c.label }));
    case 'scale':
    case 'nps': {
      const [min, max] = q.kind === 'nps' ? [0, 10] : [q.min, q.max];
      return Array.from({ length: max - min + 1 }, (_, i) => ({ value: String(min + i), label: String(min + i) }));
    }
    case 'yes_no':
      return [
        { value: 'yes', label: 'Yes' },
        { value: 'no', label: 'No' },
      ];
    case 'text':
      return [];
  }
}

const labelOf = (q: Question | undefined, value: string) => (q ? (answerValues(q).find((v) => v.value === value)?.label ?? value) : value);

const percent = (count: number, total: number) => (total === 0 ? 0 : Math.round((count / total) * 1000) / 10);

export function createSurveysService({ db, clock, config }: Deps) {
  const jobs = createJobQueue({ db, clock });

  async function requireSurvey(executor: Executor, workspaceId: number, surveyId: number): Promise<SurveyRow> {
    const row = await executor
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', surveyId)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  async function hasAnswers(executor: Executor, workspaceId: number, surveyId: number) {
    const row = await executor
      .selectFrom('survey_answers')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', surveyId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  const summary = (row: SurveyRow, questionCount: number) => ({
    id: row.id,
    name: row.name,
    status: row.status,
    questionCount,
    startedCount: row.started_count,
    completedCount: row.completed_count,
    handedOffCount: row.handed_off_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  /** The survey's public page, relative and absolute, when it was put on the web. */
  async function webOf(executor: Executor, workspaceId: number, surveyId: number) {
    const action = await findSurveyAction(executor, workspaceId, surveyId);
    if (!action) return { webPath: null, webUrl: null };
    const workspace = await executor.selectFrom('workspaces').select('slug').where('id', '=', workspaceId).executeTakeFirstOrThrow();
    const webPath = actionPath(workspace.slug, action);
    return { webPath, webUrl: `${config.publicUrl}${webPath}` };
  }

  async function view(executor: Executor, workspaceId: number, row: SurveyRow) {
    const [questions, keywords, answered, web] = await Promise.all([
      questionsOf(executor, workspaceId, row.id),
      executor
        .selectFrom('keywords')
        .select('keyword')
        .where('workspace_id', '=', workspaceId)
        .where('target_type', '=', 'survey')
        .where('target_id', '=', row.id)
        .orderBy('keyword')
        .execute(),
      hasAnswers(executor, workspaceId, row.id),
      webOf(executor, workspaceId, row.id),
    ]);
    return {
      ...summary(row, questions.length),
      intro: row.intro,
      outro: row.outro,
      questions: questions.map(questionView),
      keywords: keywords.map((k) => k.keyword),
      answered,
      ...web,
    };
  }

  async function list(workspaceId: number) {
    const rows = await db.selectFrom('surveys').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').execute();
    const counts = await db
      .selectFrom('survey_questions')
      .select(['survey_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .groupBy('survey_id')
      .execute();
    const bySurvey = new Map(counts.map((c) => [c.survey_id, Number(c.n)]));
    return rows.map((row) => summary(row, bySurvey.get(row.id) ?? 0));
  }

  async function get(workspaceId: number, surveyId: number) {
    return view(db, workspaceId, await requireSurvey(db, workspaceId, surveyId));
  }

  async function create(createdBy: number | null, workspaceId: number, input: SurveyInput) {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('surveys')
        .values({
          workspace_id: workspaceId,
          name: input.name,
          status: 'draft',
          intro: input.intro,
          outro: input.outro,
          created_by: createdBy,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertQuestions(trx, workspaceId, row.id, input.questions, now);
      return view(trx, workspaceId, row);
    });
  }

  async function update(workspaceId: number, surveyId: number, patch: SurveyPatch) {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const row = await requireSurvey(trx, workspaceId, surveyId);
      if (patch.questions !== undefined) {
        // Answers point at questions: once someone answered, changing them would garble the results.
        if (await hasAnswers(trx, workspaceId, surveyId)) {
          throw new AppError({
            code: 'survey.not_editable',
            status: 409,
            message: 'Members have already answered this survey, so its questions can no longer change. Create a new survey instead.',
          });
        }
        if (patch.questions.length === 0 && row.status === 'open') {
          throw new AppError({
            code: 'survey.invalid',
            status: 400,
            message: 'An open survey needs at least one question.',
            fields: [{ path: 'body.questions', message: 'an open survey needs at least one question' }],
          });
        }
        // Members in progress wait on a question id: point them at the new first question.
        await trx
          .updateTable('survey_responses')
          .set({ question_id: null })
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', '=', surveyId)
          .execute();
        await trx.deleteFrom('survey_tallies').where('workspace_id', '=', workspaceId).where('survey_id', '=', surveyId).execute();
        await trx.deleteFrom('survey_questions').where('workspace_id', '=', workspaceId).where('survey_id', '=', surveyId).execute();
        await insertQuestions(trx, workspaceId, surveyId, patch.questions, now);
        const [first] = await questionsOf(trx, workspaceId, surveyId);
        await trx
          .updateTable('survey_responses')
          .set({ question_id: first?.id ?? null })
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', '=', surveyId)
          .where('status', '=', 'in_progress')
          .execute();
      }
      const updated = await trx
        .updateTable('surveys')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.intro !== undefined ? { intro: patch.intro } : {}),
          ...(patch.outro !== undefined ? { outro: patch.outro } : {}),
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', surveyId)
        .returningAll()
        .executeTakeFirstOrThrow();
      // The web page is titled after the survey.
      if (patch.name !== undefined) {
        await trx
          .updateTable('actions')
          .set({ title: patch.name, updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('type', '=', 'survey')
          .where('survey_id', '=', surveyId)
          .execute();
      }
      return view(trx, workspaceId, updated);
    });
  }

  async function setStatus(workspaceId: number, surveyId: number, status: 'open' | 'closed') {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const row = await requireSurvey(trx, workspaceId, surveyId);
      if (status === 'open') {
        const questions = await questionsOf(trx, workspaceId, surveyId);
        if (questions.length === 0) {
          throw new AppError({
            code: 'survey.invalid',
            status: 400,
            message: 'Add at least one question before opening the survey.',
            fields: [{ path: 'questions', message: 'add at least one question' }],
          });
        }
      } else if (row.status === 'open') {
        // Closing ends the surveys members are in: their next text goes to the inbox.
        await trx
          .updateTable('survey_responses')
          .set({ status: 'stopped', updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', '=', surveyId)
          .where('status', '=', 'in_progress')
          .execute();
      }
      // The web page follows: closed with the survey (it says so), published again when it reopens.
      await trx
        .updateTable('actions')
        .set(
          status === 'open'
            ? { status: 'published', closed_at: null, updated_at: now }
            : { status: 'closed', closed_at: now, updated_at: now },
        )
        .where('workspace_id', '=', workspaceId)
        .where('type', '=', 'survey')
        .where('survey_id', '=', surveyId)
        .where('status', '=', status === 'open' ? 'closed' : 'published')
        .execute();
      const updated = await trx
        .updateTable('surveys')
        .set({ status, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', surveyId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return view(trx, workspaceId, updated);
    });
  }

  /**
   * Puts an open survey on the web: its page (a published 'survey' action, addressed by the survey's name) is created,
   * or the existing one returned. Web answers count in the same results as texted ones.
   */
  async function putOnWeb(createdBy: number | null, workspaceId: number, surveyId: number) {
    const write = () =>
      db.transaction().execute(async (trx) => {
        const row = await requireSurvey(trx, workspaceId, surveyId);
        if (row.status !== 'open') {
          throw new AppError({ code: 'survey.not_open', status: 409, message: 'Open the survey before putting it on the web.' });
        }
        if (!(await findSurveyAction(trx, workspaceId, surveyId))) {
          const now = clock.now();
          await trx
            .insertInto('actions')
            .values({
              workspace_id: workspaceId,
              type: 'survey',
              slug: await uniqueActionSlug(trx, workspaceId, row.name),
              title: row.name,
              summary: row.intro.slice(0, 200),
              description: '',
              status: 'published',
              community_id: null,
              consent_wording: null,
              next_action_id: null,
              share_text: '',
              image_url: null,
              settings: '{}',
              goal: null,
              survey_id: surveyId,
              created_by: createdBy,
              created_at: now,
              updated_at: now,
              published_at: now,
              closed_at: null,
            })
            .execute();
        }
        return view(trx, workspaceId, row);
      });
    // Two clicks at once: the second takes the page the first created.
    return write().catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return write();
    });
  }

  async function remove(workspaceId: number, surveyId: number) {
    const row = await requireSurvey(db, workspaceId, surveyId);
    if (row.status !== 'draft') {
      throw new AppError({
        code: 'survey.not_editable',
        status: 409,
        message: 'Only a draft can be deleted; close the survey instead, its results stay.',
      });
    }
    await db.deleteFrom('surveys').where('workspace_id', '=', workspaceId).where('id', '=', surveyId).execute();
  }

  async function textAnswers(workspaceId: number, questionId: number, page: { limit: number; before?: number | undefined }) {
    let query = db
      .selectFrom('survey_answers as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['a.id', 'a.member_id', 'a.value', 'a.answered_at', 'm.first_name', 'm.last_name'])
      .where('a.workspace_id', '=', workspaceId)
      .where('a.question_id', '=', questionId)
      .orderBy('a.id', 'desc')
      .limit(page.limit + 1);
    if (page.before !== undefined) query = query.where('a.id', '<', page.before);
    const rows = await query.execute();
    const answers = rows.slice(0, page.limit).map((r) => ({
      id: r.id,
      memberId: r.member_id,
      memberName: displayName({ id: r.member_id, first_name: r.first_name, last_name: r.last_name }),
      text: r.value,
      answeredAt: r.answered_at,
    }));
    return { answers, nextCursor: rows.length > page.limit ? (answers.at(-1)?.id ?? null) : null };
  }

  /** Live results from the tallies (no scan of the answers), free-text answers newest first. */
  async function results(workspaceId: number, surveyId: number) {
    const row = await requireSurvey(db, workspaceId, surveyId);
    const [questions, tallies, inProgress] = await Promise.all([
      questionsOf(db, workspaceId, surveyId),
      db
        .selectFrom('survey_tallies')
        .select(['question_id', 'value', 'count'])
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', surveyId)
        .execute(),
      db
        .selectFrom('survey_responses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('survey_id', '=', surveyId)
        .where('status', '=', 'in_progress')
        .executeTakeFirstOrThrow(),
    ]);
    const perQuestion = new Map<number, Map<string, number>>();
    for (const t of tallies) {
      const map = perQuestion.get(t.question_id) ?? new Map<string, number>();
      map.set(t.value, Number(t.count));
      perQuestion.set(t.question_id, map);
    }
    const out = [];
    for (const q of questions) {
      const counts = perQuestion.get(q.id) ?? new Map<string, number>();
      const answered = [...counts.values()].reduce((a, b) => a + b, 0);
      const values = answerValues(q);
      const tallyRows = values.map((v) => ({
        ...v,
        count: counts.get(v.value) ?? 0,
        percent: percent(counts.get(v.value) ?? 0, answered),
      }));
      let average: number | null = null;
      let nps: number | null = null;
      if ((q.kind === 'scale' || q.kind === 'nps') && answered > 0) {
        average = Math.round((tallyRows.reduce((sum, t) => sum + Number(t.value) * t.count, 0) / answered) * 100) / 100;
      }
      if (q.kind === 'nps' && answered > 0) {
        const share = (test: (n: number) => boolean) => tallyRows.filter((t) => test(Number(t.value))).reduce((s, t) => s + t.count, 0);
        nps = Math.round(((share((n) => n >= 9) - share((n) => n <= 6)) / answered) * 100);
      }
      out.push({
        questionId: q.id,
        position: q.position,
        kind: q.kind,
        prompt: q.prompt,
        answered,
        tallies: tallyRows,
        average,
        nps,
        recentAnswers: q.kind === 'text' ? (await textAnswers(workspaceId, q.id, { limit: 10 })).answers : [],
      });
    }
    return {
      surveyId: row.id,
      status: row.status,
      startedCount: row.started_count,
      completedCount: row.completed_count,
      handedOffCount: row.handed_off_count,
      inProgressCount: Number(inProgress.n),
      questions: out,
    };
  }

  async function questionAnswers(
    workspaceId: number,
    surveyId: number,
    questionId: number,
    page: { limit: number; before?: number | undefined },
  ) {
    await requireSurvey(db, workspaceId, surveyId);
    const question = await db
      .selectFrom('survey_questions')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', surveyId)
      .where('id', '=', questionId)
      .executeTakeFirst();
    if (!question) throw notFound();
    return textAnswers(workspaceId, questionId, page);
  }

  async function responses(
    workspaceId: number,
    surveyId: number,
    query: { limit: number; before?: number | undefined; status?: SurveyResponseStatus | undefined },
  ) {
    await requireSurvey(db, workspaceId, surveyId);
    let q = db
      .selectFrom('survey_responses as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select([
        'r.id',
        'r.member_id',
        'r.status',
        'r.channel',
        'r.question_id',
        'r.started_at',
        'r.completed_at',
        'm.first_name',
        'm.last_name',
      ])
      .where('r.workspace_id', '=', workspaceId)
      .where('r.survey_id', '=', surveyId)
      .orderBy('r.id', 'desc')
      .limit(query.limit + 1);
    if (query.status !== undefined) q = q.where('r.status', '=', query.status);
    if (query.before !== undefined) q = q.where('r.id', '<', query.before);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const questions = new Map((await questionsOf(db, workspaceId, surveyId)).map((x) => [x.id, x]));
    const answers =
      page.length === 0
        ? []
        : await db
            .selectFrom('survey_answers')
            .select(['response_id', 'question_id', 'value', 'raw', 'answered_at'])
            .where('workspace_id', '=', workspaceId)
            .where(
              'response_id',
              'in',
              page.map((r) => r.id),
            )
            .orderBy('id')
            .execute();
    return {
      responses: page.map((r) => ({
        id: r.id,
        memberId: r.member_id,
        memberName: displayName({ id: r.member_id, first_name: r.first_name, last_name: r.last_name }),
        status: r.status,
        channel: r.channel,
        currentQuestionId: r.question_id,
        startedAt: r.started_at,
        completedAt: r.completed_at,
        answers: answers
          .filter((a) => a.response_id === r.id)
          .map((a) => ({
            questionId: a.question_id,
            value: a.value,
            label: labelOf(questions.get(a.question_id), a.value),
            raw: a.raw,
            answeredAt: a.answered_at,
          })),
      })),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** The survey, open, and the sender it is texted from; every community chosen is one of the workspace's. */
  async function sendable(workspaceId: number, surveyId: number, communityIds: readonly number[]) {
    const row = await requireSurvey(db, workspaceId, surveyId);
    if (communityIds.length > 0) {
      const found = new Set(
        (
          await db
            .selectFrom('communities')
            .select('id')
            .where('workspace_id', '=', workspaceId)
            .where('id', 'in', [...communityIds])
            .execute()
        ).map((r) => Number(r.id)),
      );
      const missing = communityIds.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new AppError({
          code: 'survey.invalid',
          status: 400,
          message: 'Some communities are not in this workspace.',
          fields: [
            {
              path: 'body.communityIds',
              message: `has ids that are not communities of this workspace: ${missing.slice(0, 20).join(', ')}`,
            },
          ],
        });
      }
    }
    if (row.status !== 'open') {
      throw new AppError({ code: 'survey.not_open', status: 409, message: 'Open the survey before sending it.' });
    }
    const sender = await getDefaultSender(db, workspaceId, 'sms');
    if (!sender) {
      throw new AppError({ code: 'survey.invalid', status: 409, message: 'The workspace has no SMS sender: add one under Channels.' });
    }
    return { senderId: sender.id };
  }

  const sendInProgress = (active: { processed: number; total: number } | undefined) =>
    new AppError({
      code: 'survey.send_in_progress',
      status: 409,
      message: `This survey is already being sent${
        active ? ` (${active.processed.toLocaleString('en-US')} of ${active.total.toLocaleString('en-US')} members so far)` : ''
      }. Wait for that send to finish, or cancel it, before sending again.`,
    });

  const sendNotFound = () => new AppError({ code: 'survey.send_not_found', status: 404, message: 'This survey has no send with this id.' });

  async function sendView(executor: Executor, workspaceId: number, row: SurveySendRow) {
    const [view] = await sendViews(executor, workspaceId, [row]);
    return view as NonNullable<typeof view>;
  }

  /**
   * Records a send of the survey's first question to chosen members and to the members of communities (sub-communities
   * included) or with tags, and enqueues the job that carries it out (survey-send.job.ts: only members with SMS
   * consent, each once, inside their own sending window, from the workspace's default SMS sender). One send per
   * survey at a time.
   */
  async function send(createdBy: number | null, workspaceId: number, surveyId: number, input: SendInput) {
    const { senderId } = await sendable(workspaceId, surveyId, input.communityIds);
    const running = await activeSend(db, workspaceId, surveyId);
    if (running) throw sendInProgress(running);
    const audience = { memberIds: input.memberIds, communityIds: input.communityIds, tags: input.tags };
    // Counted before the write: a large audience is not counted inside SQLite's one write transaction.
    const total = await countSendAudience(db, workspaceId, audience);
    try {
      return await db.transaction().execute(async (trx) => {
        const now = clock.now();
        const active = await activeSend(trx, workspaceId, surveyId);
        if (active) throw sendInProgress(active);
        const row = await trx
          .insertInto('survey_sends')
          .values({
            workspace_id: workspaceId,
            survey_id: surveyId,
            audience: storeSendAudience(audience),
            sender_id: senderId,
            status: 'queued',
            total,
            created_by: createdBy,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await jobs.enqueue(trx, {
          type: SURVEY_SEND_JOB,
          payload: { workspaceId, sendId: row.id },
          workspaceId,
          priority: PRIORITY.bulk,
          idempotencyKey: `survey-send:${row.id}`,
        });
        return sendView(trx, workspaceId, row);
      });
    } catch (error) {
      // Two sends at once: the other one took the survey's only active slot (survey_sends_active_uq).
      if (isUniqueViolation(error)) throw sendInProgress(await activeSend(db, workspaceId, surveyId));
      throw error;
    }
  }

  /** The survey's sends, latest first, with their progress. */
  async function listSends(workspaceId: number, surveyId: number, page: { limit: number; before?: number | undefined }) {
    await requireSurvey(db, workspaceId, surveyId);
    let query = db
      .selectFrom('survey_sends')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', surveyId)
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query.execute();
    const sends = await sendViews(db, workspaceId, rows.slice(0, page.limit));
    return { sends, nextCursor: rows.length > page.limit ? (sends.at(-1)?.id ?? null) : null };
  }

  async function requireSend(executor: Executor, workspaceId: number, surveyId: number, sendId: number) {
    const row = await findSend(executor, workspaceId, sendId);
    if (!row || row.survey_id !== surveyId) throw sendNotFound();
    return row;
  }

  async function getSend(workspaceId: number, surveyId: number, sendId: number) {
    return sendView(db, workspaceId, await requireSend(db, workspaceId, surveyId, sendId));
  }

  /** Cancels a queued or running send: the job stops after the batch it is writing; members already asked stay asked. */
  async function cancelSend(workspaceId: number, surveyId: number, sendId: number) {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const row = await requireSend(trx, workspaceId, surveyId, sendId);
      const cancelled = await trx
        .updateTable('survey_sends')
        .set({ status: 'cancelled', finished_at: now, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', sendId)
        .where('status', 'in', [...ACTIVE_SEND_STATUSES])
        .returningAll()
        .executeTakeFirst();
      if (!cancelled) {
        throw new AppError({
          code: 'survey.send_finished',
          status: 409,
          message: `This send has already ${row.status === 'done' ? 'finished' : row.status === 'failed' ? 'failed' : 'been cancelled'}.`,
        });
      }
      return sendView(trx, workspaceId, cancelled);
    });
  }
  return {
    list,
    get,
    create,
    update,
    setStatus,
    putOnWeb,
    remove,
    results,
    questionAnswers,
    responses,
    send,
    listSends,
    getSend,
    cancelSend,
  };
}

/** The demo workspace's open survey, so the dashboard and the simulator have something to answer. */
export async function seedDemoSurvey(db: Executor, input: { workspaceId: number; now: number }): Promise<number> {
  const { workspaceId, now } = input;
  const row = await db
    .insertInto('surveys')
    .values({
      workspace_id: workspaceId,
      name: 'Transit survey',
      status: 'open',
      intro: 'Three quick questions about getting around town.',
      outro: 'Thank you! We will share the results at the next meeting.',
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertQuestions(
    db,
    workspaceId,
    row.id,
    [
      { kind: 'choice', prompt: 'How do you usually get to work?', choices: ['Transit', 'Bike', 'Car', 'Walk'] },
      { kind: 'scale', prompt: 'How safe do the streets near you feel?', min: 1, max: 5 },
      { kind: 'text', prompt: 'What one change would help most?' },
    ],
    now,
  );
  return row.id;
}
