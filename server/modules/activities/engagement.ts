import type { ActivityType } from '../../../common/activities.ts';

/**
 * The engagement score (members.engagement_score, 0–100) is the member's lifetime points from what they did, capped at
 * 100: each activity adds the points below when it is recorded (recordActivities), and nothing decays (a score that
 * fades with time is not built yet). What the organization does to a member (adding, importing, tagging) and what the
 * member merely receives count nothing, nor do joining (imports and staff add members to communities too) and
 * consent; taking part counts, most for what costs the member the most.
 *
 * referral_count is the number of people the member brought in: one per `referred` activity, which is written once
 * per referrer and recruit (server/modules/referrals).
 */
export const ENGAGEMENT_POINTS: Record<ActivityType, number> = {
  created: 0,
  imported: 0,
  joined: 0,
  left: 0,
  role_changed: 0,
  merged: 0,
  tagged: 0,
  opted_in: 0,
  opted_out: 0,
  signed: 5,
  called: 10,
  rsvped: 5,
  attended: 15,
  answered: 3,
  clicked: 1,
  replied: 2,
  shared: 4,
  referred: 10,
  posted: 3,
  badge_earned: 5,
  /** Points a workflow gives are the organization's doing, not the member's. */
  points_awarded: 0,
};

export const MAX_ENGAGEMENT_SCORE = 100;

/** Points and referrals per member that a list of activities adds (members with neither are left out). */
export function engagementDeltas(
  activities: readonly { memberId: number; type: ActivityType }[],
): Map<number, { points: number; referrals: number }> {
  const out = new Map<number, { points: number; referrals: number }>();
  for (const a of activities) {
    const points = ENGAGEMENT_POINTS[a.type] ?? 0;
    const referrals = a.type === 'referred' ? 1 : 0;
    if (points === 0 && referrals === 0) continue;
    const delta = out.get(a.memberId) ?? { points: 0, referrals: 0 };
    delta.points += points;
    delta.referrals += referrals;
    out.set(a.memberId, delta);
  }
  return out;
}
