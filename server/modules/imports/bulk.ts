import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import { dialectOf } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';

// Multi-row INSERTs for the import's hot path. Kysely's builder spends more time building a 1,000-row × 20-column
// statement than SQLite spends running it, so these statements are written as text once per shape and reused (the
// SQLite statement cache then reuses the prepared statement too). Table and column names come from our code only;
// every value is a bound parameter. Placeholders are the one dialect difference: `?` on SQLite, `$n` on PostgreSQL.

type Executor = Kysely<Database> | Transaction<Database>;

/** Bound parameters per statement: under SQLite's 32,766 (PostgreSQL allows 65,535). */
const MAX_PARAMS = 32_000;

const statements = new Map<string, string>();

function statementText(postgres: boolean, table: string, columns: readonly string[], rows: number, suffix: string): string {
  const key = `${postgres ? 'pg' : 'sqlite'}|${table}|${columns.join(',')}|${rows}|${suffix}`;
  let text = statements.get(key);
  if (text !== undefined) return text;
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const slots: string[] = [];
    for (let c = 0; c < columns.length; c++) slots.push(postgres ? `$${++n}` : '?');
    tuples.push(`(${slots.join(', ')})`);
  }
  text = `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}${suffix ? ` ${suffix}` : ''}`;
  if (statements.size > 200) statements.clear();
  statements.set(key, text);
  return text;
}

/**
 * Statement sizes in rows: a batch of n rows is cut into pieces of these sizes (largest first), so only a handful of
 * statement shapes ever exist per table: each is prepared once and reused, instead of one new statement per batch.
 */
const PIECES = [512, 128, 32, 8, 1];

/**
 * Inserts `rows` (arrays of values in `columns` order) in pieces of fixed sizes under the parameter limit.
 * `suffix` is appended to each statement (`on conflict … do nothing`, `returning id`); returned rows are collected.
 */
export async function insertRows<R = unknown>(
  db: Executor,
  table: keyof Database,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<R[]> {
  if (rows.length === 0) return [];
  const postgres = dialectOf(db) === 'postgres';
  const maxRows = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const out: R[] = [];
  let start = 0;
  while (start < rows.length) {
    const left = rows.length - start;
    const size = Math.min(maxRows, PIECES.find((p) => p <= left) ?? 1);
    const slice = rows.slice(start, start + size);
    start += size;
    const params: unknown[] = [];
    for (const row of slice) for (const value of row) params.push(value);
    const result = await db.executeQuery<R>(CompiledQuery.raw(statementText(postgres, table, columns, slice.length, suffix), params));
    for (const row of result.rows) out.push(row);
  }
  return out;
}

const IN_SIZES = [8, 32, 128, 512, 900];
/** The most values an IN list of the import holds. */
export const MAX_IN = 900;

/**
 * Pads the values of an IN list to one of a few lengths (repeating the last value, which changes no result), so the
 * lookups of successive batches share a prepared statement. At most MAX_IN values.
 */
export function padIn<T>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  const size = IN_SIZES.find((s) => s >= values.length) ?? values.length;
  const last = values[values.length - 1] as T;
  const out = values.slice();
  while (out.length < size) out.push(last);
  return out;
}

/**
 * Refreshes PostgreSQL's planner statistics for tables an import is growing fast. Its plans come from row counts
 * measured before the import: a members table that had 10 rows is read with a sequential scan for each lookup, long
 * after it holds a million. SQLite plans from its indexes alone (it keeps no statistics unless asked), so nothing runs
 * there.
 */
export async function refreshStatistics(db: Executor, tables: readonly (keyof Database)[]): Promise<void> {
  if (dialectOf(db) !== 'postgres' || tables.length === 0) return;
  await sql.raw(`analyze ${tables.join(', ')}`).execute(db);
}
