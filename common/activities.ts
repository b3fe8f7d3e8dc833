/** What members do and receive; the activity log (DESIGN.md §3) is the spine analytics, segments and workflows read. */
export const ACTIVITY_TYPES = [
  'created',
  'imported',
  'joined',
  'left',
  'role_changed',
  'merged',
  'tagged',
  'opted_in',
  'opted_out',
  'signed',
  'called',
  'rsvped',
  'attended',
  'answered',
  'clicked',
  'replied',
  'shared',
  'referred',
  'posted',
  'badge_earned',
  /** Points given by a workflow's award_points step; data: { points }. */
  'points_awarded',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
