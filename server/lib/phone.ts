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
  const cleaned = value.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed?.isValid()) return { ok: false, reason: 'invalid', message: `"${value}" is not a valid phone number` };
  const kind = parsed.getType();
  const type: PhoneType = kind === 'MOBILE' ? 'mobile' : kind === 'FIXED_LINE' ? 'landline' : kind === 'VOIP' ? 'voip' : 'unknown';
  return { ok: true, e164: parsed.number, type, country: parsed.country ?? null };
}

/** The last four digits, for showing a number without disclosing it (logs never carry phone numbers). */
export const maskPhone = (e164: string) => `…${e164.slice(-4)}`;
