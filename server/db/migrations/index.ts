import type { Migration } from 'kysely';
import * as accounts from './20261122210000_accounts.ts';
import * as jobs from './20261122211000_jobs.ts';

/** Every migration, by name; names sort in the order they run. Add new files here. */
export const migrations: Record<string, Migration> = {
  '20261122210000_accounts': accounts,
  '20261122211000_jobs': jobs,
};
