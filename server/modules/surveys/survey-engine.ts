import { type Selectable, sql } from 'kysely';
import type { SurveyQuestionsTable } from '../../db/schema.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { complianceTexts, withFirstMessageFooter } from '../messaging/compliance-texts.ts';
import type { InboundStep } from '../messaging/inbound-context.ts';
import { queueReply } from '../messaging/outbox.ts';
import { answerHint, type Choice, DEFAULT_SCALE, type ParsableQuestion, parseAnswer, questionText } from './answer-parsing.ts';

// SMS surveys in the inbound pipeline: a member is asked one question at a time; each text they send while a survey
// is in progress answers the question waiting (survey_responses.question_id). Everything runs in the caller's
// transaction (the inbound job's, or the staff send's), so an answer, its tally, the activity and the next question
// are written together or not at all.

export type QuestionRow = Selectable<SurveyQuestionsTable>;
export type Question = ParsableQuestion & { id: number; position: number; prompt: string };

/** A question row as the parser and the texts need it (options are JSON: choices, or a scale's bounds). */
export function readQuestion(row: Pick<QuestionRow, 'id' | 'position' | 'kind' | 'prompt' | 'options'>): Question {
  const base = { id: row.id, position: row.position, prompt: row.prompt };
  let options: { choices?: Choice[]; min?: number; max?: number } = {};
  try {
    options = JSON.parse(row.options) as typeof options;
  } catch {
    // A broken options column reads as no options: the question still asks, with defaults.
  }
  switch (row.kind) {
    case 'choice':
      return { ...base, kind: 'choice', choices: options.choices ?? [] };
    case 'scale':
      return { ...base, kind: 'scale', min: options.min ?? DEFAULT_SCALE.min, max: options.max ?? DEFAULT_SCALE.max };
    default:
      return { ...base, kind: row.kind };
  }
}

export async function questionsOf(trx: Executor, workspaceId: number, surveyId: number): Promise<Question[]> {
  const rows = await trx
    .selectFrom('survey_questions')
    .select(['id', 'position', 'kind', 'prompt', 'options'])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(readQuestion);
}

/** The tally key of an answer: free-text answers are counted together under '*'. */
export const tallyValue = (kind: Question['kind'], value: string) => (kind === 'text' ? '*' : value);

/**
 * Counts one stored answer, whatever its channel: the question's tally and the member's 'answered' activity, in the
 * caller's transaction (the answer row itself is the caller's, so it can skip an answer already stored).
 */
export async function countAnswer(
  trx: Executor,
  input: { workspaceId: number; surveyId: number; memberId: number; question: Question; value: string; occurredAt: number; now: number },
): Promise<void> {
  const { workspaceId, surveyId, question } = input;
  await trx
    .insertInto('survey_tallies')
    .values({
      workspace_id: workspaceId,
      survey_id: surveyId,
      question_id: question.id,
      value: tallyValue(question.kind, input.value),
      count: 1,
    })
    .onConflict((oc) => oc.columns(['question_id', 'value']).doUpdateSet({ count: sql`survey_tallies.count + 1` }))
    .execute();
  await recordActivities(
    trx,
    [
      {
        workspaceId,
        memberId: input.memberId,
        type: 'answered',
        subjectType: 'survey',
        subjectId: surveyId,
        data: { questionId: question.id, value: input.value },
        occurredAt: input.occurredAt,
      },
    ],
    input.now,
  );
}

type SurveyCounter = 'started_count' | 'completed_count' | 'handed_off_count';

