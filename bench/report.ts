import type { Dialect } from '../server/db/database.ts';

// What every benchmark receives and what it reports. One figure = one JSON line on stdout.

export type Measurement = {
  /** `<bench>.<figure>`, e.g. 'http.authenticated_route'. */
  name: string;
  value: number;
  unit: string;
  /** The DESIGN.md §6 target this figure answers, or null when §6 sets none for it. */
  target: number | null;
  /** The matching raw figure measured in the same run (a bare route, a raw insert); a raw figure is its own limit. */
  limit: number;
  /** Extra figures for the same line (p99_ms, jobs, …). */
  extra?: Record<string, number | string | null>;
};

export type BenchOptions = {
  members: number;
  activities: number;
  /** Seconds of load per HTTP measurement. */
  durationS: number;
  connections: number;
  jobs: number;
  /** Audience of the fanout benchmark. */
  recipients: number;
  /** Messages the dispatch benchmark sends. */
  sends: number;
  seed: number;
  databaseUrl: string;
};

export type BenchContext = BenchOptions & {
  dialect: Dialect;
  emit: (measurement: Measurement) => void;
  /** Progress and notes, to stderr. */
  log: (message: string) => void;
};

export type Benchmark = {
  describe: string;
  /** Reads --members / --activities (generated members and activities). */
  usesGeneratedData?: boolean;
  run: (context: BenchContext) => Promise<void>;
};

const round = (value: number, digits: number) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** The JSON line for a measurement: name, value, unit, target, limit, ratio (value ÷ limit, 3 decimals), db, extras. */
export function formatMeasurement(measurement: Measurement, dialect: Dialect): string {
  const { name, value, unit, target, limit, extra } = measurement;
  const digits = value >= 100 ? 0 : 2;
  return JSON.stringify({
    name,
    value: round(value, digits),
    unit,
    target,
    limit: round(limit, limit >= 100 ? 0 : 2),
    ratio: limit > 0 ? round(value / limit, 3) : null,
    db: dialect,
    ...extra,
  });
}
