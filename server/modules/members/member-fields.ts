import { z } from 'zod';
import type { PhoneType, TimezoneSource } from '../../db/schema.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { AREA_CODE_ZONES, ZIP_PREFIX_ZONES } from './us-timezones.ts';

// The one place member fields are cleaned up, shared by the API (create, edit) and the CSV import (a million rows:
// pure, no database, regexes compiled once, Map lookups).

export type CustomFieldValue = string | number | boolean | null;

export type MemberFieldsInput = {
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
  postalCode?: string | null;
  language?: string | null;
  timezone?: string | null;
  customFields?: Record<string, CustomFieldValue>;
  source?: string | null;
};

export type NormalizedMember = {
  phone: string | null;
  phoneType: PhoneType;
  /** The phone as given when it could not be normalized (the member is flagged); null otherwise. */
  phoneRaw: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  nameKey: string | null;
  lastNameKey: string | null;
  postalCode: string | null;
  language: string;
  timezone: string;
  timezoneSource: TimezoneSource;
  /** Keys lower-cased; a null value means "no value" (the store drops it; an edit removes the key). */
  customFields: Record<string, CustomFieldValue>;
  source: string | null;
};

export type FieldProblem = {
  field: keyof MemberFieldsInput | `customFields.${string}`;
  message: string;
  severity: 'error' | 'warning';
};

export type NormalizeContext = { defaultCountry: string; workspaceTimezone: string };

/** Languages messages can be written in. */
export const SUPPORTED_LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export const MAX_FIELD_LENGTH = 1000;
export const MAX_POSTAL_CODE_LENGTH = 12;
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
export const NEEDS_CONTACT_MESSAGE = 'needs a phone number or an email address';

