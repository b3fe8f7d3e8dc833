// Quiet hours in each member's local time (DESIGN.md §5): texts go out only inside the workspace's sending window,
// e.g. 08:00–21:00, or 22:00–06:00 for an organization of night-shift workers (a window whose start is after its
// end crosses midnight). Times are wall-clock times, so they follow daylight-saving changes: a window opening at a
// local time that a DST jump skips opens at the jump; when a local time happens twice, the first one counts.
//
// A broadcast asks for up to a million members, in a few dozen zones. Intl is far too slow to ask per call, so the
// UTC offset of each (zone, UTC hour) is asked once and kept, with the exact instant of a change when one falls
// inside that hour (DST changes happen on whole seconds, at most one per hour).

export type SendWindow = { start: string; end: string }; // 'HH:MM' local; sending allowed in [start, end)

export type QuietHours = {
  allowedAt(at: number, timezone: string): boolean;
  /** `at` itself when allowed, else the next start of the window in that time zone. */
  nextAllowed(at: number, timezone: string): number;
  /** The end of the allowed window containing `at` (at must be allowed) — used as the provider validity limit. */
  windowEnd(at: number, timezone: string): number;
  /** The next instant at local `time` ('HH:MM') on or after `after` in that time zone (for "each member's local morning"); with `date` ('YYYY-MM-DD'), that local date's time. */
  localTime(after: number, timezone: string, time: string, date?: string): number;
};

export const DEFAULT_SEND_WINDOW: SendWindow = { start: '08:00', end: '21:00' };

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Wider than any DST change, so a wall time's both possible offsets are seen around it. */
const TRANSITION_REACH = 3 * HOUR;
const MAX_BUCKETS_PER_ZONE = 100_000;
const MAX_ZONES = 1_000;
const SLOTS = 256;
const SLOT_MASK = SLOTS - 1;

type Bucket = number | { before: number; at: number; after: number };
type Zone = { format: Intl.DateTimeFormat; buckets: Map<number, Bucket>; slotBuckets: Float64Array; slotOffsets: Float64Array };

/** Shared by every window: a zone's offsets do not depend on the workspace. `null` marks an unknown zone. */
const zones = new Map<string, Zone | null>();

function lookupZone(timezone: string): Zone | null {
  let zone = zones.get(timezone);
  if (zone === undefined) {
    if (zones.size >= MAX_ZONES) zones.clear();
    zone = createZone(timezone);
    zones.set(timezone, zone);
  }
  return zone;
}

function createZone(timezone: string): Zone | null {
  if (timezone.trim() === '') return null;
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { format, buckets: new Map(), slotBuckets: new Float64Array(SLOTS).fill(Number.NaN), slotOffsets: new Float64Array(SLOTS) };
  } catch {
    return null;
  }
}

function zoneOf(timezone: string): Zone {
  const zone = lookupZone(timezone);
  if (zone === null) throw new Error(`Unknown time zone "${timezone}": use an IANA name such as "America/Chicago"`);
  return zone;
}

export function isValidTimezone(timezone: string): boolean {
  return lookupZone(timezone) !== null;
}

/** The zone's UTC offset at `at` (whole seconds), asked of Intl. */
function intlOffset(zone: Zone, at: number): number {
  const instant = Math.floor(at / SECOND) * SECOND;
  const fields: Record<string, number> = {};
  for (const part of zone.format.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    (fields.hour ?? 0) % 24,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - instant;
}

function computeBucket(zone: Zone, bucket: number): Bucket {
  const start = bucket * HOUR;
  const before = intlOffset(zone, start);
  const after = intlOffset(zone, start + HOUR - SECOND);
  if (before === after) return before;
  // Find the first second with the new offset.
  let low = start;
  let high = start + HOUR - SECOND;
  while (high - low > SECOND) {
    const middle = low + Math.floor((high - low) / (2 * SECOND)) * SECOND;
    if (intlOffset(zone, middle) === before) low = middle;
    else high = middle;
  }
  return { before, at: high, after };
}

function offsetAt(zone: Zone, at: number): number {
  const bucket = Math.floor(at / HOUR);
  // A direct-mapped slot in front of the map: a broadcast's calls land on a handful of hours per zone.
  const slot = bucket & SLOT_MASK;
  if (zone.slotBuckets[slot] === bucket) return zone.slotOffsets[slot] ?? 0;
  let entry = zone.buckets.get(bucket);
  if (entry === undefined) {
    if (zone.buckets.size >= MAX_BUCKETS_PER_ZONE) zone.buckets.clear();
    entry = computeBucket(zone, bucket);
    zone.buckets.set(bucket, entry);
  }
  if (typeof entry === 'number') {
    zone.slotBuckets[slot] = bucket;
    zone.slotOffsets[slot] = entry;
    return entry;
  }
  return at < entry.at ? entry.before : entry.after;
}

/**
 * The first instant after `after` (else the first instant at all) whose local wall time is `wall` (local time
 * written as if it were UTC). A wall time skipped by a DST jump resolves to the jump itself.
 */
function wallToUtc(zone: Zone, wall: number, after = Number.NEGATIVE_INFINITY): number {
  const guess = wall - offsetAt(zone, wall);
  const early = offsetAt(zone, guess - TRANSITION_REACH);
  const late = offsetAt(zone, guess + TRANSITION_REACH);
  if (early === late) return wall - early;
  const first = wall - Math.max(early, late);
  const second = wall - Math.min(early, late);
  const firstValid = offsetAt(zone, first) === wall - first;
  const secondValid = offsetAt(zone, second) === wall - second;
  if (firstValid && (first > after || !secondValid || second <= after)) return first;
  if (secondValid) return second;
  // Skipped: the clocks jumped from before `wall` to after it somewhere between `first` and `second`.
  let low = first;
  let high = second;
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (offsetAt(zone, middle) === early) low = middle;
    else high = middle;
  }
  return high;
}

