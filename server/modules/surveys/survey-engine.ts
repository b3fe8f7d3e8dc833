import type { Executor } from '../members/members.repo.ts';
import type { InboundStep } from '../messaging/inbound-context.ts';

// SMS surveys in the inbound pipeline: an answer to the question a member was asked.

/** An answer to the member's open survey question. */
export const surveyStep: InboundStep = async () => null;

/** An opt-out stops the member's surveys in progress (no further question is sent). */
export async function stopSurveysFor(_trx: Executor, _input: { workspaceId: number; memberId: number; now: number }): Promise<void> {}

export type StartSurveyResult = 'started' | 'resumed' | 'already_completed' | 'not_open';

/**
 * Starts (or, when in progress, asks again the current question of) a survey for a member over SMS, in the caller's
 * transaction: from a keyword (`reply` answers from the number the member texted) or sent by staff.
 */
export async function startSurvey(
  _trx: Executor,
  _input: { workspaceId: number; surveyId: number; memberId: number; phone: string; senderId: number | null; now: number },
): Promise<StartSurveyResult> {
  return 'not_open';
}
