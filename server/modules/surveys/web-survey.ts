import type { Transaction } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import type { Database, SurveyStatus } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { sha256 } from '../../lib/tokens.ts';
import { type ActionRow, bumpTaken, findActionPage } from '../actions/actions.repo.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { FieldProblem, Lang } from '../communities/join.service.ts';
import { verifyMemberToken } from '../links/member-token.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { type Executor, findLiveMembersByPhones, findMember, insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { attribute } from '../referrals/referrals.repo.ts';
import { MAX_TEXT_ANSWER, parseAnswer } from './answer-parsing.ts';
import { bumpSurvey, countAnswer, type Question, questionsOf } from './survey-engine.ts';

// Surveys answered on a public page (server/pages/survey.routes.ts renders it). The page is an `actions` row of type
// 'survey' pointing at the survey (survey_id): the questions, the parser, the tallies, the counters and the 'answered'
// activities are the SMS survey's own, so web and SMS answers land in the same results. All questions are answered at
// once; the respondent is found or created by phone and answers once, whatever the channel.

export type WebSurveyContext = {
  action: ActionRow;
  survey: { id: number; name: string; intro: string; outro: string; status: SurveyStatus };
  questions: Question[];
  workspace: { id: number; name: string; slug: string; defaultCountry: string; timezone: string };
};

/** The form's name of a question's field. */
export const answerField = (questionId: number) => `q${questionId}`;

export type SurveyProblem =
  | FieldProblem
  | { kind: 'answer_missing'; question: Question }
  | { kind: 'answer_invalid'; question: Question }
  | { kind: 'answer_too_long'; max: number };

export type WebSurveyForm = {
  /** The raw value of each question's field, by question id. */
  answers: Record<number, string>;
  firstName: string;
  phone: string;
  email: string;
  consent: boolean;
  wordingFingerprint: string;
  honeypot: string;
  /** The ?ref= share code the page carried, and the source. */
  ref?: string;
  source?: string;
};

export type WebSurveyMeta = { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string };

export type WebAnswerResult =
  | { kind: 'answered'; firstName: string | null }
  | { kind: 'already'; firstName: string | null }
  | { kind: 'invalid'; problems: Record<string, SurveyProblem> }
  | { kind: 'closed' };

export type WebSurveyPrefill = { firstName: string; phone: string; email: string; answered: boolean };

const DEFAULT_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) =>
    `I agree to receive recurring texts from ${w} about this survey and related actions. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of answering.`,
  es: (w) =>
    `Acepto recibir mensajes de texto recurrentes de ${w} sobre esta encuesta y acciones relacionadas. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. El consentimiento no es una condición para responder.`,
};

/** The exact consent sentence beside the checkbox, recorded in the ledger when ticked. */
export function surveyConsentWording(ctx: Pick<WebSurveyContext, 'action' | 'workspace'>, lang: Lang): string {
  return ctx.action.consent_wording ?? DEFAULT_WORDING[lang](ctx.workspace.name);
}

export const wordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

const emailSchema = z.email();