const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const parsedTimes = new Map<string, number>();

function parseTime(time: string, allowMidnightEnd = false): number {
  if (allowMidnightEnd && time === '24:00') return DAY;
  let parsed = parsedTimes.get(time);
  if (parsed === undefined) {
    const match = TIME_PATTERN.exec(time);
    if (!match) throw new Error(`Invalid time "${time}": expected HH:MM, 00:00 to 23:59`);
    parsed = Number(match[1]) * HOUR + Number(match[2]) * 60_000;
    if (parsedTimes.size < 10_000) parsedTimes.set(time, parsed);
  }
  return parsed;
}

function parseDate(date: string): number {
  const match = DATE_PATTERN.exec(date);
  const midnight = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || new Date(midnight).toISOString().slice(0, 10) !== date) {
    throw new Error(`Invalid date "${date}": expected YYYY-MM-DD`);
  }
  return midnight;
}

const timeOfDay = (wall: number) => ((wall % DAY) + DAY) % DAY;

/**
 * `window.end` may be '24:00' (until midnight); start equal to end is refused as ambiguous ('00:00'–'24:00' means
 * "any time").
 */
export function createQuietHours(window: SendWindow): QuietHours {
  const start = parseTime(window.start);
  const end = parseTime(window.end, true);
  if (start === end) throw new Error(`Empty sending window ${window.start}–${window.end}`);
  const crossesMidnight = start > end;
  const inWindow = crossesMidnight ? (time: number) => time >= start || time < end : (time: number) => time >= start && time < end;

  const allowedIn = (zone: Zone, at: number) => inWindow(timeOfDay(at + offsetAt(zone, at)));

  return {
    allowedAt(at, timezone) {
      return allowedIn(zoneOf(timezone), at);
    },

    nextAllowed(at, timezone) {
      const zone = zoneOf(timezone);
      const wall = at + offsetAt(zone, at);
      const time = timeOfDay(wall);
      if (inWindow(time)) return at;
      // Before today's opening, or (a daytime window) after today's closing: then tomorrow's opening.
      let midnight = wall - time;
      if (!crossesMidnight && time >= end) midnight += DAY;
      for (let attempt = 0; attempt < 4; attempt++, midnight += DAY) {
        const candidate = wallToUtc(zone, midnight + start, at);
        // A window lying wholly inside a skipped hour does not open that day.
        if (candidate > at && allowedIn(zone, candidate)) return candidate;
      }
      throw new Error(`No sending window found after ${new Date(at).toISOString()} in ${timezone}`);
    },

    windowEnd(at, timezone) {
      const zone = zoneOf(timezone);
      const wall = at + offsetAt(zone, at);
      const time = timeOfDay(wall);
      if (!inWindow(time)) {
        throw new Error(`${new Date(at).toISOString()} is outside the sending window in ${timezone}: call nextAllowed first`);
      }
      let closing = wall - time + end;
      if (crossesMidnight && time >= start) closing += DAY;
      return wallToUtc(zone, closing, at);
    },

    localTime(after, timezone, time, date) {
      const zone = zoneOf(timezone);
      const timeMs = parseTime(time);
      if (date !== undefined) return wallToUtc(zone, parseDate(date) + timeMs);
      const wall = after + offsetAt(zone, after);
      let midnight = wall - timeOfDay(wall);
      for (let attempt = 0; attempt < 3; attempt++, midnight += DAY) {
        const candidate = wallToUtc(zone, midnight + timeMs, after - 1);
        if (candidate >= after) return candidate;
      }
      throw new Error(`No local ${time} found after ${new Date(after).toISOString()} in ${timezone}`);
    },
  };
}
