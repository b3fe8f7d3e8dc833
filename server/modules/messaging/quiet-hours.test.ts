import { describe, expect, it } from 'vitest';
import { createQuietHours, DEFAULT_SEND_WINDOW, isValidTimezone } from './quiet-hours.ts';

const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const day = createQuietHours(DEFAULT_SEND_WINDOW); // 08:00–21:00
const night = createQuietHours({ start: '22:00', end: '06:00' });
const CHICAGO = 'America/Chicago';
const BERLIN = 'Europe/Berlin';
const LORD_HOWE = 'Australia/Lord_Howe';
const KATHMANDU = 'Asia/Kathmandu';

describe('allowedAt', () => {
  it('opens at the start (inclusive) and closes at the end (exclusive), in the member’s local time', () => {
    // 15 June 2026, Chicago is on CDT (UTC−5).
    expect(day.allowedAt(utc('2026-06-15T12:59:59.999Z'), CHICAGO)).toBe(false);
    expect(day.allowedAt(utc('2026-06-15T13:00:00Z'), CHICAGO)).toBe(true);
    expect(day.allowedAt(utc('2026-06-16T01:59:59.999Z'), CHICAGO)).toBe(true);
    expect(day.allowedAt(utc('2026-06-16T02:00:00Z'), CHICAGO)).toBe(false);
  });

  it('follows the member’s zone: the same instant is morning in one place and night in another', () => {
    const at = utc('2026-06-15T14:00:00Z');
    expect(day.allowedAt(at, CHICAGO)).toBe(true); // 09:00
    expect(day.allowedAt(at, BERLIN)).toBe(true); // 16:00
    expect(day.allowedAt(at, LORD_HOWE)).toBe(false); // 00:30 (UTC+10:30 in June)
    expect(day.allowedAt(at, KATHMANDU)).toBe(true); // 19:45
  });

  it('handles a quarter-hour zone exactly (Kathmandu, UTC+5:45)', () => {
    expect(day.allowedAt(utc('2026-01-10T02:14:59Z'), KATHMANDU)).toBe(false);
    expect(day.allowedAt(utc('2026-01-10T02:15:00Z'), KATHMANDU)).toBe(true);
    expect(day.windowEnd(utc('2026-01-10T02:15:00Z'), KATHMANDU)).toBe(utc('2026-01-10T15:15:00Z'));
  });

  it('a window whose start is after its end crosses midnight', () => {
    expect(night.allowedAt(utc('2026-06-16T04:00:00Z'), CHICAGO)).toBe(true); // 23:00
    expect(night.allowedAt(utc('2026-06-16T10:59:59Z'), CHICAGO)).toBe(true); // 05:59:59
    expect(night.allowedAt(utc('2026-06-16T11:00:00Z'), CHICAGO)).toBe(false); // 06:00
    expect(night.allowedAt(utc('2026-06-16T17:00:00Z'), CHICAGO)).toBe(false); // 12:00
    expect(night.allowedAt(utc('2026-06-16T03:00:00Z'), CHICAGO)).toBe(true); // 22:00
  });
});

