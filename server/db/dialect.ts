import { type CreateTableBuilder, type Kysely, PostgresAdapter, type SelectQueryBuilder } from 'kysely';
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
