import { type CreateTableBuilder, type Kysely, PostgresAdapter, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Dialect } from './database.ts';

// Dialect differences live here, so services and repositories never branch on the database.

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema-less Kysely.
export type AnyDb = Kysely<any>;

export function dialectOf(db: AnyDb): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Adds an auto-incrementing 64-bit primary key named `id`. */
export function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Column type for epoch milliseconds and for references to 64-bit ids. */
export const int64 = (dialect: Dialect) => (dialect === 'postgres' ? 'bigint' : 'integer');

/**
 * Row locking for a claim subquery, applied with `.$call(forUpdateSkipLocked(dialect))`.
 * PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers never take the same row and never wait on each other.
 * SQLite: nothing; it has one writer, so `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *` is atomic as it is.
 */
export function forUpdateSkipLocked(dialect: Dialect) {
  return <DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> =>
    dialect === 'postgres' ? qb.forUpdate().skipLocked() : qb;
}

/** Column type for binary data: `bytea` on PostgreSQL, `blob` on SQLite (both read back as Buffer). */
export const binary = (dialect: Dialect) => (dialect === 'postgres' ? 'bytea' : 'blob');

/**
 * A custom field of a JSON-text column as text, for equality filters: strings as they are, numbers as written,
 * booleans as 'true' / 'false' (the same on both dialects). `key` must be a plain identifier ([a-z][a-z0-9_]*).
 * SQLite: json_extract(column, '$.key'); PostgreSQL: (column::jsonb ->> 'key').
 */
export function jsonTextField(dialect: Dialect, column: string, key: string): RawBuilder<string | null> {
  if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`not a custom field key: ${key}`);
  const col = sql.ref(column);
  if (dialect === 'postgres') return sql<string | null>`(${col}::jsonb ->> ${key})`;
  const path = `$.${key}`;
  const value = sql`cast(json_extract(${col}, ${path}) as text)`;
  return sql<string | null>`(case json_type(${col}, ${path}) when 'true' then 'true' when 'false' then 'false' else ${value} end)`;
}

/**
 * A column the query planner must not use an index for, in a condition that should only filter (SQLite: `+column`,
 * which also keeps it from looping over two `id in (…)` lists at once; PostgreSQL plans by statistics: the column).
 */
export function unindexed(dialect: Dialect, column: string): RawBuilder<unknown> {
  return dialect === 'sqlite' ? sql`+${sql.ref(column)}` : sql`${sql.ref(column)}`;
}
