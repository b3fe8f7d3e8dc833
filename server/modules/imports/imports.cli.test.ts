import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { loadConfig } from '../../config.ts';
import { seedDemoIfEmpty } from '../../db/seed.ts';

// `groundswell import` and `groundswell export` as a person runs them: a spawned process against a SQLite file.

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/imports');
const run = promisify(execFile);

describe('groundswell import / export (CLI, SQLite)', () => {
  let t: TestDatabase;
  let workspaceId: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    const seeded = await seedDemoIfEmpty(t.db, createTestClock(), loadConfig({ LOG_LEVEL: 'silent' }));
    workspaceId = seeded.workspaceId ?? 0;
    await t.db
      .insertInto('communities')
      .values({
        workspace_id: workspaceId,
        name: 'Climate – Austin',
        slug: 'climate-austin',
        visibility: 'public',
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    env = { ...process.env, DATABASE_URL: t.url, APP_SECRET: 'cli-test-secret-cli-test-secret-0123456789', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await t.destroy();
  });

  const groundswell = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/groundswell.js'), ...args], {
        env,
        cwd: ROOT,
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };
  const members = async () =>
    Number(
      (
        await t.db
          .selectFrom('members')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', workspaceId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses a file that is not CSV, and a wrong mapping, with exit code 1 and nothing imported', async () => {
    const png = await groundswell('import', join(FIXTURES, 'image.png'), '--workspace', 'groundswell-demo');
    expect(png.code).toBe(1);
    expect(png.stderr).toContain('This file is a PNG image, not a CSV file');
    const mapping = await groundswell(
      'import',
      join(FIXTURES, 'action-network.csv'),
      '--workspace',
      'groundswell-demo',
      '--map',
      'uuid=phone',
    );
    expect(mapping.code).toBe(1);
    expect(mapping.stderr).toContain('mapping.uuid: maps to phone, which the column "can2_phone" already feeds');
    const noWording = await groundswell(
      'import',
      join(FIXTURES, 'spoke.csv'),
      '--workspace',
      'groundswell-demo',
      '--consent-column',
      'optOut',
    );
    expect(noWording.code).toBe(1);
    expect(noWording.stderr).toContain('--consent-wording is required');
    expect(await members()).toBe(0);
  });

  it('checks with --dry-run, then imports an Action Network export into a community, listing errors by line', async () => {
    const dry = await groundswell('import', join(FIXTURES, 'action-network.csv'), '--workspace', 'groundswell-demo', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run (nothing was imported): 27 rows');
    expect(dry.stdout).toContain('21 new members to create');
    expect(await members()).toBe(0);

    const result = await groundswell(
      'import',
      join(FIXTURES, 'action-network.csv'),
      '--workspace',
      'groundswell-demo',
      '--community',
      'climate-austin',
      '--tag',
      'Spring Drive',
      '--map',
      'uuid=custom:an_id',
      '--consent-column',
      'can2_sms_status',
      '--consent-wording',
      'Yes, text me about climate action. Reply STOP to opt out.',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('action-network.csv: about 27 rows in 11 columns (UTF-8, separated by ",")');
    expect(result.stdout).toMatch(/can2_phone\s+→ phone/);
    expect(result.stdout).toMatch(/uuid\s+→ custom:an_id/);
    expect(result.stdout).toMatch(/can2_sms_status\s+→ \(ignored\)\s+\(SMS consent\)/);
    expect(result.stdout).toContain('Everyone imported joins: Climate – Austin.');
    expect(result.stdout).toMatch(
      /Imported: 27 rows in [\d.]+ s — 21 new members, 0 existing members updated, 1 duplicate row, 5 rows with errors \(not imported\)\./,
    );
    expect(result.stdout).toMatch(/line 10\s+error\s+can2_phone: "555-12" is not a valid phone number/);
    expect(result.stdout).toMatch(/line 14\s+error\s+first_name: is longer than 1,000 characters/);
    expect(result.stdout).toMatch(/line 21\s+error\s+has 12 values but the header has 11 columns/);
    expect(result.stdout).toContain(`GET /api/workspaces/${workspaceId}/imports/`);

    expect(await members()).toBe(21);
    const maria = await t.db.selectFrom('members').selectAll().where('email', '=', 'maria.garcia@example.org').executeTakeFirstOrThrow();
    expect(maria).toMatchObject({ phone: '+15125550101', sms_consent: 'granted', email_consent: 'none' });
    expect(JSON.parse(maria.custom_fields)).toEqual({ an_id: 'action_network:0c1d2e3f-0001' });
    const memberships = await t.db.selectFrom('memberships').select('member_id').where('workspace_id', '=', workspaceId).execute();
    expect(memberships).toHaveLength(21);
    const tagged = await t.db.selectFrom('member_tags').select('member_id').where('tag', '=', 'spring drive').execute();
    expect(tagged).toHaveLength(21);
  });

  it('exports members with a filter to a file', async () => {
    const out = join(t.url.slice('sqlite:'.length), '..', 'export.csv');
    const result = await groundswell('export', '--workspace', 'groundswell-demo', '--tag', 'transit', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Exported 3 members to');
    const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email).sort()).toEqual(['ava.taylor@example.org', 'lucas.white@example.com', 'wei.chen@example.org']);
    expect(rows[0]?.communities).toBe('Climate – Austin');
    const audit = await t.db.selectFrom('audit_entries').select(['action', 'data']).where('action', '=', 'members.exported').execute();
    expect(audit).toHaveLength(1);
  });
});
