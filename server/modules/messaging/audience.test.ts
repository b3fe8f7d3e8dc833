import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../../test/helpers/db.ts';
import type { Db } from '../../db/database.ts';
import type { ConsentState, PhoneType } from '../../db/schema.ts';
import { audienceBatch, countAudience, countAudienceByLanguage } from './audience.ts';

// Who a broadcast reaches, read straight from the store: communities with their descendants, tags, live members only,
// each member once, streamed in windows whatever their size.

const NOW = Date.UTC(2026, 10, 22, 15);

describe.each(testDialects())('broadcast audience on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;
  let ws: number;
  let other: number;
  let phones = 0;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    db = database.db;
    ws = await workspace('climate');
    other = await workspace('elsewhere');
    phones = 0;
  });
  afterEach(async () => {
    await database.destroy();
  });

  async function workspace(slug: string) {
    const row = await db
      .insertInto('workspaces')
      .values({
        name: slug,
        slug,
        timezone: 'America/Chicago',
        default_country: 'US',
        quiet_hours_start: '08:00',
        quiet_hours_end: '21:00',
        created_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function community(name: string, parentId: number | null = null, workspaceId = ws, archived = false) {
    const row = await db
      .insertInto('communities')
      .values({
        workspace_id: workspaceId,
        parent_id: parentId,
        name,
        slug: name.toLowerCase().replace(/\W+/g, '-'),
        visibility: 'public',
        archived_at: archived ? NOW : null,
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  type MemberOptions = {
    workspaceId?: number;
    consent?: ConsentState;
    phone?: string | null;
    phoneType?: PhoneType;
    language?: string;
    merged?: boolean;
    erased?: boolean;
    in?: number[];
    left?: number[];
    tags?: string[];
  };

  async function member(name: string, options: MemberOptions = {}) {
    phones += 1;
    const workspaceId = options.workspaceId ?? ws;
    const row = await db
      .insertInto('members')
      .values({
        workspace_id: workspaceId,
        phone: options.phone === undefined ? `+1512555${String(phones).padStart(4, '0')}` : options.phone,
        phone_type: options.phoneType ?? 'mobile',
        phone_raw: null,
        email: null,
        first_name: name,
        last_name: null,
        name_key: null,
        last_name_key: null,
        postal_code: null,
        language: options.language ?? 'en',
        timezone: 'America/Chicago',
        timezone_source: 'workspace',
        source: null,
        referred_by: null,
        sms_consent: options.consent ?? 'granted',
        merged_into: null,
        erased_at: options.erased ? NOW : null,
        last_active_at: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = row.id;
    if (options.merged) await db.updateTable('members').set({ merged_into: id }).where('id', '=', id).execute();
    const join = async (communityId: number, status: 'active' | 'left') =>
      db
        .insertInto('memberships')
        .values({
          workspace_id: workspaceId,
          community_id: communityId,
          member_id: id,
          role: 'member',
          status,
          source: null,
          joined_at: NOW,
          left_at: null,
          updated_at: NOW,
        })
        .execute();
    for (const c of options.in ?? []) await join(c, 'active');
    for (const c of options.left ?? []) await join(c, 'left');
    for (const tag of options.tags ?? [])
      await db.insertInto('member_tags').values({ workspace_id: workspaceId, member_id: id, tag, created_at: NOW }).execute();
    return id;
  }

  /** Every batch of `limit` after another, as a list of id lists. */
  async function batches(audience: { communityIds: number[]; tags: string[] }, limit: number) {
    const out: number[][] = [];
    let after = 0;
    for (;;) {
      const batch = await audienceBatch(db, ws, audience, after, limit);
      if (batch.length > 0) out.push(batch.map((m) => m.id));
      if (batch.length < limit) return out;
      after = (batch.at(-1) as { id: number }).id;
    }
  }

  it('reads a community with its descendants and tagged members, each once, live members only, in id order', async () => {
    const network = await community('Network');
    const chapter = await community('Chapter', network);
    const group = await community('Group', chapter);
    const closed = await community('Closed chapter', network, ws, true);
    const elsewhere = await community('Elsewhere', null, other);
    const a = await member('A', { in: [network] });
    const b = await member('B', { in: [chapter, group] });
    await member('Left', { left: [chapter] });
    const c = await member('C', { tags: ['volunteer'] });
    await member('Merged', { in: [chapter], merged: true });
    await member('Erased', { in: [group], erased: true });
    await member('Closed', { in: [closed] });
    await member('Outside', { workspaceId: other, in: [elsewhere], tags: ['volunteer'] });
    const d = await member('D', { in: [group], tags: ['volunteer'] });
    await member('Nobody');

    const audience = { communityIds: [network], tags: ['volunteer'] };
    const everyone = [a, b, c, d];
    expect((await batches(audience, 100)).flat()).toEqual(everyone);
    // Small windows: the audience dense or sparse in them, never a member twice or missed at a window's edge.
    for (const limit of [1, 2, 3]) expect((await batches(audience, limit)).flat(), `limit ${limit}`).toEqual(everyone);
    expect(await batches(audience, 3)).toEqual([[a, b, c], [d]]);
    expect((await batches({ communityIds: [group], tags: [] }, 10)).flat()).toEqual([b, d]);
    expect(await batches({ communityIds: [], tags: [] }, 10)).toEqual([]);
  });

  it('counts distinct members by why they can or cannot be reached, per language', async () => {
    const austin = await community('Austin');
    const houston = await community('Houston');
    await member('Ana', { in: [austin, houston] });
    await member('Eva', { in: [austin], language: 'es' });
    await member('Ben', { in: [houston], consent: 'none' });
    await member('Cy', { in: [austin], consent: 'revoked' });
    await member('Dee', { in: [austin], phone: null });
    await member('Ed', { in: [austin], phoneType: 'landline' });
    const audience = { communityIds: [austin, houston], tags: [] };
    expect(await countAudience(db, ws, audience, 'sms')).toEqual({
      total: 6,
      reachable: 2,
      noConsent: 1,
      optedOut: 1,
      noAddress: 1,
      landline: 1,
    });
    const byLanguage = await countAudienceByLanguage(db, ws, audience, 'sms');
    expect(Object.fromEntries(byLanguage.reachableByLanguage)).toEqual({ en: 1, es: 1 });
    // Nobody has an email address or email consent here.
    expect(await countAudience(db, ws, audience, 'email')).toMatchObject({ total: 6, reachable: 0, noConsent: 6 });
    const batch = await audienceBatch(db, ws, audience, 0, 10);
    expect(batch.map((m) => [m.first_name, m.skip])).toEqual([
      ['Ana', null],
      ['Eva', null],
      ['Ben', 'no_consent'],
      ['Cy', 'opted_out'],
      ['Dee', 'no_address'],
      ['Ed', 'landline'],
    ]);
  });
});