/** The web page of a survey (its 'survey' action), if it was put on the web. */
export async function findSurveyAction(executor: Executor, workspaceId: number, surveyId: number): Promise<ActionRow | undefined> {
  return executor
    .selectFrom('actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('type', '=', 'survey')
    .where('survey_id', '=', surveyId)
    .orderBy('id')
    .executeTakeFirst();
}

/** The member's response to the survey, by any channel. */
async function responseOf(executor: Executor, workspaceId: number, surveyId: number, memberId: number) {
  return executor
    .selectFrom('survey_responses')
    .select(['id', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
}

/**
 * Stores a member's answers given on the web, in the caller's transaction: a completed response of channel 'web', each
 * answer with its tally and 'answered' activity, the survey's counters. A member who already completed the survey (by
 * SMS or on the web) changes nothing ('already'). A member halfway through it by SMS finishes it here: the answers they
 * texted stay, the others are added, and their next text is no longer taken as an answer.
 */
export async function answerOnWeb(
  trx: Executor,
  input: {
    workspaceId: number;
    surveyId: number;
    memberId: number;
    answers: readonly { question: Question; value: string; raw: string }[];
    now: number;
  },
): Promise<'answered' | 'already'> {
  const { workspaceId, surveyId, memberId, now } = input;
  const existing = await responseOf(trx, workspaceId, surveyId, memberId);
  if (existing?.status === 'completed') return 'already';
  let responseId: number;
  if (existing) {
    const finished = await trx
      .updateTable('survey_responses')
      .set({ status: 'completed', question_id: null, reasks: 0, completed_at: now, updated_at: now })
      .where('id', '=', existing.id)
      .where('status', '!=', 'completed')
      .returning('id')
      .executeTakeFirst();
    if (!finished) return 'already';
    responseId = existing.id;
  } else {
    const created = await trx
      .insertInto('survey_responses')
      .values({
        workspace_id: workspaceId,
        survey_id: surveyId,
        member_id: memberId,
        channel: 'web',
        status: 'completed',
        question_id: null,
        reasks: 0,
        sender_id: null,
        started_at: now,
        updated_at: now,
        completed_at: now,
      })
      .onConflict((oc) => oc.columns(['survey_id', 'member_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    // Answered a moment ago in another request (a double tap): that one counted.
    if (!created) return 'already';
    responseId = created.id;
    await bumpSurvey(trx, workspaceId, surveyId, 'started_count', now);
  }
  await bumpSurvey(trx, workspaceId, surveyId, 'completed_count', now);
  for (const answer of input.answers) {
    const inserted = await trx
      .insertInto('survey_answers')
      .values({
        workspace_id: workspaceId,
        survey_id: surveyId,
        response_id: responseId,
        question_id: answer.question.id,
        member_id: memberId,
        value: answer.value,
        raw: answer.raw.slice(0, 2_000),
        message_id: null,
        answered_at: now,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['response_id', 'question_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    // Answered by SMS before: that answer stands and is already counted.
    if (!inserted) continue;
    await countAnswer(trx, { workspaceId, surveyId, memberId, question: answer.question, value: answer.value, occurredAt: now, now });
  }
  return 'answered';
}

type Deps = { db: Db; clock: Clock; appSecret: string };

export type WebSurveys = ReturnType<typeof createWebSurveys>;

/** What the public survey page needs: its context, a recognized member's details, and answering. */
export function createWebSurveys({ db, clock, appSecret }: Deps) {
  async function findContext(workspaceSlug: string, slug: string): Promise<WebSurveyContext | null> {
    const page = await findActionPage(db, workspaceSlug, 'survey', slug);
    if (!page || page.action.survey_id === null) return null;
    const { action, workspace } = page;
    const survey = await db
      .selectFrom('surveys')
      .select(['id', 'name', 'intro', 'outro', 'status'])
      .where('workspace_id', '=', action.workspace_id)
      .where('id', '=', action.survey_id)
      .executeTakeFirst();
    if (!survey) return null;
    return { action, survey, questions: await questionsOf(db, action.workspace_id, survey.id), workspace };
  }

  /** What the page shows of a member who arrived from a tracked link (?gsm=), or null. */
  async function prefill(ctx: WebSurveyContext, token: string): Promise<WebSurveyPrefill | null> {
    const who = verifyMemberToken(appSecret, token, clock.now());
    if (!who || who.workspaceId !== ctx.workspace.id) return null;
    const member = await findMember(db, ctx.workspace.id, who.memberId);
    if (!member || member.merged_into !== null || member.erased_at !== null) return null;
    const phone = member.phone ? parsePhoneNumberFromString(member.phone) : undefined;
    const response = await responseOf(db, ctx.workspace.id, ctx.survey.id, member.id);
    return {
      firstName: member.first_name ?? '',
      phone: phone ? (phone.country === ctx.workspace.defaultCountry ? phone.formatNational() : phone.number) : (member.phone ?? ''),
      email: member.email ?? '',
      answered: response?.status === 'completed',
    };
  }

  function validate(ctx: WebSurveyContext, form: WebSurveyForm, lang: Lang) {
    const problems: Record<string, SurveyProblem> = {};
    const answers: { question: Question; value: string; raw: string }[] = [];
    for (const question of ctx.questions) {
      const field = answerField(question.id);
      const raw = form.answers[question.id] ?? '';
      if (raw.trim() === '') problems[field] = { kind: 'answer_missing', question };
      else if (question.kind === 'text' && raw.trim().length > MAX_TEXT_ANSWER)
        problems[field] = { kind: 'answer_too_long', max: MAX_TEXT_ANSWER };
      else {
        // The same reading as a texted answer: a tampered option or an out-of-range number is refused here too.
        const parsed = parseAnswer(question, raw);
        if (parsed.ok) answers.push({ question, value: parsed.value, raw: raw.trim() });
        else problems[field] = { kind: 'answer_invalid', question };
      }
    }

    const firstName = form.firstName.trim();
    if (firstName === '') problems.firstName = { kind: 'required' };
    else if (firstName.length > 80) problems.firstName = { kind: 'too_long', max: 80 };

    let phone: { e164: string } | null = null;
    const parsed = normalizePhone(form.phone, ctx.workspace.defaultCountry);
    if (form.phone.trim() === '') problems.phone = { kind: 'required' };
    else if (!parsed.ok) problems.phone = { kind: 'invalid_phone' };
    else if (parsed.country !== ctx.workspace.defaultCountry)
      problems.phone = { kind: 'other_country', country: ctx.workspace.defaultCountry };
    else if (parsed.type === 'landline') problems.phone = { kind: 'landline' };
    else phone = { e164: parsed.e164 };

    const email = form.email.trim().toLowerCase();
    if (email !== '' && (email.length > 254 || !emailSchema.safeParse(email).success)) problems.email = { kind: 'invalid_email' };

    if (form.consent && form.wordingFingerprint !== wordingFingerprint(surveyConsentWording(ctx, lang))) {
      problems.consent = { kind: 'wording_changed' };
    }
    return { problems, answers, firstName, phone, email: email || null };
  }

  async function answer(ctx: WebSurveyContext, form: WebSurveyForm, meta: WebSurveyMeta): Promise<WebAnswerResult> {
    if (ctx.action.status !== 'published' || ctx.survey.status !== 'open') return { kind: 'closed' };
    // A bot: answer like a success; nothing is stored.
    if (form.honeypot.trim() !== '') return { kind: 'answered', firstName: form.firstName.trim() || null };
    const value = validate(ctx, form, meta.lang);
    const phone = value.phone;
    if (Object.keys(value.problems).length > 0 || !phone) return { kind: 'invalid', problems: value.problems };
    const now = clock.now();
    const attempt = () => db.transaction().execute((trx) => store(trx, ctx, form, { ...value, phone }, meta, now));
    // Two submissions at once (a double tap of a new number): the second sees what the first wrote.
    return attempt().catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return attempt();
    });
  }

  async function store(
    trx: Transaction<Database>,
    ctx: WebSurveyContext,
    form: WebSurveyForm,
    value: ReturnType<typeof validate> & { phone: NonNullable<ReturnType<typeof validate>['phone']> },
    meta: WebSurveyMeta,
    now: number,
  ): Promise<WebAnswerResult> {
    const ws = ctx.workspace.id;
    // The survey may have closed since the page was read.
    const survey = await trx
      .selectFrom('surveys')
      .select('status')
      .where('workspace_id', '=', ws)
      .where('id', '=', ctx.survey.id)
      .executeTakeFirst();
    if (survey?.status !== 'open') return { kind: 'closed' };

    const found = (await findLiveMembersByPhones(trx, ws, [value.phone.e164]))[0];
    let memberId: number;
    if (found) {
      memberId = found.id;
      const response = await responseOf(trx, ws, ctx.survey.id, memberId);
      if (response?.status === 'completed') return { kind: 'already', firstName: found.first_name };
      // Fill what the member record lacks; never overwrite what is there.
      await trx
        .updateTable('members')
        .set({
          ...(found.first_name === null ? { first_name: value.firstName, name_key: nameKeyOf(value.firstName, found.last_name) } : {}),
          ...(found.email === null && value.email ? { email: value.email } : {}),
          last_active_at: now,
          updated_at: now,
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', memberId)
        .execute();
    } else {
      const { value: fields } = normalizeMemberFields(
        { firstName: value.firstName, phone: value.phone.e164, email: value.email, language: meta.lang, source: 'survey' },
        { defaultCountry: ctx.workspace.defaultCountry, workspaceTimezone: ctx.workspace.timezone },
      );
      memberId = await insertMember(trx, { workspaceId: ws, fields, at: now });
      await recordActivities(
        trx,
        [{ workspaceId: ws, memberId, type: 'created', data: { source: 'survey', actionId: ctx.action.id }, occurredAt: now }],
        now,
      );
    }

    const stored = await answerOnWeb(trx, { workspaceId: ws, surveyId: ctx.survey.id, memberId, answers: value.answers, now });
    if (stored === 'already') return { kind: 'already', firstName: found?.first_name ?? value.firstName };
    await bumpTaken(trx, ws, ctx.action.id, 1, now);
    // Came through another member's share link: credit them (once per member and survey page).
    if (form.ref)
      await attribute(trx, { workspaceId: ws, actionId: ctx.action.id, memberId, ref: form.ref, source: form.source ?? null, now });

    // Consent only when the box is ticked, recorded with the words shown beside it.
    if (form.consent && found?.sms_consent !== 'granted') {
      await appendConsent(trx, appSecret, {
        workspaceId: ws,
        memberId,
        channel: 'sms',
        status: 'granted',
        method: 'web_form',
        address: value.phone.e164,
        wording: surveyConsentWording(ctx, meta.lang),
        sourceUrl: meta.sourceUrl.slice(0, 500),
        ip: meta.ip,
        userAgent: meta.userAgent,
        at: now,
      });
    }
    return { kind: 'answered', firstName: found?.first_name ?? value.firstName };
  }

  return { findContext, prefill, answer };
}
