import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

export const SURVEY_STATUSES = ['draft', 'open', 'closed'] as const;
export const QUESTION_KINDS = ['choice', 'scale', 'nps', 'text', 'yes_no'] as const;
export const RESPONSE_STATUSES = ['in_progress', 'completed', 'handed_off', 'stopped'] as const;
/** A text costs by the segment: a question longer than this would cost four or more. */
export const MAX_PROMPT = 320;
export const MAX_CHOICES = 10;
export const MAX_QUESTIONS = 30;

export const surveyParams = workspaceParams.extend({ surveyId: idParam });
export const questionParams = surveyParams.extend({ questionId: idParam });

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

/** A question as staff write it; choice labels become options A, B, C … in order. */
export const questionInput = z
  .object({
    kind: z.enum(QUESTION_KINDS, { error: `must be one of ${QUESTION_KINDS.join(', ')}` }),
    prompt: text(MAX_PROMPT).min(1, 'is required: the question members are asked'),
    choices: z.array(text(60).min(1, 'must not be empty')).max(MAX_CHOICES, `must list at most ${MAX_CHOICES} options`).optional(),
    min: z.number().int().min(0, 'must be 0 or more').max(10, 'must be at most 10').optional(),
    max: z.number().int().min(1, 'must be 1 or more').max(10, 'must be at most 10').optional(),
  })
  .superRefine((q, ctx) => {
    if (q.kind === 'choice' && (q.choices?.length ?? 0) < 2) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a multiple-choice question needs at least 2 options' });
    }
    if (q.kind === 'scale' && (q.min ?? 1) >= (q.max ?? 5)) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be greater than min' });
    }
  });
export type QuestionInput = z.infer<typeof questionInput>;

const questions = z.array(questionInput).max(MAX_QUESTIONS, `must list at most ${MAX_QUESTIONS} questions`);

export const surveyInput = z.object({
  name: text(120).min(1, 'is required'),
  intro: text(320).default(''),
  outro: text(320).default(''),
  questions: questions.default([]),
});
export type SurveyInput = z.infer<typeof surveyInput>;

export const surveyPatch = z.object({
  name: text(120).min(1, 'is required').optional(),
  intro: text(320).optional(),
  outro: text(320).optional(),
  /** Replaces every question; refused once someone has answered. */
  questions: questions.optional(),
});
export type SurveyPatch = z.infer<typeof surveyPatch>;

export const question = z.object({
  id: z.number(),
  position: z.number(),
  kind: z.enum(QUESTION_KINDS),
  prompt: z.string(),
  choices: z.array(z.object({ key: z.string(), label: z.string() })),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** The question as members get it by SMS. */
  smsText: z.string(),
});

export const surveySummary = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(SURVEY_STATUSES),
  questionCount: z.number(),
  startedCount: z.number(),
  completedCount: z.number(),
  handedOffCount: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const survey = surveySummary.extend({
  intro: z.string(),
  outro: z.string(),
  questions: z.array(question),
  keywords: z.array(z.string()).describe('Keywords that start the survey (managed under Messages → Keywords)'),
  answered: z.boolean().describe('Someone has answered: the questions can no longer change'),
  webPath: z.string().nullable().describe('The public page where the survey is answered on the web (null: not on the web)'),
  webUrl: z.string().nullable().describe('webPath as an absolute address'),
});

export const tally = z.object({ value: z.string(), label: z.string(), count: z.number(), percent: z.number() });
export const textAnswer = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  text: z.string(),
  answeredAt: z.number(),
});

export const questionResult = z.object({
  questionId: z.number(),
  position: z.number(),
  kind: z.enum(QUESTION_KINDS),
  prompt: z.string(),
  answered: z.number(),
  tallies: z.array(tally),
  average: z.number().nullable().describe('Scale and NPS questions'),
  nps: z.number().nullable().describe('NPS questions: % promoters (9–10) minus % detractors (0–6)'),
  recentAnswers: z.array(textAnswer).describe('Free-text questions: the newest answers (page on with /answers)'),
});

export const results = z.object({
  surveyId: z.number(),
  status: z.enum(SURVEY_STATUSES),
  startedCount: z.number(),
  completedCount: z.number(),
  handedOffCount: z.number(),
  inProgressCount: z.number(),
  questions: z.array(questionResult),
});

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: idParam.optional(),
});

export const responsesQuery = pageQuery.extend({
  status: z.enum(RESPONSE_STATUSES).optional(),
});

export const surveyResponse = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  status: z.enum(RESPONSE_STATUSES),
  channel: z.enum(['sms', 'web']),
  currentQuestionId: z.number().nullable(),
  startedAt: z.number(),
  completedAt: z.number().nullable(),
  answers: z.array(z.object({ questionId: z.number(), value: z.string(), label: z.string(), raw: z.string(), answeredAt: z.number() })),
});

const ids = (what: string, max: number, tooMany: string) =>
  z
    .array(
      z
        .number({ error: `must be a ${what} id` })
        .int(`must be a ${what} id`)
        .positive(`must be a ${what} id`),
    )
    .max(max, tooMany)
    .transform((list) => [...new Set(list)])
    .default([]);

const tag = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(50, 'must be at most 50 characters')
  .transform((value) => value.toLowerCase());

/** Who gets the survey: chosen members, and the members of communities (sub-communities included) or with tags. */
export const sendInput = z
  .object({
    memberIds: ids('member', 1_000, 'send to at most 1,000 members at a time'),
    communityIds: ids('community', 500, 'must list at most 500 communities'),
    tags: z
      .array(tag)
      .max(100, 'must list at most 100 tags')
      .transform((list) => [...new Set(list)])
      .default([]),
  })
  .superRefine((input, ctx) => {
    if (input.memberIds.length + input.communityIds.length + input.tags.length > 0) return;
    for (const path of ['memberIds', 'communityIds', 'tags']) {
      ctx.addIssue({ code: 'custom', path: [path], message: 'choose at least one member, community or tag' });
    }
  });
export type SendInput = z.infer<typeof sendInput>;

export const SEND_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

export const sendParams = surveyParams.extend({ sendId: idParam });

/** A send of the survey and its progress: the job asks the members batch by batch and counts as it goes. */
export const surveySend = z.object({
  id: z.number(),
  surveyId: z.number(),
  status: z.enum(SEND_STATUSES).describe('queued → running → done; or cancelled, or failed (see error)'),
  audience: z.object({
    memberCount: z.number().describe('Members chosen by id'),
    communities: z.array(z.object({ id: z.number(), name: z.string() })),
    tags: z.array(z.string()),
  }),
  total: z.number().describe('Members in the audience when the send was made, each counted once'),
  processed: z.number().describe('Members handled so far: started + every skip'),
  started: z.number().describe('Members asked the first question'),
  skipped: z.object({
    noConsent: z.number().describe('No SMS consent (never given, or opted out)'),
    alreadyStarted: z.number().describe('Already answering or handed to a person'),
    alreadyCompleted: z.number(),
    notFound: z.number().describe('Not members of this workspace (or erased, merged, without a phone)'),
    frequencyCap: z.number().describe("Already got as many texts as the workspace's frequency cap allows"),
  }),
  error: z.string().nullable().describe('Why a failed send stopped'),
  createdBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
