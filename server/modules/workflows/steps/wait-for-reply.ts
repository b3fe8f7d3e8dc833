import type { StepOf } from '../../../../common/workflows.ts';
import { parseAnswer } from '../../surveys/answer-parsing.ts';
import type { StepExecutor } from './types.ts';

// wait_for_reply: entering the step parks the run until the timeout with waiting_reply_since set. The member's next
// text reaches the run through the inbound pipeline (../inbound.ts), which reads it with the survey answer parser and
// records the exit taken on this step's result; the run then goes on from there. A text it cannot read takes the
// "other" exit when there is one (and goes to the inbox too); without one the run keeps waiting. No reply by the
// timeout takes the "timeout" exit.

export type ReplyReading = { exit: string; answer: string | null };

/** Which exit a member's text takes, or null when it cannot be read and the step has no "other" exit. */
export function readReply(step: StepOf<'wait_for_reply'>, body: string): ReplyReading | null {
  let answer: string | null = null;
  if (step.reply === 'any') answer = body.trim() === '' ? null : 'any';
  else if (step.reply === 'yes_no') {
    const parsed = parseAnswer({ kind: 'yes_no' }, body);
    answer = parsed.ok ? parsed.value : null;
  } else {
    const parsed = parseAnswer({ kind: 'choice', choices: step.choices ?? [] }, body);
    answer = parsed.ok ? parsed.value : null;
  }
  if (answer !== null && step.branches.some((b) => b.answer === answer)) return { exit: `answer:${answer}`, answer };
  if (step.other !== undefined) return { exit: 'other', answer };
  return null;
}

export const waitForReply: StepExecutor<'wait_for_reply'> = {
  kind: 'wait_for_reply',
  async execute(step, ctx) {
    const { now, stored } = ctx;
    if (stored === null) {
      const timeoutAt = now + step.timeoutSeconds * 1000;
      return { kind: 'wait', until: timeoutAt, reply: true, outcome: { since: now, timeoutAt } };
    }
    const timeoutAt = typeof stored.timeoutAt === 'number' ? stored.timeoutAt : now;
    if (now >= timeoutAt) return { kind: 'next', exit: 'timeout', outcome: { ...stored, timedOut: true } };
    return { kind: 'wait', until: timeoutAt, reply: true, outcome: stored };
  },
};
