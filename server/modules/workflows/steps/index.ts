import { addTag } from './add-tag.ts';
import { awardPoints } from './award-points.ts';
import { condition } from './condition.ts';
import { goal } from './goal.ts';
import { joinCommunity } from './join-community.ts';
import { leaveCommunity } from './leave-community.ts';
import { notifyStaff } from './notify-staff.ts';
import { randomSplit } from './random-split.ts';
import { removeTag } from './remove-tag.ts';
import { sendEmail } from './send-email.ts';
import { sendSms } from './send-sms.ts';
import type { StepExecutors } from './types.ts';
import { wait } from './wait.ts';
import { waitForReply } from './wait-for-reply.ts';
import { webhook } from './webhook.ts';

/** Every step kind's executor: the only list of them. */
export const STEP_EXECUTORS: StepExecutors = {
  send_sms: sendSms,
  send_email: sendEmail,
  wait,
  wait_for_reply: waitForReply,
  condition,
  random_split: randomSplit,
  add_tag: addTag,
  remove_tag: removeTag,
  join_community: joinCommunity,
  leave_community: leaveCommunity,
  award_points: awardPoints,
  notify_staff: notifyStaff,
  webhook,
  goal,
};
