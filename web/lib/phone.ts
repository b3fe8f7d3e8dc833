import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** An E.164 number as people read it ("+1 512 555 0100"); anything unparseable is shown as given. */
export function formatPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const parsed = parsePhoneNumberFromString(phone);
  return parsed ? parsed.formatInternational() : phone;
}
