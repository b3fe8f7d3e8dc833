import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { createAccountsService } from '../modules/accounts/accounts.service.ts';
import type { Db } from './database.ts';

export type SeedResult = { seeded: boolean; email: string; workspaceId: number | null };

/** Seeds the demo workspace and its owner when the database has no user yet; does nothing otherwise. */
export async function seedDemoIfEmpty(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'demoEmail' | 'demoPassword' | 'sessionTtlMs' | 'loginMaxFailures' | 'loginLockMs' | 'publicUrl'>,
): Promise<SeedResult> {
  const anyUser = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (anyUser) return { seeded: false, email: config.demoEmail, workspaceId: null };
  const accounts = createAccountsService({ db, clock, config });
  const userId = await accounts.createUser({ email: config.demoEmail, name: 'Demo Organizer', password: config.demoPassword });
  const workspace = await accounts.createWorkspace(userId, { name: 'Groundswell Demo', timezone: 'America/Chicago', defaultCountry: 'US' });
  return { seeded: true, email: config.demoEmail, workspaceId: workspace.id };
}
