import type { BroadcastStatus } from '../api/list-broadcasts.ts';

/** Epoch milliseconds as the ISO text the shared date formatters read. */
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** Millionths of a dollar as dollars: "$12.40"; small amounts keep their fractions of a cent ("$0.0079"). */
export function formatMoney(micros: number): string {
  const value = micros / 1_000_000;
  return Math.abs(value) < 1 && value !== 0 ? cents.format(value) : dollars.format(value);
}

/** How long sending takes, as people say it: "under a minute", "about 12 minutes", "about 3 h 20 min". */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return 'nothing to send';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `about ${hours} h` : `about ${hours} h ${rest} min`;
  return `about ${Math.round(hours / 24)} days`;
}

export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

export const STATUS_LOOK: Record<BroadcastStatus, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  scheduled: { label: 'Scheduled', color: 'violet' },
  expanding: { label: 'Preparing', color: 'blue' },
  sending: { label: 'Sending', color: 'blue' },
  paused: { label: 'Paused', color: 'orange' },
  completed: { label: 'Completed', color: 'teal' },
  cancelled: { label: 'Cancelled', color: 'red' },
};

const MESSAGE_STATE_COLORS: Record<string, string> = {
  queued: 'gray',
  held: 'yellow',
  sending: 'blue',
  sent: 'cyan',
  delivered: 'teal',
  failed: 'red',
  unknown: 'orange',
  cancelled: 'gray',
  received: 'indigo',
  processed: 'indigo',
};

export function messageStateColor(state: string): string {
  return MESSAGE_STATE_COLORS[state] ?? 'gray';
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "Spanish"; unknown codes are shown as they are. */
export function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The languages a broadcast can have a version in: the ones members can have (see the member profile). */
export const MESSAGE_LANGUAGES = ['en', 'es'] as const;