const TOO_LONG = `is longer than ${MAX_FIELD_LENGTH.toLocaleString('en-US')} characters`;
const EMAIL = z.regexes.email;
const US_ZIP = /^(\d{5})(?:[\s-]?\d{4})?$/;
const FOUR_DIGITS = /^\d{4}$/;
const WHITESPACE = /\s+/g;
const WORD_START = /(^|[\s\-'’.])(\p{L})/gu;
const HAS_LETTER = /\p{L}/u;

const LANGUAGE_NAMES: ReadonlyMap<string, Language> = new Map([
  ['en', 'en'],
  ['eng', 'en'],
  ['english', 'en'],
  ['inglés', 'en'],
  ['ingles', 'en'],
  ['es', 'es'],
  ['spa', 'es'],
  ['spanish', 'es'],
  ['español', 'es'],
  ['espanol', 'es'],
  ['castellano', 'es'],
  ['castilian', 'es'],
]);

/** Cleans and checks one member's fields; never throws. Errors mean the member cannot be stored as given. */
export function normalizeMemberFields(
  input: MemberFieldsInput,
  ctx: NormalizeContext,
): { value: NormalizedMember; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const text = (field: keyof MemberFieldsInput, raw: string | null | undefined): string | null => {
    if (raw === null || raw === undefined) return null;
    const value = String(raw).trim();
    if (value === '') return null;
    if (value.length > MAX_FIELD_LENGTH) {
      problems.push({ field, message: TOO_LONG, severity: 'error' });
      return null;
    }
    return value;
  };

  // Names.
  const firstName = fixNameCase(text('firstName', input.firstName));
  const lastName = fixNameCase(text('lastName', input.lastName));
  const nameKey = nameKeyOf(firstName, lastName);
  const lastNameKey = lastName === null ? null : lastName.toLowerCase();

  // Email.
  let email = text('email', input.email);
  if (email !== null) {
    email = email.toLowerCase();
    if (!EMAIL.test(email)) {
      problems.push({ field: 'email', message: `"${email}" is not a valid email address`, severity: 'error' });
      email = null;
    }
  }

  // Phone: an invalid number is kept as given (phone_raw) when the member can still be reached by email.
  let phone: string | null = null;
  let phoneType: PhoneType = 'unknown';
  let phoneRaw: string | null = null;
  let phoneCountry: string | null = null;
  const rawPhone = text('phone', input.phone);
  if (rawPhone !== null) {
    const parsed = normalizePhone(rawPhone, ctx.defaultCountry);
    if (parsed.ok) {
      phone = parsed.e164;
      phoneType = parsed.type;
      phoneCountry = parsed.country;
      if (phoneType === 'landline') problems.push({ field: 'phone', message: 'landline: cannot receive texts', severity: 'warning' });
    } else {
      phoneRaw = rawPhone;
      problems.push({
        field: 'phone',
        message: email === null ? `${parsed.message}; the member ${NEEDS_CONTACT_MESSAGE}` : `${parsed.message}; kept as given and flagged`,
        severity: email === null ? 'error' : 'warning',
      });
    }
  }
  if (phone === null && email === null && rawPhone === null && !problems.some((p) => p.field === 'email' && p.severity === 'error')) {
    problems.push({ field: 'phone', message: NEEDS_CONTACT_MESSAGE, severity: 'error' });
  }

  // Postal code.
  let postalCode = text('postalCode', input.postalCode);
  let zip: string | null = null;
  const usLike = ctx.defaultCountry.toUpperCase() === 'US' || phoneCountry === 'US';
  if (postalCode !== null) {
    const m = US_ZIP.exec(postalCode);
    if (m?.[1] !== undefined) {
      postalCode = m[1];
      zip = postalCode;
    } else if (usLike && FOUR_DIGITS.test(postalCode)) {
      // Spreadsheets drop the leading zero of New England and New Jersey ZIP codes.
      postalCode = `0${postalCode}`;
      zip = postalCode;
    } else {
      postalCode = postalCode.replace(WHITESPACE, ' ').toUpperCase();
      if (postalCode.length > MAX_POSTAL_CODE_LENGTH) {
        problems.push({ field: 'postalCode', message: `is longer than ${MAX_POSTAL_CODE_LENGTH} characters`, severity: 'error' });
        postalCode = null;
      }
    }
  }

  // Language.
  let language: Language = 'en';
  const rawLanguage = text('language', input.language);
  if (rawLanguage !== null) {
    const found = languageOf(rawLanguage);
    if (found === null) {
      problems.push({
        field: 'language',
        message: `"${rawLanguage}" is not a supported language (English or Spanish); using English`,
        severity: 'warning',
      });
    } else {
      language = found;
    }
  }

  // Time zone: explicit, else the ZIP code, else the area code, else the workspace's.
  let timezone: string | null = null;
  let timezoneSource: TimezoneSource = 'workspace';
  const rawZone = text('timezone', input.timezone);
  if (rawZone !== null) {
    timezone = canonicalTimezone(rawZone);
    if (timezone === null)
      problems.push({ field: 'timezone', message: `"${rawZone}" is not a known time zone; guessed one instead`, severity: 'warning' });
    else timezoneSource = 'explicit';
  }
  if (timezone === null && zip !== null && usLike) {
    timezone = ZIP_PREFIX_ZONES.get(zip.slice(0, 3)) ?? null;
    if (timezone !== null) timezoneSource = 'postal_code';
  }
  if (timezone === null && phone !== null && phone.startsWith('+1')) {
    timezone = AREA_CODE_ZONES.get(phone.slice(2, 5)) ?? null;
    if (timezone !== null) timezoneSource = 'area_code';
  }
  if (timezone === null) {
    timezone = ctx.workspaceTimezone;
    timezoneSource = 'workspace';
  }

  // Custom fields.
  const customFields: Record<string, CustomFieldValue> = {};
  if (input.customFields) {
    for (const [rawKey, rawValue] of Object.entries(input.customFields)) {
      const key = rawKey.trim().toLowerCase();
      if (!CUSTOM_FIELD_KEY.test(key)) {
        problems.push({
          field: `customFields.${rawKey}`,
          message: 'must start with a letter and hold only letters, digits and underscores (at most 40)',
          severity: 'error',
        });
        continue;
      }
      const checked = customValue(rawValue);
      if (checked.ok) customFields[key] = checked.value;
      else problems.push({ field: `customFields.${key}`, message: checked.message, severity: 'error' });
    }
  }

  const source = text('source', input.source);

  return {
    value: {
      phone,
      phoneType,
      phoneRaw,
      email,
      firstName,
      lastName,
      nameKey,
      lastNameKey,
      postalCode,
      language,
      timezone,
      timezoneSource,
      customFields,
      source,
    },
    problems,
  };
}

/** Lower-cased "first last" for prefix search; null when the member has no name. */
export function nameKeyOf(firstName: string | null, lastName: string | null): string | null {
  const key = `${firstName ?? ''} ${lastName ?? ''}`.trim().toLowerCase();
  return key === '' ? null : key;
}

/** "MARIA" and "maria" become "Maria"; a name typed with mixed case ("McDonald", "DeShawn") is kept as typed. */
export function fixNameCase(name: string | null): string | null {
  if (name === null) return null;
  const collapsed = name.replace(WHITESPACE, ' ');
  const lower = collapsed.toLowerCase();
  const upper = collapsed.toUpperCase();
  if (collapsed !== lower && collapsed !== upper) return collapsed;
  if (!HAS_LETTER.test(collapsed)) return collapsed;
  return lower.replace(WORD_START, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

/** 'es', 'ES', 'es-MX', 'es_419', 'Spanish', 'español' → 'es'; null when not a supported language. */
export function languageOf(raw: string): Language | null {
  const value = raw.trim().toLowerCase();
  const direct = LANGUAGE_NAMES.get(value);
  if (direct !== undefined) return direct;
  const base = value.split(/[-_\s(]/, 1)[0] ?? '';
  return LANGUAGE_NAMES.get(base) ?? null;
}

const zoneCache = new Map<string, string | null>();
let knownZones: Map<string, string> | null = null;

function knownZoneSpellings(): Map<string, string> {
  if (knownZones === null) {
    knownZones = new Map();
    for (const zone of [...Intl.supportedValuesOf('timeZone'), ...ZIP_PREFIX_ZONES.values(), ...AREA_CODE_ZONES.values(), 'UTC']) {
      knownZones.set(zone.toLowerCase(), zone);
    }
  }
  return knownZones;
}

/**
 * An IANA zone spelled as in the database ("america/chicago" → "America/Chicago"; a valid link such as
 * "US/Eastern" is kept as given), or null when unknown.
 */
export function canonicalTimezone(raw: string): string | null {
  const cached = zoneCache.get(raw);
  if (cached !== undefined) return cached;
  let zone: string | null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
    // Offsets ("+05:00") and abbreviations ("EST") are accepted by Intl but ignore daylight saving: not zones here.
    if (!raw.includes('/') && resolved !== 'UTC') zone = null;
    else zone = knownZoneSpellings().get(raw.toLowerCase()) ?? (raw.includes('/') && /^[A-Z]/.test(raw) ? raw : resolved);
  } catch {
    zone = null;
  }
  if (zoneCache.size < 10_000) zoneCache.set(raw, zone);
  return zone;
}

function customValue(raw: unknown): { ok: true; value: CustomFieldValue } | { ok: false; message: string } {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  if (typeof raw === 'string') {
    const value = raw.trim();
    if (value.length > MAX_FIELD_LENGTH) return { ok: false, message: TOO_LONG };
    return { ok: true, value: value === '' ? null : value };
  }
  if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, message: 'must be a finite number' };
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  return { ok: false, message: 'must be text, a number, true or false' };
}