describe('nextAllowed', () => {
  it('returns the instant itself when sending is allowed', () => {
    const at = utc('2026-06-15T15:30:00Z');
    expect(day.nextAllowed(at, CHICAGO)).toBe(at);
  });

  it('before the window opens: today’s opening; after it closes: tomorrow’s', () => {
    expect(iso(day.nextAllowed(utc('2026-06-15T10:00:00Z'), CHICAGO))).toBe('2026-06-15T13:00:00.000Z'); // 05:00 → 08:00
    expect(iso(day.nextAllowed(utc('2026-06-16T02:00:00Z'), CHICAGO))).toBe('2026-06-16T13:00:00.000Z'); // 21:00 → 08:00
  });

  it('crosses the spring-forward night with the new offset (Chicago, 8 March 2026)', () => {
    // Saturday 22:00 CST (UTC−6) → Sunday 08:00 CDT (UTC−5): 13:00Z, not 14:00Z.
    expect(iso(day.nextAllowed(utc('2026-03-08T04:00:00Z'), CHICAGO))).toBe('2026-03-08T13:00:00.000Z');
  });

  it('crosses the fall-back night with the new offset (Chicago, 1 November 2026)', () => {
    expect(iso(day.nextAllowed(utc('2026-11-01T03:00:00Z'), CHICAGO))).toBe('2026-11-01T14:00:00.000Z');
  });

  it('crosses Lord Howe’s half-hour DST change (4 October 2026, UTC+10:30 → UTC+11)', () => {
    // Saturday 22:00 at +10:30 → Sunday 08:00 at +11.
    expect(iso(day.nextAllowed(utc('2026-10-03T11:30:00Z'), LORD_HOWE))).toBe('2026-10-03T21:00:00.000Z');
    // The day before the change still opens at 08:00 +10:30.
    expect(iso(day.nextAllowed(utc('2026-10-02T11:30:00Z'), LORD_HOWE))).toBe('2026-10-02T21:30:00.000Z');
  });

  it('a window opening at a time the DST jump skips opens at the jump (Berlin, 29 March 2026)', () => {
    const early = createQuietHours({ start: '02:30', end: '06:00' });
    // 01:00 CET; 02:30 never happens, the clocks go from 02:00 CET straight to 03:00 CEST (01:00Z).
    const opening = early.nextAllowed(utc('2026-03-29T00:00:00Z'), BERLIN);
    expect(iso(opening)).toBe('2026-03-29T01:00:00.000Z');
    expect(early.allowedAt(opening, BERLIN)).toBe(true);
  });

  it('a window lying wholly inside the skipped hour does not open that day', () => {
    const skipped = createQuietHours({ start: '02:10', end: '02:50' });
    expect(iso(skipped.nextAllowed(utc('2026-03-08T06:00:00Z'), CHICAGO))).toBe('2026-03-09T07:10:00.000Z');
  });

  it('a midnight-crossing window opens the same evening', () => {
    expect(iso(night.nextAllowed(utc('2026-06-15T17:00:00Z'), CHICAGO))).toBe('2026-06-16T03:00:00.000Z'); // 12:00 → 22:00
  });
});

describe('windowEnd', () => {
  it('is the closing time of the window the instant is in', () => {
    expect(iso(day.windowEnd(utc('2026-06-15T13:00:00Z'), CHICAGO))).toBe('2026-06-16T02:00:00.000Z');
    expect(iso(day.windowEnd(utc('2026-06-15T09:00:00Z'), BERLIN))).toBe('2026-06-15T19:00:00.000Z');
  });

  it('of a midnight-crossing window is the next morning before midnight and the same morning after it', () => {
    expect(iso(night.windowEnd(utc('2026-06-16T04:00:00Z'), CHICAGO))).toBe('2026-06-16T11:00:00.000Z'); // 23:00 → 06:00
    expect(iso(night.windowEnd(utc('2026-06-16T06:00:00Z'), CHICAGO))).toBe('2026-06-16T11:00:00.000Z'); // 01:00 → 06:00
  });

  it('follows a DST jump inside the night (Berlin: the night of 29 March is an hour shorter)', () => {
    expect(iso(night.windowEnd(utc('2026-03-28T22:00:00Z'), BERLIN))).toBe('2026-03-29T04:00:00.000Z');
  });

  it('when the closing time happens twice (fall back), ends at the one after the instant', () => {
    const late = createQuietHours({ start: '20:00', end: '01:30' });
    // 1 November 2026 in Chicago: 01:00–02:00 happens first in CDT, then again in CST.
    expect(iso(late.windowEnd(utc('2026-11-01T06:15:00Z'), CHICAGO))).toBe('2026-11-01T06:30:00.000Z'); // 01:15 CDT
    expect(iso(late.windowEnd(utc('2026-11-01T07:15:00Z'), CHICAGO))).toBe('2026-11-01T07:30:00.000Z'); // 01:15 CST
  });

  it('accepts 24:00 as a window running until midnight', () => {
    const allDay = createQuietHours({ start: '00:00', end: '24:00' });
    expect(allDay.allowedAt(utc('2026-06-15T04:59:00Z'), CHICAGO)).toBe(true);
    expect(iso(allDay.windowEnd(utc('2026-06-15T12:00:00Z'), CHICAGO))).toBe('2026-06-16T05:00:00.000Z');
  });

  it('refuses an instant outside the window', () => {
    expect(() => day.windowEnd(utc('2026-06-15T10:00:00Z'), CHICAGO)).toThrow(/outside the sending window/);
  });
});