/** Bumps one of a survey's counters in the caller's transaction. */
export async function bumpSurvey(trx: Executor, workspaceId: number, surveyId: number, counter: SurveyCounter, now: number) {
  const plusOne = sql<number>`${sql.ref(counter)} + 1`;
  const set =
    counter === 'started_count'
      ? { started_count: plusOne }
      : counter === 'completed_count'
        ? { completed_count: plusOne }
        : { handed_off_count: plusOne };
  await trx
    .updateTable('surveys')
    .set({ ...set, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', surveyId)
    .execute();
}

/** When to send a staff-sent survey: inside the member's sending window (see quiet-hours.ts), at automation priority. */
export type Schedule = { sendAt: number; expiresAt: number | null };

/**
 * Queues one survey text to a member. The first text a member ever gets identifies the organization and says how to
 * opt out. A reply goes from the number the member texted; a staff send from the survey's sender at its scheduled time.
 */
async function textMember(
  trx: Executor,
  input: { workspaceId: number; memberId: number; phone: string; senderId: number | null; body: string; now: number; schedule?: Schedule },
): Promise<number | null> {
  const texted = await trx
    .selectFrom('messages')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('member_id', '=', input.memberId)
    .where('direction', '=', 'out')
    .where('kind', '<>', 'test')
    .where('state', 'not in', ['cancelled', 'failed'])
    .limit(1)
    .executeTakeFirst();
  let body = input.body;
  if (!texted) {
    const [workspace, member] = await Promise.all([
      trx
        .selectFrom('workspaces')
        .select(['name', 'help_text', 'opt_out_text', 'opt_in_text', 'first_message_footer'])
        .where('id', '=', input.workspaceId)
        .executeTakeFirstOrThrow(),
      trx.selectFrom('members').select('language').where('id', '=', input.memberId).executeTakeFirstOrThrow(),
    ]);
    body = withFirstMessageFooter(body, complianceTexts(workspace, member.language).firstMessageFooter, workspace.name);
  }
  const id = await queueReply(trx, {
    workspaceId: input.workspaceId,
    memberId: input.memberId,
    to: input.phone,
    body,
    senderId: input.senderId,
    kind: input.schedule ? 'automation' : 'reply',
    now: input.now,
  });
  if (id !== null && input.schedule) {
    await trx
      .updateTable('messages')
      .set({ send_at: input.schedule.sendAt, expires_at: input.schedule.expiresAt, priority: PRIORITY.automation })
      .where('id', '=', id)
      .execute();
  }
  return id;
}

/** The member's survey waiting for an answer (the latest one touched, should there be several). */
async function responseInProgress(trx: Executor, workspaceId: number, memberId: number) {
  return trx
    .selectFrom('survey_responses as r')
    .innerJoin('surveys as s', 's.id', 'r.survey_id')
    .select(['r.id', 'r.survey_id', 'r.question_id', 'r.reasks', 'r.sender_id', 's.status as survey_status', 's.outro', 's.name'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.member_id', '=', memberId)
    .where('r.status', '=', 'in_progress')
    .where('s.workspace_id', '=', workspaceId)
    .orderBy('r.updated_at', 'desc')
    .orderBy('r.id', 'desc')
    .executeTakeFirst();
}

/**
 * How long an inbound text of a member in a survey waits before it is processed: a text sent a little earlier that
 * arrives a little later (providers do not promise order) is then still taken first (see processInbound).
 */
export const SURVEY_SETTLE_MS = 2_000;

/** True when the member has a survey waiting for an answer (the inbound settle delay depends on it). */
export async function hasSurveyInProgress(trx: Executor, workspaceId: number, memberId: number): Promise<boolean> {
  return (await responseInProgress(trx, workspaceId, memberId)) !== undefined;
}

const DEFAULT_OUTRO = 'Thank you for answering!';

/** An answer to the member's open survey question. */
export const surveyStep: InboundStep = async (ctx) => {
  const { trx, workspaceId, memberId, now } = ctx;
  const response = await responseInProgress(trx, workspaceId, memberId);
  if (!response || response.question_id === null || response.survey_status !== 'open') return null;
  // The same text taken twice (a job run again) answers nothing more.
  const seen = await trx
    .selectFrom('survey_answers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('response_id', '=', response.id)
    .where('message_id', '=', ctx.message.id)
    .executeTakeFirst();
  if (seen) return 'survey_answer';
  const questions = await questionsOf(trx, workspaceId, response.survey_id);
  const index = questions.findIndex((q) => q.id === response.question_id);
  const question = questions[index];
  if (!question) return null;
  const parsed = parseAnswer(question, ctx.message.body);

  if (!parsed.ok) {
    if (response.reasks === 0) {
      await trx.updateTable('survey_responses').set({ reasks: 1, updated_at: now }).where('id', '=', response.id).execute();
      await ctx.reply(`${answerHint(question)}.\n${questionText(question)}`);
      return 'survey_answer';
    }
    // Twice unreadable: a person takes the conversation from here.
    await trx
      .updateTable('survey_responses')
      .set({ status: 'handed_off', updated_at: now })
      .where('id', '=', response.id)
      .where('status', '=', 'in_progress')
      .execute();
    await bumpSurvey(trx, workspaceId, response.survey_id, 'handed_off_count', now);
    return 'inbox';
  }

  const inserted = await trx
    .insertInto('survey_answers')
    .values({
      workspace_id: workspaceId,
      survey_id: response.survey_id,
      response_id: response.id,
      question_id: question.id,
      member_id: memberId,
      value: parsed.value,
      raw: ctx.message.body.slice(0, 2_000),
      message_id: ctx.message.id,
      answered_at: ctx.message.receivedAt,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['response_id', 'question_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  // Already answered (a text delivered twice under two ids): nothing changes, nothing is sent.
  if (!inserted) return 'survey_answer';
  await countAnswer(trx, {
    workspaceId,
    surveyId: response.survey_id,
    memberId,
    question,
    value: parsed.value,
    occurredAt: ctx.message.receivedAt,
    now,
  });

  const next = questions[index + 1];
  if (next) {
    await trx
      .updateTable('survey_responses')
      .set({ question_id: next.id, reasks: 0, updated_at: now })
      .where('id', '=', response.id)
      .execute();
    await ctx.reply(questionText(next));
  } else {
    await trx
      .updateTable('survey_responses')
      .set({ status: 'completed', question_id: null, reasks: 0, completed_at: now, updated_at: now })
      .where('id', '=', response.id)
      .execute();
    await bumpSurvey(trx, workspaceId, response.survey_id, 'completed_count', now);
    await ctx.reply(response.outro.trim() || DEFAULT_OUTRO);
  }
  return 'survey_answer';
};

/** An opt-out stops the member's surveys in progress (no further question is sent). */
export async function stopSurveysFor(trx: Executor, input: { workspaceId: number; memberId: number; now: number }): Promise<void> {
  await trx
    .updateTable('survey_responses')
    .set({ status: 'stopped', updated_at: input.now })
    .where('workspace_id', '=', input.workspaceId)
    .where('member_id', '=', input.memberId)
    .where('status', '=', 'in_progress')
    .execute();
}

export type StartSurveyResult = 'started' | 'resumed' | 'already_completed' | 'not_open';

type StartInput = { workspaceId: number; surveyId: number; memberId: number; phone: string; senderId: number | null; now: number };

/**
 * Starts (or, when in progress, asks again the current question of) a survey for a member over SMS, in the caller's
 * transaction: from a keyword (`reply` answers from the number the member texted) or sent by staff.
 * 'not_open' (nothing sent) also when the member opted out: an opted-out member is never texted.
 */
export async function startSurvey(trx: Executor, input: StartInput): Promise<StartSurveyResult> {
  return beginSurvey(trx, input);
}

/** startSurvey, optionally scheduled inside the member's sending window (staff sends). */
export async function beginSurvey(trx: Executor, input: StartInput, schedule?: Schedule): Promise<StartSurveyResult> {
  const { workspaceId, surveyId, memberId, now } = input;
  const survey = await trx
    .selectFrom('surveys')
    .select(['id', 'name', 'status', 'intro'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', surveyId)
    .executeTakeFirst();
  if (survey?.status !== 'open') return 'not_open';
  const member = await trx
    .selectFrom('members')
    .select('sms_consent')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  if (!member || member.sms_consent === 'revoked') return 'not_open';
  const questions = await questionsOf(trx, workspaceId, surveyId);
  const first = questions[0];
  if (!first) return 'not_open';
  const send = (body: string) => textMember(trx, { ...input, body, ...(schedule ? { schedule } : {}) });

  const existing = await trx
    .selectFrom('survey_responses')
    .select(['id', 'status', 'question_id'])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (existing?.status === 'completed') {
    await send(`You already answered ${survey.name}. Thank you!`);
    return 'already_completed';
  }
  if (existing) {
    // In progress, handed to a person or stopped by an opt-out: the member asked again, so ask where they left off.
    const current = questions.find((q) => q.id === existing.question_id) ?? first;
    await trx
      .updateTable('survey_responses')
      .set({ status: 'in_progress', question_id: current.id, reasks: 0, sender_id: input.senderId, updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    await send(questionText(current));
    return 'resumed';
  }
  const created = await trx
    .insertInto('survey_responses')
    .values({
      workspace_id: workspaceId,
      survey_id: surveyId,
      member_id: memberId,
      channel: 'sms',
      status: 'in_progress',
      question_id: first.id,
      reasks: 0,
      sender_id: input.senderId,
      started_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['survey_id', 'member_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  // Started a moment ago by someone else (a keyword and a staff send at once): that start already asked.
  if (!created) return 'resumed';
  await bumpSurvey(trx, workspaceId, surveyId, 'started_count', now);
  const intro = survey.intro.trim();
  await send(intro ? `${intro}\n${questionText(first)}` : questionText(first));
  return 'started';
}
