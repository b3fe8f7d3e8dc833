import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { randomToken } from './tokens.ts';

/**
 * The secret behind keyed hashes (suppressed numbers of erased members) and encrypted provider credentials.
 * APP_SECRET wins; a SQLite install without it keeps a generated secret in `app-secret` beside the database file,
 * so `npm start` needs no configuration. PostgreSQL installs run on several machines and must share one APP_SECRET.
 */
export function resolveAppSecret(config: Pick<Config, 'appSecret' | 'databaseUrl'>): string {
  if (config.appSecret) return config.appSecret;
  if (!config.databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError([
      'APP_SECRET is required with PostgreSQL: every serve and worker process must share it (e.g. `openssl rand -base64 48`)',
    ]);
  }
  const path = config.databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:' || path === '') return randomToken(48);
  const file = join(dirname(resolve(path)), 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomToken(48);
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
