import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/helpers/db.ts';
import { consentingMember } from '../../test/helpers/messaging.ts';
import { createGroupCommit } from './group-commit.ts';

// The group-commit writer on a real database: writes handed in together are stored together, a failing one is rolled
// back alone, counters move once per batch by the sum of the writes that stayed, and each caller hears of its own
// write only once it is committed.

const NOW = Date.UTC(2026, 11, 2, 15);

describe.each(testDialects())('group commit on %s', (dialect) => {
  let database: TestDatabase;
  let ws: number;
  let communityId: number;
  let actionId: number;
  let memberId: number;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    const db = database.db;
    ws = (
      await db
        .insertInto('workspaces')
        .values({
          name: 'Oak Street',
          slug: 'oak-street',
          timezone: 'America/Chicago',
          default_country: 'US',
          quiet_hours_start: '08:00',
          quiet_hours_end: '21:00',
          created_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    communityId = (
      await db
        .insertInto('communities')
        .values({ workspace_id: ws, name: 'Neighbors', slug: 'neighbors', visibility: 'public', created_at: NOW, updated_at: NOW })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    actionId = (
      await db
        .insertInto('actions')
        .values({
          workspace_id: ws,
          type: 'petition',
          slug: 'trees',
          title: 'Trees',
          status: 'published',
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    memberId = await consentingMember(db, { workspaceId: ws, phone: '+15125550100', now: NOW });
  });
  afterEach(async () => {
    await database.destroy();
  });

  const tags = async () =>
    (await database.db.selectFrom('member_tags').select('tag').where('workspace_id', '=', ws).orderBy('tag').execute()).map((r) => r.tag);
  const counts = async () => ({
    taken: (await database.db.selectFrom('actions').select('taken_count').where('id', '=', actionId).executeTakeFirstOrThrow()).taken_count,
    members: (await database.db.selectFrom('communities').select('member_count').where('id', '=', communityId).executeTakeFirstOrThrow())
      .member_count,
  });

  it('keeps every write of a batch but the one that failed, and moves counters by the writes that stayed', async () => {
    const writer = createGroupCommit(database.db);
    const tag = (i: number) => `t${String(i).padStart(2, '0')}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        writer.run(async ({ trx, counters }) => {
          await trx
            .insertInto('member_tags')
            .values({ workspace_id: ws, member_id: memberId, tag: tag(i), created_at: NOW })
            .execute();
          counters.add('actions.taken_count', ws, actionId, 1, NOW + i);
          counters.add('communities.member_count', ws, communityId, 2, NOW);
          // Write 7 tags the member a second time: a unique key, after its first insert and its counters.
          if (i === 7)
            await trx
              .insertInto('member_tags')
              .values({ workspace_id: ws, member_id: memberId, tag: tag(3), created_at: NOW })
              .execute();
          return i;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(outcomes[7]?.status).toBe('rejected');
    expect(outcomes[12]).toEqual({ status: 'fulfilled', value: 12 });
    expect(await tags()).toEqual(Array.from({ length: 30 }, (_, i) => tag(i)).filter((t) => t !== tag(7)));
    expect(await counts()).toEqual({ taken: 29, members: 58 });
    const action = await database.db.selectFrom('actions').select('updated_at').where('id', '=', actionId).executeTakeFirstOrThrow();
    expect(action.updated_at).toBe(NOW + 29);
  });

  it('a write that runs alone and fails stores nothing and rejects with its own error', async () => {
    const writer = createGroupCommit(database.db);
    await expect(
      writer.run(async ({ trx, counters }) => {
        await trx.insertInto('member_tags').values({ workspace_id: ws, member_id: memberId, tag: 'once', created_at: NOW }).execute();
        counters.add('actions.taken_count', ws, actionId, 1, NOW);
        throw new Error('the form was refused');
      }),
    ).rejects.toThrow('the form was refused');
    expect(await tags()).toEqual([]);
    expect(await counts()).toEqual({ taken: 0, members: 0 });
    await expect(writer.run(async () => 'next')).resolves.toBe('next');
  });

  it('a caller hears of its write only once it is committed, and drain waits for what was handed in', async () => {
    const writer = createGroupCommit(database.db);
    const other = database.open();
    try {
      const seen: number[] = [];
      const writes = Array.from({ length: 5 }, (_, i) =>
        writer
          .run(async ({ trx }) => {
            await trx
              .insertInto('member_tags')
              .values({ workspace_id: ws, member_id: memberId, tag: `c${i}`, created_at: NOW })
              .execute();
          })
          .then(async () => {
            // Another connection sees the row by the time the caller is told.
            const row = await other.db.selectFrom('member_tags').select('tag').where('tag', '=', `c${i}`).executeTakeFirst();
            if (row) seen.push(i);
          }),
      );
      await writer.drain();
      await Promise.all(writes);
      expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await other.close();
    }
  });
});
