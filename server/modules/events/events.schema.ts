import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

export const EVENT_FORMATS = ['in_person', 'virtual'] as const;
export const EVENT_STATUSES = ['draft', 'published', 'closed'] as const;
export const APPROVALS = ['approved', 'pending'] as const;
export const RSVP_STATUSES = ['going', 'waitlisted', 'cancelled', 'attended', 'no_show'] as const;
export const MAX_SHIFTS = 50;
export const MAX_GUESTS = 5;

export const eventParams = workspaceParams.extend({ eventId: idParam });
export const shiftParams = eventParams.extend({ shiftId: idParam });
export const rsvpParams = eventParams.extend({ rsvpId: idParam });

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A shift as the organizer writes it: a local date and times in the event's time zone. */
export const shiftInput = z
  .object({
    /** An existing shift (kept and changed); without it, a new shift. */
    id: z.number().int().positive().optional(),
    date: z.string().regex(DATE, 'must be a date like 2026-12-05'),
    start: z.string().regex(TIME, 'must be a time like 10:00'),
    end: z.string().regex(TIME, 'must be a time like 13:00'),
    capacity: z.number().int().min(1, 'must be 1 or more (leave empty for no limit)').max(100_000).nullable().default(null),
    waitlist: z.boolean().default(false),
  })
  .superRefine((shift, ctx) => {
    if (shift.end <= shift.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after the start' });
  });
export type ShiftInput = z.infer<typeof shiftInput>;

const eventFields = {
  title: text(120).min(1, 'is required'),
  summary: text(200),
  description: text(5_000),
  format: z.enum(EVENT_FORMATS, { error: 'must be in_person or virtual' }),
  /** The place's name ("Central Library, room 2"). */
  location: text(200),
  address: text(300),
  /** Virtual events: the meeting link, shown only to people who RSVP. */
  joinUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be a web address (https://…)' }).max(500)]),
  /** IANA time zone; empty: the workspace's. */
  timezone: text(64),
  hostName: text(120),
  /** Hosted by a volunteer: an organizer approves it before it can be published. */
  volunteerHosted: z.boolean(),
  /** The SMS consent checkbox; null: the default wording. */
  consentWording: text(500).min(1, 'must not be empty (null for the default)').nullable(),
  communityId: z.number().int().positive().nullable(),
  /** The next step shown after an RSVP (ladder of engagement): another action of the workspace. */
  nextActionId: z.number({ error: 'must be the id of an action' }).int().positive().nullable(),
};

export const eventInput = z.object({
  ...eventFields,
  summary: eventFields.summary.default(''),
  description: eventFields.description.default(''),
  format: eventFields.format.default('in_person'),
  location: eventFields.location.default(''),
  address: eventFields.address.default(''),
  joinUrl: eventFields.joinUrl.default(''),
  timezone: eventFields.timezone.default(''),
  hostName: eventFields.hostName.default(''),
  volunteerHosted: eventFields.volunteerHosted.default(false),
  consentWording: eventFields.consentWording.default(null),
  communityId: eventFields.communityId.default(null),
  nextActionId: eventFields.nextActionId.default(null),
  shifts: z.array(shiftInput).min(1, 'add at least one shift').max(MAX_SHIFTS, `must list at most ${MAX_SHIFTS} shifts`),
});
export type EventInput = z.infer<typeof eventInput>;

export const eventPatch = z.object({
  title: eventFields.title.optional(),
  summary: eventFields.summary.optional(),
  description: eventFields.description.optional(),
  format: eventFields.format.optional(),
  location: eventFields.location.optional(),
  address: eventFields.address.optional(),
  joinUrl: eventFields.joinUrl.optional(),
  timezone: eventFields.timezone.optional(),
  hostName: eventFields.hostName.optional(),
  volunteerHosted: eventFields.volunteerHosted.optional(),
  consentWording: eventFields.consentWording.optional(),
  communityId: eventFields.communityId.optional(),
  nextActionId: eventFields.nextActionId.optional(),
  /** Replaces the shifts: listed ids are kept and changed, new ones added; a missing shift with RSVPs is refused. */
  shifts: z.array(shiftInput).min(1, 'add at least one shift').max(MAX_SHIFTS).optional(),
});
export type EventPatch = z.infer<typeof eventPatch>;

export const shift = z.object({
  id: z.number(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  capacity: z.number().nullable(),
  waitlist: z.boolean(),
  going: z.number().describe('Seats taken (guests included) by people going or checked in'),
  waitlisted: z.number(),
  attended: z.number(),
  spotsLeft: z.number().nullable(),
  checkinCode: z.string().describe('Shown at the door: members check themselves in with it'),
});

export const eventSummary = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(EVENT_STATUSES),
  approval: z.enum(APPROVALS),
  format: z.enum(EVENT_FORMATS),
  timezone: z.string(),
  nextShift: z.object({ startsAt: z.number(), endsAt: z.number() }).nullable(),
  shiftCount: z.number(),
  going: z.number(),
  capacity: z.number().nullable().describe('Seats over all shifts; null when a shift has no limit'),
  takenCount: z.number(),
  path: z.string(),
  createdAt: z.number(),
});

export const event = eventSummary.extend({
  summary: z.string(),
  description: z.string(),
  location: z.string(),
  address: z.string(),
  joinUrl: z.string(),
  hostName: z.string(),
  volunteerHosted: z.boolean(),
  consentWording: z.string().nullable(),
  communityId: z.number().nullable(),
  nextActionId: z.number().nullable(),
  /** The public page in full (share links, the embed snippet). */
  url: z.string(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  shifts: z.array(shift),
});
export type EventOut = z.infer<typeof event>;

export const rsvpsQuery = z.object({
  shiftId: z.coerce.number().int().positive().optional(),
  status: z.enum(RSVP_STATUSES).optional(),
  /** Part of a first or last name, or the last digits of the phone. */
  q: z.string().trim().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
});

export const rsvp = z.object({
  id: z.number(),
  shiftId: z.number(),
  memberId: z.number(),
  name: z.string(),
  phoneLast4: z.string().nullable(),
  status: z.enum(RSVP_STATUSES),
  guests: z.number(),
  friendName: z.string().nullable(),
  friendPhone: z.string().nullable(),
  source: z.string().nullable(),
  ref: z.string().nullable(),
  checkedInAt: z.number().nullable(),
  checkinMethod: z.enum(['self', 'organizer']).nullable(),
  createdAt: z.number(),
});

export const rsvpCounts = z.object(
  Object.fromEntries(RSVP_STATUSES.map((s) => [s, z.number()])) as Record<(typeof RSVP_STATUSES)[number], z.ZodNumber>,
);

export const rsvpList = z.object({ rsvps: z.array(rsvp), counts: rsvpCounts });

export const attendanceInput = z.object({
  status: z.enum(['attended', 'no_show', 'going'], { error: 'must be attended, no_show or going' }),
});