describe('localTime', () => {
  it('finds each member’s next local morning', () => {
    const after = utc('2026-06-15T12:00:00Z');
    expect(iso(day.localTime(after, CHICAGO, '09:00'))).toBe('2026-06-15T14:00:00.000Z'); // it is 07:00 there
    expect(iso(day.localTime(after, BERLIN, '09:00'))).toBe('2026-06-16T07:00:00.000Z'); // it is 14:00 there
    expect(iso(day.localTime(after, KATHMANDU, '09:00'))).toBe('2026-06-16T03:15:00.000Z');
    expect(iso(day.localTime(after, LORD_HOWE, '09:00'))).toBe('2026-06-15T22:30:00.000Z');
  });

  it('includes the instant itself ("on or after")', () => {
    const at = utc('2026-06-15T14:00:00Z');
    expect(day.localTime(at, CHICAGO, '09:00')).toBe(at);
  });

  it('with a date, gives that local date’s time, across a DST change', () => {
    expect(iso(day.localTime(0, CHICAGO, '09:00', '2026-03-07'))).toBe('2026-03-07T15:00:00.000Z');
    expect(iso(day.localTime(0, CHICAGO, '09:00', '2026-03-08'))).toBe('2026-03-08T14:00:00.000Z');
  });

  it('refuses malformed times and dates', () => {
    expect(() => day.localTime(0, CHICAGO, '9am')).toThrow(/Invalid time "9am"/);
    expect(() => day.localTime(0, CHICAGO, '09:00', '2026-02-30')).toThrow(/Invalid date/);
  });
});

describe('time zones and windows', () => {
  it('isValidTimezone tells IANA zones from anything else', () => {
    expect(isValidTimezone('America/Chicago')).toBe(true);
    expect(isValidTimezone('UTC')).toBe(true);
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimezone('')).toBe(false);
  });

  it('an unknown zone is a clear error, never a silent fallback', () => {
    expect(() => day.allowedAt(0, 'Mars/Olympus_Mons')).toThrow('Unknown time zone "Mars/Olympus_Mons"');
    expect(() => day.nextAllowed(0, 'Mars/Olympus_Mons')).toThrow(/Unknown time zone/);
  });

  it('refuses malformed or empty windows', () => {
    expect(() => createQuietHours({ start: '8:00', end: '21:00' })).toThrow(/Invalid time "8:00"/);
    expect(() => createQuietHours({ start: '08:00', end: '25:00' })).toThrow(/Invalid time/);
    expect(() => createQuietHours({ start: '24:00', end: '08:00' })).toThrow(/Invalid time/);
    expect(() => createQuietHours({ start: '09:00', end: '09:00' })).toThrow(/Empty sending window/);
  });
});

describe('agreement with the platform’s time zone data', () => {
  const ZONES = [CHICAGO, BERLIN, LORD_HOWE, KATHMANDU, 'America/St_Johns', 'Pacific/Chatham', 'Asia/Tehran', 'America/Santiago', 'UTC'];
  const formats = new Map(
    ZONES.map((zone) => [zone, new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })]),
  );
  const localMinutes = (at: number, timezone: string) => {
    const parts = Object.fromEntries(
      (formats.get(timezone) ?? new Intl.DateTimeFormat()).formatToParts(at).map((part) => [part.type, Number(part.value)]),
    );
    return (parts.hour ?? 0) * 60 + (parts.minute ?? 0);
  };
  // A fixed pseudo-random walk over 2025–2027, so DST changes in both hemispheres are crossed.
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const instants = Array.from({ length: 400 }, () => utc('2025-01-01T00:00:00Z') + Math.floor(next() * 3 * 365 * 86_400) * 1000);

  it.each(ZONES)('allowedAt, nextAllowed and windowEnd agree with Intl in %s', (timezone) => {
    for (const at of instants) {
      const minutes = localMinutes(at, timezone);
      expect(day.allowedAt(at, timezone), `${iso(at)} ${timezone}`).toBe(minutes >= 8 * 60 && minutes < 21 * 60);
      const opening = day.nextAllowed(at, timezone);
      expect(opening).toBeGreaterThanOrEqual(at);
      expect(opening - at).toBeLessThan(86_400_000);
      if (opening > at) {
        expect(localMinutes(opening, timezone), `${iso(at)} → ${iso(opening)} ${timezone}`).toBe(8 * 60);
        expect(day.allowedAt(opening - 60_000, timezone)).toBe(false);
      }
      const closing = day.windowEnd(opening, timezone);
      expect(localMinutes(closing, timezone), `${iso(opening)} → ${iso(closing)} ${timezone}`).toBe(21 * 60);
      expect(day.allowedAt(closing - 1, timezone)).toBe(true);
      expect(day.allowedAt(closing, timezone)).toBe(false);
    }
  });
});
