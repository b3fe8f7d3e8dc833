import type { Executor } from '../members/members.repo.ts';
import type { InboundStep } from '../messaging/inbound-context.ts';

// SMS surveys in the inbound pipeline: an answer to the question a member was asked.

/** An answer to the member's open survey question. */
export const surveyStep: InboundStep = async () => null;

/** An opt-out stops the member's surveys in progress (no further question is sent). */
export async function stopSurveysFor(_trx: Executor, _input: { workspaceId: number; memberId: number; now: number }): Promise<void> {}
