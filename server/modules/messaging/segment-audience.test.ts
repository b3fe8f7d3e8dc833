import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { pruneSnapshots, SNAPSHOT_RETENTION_MS } from '../segments/snapshot-retention.job.ts';
import { snapshotSegment } from '../segments/snapshots.ts';
import { expandBroadcast } from './expand.ts';

// A saved segment as a broadcast's audience and as a filter of the members export: its members (narrowed to the
// broadcast's communities or tags when some are given), counted live in the preview, frozen when the expansion begins.

const WORDING = 'Text me about climate action. Msg & data rates may apply. Reply STOP to stop.';

describe.each(testDialects())('segments as audiences on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let phoneSeq = 0;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    phoneSeq = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function community(name: string) {
    const response = await api('POST', '/communities', { name, visibility: 'public' });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }

  async function member(firstName: string, options: { communities?: number[]; tags?: string[] } = {}) {
    phoneSeq += 1;
    const response = await api('POST', '/members', {
      firstName,
      lastName: 'Tester',
      phone: `+1 512 555 ${String(100 + phoneSeq).padStart(4, '0')}`,
      ...(options.tags ? { tags: options.tags } : {}),
      consent: { sms: { wording: WORDING } },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = (response.json() as { id: number }).id;
    for (const communityId of options.communities ?? []) await join(communityId, id);
    return id;
  }

  async function join(communityId: number, memberId: number) {
    const joined = await api('POST', `/communities/${communityId}/members`, { memberIds: [memberId] });
    expect(joined.statusCode, joined.body).toBe(200);
  }

  async function leave(communityId: number, memberId: number) {
    const left = await api('DELETE', `/communities/${communityId}/members/${memberId}`);
    expect(left.statusCode, left.body).toBe(204);
  }

  async function segment(rules: unknown) {
    const response = await api('POST', '/segments', { name: 'Segment', rules });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }

  async function draft(audience: Record<string, unknown>) {
    const created = await api('POST', '/broadcasts', {
      name: 'Rally reminder',
      channel: 'sms',
      audience: { communityIds: [], tags: [], ...audience },
      defaultLanguage: 'en',
      templates: { en: 'Hi {{ member.first_name }}, the rally is Saturday.' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return (created.json() as { id: number }).id;
  }

  const recipientsOf = async (broadcastId: number) =>
    (await db().selectFrom('messages').select('member_id').where('broadcast_id', '=', broadcastId).orderBy('member_id').execute()).map(
      (m) => Number(m.member_id),
    );

  it('reaches the members of the segment, and only those in the communities or tags when given too', async () => {
    const austin = await community('Austin');
    const houston = await community('Houston');
    const ana = await member('Ana', { communities: [austin], tags: ['vip'] });
    const ben = await member('Ben', { communities: [austin] });
    const cy = await member('Cy', { communities: [houston], tags: ['vip'] });
    await member('Dee', { tags: ['vip'] });
    const vips = await segment({ kind: 'group', op: 'and', rules: [{ kind: 'tag', has: true, tags: ['vip'] }] });

    const preview = await api('POST', '/broadcasts/preview', {
      channel: 'sms',
      audience: { communityIds: [austin, houston], tags: [], segmentId: vips },
      templates: { en: 'Hi' },
      defaultLanguage: 'en',
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().recipients).toMatchObject({ total: 2, reachable: 2 });

    const narrowed = await draft({ communityIds: [austin, houston], segmentId: vips });
    expect((await api('GET', `/broadcasts/${narrowed}`)).json().audience).toEqual({
      communityIds: [austin, houston],
      tags: [],
      segmentId: vips,
    });
    expect((await api('POST', `/broadcasts/${narrowed}/launch`)).statusCode).toBe(200);
    await t.runJobs();
    expect(await recipientsOf(narrowed)).toEqual([ana, cy]);

    const inAustin = await segment({ kind: 'community', in: true, communityIds: [austin] });
    const whole = await draft({ segmentId: inAustin });
    expect((await api('POST', `/broadcasts/${whole}/launch`)).statusCode).toBe(200);
    await t.runJobs();
    expect(await recipientsOf(whole)).toEqual([ana, ben]);
  });

  it('freezes the segment when the expansion begins: a resumed expansion reads the same members', async () => {
    const austin = await community('Austin');
    const ana = await member('Ana', { communities: [austin] });
    const ben = await member('Ben', { communities: [austin] });
    const inAustin = await segment({ kind: 'community', in: true, communityIds: [austin] });
    const id = await draft({ segmentId: inAustin });
    // Launched now, but stopped before writing anything: the snapshot is taken, no message written.
    await db().updateTable('broadcasts').set({ status: 'expanding', launched_at: t.clock.now() }).where('id', '=', id).execute();
    const stopped = new AbortController();
    stopped.abort(new Error('shutting down'));
    await expect(
      expandBroadcast({ db: db(), clock: t.clock, config: t.config }, { workspaceId: ws, broadcastId: id, signal: stopped.signal }),
    ).rejects.toThrow('shutting down');
    expect(await recipientsOf(id)).toEqual([]);

    // Meanwhile Ben leaves and Cy joins: the broadcast still goes to the members frozen at its start.
    await leave(austin, ben);
    const cy = await member('Cy', { communities: [austin] });
    const resumed = await expandBroadcast({ db: db(), clock: t.clock, config: t.config }, { workspaceId: ws, broadcastId: id });
    expect(resumed.outcome).toBe('done');
    expect(await recipientsOf(id)).toEqual([ana, ben]);
    // The segment itself has moved on.
    const live = (await api('POST', '/segments/preview', { rules: { kind: 'community', in: true, communityIds: [austin] } })).json();
    expect(live.sample.map((m: { id: number }) => m.id).sort()).toEqual([ana, cy].sort());
  });

  it('refuses a segment of another workspace, and pauses a broadcast whose segment was deleted before it went out', async () => {
    const refused = await api('POST', '/broadcasts', {
      name: 'Rally reminder',
      channel: 'sms',
      audience: { communityIds: [], tags: [], segmentId: 999 },
      defaultLanguage: 'en',
      templates: { en: 'Hi' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toContainEqual({ path: 'body.audience.segmentId', message: 'is not a segment of this workspace (999)' });

    const austin = await community('Austin');
    await member('Ana', { communities: [austin] });
    const inAustin = await segment({ kind: 'community', in: true, communityIds: [austin] });
    const id = await draft({ segmentId: inAustin });
    await db().updateTable('broadcasts').set({ status: 'expanding', launched_at: t.clock.now() }).where('id', '=', id).execute();
    expect((await api('DELETE', `/segments/${inAustin}`)).statusCode).toBe(204);
    const result = await expandBroadcast({ db: db(), clock: t.clock, config: t.config }, { workspaceId: ws, broadcastId: id });
    expect(result.outcome).toBe('stopped');
    expect((await api('GET', `/broadcasts/${id}`)).json()).toMatchObject({ status: 'paused' });
    expect(await recipientsOf(id)).toEqual([]);
  });

  it('exports the members of a segment as CSV', async () => {
    const austin = await community('Austin');
    await member('Ana', { communities: [austin] });
    await member('Ben');
    await member('Cy', { communities: [austin] });
    const inAustin = await segment({ kind: 'community', in: true, communityIds: [austin] });
    const csv = await api('GET', `/members/export?segmentId=${inAustin}`);
    expect(csv.statusCode, csv.body).toBe(200);
    const names = csv.body
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[1]);
    expect(names).toEqual(['Cy', 'Ana']);
    const withFilter = await api('GET', `/members/export?segmentId=${inAustin}&q=ana`);
    expect(withFilter.body.trim().split('\n').length).toBe(2);
    expect((await api('GET', '/members/export?segmentId=999')).statusCode).toBe(404);
  });

  it('deletes snapshots once past use, and keeps the one a paused broadcast will resume from', async () => {
    const austin = await community('Austin');
    const ana = await member('Ana', { communities: [austin] });
    const ben = await member('Ben', { communities: [austin] });
    const inAustin = await segment({ kind: 'community', in: true, communityIds: [austin] });
    // A broadcast sent in full, and one stopped before writing anything (then paused): each froze the segment.
    const sent = await draft({ segmentId: inAustin });
    expect((await api('POST', `/broadcasts/${sent}/launch`)).statusCode).toBe(200);
    await t.runJobs();
    expect(await recipientsOf(sent)).toEqual([ana, ben]);
    const paused = await draft({ segmentId: inAustin });
    await db().updateTable('broadcasts').set({ status: 'expanding', launched_at: t.clock.now() }).where('id', '=', paused).execute();
    const stopped = new AbortController();
    stopped.abort(new Error('shutting down'));
    await expect(
      expandBroadcast({ db: db(), clock: t.clock, config: t.config }, { workspaceId: ws, broadcastId: paused, signal: stopped.signal }),
    ).rejects.toThrow('shutting down');
    await db().updateTable('broadcasts').set({ status: 'paused' }).where('id', '=', paused).execute();
    // An export's snapshot and one taken through the API.
    const take = (purpose: 'export' | 'api') =>
      db()
        .transaction()
        .execute((trx) => snapshotSegment(trx, ws, inAustin, t.clock.now(), { purpose }));
    await take('export');
    await take('api');
    const left = async () =>
      (
        await db()
          .selectFrom('segment_snapshots as s')
          .select([
            's.purpose',
            (eb) =>
              eb
                .selectFrom('segment_snapshot_members as m')
                .whereRef('m.snapshot_id', '=', 's.id')
                .select((e) => e.fn.countAll<number>().as('n'))
                .as('members'),
          ])
          .where('s.workspace_id', '=', ws)
          .orderBy('s.id')
          .execute()
      ).map((r) => `${r.purpose}:${Number(r.members)}`);
    expect(await left()).toEqual(['broadcast:2', 'broadcast:2', 'export:2', 'api:2']);

    // Nothing is past use at once; a day on, the export goes; a week on, the sent broadcast's (one member per batch).
    expect(await pruneSnapshots(db(), t.clock.now())).toEqual({ snapshots: 0, members: 0 });
    t.clock.advance(SNAPSHOT_RETENTION_MS.export + 1);
    expect(await pruneSnapshots(db(), t.clock.now(), { batch: 1 })).toEqual({ snapshots: 1, members: 2 });
    expect(await left()).toEqual(['broadcast:2', 'broadcast:2', 'api:2']);
    t.clock.advance(SNAPSHOT_RETENTION_MS.broadcast);
    expect(await pruneSnapshots(db(), t.clock.now(), { batch: 1 })).toEqual({ snapshots: 1, members: 2 });
    expect(await left()).toEqual(['broadcast:2', 'api:2']);
    t.clock.advance(SNAPSHOT_RETENTION_MS.api);
    await pruneSnapshots(db(), t.clock.now());
    expect(await left()).toEqual(['broadcast:2']);

    // The paused broadcast resumes from its snapshot.
    await db().updateTable('broadcasts').set({ status: 'expanding' }).where('id', '=', paused).execute();
    const resumed = await expandBroadcast({ db: db(), clock: t.clock, config: t.config }, { workspaceId: ws, broadcastId: paused });
    expect(resumed.outcome).toBe('done');
    expect(await recipientsOf(paused)).toEqual([ana, ben]);
  });
});
