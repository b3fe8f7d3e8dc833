import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { VERIFICATION_CODES_KEPT_MS } from './verification-cleanup.job.ts';

describe.each(testDialects())('one-time codes retention on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ dialect });
  });
  afterEach(async () => {
    await t.close();
  });

  it('deletes join-page codes older than a week and keeps the recent ones', async () => {
    const db = t.database.db;
    const ws = t.demo.workspaceId;
    const community = await db
      .insertInto('communities')
      .values({
        workspace_id: ws,
        name: 'Safe Streets',
        slug: 'safe-streets',
        visibility: 'public',
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const member = await db
      .insertInto('members')
      .values({
        workspace_id: ws,
        phone: '+15125550142',
        timezone: 'America/Chicago',
        timezone_source: 'workspace',
        created_at: 0,
        updated_at: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const code = (label: string, createdAt: number) => ({
      workspace_id: ws,
      token_hash: `token-${label}`,
      phone_hash: 'phone-hash',
      phone_prefix: '+1512555',
      code_hash: 'code-hash',
      community_id: community.id,
      member_id: member.id,
      ip: '203.0.113.9',
      user_agent: 'Phone',
      language: 'en',
      wording: 'Text me',
      source_url: 'http://localhost/p/x',
      details: '{}',
      created_at: createdAt,
      expires_at: createdAt + 600_000,
      consumed_at: null,
    });
    const now = t.clock.now();
    await db
      .insertInto('verification_codes')
      .values([code('old', now - VERIFICATION_CODES_KEPT_MS - 60_000), code('recent', now)])
      .execute();
    // The recurring clean-up runs at its next slot (every 6 hours).
    await t.runJobs();
    t.clock.advance(6 * 3_600_000);
    await t.runJobs();
    const left = await db.selectFrom('verification_codes').select('token_hash').execute();
    expect(left.map((row) => row.token_hash)).toEqual(['token-recent']);
  });
});
