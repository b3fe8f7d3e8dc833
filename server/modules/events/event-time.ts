import { createQuietHours, DEFAULT_SEND_WINDOW } from '../messaging/quiet-hours.ts';

// Shifts are written by organizers as a local date and times in the event's time zone and stored as instants.

const converter = createQuietHours(DEFAULT_SEND_WINDOW);

/** The instant of a local date ('YYYY-MM-DD') and time ('HH:MM') in a time zone. */
export const localToEpoch = (date: string, time: string, timezone: string) => converter.localTime(0, timezone, time, date);

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The local date ('YYYY-MM-DD') and time ('HH:MM') of an instant in a time zone. */
export function epochToLocal(at: number, timezone: string): { date: string; time: string } {
  let format = partsFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    partsFormats.set(timezone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

const LOCALES = { en: 'en-US', es: 'es-US' } as const;

/** Intl puts narrow no-break spaces in times; plain spaces keep a text in GSM-7 (one segment holds 160 characters). */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

/** "Saturday, December 5, 10:00 AM – 1:00 PM CST" in the event's time zone and the reader's language. */
export function formatWhen(startsAt: number, endsAt: number, timezone: string, lang: 'en' | 'es'): string {
  const locale = LOCALES[lang];
  const day = new Intl.DateTimeFormat(locale, { timeZone: timezone, weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  const time = new Intl.DateTimeFormat(locale, { timeZone: timezone, hour: 'numeric', minute: '2-digit' });
  const zoned = new Intl.DateTimeFormat(locale, { timeZone: timezone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  const sameDay = epochToLocal(startsAt, timezone).date === epochToLocal(endsAt, timezone).date;
  const end = sameDay ? zoned.format(endsAt) : `${day.format(endsAt)}, ${zoned.format(endsAt)}`;
  return plain(`${day.format(startsAt)}, ${time.format(startsAt)} – ${end}`);
}

/** "10:00 AM" in the event's time zone. */
export function formatTime(at: number, timezone: string, lang: 'en' | 'es'): string {
  return plain(new Intl.DateTimeFormat(LOCALES[lang], { timeZone: timezone, hour: 'numeric', minute: '2-digit' }).format(at));
}

/** "Sat, Dec 5, 10:00 AM" — short, for texts. */
export function formatShort(at: number, timezone: string, lang: 'en' | 'es'): string {
  const text = new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone: timezone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);
  return plain(text);
}
