import { formatShort, formatTime } from './event-time.ts';

// What members get by SMS about an event, in English and Spanish (the member's language). Plain GSM-7 where the
// words allow, so each text costs as few segments as it can.

export type TextLang = 'en' | 'es';
export const textLang = (language: string | null | undefined): TextLang => (/^es(?:[-_]|$)/i.test(language ?? '') ? 'es' : 'en');

type EventFacts = {
  workspace: string;
  title: string;
  startsAt: number;
  timezone: string;
  /** The place (in person) or null. */
  place: string | null;
  /** The meeting link (virtual) or null. */
  joinUrl: string | null;
  /** The member's own page for the event: details, calendar, cancel. */
  url: string;
};

const where = (e: EventFacts, lang: TextLang) =>
  e.joinUrl
    ? lang === 'es'
      ? ` Enlace: ${e.joinUrl}`
      : ` Join: ${e.joinUrl}`
    : e.place
      ? lang === 'es'
        ? ` en ${e.place}.`
        : ` at ${e.place}.`
      : '.';

export function confirmationText(e: EventFacts, status: 'going' | 'waitlisted', lang: TextLang): string {
  const when = formatShort(e.startsAt, e.timezone, lang);
  if (status === 'waitlisted') {
    return lang === 'es'
      ? `${e.workspace}: estas en la lista de espera de ${e.title} (${when}). Te avisaremos si se libera un lugar. Detalles: ${e.url}`
      : `${e.workspace}: you're on the waitlist for ${e.title} (${when}). We'll text you if a spot opens. Details: ${e.url}`;
  }
  return lang === 'es'
    ? `${e.workspace}: confirmado, vas a ${e.title} el ${when}${where(e, lang)} Calendario o cancelar: ${e.url}`
    : `${e.workspace}: you're going to ${e.title} on ${when}${where(e, lang)} Calendar or cancel: ${e.url}`;
}

export function promotedText(e: EventFacts, lang: TextLang): string {
  const when = formatShort(e.startsAt, e.timezone, lang);
  return lang === 'es'
    ? `${e.workspace}: se libero un lugar. Ya vas a ${e.title} el ${when}${where(e, lang)} Detalles o cancelar: ${e.url}`
    : `${e.workspace}: a spot opened up! You're now going to ${e.title} on ${when}${where(e, lang)} Details or cancel: ${e.url}`;
}

export function dayBeforeText(e: EventFacts, lang: TextLang): string {
  const when = formatShort(e.startsAt, e.timezone, lang);
  return lang === 'es'
    ? `Recordatorio de ${e.workspace}: ${e.title} es manana, ${when}${where(e, lang)} Si no puedes ir: ${e.url}`
    : `Reminder from ${e.workspace}: ${e.title} is tomorrow, ${when}${where(e, lang)} Can't make it? ${e.url}`;
}

export function hourBeforeText(e: EventFacts, lang: TextLang): string {
  const time = formatTime(e.startsAt, e.timezone, lang);
  return lang === 'es'
    ? `${e.workspace}: ${e.title} empieza a las ${time}${where(e, lang)} Nos vemos pronto!`
    : `${e.workspace}: ${e.title} starts at ${time}${where(e, lang)} See you soon!`;
}

export function feedbackText(e: Pick<EventFacts, 'workspace' | 'title'>, lang: TextLang): string {
  return lang === 'es'
    ? `${e.workspace}: gracias por venir a ${e.title}. Que tal estuvo? Responde del 1 al 5 (5 = excelente).`
    : `${e.workspace}: thanks for coming to ${e.title}! How was it? Reply 1-5 (5 = great).`;
}
