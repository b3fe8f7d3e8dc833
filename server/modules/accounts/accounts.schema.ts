import { z } from 'zod';
import { ROLES } from '../../../common/roles.ts';

export const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address such as name@example.org'))
  .transform((value) => value.toLowerCase());
export const password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');
export const personName = z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters');

export const idParam = z.coerce.number({ error: 'must be a number' }).int().positive();
export const workspaceParams = z.object({ workspaceId: idParam });

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/Chicago');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, e.g. 08:00');
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code such as US')
  .transform((value) => value.toUpperCase());

export const workspaceInput = z.object({
  name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
  timezone: timezone.optional(),
  defaultCountry: country.optional(),
});

export const workspacePatch = z.object({
  name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters').optional(),
  timezone: timezone.optional(),
  defaultCountry: country.optional(),
  quietHoursStart: hhmm.optional(),
  quietHoursEnd: hhmm.optional(),
});

export const workspace = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  defaultCountry: z.string(),
  quietHoursStart: z.string(),
  quietHoursEnd: z.string(),
  createdAt: z.string(),
});

export const workspaceSummary = z.object({ id: z.number(), name: z.string(), slug: z.string(), role });

export const session = z.object({
  user: z.object({ id: z.number(), email: z.string(), name: z.string() }),
  workspaces: z.array(workspaceSummary),
  csrfToken: z.string(),
});

export const staffUser = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role,
  joinedAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

const personRef = z.object({ id: z.number(), name: z.string() }).nullable();

export const invitation = z.object({
  id: z.number(),
  email: z.string(),
  role,
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  createdAt: z.string(),
  expiresAt: z.string(),
  invitedBy: personRef,
});

export const apiKey = z.object({
  id: z.number(),
  name: z.string(),
  role,
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: personRef,
});

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
