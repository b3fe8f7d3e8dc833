import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

// Request and response shapes of the members API. Field rules beyond shape (phone, email, names, language, time
// zone, custom fields) live in member-fields.ts, shared with the CSV import, so the API and the import answer
// with the same field-level messages ("is longer than 1,000 characters"); the body limit (1 MB) bounds sizes here.

const text = z.string();
const optionalText = text.nullable().optional();

export const consentState = z.enum(['granted', 'revoked', 'none']);
export const phoneType = z.enum(['mobile', 'landline', 'voip', 'unknown']);
export const channel = z.enum(['sms', 'email'], { error: 'must be sms or email' });

export const customFieldsInput = z.record(z.string().max(100), z.union([text, z.number(), z.boolean(), z.null()]), {
  error: 'must be an object of text, numbers, true or false',
});

export const tag = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(50, 'must be at most 50 characters')
  .transform((value) => value.toLowerCase());

const wording = z.string().trim().min(1, 'is required: the exact words the member agreed to').max(2000, 'must be at most 2,000 characters');

const memberFieldsBody = z.object({
  firstName: optionalText,
  lastName: optionalText,
  phone: optionalText,
  email: optionalText,
  postalCode: optionalText,
  language: optionalText,
  timezone: optionalText,
  customFields: customFieldsInput.optional(),
  source: optionalText,
  tags: z.array(tag).max(100, 'must hold at most 100 tags').optional(),
});

export const createMemberBody = memberFieldsBody.extend({
  consent: z
    .object({
      sms: z.object({ wording }).optional(),
      email: z.object({ wording }).optional(),
    })
    .optional(),
});

/** An edit: the fields given change (null clears), the others stay; `tags` replaces the member's tags. */
export const patchMemberBody = memberFieldsBody.partial();

export const memberParams = workspaceParams.extend({ memberId: idParam });
export const tagParams = memberParams.extend({ tag: z.string().min(1).max(200) });

export const listMembersQuery = z.object({
  q: z.string().trim().max(200).optional(),
  tag: z.string().trim().max(50).optional(),
  communityId: z.coerce.number({ error: 'must be a number' }).int().positive().optional(),
  consent: z.enum(['sms_granted', 'sms_revoked', 'sms_none'], { error: 'must be sms_granted, sms_revoked or sms_none' }).optional(),
  phoneType: phoneType.optional(),
  language: z.string().trim().max(20).optional(),
  field: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a custom field name (letters, digits and underscores)')
    .optional(),
  value: z.string().max(1000).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be the nextCursor of the page before')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const personRef = z.object({ id: z.number(), name: z.string() });

export const memberSummary = z.object({
  id: z.number(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  phoneType,
  email: z.string().nullable(),
  postalCode: z.string().nullable(),
  language: z.string(),
  timezone: z.string(),
  tags: z.array(z.string()),
  smsConsent: consentState,
  emailConsent: consentState,
  createdAt: z.string(),
  lastActiveAt: z.string().nullable(),
});

export const member = memberSummary.extend({
  /** The phone as given when it could not be read as a number (the member is flagged); null otherwise. */
  phoneRaw: z.string().nullable(),
  timezoneSource: z.enum(['explicit', 'postal_code', 'area_code', 'workspace']),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  source: z.string().nullable(),
  referredBy: personRef.nullable(),
  communities: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      role: z.enum(['member', 'leader', 'mentor']),
      status: z.enum(['active', 'pending', 'left']),
      joinedAt: z.string(),
    }),
  ),
  notesCount: z.number(),
  /** Members merged into this one; their activities and consent events show here. */
  mergedIds: z.array(z.number()),
  /** Whether the member's number / address is on the suppression list (an opt-out, possibly of an erased member). */
  suppressed: z.object({ sms: z.boolean(), email: z.boolean() }),
  erasedAt: z.string().nullable(),
});

export const warnings = z.array(z.object({ field: z.string(), message: z.string() }));
export const createdMember = member.extend({ warnings });

export const membersPage = z.object({
  members: z.array(memberSummary),
  nextCursor: z.string().nullable(),
  total: z.number(),
  totalCapped: z.boolean(),
});

export const note = z.object({ id: z.number(), body: z.string(), author: personRef.nullable(), createdAt: z.string() });
export const noteBody = z.object({
  body: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5,000 characters'),
});

export const consentEvent = z.object({
  id: z.number(),
  channel,
  status: z.enum(['granted', 'revoked']),
  method: z.string(),
  wording: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  recordedBy: personRef.nullable(),
  importId: z.number().nullable(),
  createdAt: z.string(),
});

export const consentBody = z.object({
  channel,
  status: z.enum(['granted', 'revoked'], { error: 'must be granted or revoked' }),
  wording,
});

export const consentLedger = z.object({
  current: z.object({ sms: consentState, email: consentState }),
  events: z.array(consentEvent),
});

export const timelineQuery = z.object({
  before: z
    .string()
    .regex(/^\d{1,18}:\d{1,18}$/, 'must be the nextBefore of the page before')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const activity = z.object({
  id: z.number(),
  type: z.string(),
  community: personRef.nullable(),
  subjectType: z.string().nullable(),
  subjectId: z.number().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  occurredAt: z.string(),
});

export const timelinePage = z.object({ activities: z.array(activity), nextBefore: z.string().nullable() });

export const duplicateReason = z.enum(['same_email', 'same_name_postal_code', 'same_name_phone_last4']);
export const duplicates = z.object({ candidates: z.array(z.object({ member: memberSummary, reasons: z.array(duplicateReason) })) });

export const mergeBody = z.object({ duplicateId: idParam });

export const memberExport = z.object({
  exportedAt: z.string(),
  workspace: z.object({ id: z.number(), name: z.string() }),
  member: member,
  /** The rows of members merged into this one, as stored. */
  mergedMembers: z.array(z.record(z.string(), z.unknown())),
  notes: z.array(note),
  memberships: z.array(z.record(z.string(), z.unknown())),
  consentEvents: z.array(consentEvent),
  activities: z.array(activity),
});
