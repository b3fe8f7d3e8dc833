import { formatPhone } from '../../../lib/phone.ts';

type Named = {
  id: number;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
};

/** How a member is named on screen: their name, else their number or email, else their id. */
export function memberName(member: Named): string {
  const name = [member.firstName, member.lastName].filter(Boolean).join(' ').trim();
  return name || formatPhone(member.phone) || member.email || `Member #${member.id}`;
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "Spanish (es)"; unknown codes are shown as they are. */
export function languageLabel(code: string | null | undefined): string {
  if (!code) return '—';
  try {
    const name = languageNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

// The languages the server supports for messages (members.member-fields SUPPORTED_LANGUAGES); a member's other
// code, if any, is added to the list when shown.
const LANGUAGES = ['en', 'es'];

export function languageOptions(current?: string | null): { value: string; label: string }[] {
  const codes = current && !LANGUAGES.includes(current) ? [current, ...LANGUAGES] : LANGUAGES;
  return codes.map((code) => ({ value: code, label: languageLabel(code) }));
}

export const PHONE_TYPE_LABELS: Record<'mobile' | 'landline' | 'voip' | 'unknown', string> = {
  mobile: 'mobile',
  landline: 'landline',
  voip: 'VoIP',
  unknown: 'type unknown',
};

const FIELD_LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  phone: 'Phone',
  email: 'Email',
  postalCode: 'Postal code',
  language: 'Language',
  timezone: 'Time zone',
  source: 'Source',
};

/** A warning of the members API ({ field: 'phone', message: 'landline: cannot receive texts' }) as one line. */
export function warningText(warning: { field: string; message: string }): string {
  const label = FIELD_LABELS[warning.field.split('.')[0] ?? ''] ?? warning.field;
  return `${label}: ${warning.message}`;
}
