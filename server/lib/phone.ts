import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneType } from '../db/schema.ts';

export type PhoneResult =
  | { ok: true; e164: string; type: PhoneType; country: string | null }
  | { ok: false; reason: 'empty' | 'invalid' | 'too_long'; message: string };

/**
 * Normalizes a phone number as people type it ("(512) 555-0100", "512.555.0100", "+1 512 555 0100", "00 44 20 …")
 * to E.164, using the workspace's default country for national numbers, and tells mobile from landline where the
 * numbering plan can (in the US most numbers are "fixed line or mobile", reported as unknown).
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry: string): PhoneResult {
  const value = (raw ?? '').trim();
  if (value === '') return { ok: false, reason: 'empty', message: 'is empty' };
  if (value.length > 40) return { ok: false, reason: 'too_long', message: 'is too long to be a phone number' };
  // A number already in E.164 means the same whatever the default country.
  const key = value.startsWith('+') ? value : `${defaultCountry}:${value}`;
  const known = recent.get(key);
  if (known) return known;
  const cleaned = value.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed?.isValid()) return { ok: false, reason: 'invalid', message: `"${value}" is not a valid phone number` };
  const kind = parsed.getType();
  const type: PhoneType = kind === 'MOBILE' ? 'mobile' : kind === 'FIXED_LINE' ? 'landline' : kind === 'VOIP' ? 'voip' : 'unknown';
  const result: PhoneResult = Object.freeze({ ok: true, e164: parsed.number, type, country: parsed.country ?? null });
  remember(key, result);
  // The E.164 form is what the next step of the same request usually parses again (a form, then the member's fields).
  if (parsed.number !== key) remember(parsed.number, result);
  return result;
}

// Parsing with full metadata is a noticeable share of a sign-up's time, and a number is often parsed twice in one
// request: the last few hundred valid numbers are kept (a Map keeps insertion order, so the oldest goes first).
const RECENT_MAX = 512;
const recent = new Map<string, PhoneResult>();
function remember(key: string, result: PhoneResult) {
  if (recent.size >= RECENT_MAX) {
    const oldest = recent.keys().next().value;
    if (oldest !== undefined) recent.delete(oldest);
  }
  recent.set(key, result);
}

/** The last four digits, for showing a number without disclosing it (logs never carry phone numbers). */
export const maskPhone = (e164: string) => `…${e164.slice(-4)}`;
