import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityType } from '../../../common/activities.ts';
import type { SegmentRule } from '../../../common/segments.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import type { Db } from '../../db/database.ts';
import type { ConsentState, MembershipRole } from '../../db/schema.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { snapshotSegment } from './snapshots.ts';

// Segments end to end: rules in, exactly the right members out. The suite runs on SQLite and, with TEST_DATABASE_URL,
// on PostgreSQL; every assertion names the exact member ids, so passing on both is "the same members on both".

const DAY = 86_400_000;

describe.each(testDialects())('segments on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let db: Db;
  let now: number;
  let phones = 0;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    db = t.database.db;
    now = t.clock.now();
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    phones = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown, client: Client = owner) =>
    client.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  // ── Data, written as the product writes it ──────────────────────────────────────────────────────────────────────

  async function community(name: string, parentId: number | null = null, workspaceId = ws) {
    const row = await db
      .insertInto('communities')
      .values({
        workspace_id: workspaceId,
        parent_id: parentId,
        name,
        slug: `${name.toLowerCase().replace(/\W+/g, '-')}-${workspaceId}`,
        visibility: 'public',
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  type MemberOptions = {
    last?: string | null;
    email?: string | null;
    phone?: string | null;
    postal?: string | null;
    language?: string;
    source?: string | null;
    consent?: ConsentState;
    custom?: Record<string, unknown>;
    createdAt?: number;
    lastActiveAt?: number | null;
    tags?: string[];
    workspaceId?: number;
    merged?: boolean;
    erased?: boolean;
  };

  async function member(first: string | null, options: MemberOptions = {}) {
    phones += 1;
    const row = await db
      .insertInto('members')
      .values({
        workspace_id: options.workspaceId ?? ws,
        phone: options.phone === undefined ? `+1512555${String(phones).padStart(4, '0')}` : options.phone,
        phone_raw: null,
        email: options.email ?? null,
        first_name: first,
        last_name: options.last ?? null,
        name_key: null,
        last_name_key: null,
        postal_code: options.postal ?? null,
        language: options.language ?? 'en',
        timezone: 'America/Chicago',
        timezone_source: 'workspace',
        custom_fields: JSON.stringify(options.custom ?? {}),
        source: options.source ?? null,
        referred_by: null,
        sms_consent: options.consent ?? 'granted',
        merged_into: null,
        erased_at: options.erased ? now : null,
        last_active_at: options.lastActiveAt ?? null,
        created_at: options.createdAt ?? now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    if (options.merged) await db.updateTable('members').set({ merged_into: id }).where('id', '=', id).execute();
    for (const tag of options.tags ?? [])
      await db
        .insertInto('member_tags')
        .values({ workspace_id: options.workspaceId ?? ws, member_id: id, tag, created_at: now })
        .execute();
    return id;
  }

  async function join(communityId: number, memberIds: number[], role: MembershipRole = 'member', status: 'active' | 'left' = 'active') {
    for (const memberId of memberIds) {
      await db
        .insertInto('memberships')
        .values({
          workspace_id: ws,
          community_id: communityId,
          member_id: memberId,
          role,
          status,
          source: null,
          joined_at: now,
          left_at: status === 'left' ? now : null,
          updated_at: now,
        })
        .execute();
    }
  }

  async function petition(title: string) {
    const response = await api('POST', '/petitions', { title, target: 'City council' });
    expect(response.statusCode, response.body).toBe(201);
    return Number(response.json().id);
  }

  type Did = { type: ActivityType; at?: number; action?: number; event?: number; community?: number; broadcast?: number };

  async function did(memberId: number, ...acts: Did[]) {
    await recordActivities(
      db,
      acts.map((a) => ({
        workspaceId: ws,
        memberId,
        type: a.type,
        communityId: a.community ?? null,
        subjectType: a.action ? 'action' : a.event ? 'event' : a.broadcast ? 'broadcast' : null,
        subjectId: a.action ?? a.event ?? a.broadcast ?? null,
        occurredAt: a.at ?? now,
      })),
      now,
    );
  }

  async function message(memberId: number, direction: 'out' | 'in', options: { state?: string; at?: number; broadcast?: number } = {}) {
    const at = options.at ?? now;
    await db
      .insertInto('messages')
      .values({
        workspace_id: ws,
        direction,
        channel: 'sms',
        kind: direction === 'in' ? 'inbound' : options.broadcast ? 'broadcast' : 'reply',
        member_id: memberId,
        broadcast_id: options.broadcast ?? null,
        sender_id: null,
        to_address: direction === 'in' ? '+12025550100' : '+15125550000',
        from_address: direction === 'in' ? '+15125550000' : '+12025550100',
        subject: null,
        body: 'Hello',
        media_urls: null,
        segments: 1,
        encoding: 'gsm7',
        priority: 0,
        state: (options.state ?? (direction === 'in' ? 'processed' : 'delivered')) as 'delivered',
        send_at: at,
        expires_at: null,
        created_at: at,
        updated_at: at,
        sent_at: direction === 'out' ? at : null,
      })
      .execute();
  }

  async function broadcast(name: string) {
    const row = await db
      .insertInto('broadcasts')
      .values({
        workspace_id: ws,
        name,
        channel: 'sms',
        status: 'completed',
        audience: '{"communityIds":[],"tags":[]}',
        sender_id: null,
        templates: '{"en":"Hi"}',
        default_language: 'en',
        subject: null,
        media_url: null,
        utm: null,
        schedule_kind: 'now',
        scheduled_at: null,
        local_time: null,
        throttle_per_minute: null,
        pause_reason: null,
        created_by: null,
        created_at: now,
        updated_at: now,
        launched_at: now,
        completed_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** The members matching `rules` (count and sample must agree: tests stay under the sample's 20). */
  async function matching(rules: SegmentRule): Promise<number[]> {
    const response = await api('POST', '/segments/preview', { rules });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { count: number; sample: { id: number }[] };
    const ids = body.sample.map((m) => m.id).sort((a, b) => a - b);
    expect(body.count).toBe(ids.length);
    return ids;
  }

  const and = (...rules: SegmentRule[]): SegmentRule => ({ kind: 'group', op: 'and', rules });
  const or = (...rules: SegmentRule[]): SegmentRule => ({ kind: 'group', op: 'or', rules });
  const sorted = (...ids: number[]) => [...ids].sort((a, b) => a - b);

  // ── Conditions ──────────────────────────────────────────────────────────────────────────────────────────────────

  it('compares member text fields without regard to case; "is not" and "is not set" include members without one', async () => {
    const ana = await member('Ana', { last: 'García', email: 'ana@example.org', postal: '78701', source: 'petition' });
    const anabel = await member('anabel', { last: 'Smith', email: 'anabel@example.com', postal: '78702', language: 'es' });
    const ben = await member('Ben', { last: null, email: null, postal: '10001', source: '' });
    const nameless = await member(null, { phone: '+12065550100' });
    await member('Gone', { merged: true });
    await member('Erased', { erased: true });

    expect(await matching({ kind: 'field', field: 'first_name', op: 'eq', value: 'ANA' })).toEqual([ana]);
    expect(await matching({ kind: 'field', field: 'first_name', op: 'neq', value: 'ana' })).toEqual(sorted(anabel, ben, nameless));
    expect(await matching({ kind: 'field', field: 'first_name', op: 'starts_with', value: 'an' })).toEqual(sorted(ana, anabel));
    expect(await matching({ kind: 'field', field: 'email', op: 'contains', value: '.com' })).toEqual([anabel]);
    // % and _ are letters, not wildcards.
    expect(await matching({ kind: 'field', field: 'email', op: 'contains', value: '%' })).toEqual([]);
    expect(await matching({ kind: 'field', field: 'postal_code', op: 'in', value: ['78701', '10001'] })).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'field', field: 'last_name', op: 'is_set' })).toEqual(sorted(ana, anabel));
    expect(await matching({ kind: 'field', field: 'source', op: 'is_not_set' })).toEqual(sorted(anabel, ben, nameless));
    expect(await matching({ kind: 'field', field: 'phone', op: 'starts_with', value: '+1206' })).toEqual([nameless]);
    expect(await matching({ kind: 'field', field: 'language', op: 'eq', value: 'es' })).toEqual([anabel]);
  });

  it('filters on dates, consent, engagement score and referrals', async () => {
    const old = await member('Old', { createdAt: now - 400 * DAY, lastActiveAt: now - 90 * DAY, consent: 'revoked' });
    const recent = await member('Recent', { createdAt: now - 5 * DAY, lastActiveAt: now - DAY });
    const never = await member('Never', { createdAt: now - 40 * DAY, consent: 'none' });
    const petitionId = await petition('Clean water');
    // signed 5 + called 10 + referred 10 = 25 points; one referral.
    await did(
      recent,
      { type: 'signed', action: petitionId },
      { type: 'called', action: petitionId },
      { type: 'referred', action: petitionId },
    );

    expect(await matching({ kind: 'field', field: 'created_at', op: 'within_days', value: 30 })).toEqual([recent]);
    expect(await matching({ kind: 'field', field: 'created_at', op: 'more_than_days_ago', value: 30 })).toEqual(sorted(old, never));
    expect(await matching({ kind: 'field', field: 'created_at', op: 'before', value: now - 100 * DAY })).toEqual([old]);
    expect(await matching({ kind: 'field', field: 'created_at', op: 'after', value: now - 100 * DAY })).toEqual(sorted(recent, never));
    expect(await matching({ kind: 'field', field: 'last_active_at', op: 'more_than_days_ago', value: 30 })).toEqual([old]);
    expect(await matching({ kind: 'field', field: 'last_active_at', op: 'is_not_set' })).toEqual([never]);
    expect(await matching({ kind: 'field', field: 'sms_consent', op: 'eq', value: 'granted' })).toEqual([recent]);
    expect(await matching({ kind: 'field', field: 'sms_consent', op: 'in', value: ['revoked', 'none'] })).toEqual(sorted(old, never));
    expect(await matching({ kind: 'field', field: 'engagement_score', op: 'gte', value: 25 })).toEqual([recent]);
    expect(await matching({ kind: 'field', field: 'engagement_score', op: 'lt', value: 1 })).toEqual(sorted(old, never));
    expect(await matching({ kind: 'field', field: 'referral_count', op: 'eq', value: 1 })).toEqual([recent]);
  });

  it('reads custom fields as text on both databases: strings, numbers and true/false', async () => {
    const ana = await member('Ana', { custom: { shift: 'Morning crew', age: 34, volunteer: true } });
    const ben = await member('Ben', { custom: { shift: 'evening', age: 7, volunteer: false } });
    const cy = await member('Cy', { custom: {} });

    expect(await matching({ kind: 'custom_field', key: 'shift', op: 'contains', value: 'MORNING' })).toEqual([ana]);
    expect(await matching({ kind: 'custom_field', key: 'age', op: 'eq', value: '34' })).toEqual([ana]);
    expect(await matching({ kind: 'custom_field', key: 'volunteer', op: 'eq', value: 'true' })).toEqual([ana]);
    expect(await matching({ kind: 'custom_field', key: 'volunteer', op: 'in', value: ['false'] })).toEqual([ben]);
    expect(await matching({ kind: 'custom_field', key: 'shift', op: 'is_set' })).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'custom_field', key: 'shift', op: 'is_not_set' })).toEqual([cy]);
  });

  it('has / has not any of the tags', async () => {
    const vip = await member('Vip', { tags: ['vip', 'donor'] });
    const donor = await member('Donor', { tags: ['donor'] });
    const none = await member('None');
    expect(await matching({ kind: 'tag', has: true, tags: ['VIP', 'press'] })).toEqual([vip]);
    expect(await matching({ kind: 'tag', has: true, tags: ['donor'] })).toEqual(sorted(vip, donor));
    expect(await matching({ kind: 'tag', has: false, tags: ['vip'] })).toEqual(sorted(donor, none));
  });

  it('community membership: active only, with sub-communities when asked, by role, and not in', async () => {
    const climate = await community('Climate');
    const austin = await community('Climate – Austin', climate);
    const youth = await community('Austin: Youth', austin);
    const housing = await community('Housing');
    const [ana, ben, cy, dee, eve] = [
      await member('Ana'),
      await member('Ben'),
      await member('Cy'),
      await member('Dee'),
      await member('Eve'),
    ];
    await join(austin, [ana]);
    await join(youth, [ben], 'leader');
    await join(housing, [cy]);
    await join(austin, [dee], 'member', 'left');
    await join(climate, [eve], 'mentor');

    expect(await matching({ kind: 'community', in: true, communityIds: [austin] })).toEqual([ana]);
    expect(await matching({ kind: 'community', in: true, communityIds: [austin], includeDescendants: true })).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'community', in: true, communityIds: [climate], includeDescendants: true })).toEqual(
      sorted(ana, ben, eve),
    );
    expect(
      await matching({ kind: 'community', in: true, communityIds: [climate], includeDescendants: true, roles: ['leader', 'mentor'] }),
    ).toEqual(sorted(ben, eve));
    expect(await matching({ kind: 'community', in: false, communityIds: [climate], includeDescendants: true })).toEqual(sorted(cy, dee));
    expect(await matching({ kind: 'community', in: true, communityIds: [housing, youth] })).toEqual(sorted(ben, cy));
  });

  it('activities: did / did not, any of the types, on an action or in a community, how often, and when', async () => {
    const water = await petition('Clean water');
    const rally = await petition('Rally');
    const austin = await community('Austin');
    const [ana, ben, cy, dee] = [await member('Ana'), await member('Ben'), await member('Cy'), await member('Dee')];
    await did(ana, { type: 'signed', action: water, at: now - 2 * DAY }, { type: 'clicked', at: now - DAY }, { type: 'clicked' });
    await did(ben, { type: 'signed', action: rally, at: now - 40 * DAY, community: austin });
    await did(cy, { type: 'rsvped', event: rally, at: now - 10 * DAY }, { type: 'clicked', at: now - 60 * DAY });
    void dee;

    expect(await matching({ kind: 'activity', did: true, types: ['signed'] })).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'activity', did: true, types: ['signed'], actionId: water })).toEqual([ana]);
    // Events are actions too: an RSVP is on the rally's action id.
    expect(await matching({ kind: 'activity', did: true, types: ['signed', 'rsvped'], actionId: rally })).toEqual(sorted(ben, cy));
    expect(await matching({ kind: 'activity', did: true, types: ['signed'], communityId: austin })).toEqual([ben]);
    expect(await matching({ kind: 'activity', did: false, types: ['signed'] })).toEqual(sorted(cy, dee));
    expect(await matching({ kind: 'activity', did: true, types: ['clicked'], count: { op: 'gte', n: 2 } })).toEqual([ana]);
    expect(await matching({ kind: 'activity', did: true, types: ['clicked'], count: { op: 'eq', n: 1 } })).toEqual([cy]);
    expect(await matching({ kind: 'activity', did: true, types: ['clicked'], count: { op: 'lte', n: 1 } })).toEqual(sorted(ben, cy, dee));
    expect(await matching({ kind: 'activity', did: true, types: ['clicked'], count: { op: 'gte', n: 0 } })).toEqual(
      sorted(ana, ben, cy, dee),
    );
    expect(await matching({ kind: 'activity', did: true, types: ['clicked'], when: { kind: 'within_days', days: 30 } })).toEqual([ana]);
    expect(await matching({ kind: 'activity', did: true, types: ['signed'], when: { kind: 'before', at: now - 30 * DAY } })).toEqual([ben]);
    expect(
      await matching({ kind: 'activity', did: true, types: ['signed', 'rsvped'], when: { kind: 'since', at: now - 20 * DAY } }),
    ).toEqual(sorted(ana, cy));
    expect(
      await matching({
        kind: 'activity',
        did: true,
        types: ['rsvped', 'signed'],
        when: { kind: 'between', from: now - 15 * DAY, to: now - 5 * DAY },
      }),
    ).toEqual([cy]);
    // The same counts as a filter on the signers (checked member by member) rather than on everyone.
    const signed: SegmentRule = { kind: 'activity', did: true, types: ['signed'] };
    expect(await matching(and(signed, { kind: 'activity', did: true, types: ['clicked'], count: { op: 'lte', n: 1 } }))).toEqual([ben]);
    expect(await matching(and(signed, { kind: 'activity', did: false, types: ['clicked'], count: { op: 'gte', n: 2 } }))).toEqual([ben]);
    expect(await matching(and(signed, { kind: 'activity', did: true, types: ['clicked'], count: { op: 'eq', n: 0 } }))).toEqual([ben]);
  });

  it('"signed petition X and took no other action since": the rule an organizer uses to find one-time signers', async () => {
    const water = await petition('Clean water');
    const rally = await petition('Rally');
    const opened = now - 30 * DAY;
    const [once, moved, before, clicked, neverSigned] = [
      await member('Once'),
      await member('Moved on'),
      await member('Acted before'),
      await member('Only clicked'),
      await member('Never signed'),
    ];
    await did(once, { type: 'signed', action: water, at: now - 20 * DAY });
    await did(moved, { type: 'signed', action: water, at: now - 20 * DAY }, { type: 'rsvped', event: rally, at: now - 10 * DAY });
    await did(before, { type: 'signed', action: rally, at: now - 60 * DAY }, { type: 'signed', action: water, at: now - 20 * DAY });
    // A click on a broadcast is not an action taken.
    await did(clicked, { type: 'signed', action: water, at: now - 20 * DAY }, { type: 'clicked', broadcast: 9, at: now - 5 * DAY });
    await did(neverSigned, { type: 'called', action: rally, at: now - 5 * DAY });

    const rules = and(
      { kind: 'activity', did: true, types: ['signed'], actionId: water },
      {
        kind: 'activity',
        did: false,
        types: ['signed', 'called', 'rsvped', 'attended', 'shared', 'posted'],
        excludeActionId: water,
        when: { kind: 'since', at: opened },
      },
    );
    expect(await matching(rules)).toEqual(sorted(once, before, clicked));
    // As the builder says it: NOT (a group holding "did any action other than X since …").
    const notGroup = and(
      { kind: 'activity', did: true, types: ['signed'], actionId: water },
      {
        kind: 'group',
        op: 'and',
        not: true,
        rules: [
          {
            kind: 'activity',
            did: true,
            types: ['signed', 'called', 'rsvped', 'attended', 'shared', 'posted'],
            excludeActionId: water,
            when: { kind: 'since', at: opened },
          },
        ],
      },
    );
    expect(await matching(notGroup)).toEqual(sorted(once, before, clicked));
    // Without the petition to start from: everyone who took no other action since (a set read once, not a probe each).
    const [, tookNoOther] = notGroup.kind === 'group' ? notGroup.rules : [];
    expect(await matching(tookNoOther as SegmentRule)).toEqual(sorted(once, before, clicked));
  });

  it('message engagement: received, clicked, replied and opted out, per broadcast and in a window', async () => {
    const spring = await broadcast('Spring drive');
    const fall = await broadcast('Fall drive');
    const [ana, ben, cy, dee] = [await member('Ana'), await member('Ben'), await member('Cy'), await member('Dee')];
    await message(ana, 'out', { broadcast: spring, at: now - 3 * DAY });
    await message(ben, 'out', { broadcast: fall, at: now - 40 * DAY });
    await message(cy, 'out', { broadcast: spring, state: 'failed' });
    await message(dee, 'out', { broadcast: spring, state: 'queued' });
    await did(ana, { type: 'clicked', broadcast: spring, at: now - 2 * DAY });
    await did(ben, { type: 'clicked', broadcast: fall, at: now - 39 * DAY }, { type: 'replied', broadcast: fall, at: now - 39 * DAY });
    await message(ben, 'in', { at: now - 39 * DAY });
    await message(cy, 'in', { at: now - DAY });
    await did(dee, { type: 'opted_out' });

    expect(await matching({ kind: 'message', did: true, event: 'received' })).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'message', did: true, event: 'received', broadcastId: spring })).toEqual([ana]);
    expect(await matching({ kind: 'message', did: false, event: 'received', when: { kind: 'within_days', days: 30 } })).toEqual(
      sorted(ben, cy, dee),
    );
    expect(await matching({ kind: 'message', did: true, event: 'clicked' })).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'message', did: true, event: 'clicked', broadcastId: fall })).toEqual([ben]);
    expect(await matching({ kind: 'message', did: true, event: 'replied' })).toEqual(sorted(ben, cy));
    expect(await matching({ kind: 'message', did: true, event: 'replied', when: { kind: 'within_days', days: 7 } })).toEqual([cy]);
    expect(await matching({ kind: 'message', did: true, event: 'replied', broadcastId: fall })).toEqual([ben]);
    expect(await matching({ kind: 'message', did: true, event: 'opted_out' })).toEqual([dee]);
  });

  it('credits a survivor of a merge with what the merged member did and received', async () => {
    const water = await petition('Clean water');
    const spring = await broadcast('Spring drive');
    const austin = await community('Austin');
    const [survivor, duplicate, other] = [await member('Ana'), await member('Ana (old)'), await member('Ben')];
    await join(austin, [survivor, other]);
    await did(duplicate, { type: 'signed', action: water }, { type: 'clicked' }, { type: 'clicked' });
    await did(survivor, { type: 'clicked' });
    await message(duplicate, 'out', { broadcast: spring });
    const merged = await api('POST', `/members/${survivor}/merge`, { duplicateId: duplicate });
    expect(merged.statusCode, merged.body).toBe(200);

    const signed: SegmentRule = { kind: 'activity', did: true, types: ['signed'], actionId: water };
    const inAustin: SegmentRule = { kind: 'community', in: true, communityIds: [austin] };
    expect(await matching(signed)).toEqual([survivor]);
    expect(await matching({ kind: 'activity', did: true, types: ['clicked'], count: { op: 'gte', n: 3 } })).toEqual([survivor]);
    expect(await matching({ kind: 'message', did: true, event: 'received', broadcastId: spring })).toEqual([survivor]);
    // "Did not" is checked member by member with a community first, and as a set without: the same answer.
    expect(await matching({ ...signed, did: false })).toEqual([other]);
    expect(await matching(and(inAustin, { ...signed, did: false }))).toEqual([other]);
    expect(await matching(and(inAustin, { kind: 'message', did: false, event: 'received' }))).toEqual([other]);
    const score = await db.selectFrom('members').select('engagement_score').where('id', '=', survivor).executeTakeFirstOrThrow();
    expect(score.engagement_score).toBe(8);
  });

  it('nests groups with AND, OR and NOT', async () => {
    const austin = await community('Austin');
    const water = await petition('Clean water');
    const [ana, ben, cy, dee] = [
      await member('Ana', { tags: ['vip'] }),
      await member('Ben'),
      await member('Cy', { tags: ['vip'] }),
      await member('Dee', { language: 'es' }),
    ];
    await join(austin, [ana, ben]);
    await did(ben, { type: 'signed', action: water });
    await did(dee, { type: 'signed', action: water });

    const inAustin: SegmentRule = { kind: 'community', in: true, communityIds: [austin] };
    const vip: SegmentRule = { kind: 'tag', has: true, tags: ['vip'] };
    const signed: SegmentRule = { kind: 'activity', did: true, types: ['signed'], actionId: water };
    // (in Austin AND (vip OR signed)) OR (NOT (in Austin OR vip) AND Spanish)
    const rules = or(
      and(inAustin, or(vip, signed)),
      and({ kind: 'group', op: 'or', not: true, rules: [inAustin, vip] }, { kind: 'field', field: 'language', op: 'eq', value: 'es' }),
    );
    expect(await matching(rules)).toEqual(sorted(ana, ben, dee));
    expect(await matching({ kind: 'group', op: 'and', not: true, rules: [inAustin, signed] })).toEqual(sorted(ana, cy, dee));
    expect(await matching({ kind: 'group', op: 'or', not: true, rules: [inAustin, vip, signed] })).toEqual([]);
  });

  // ── Preview, saved segments, members ────────────────────────────────────────────────────────────────────────────

  it('previews a count of every match and a sample of the 20 newest, phone numbers masked', async () => {
    const austin = await community('Austin');
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push(await member(`M${i}`, { last: 'Tester' }));
    await join(austin, ids.slice(0, 3));
    const response = await api('POST', '/segments/preview', { rules: { kind: 'field', field: 'last_name', op: 'eq', value: 'tester' } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.count).toBe(25);
    expect(body.sample.map((m: { id: number }) => m.id)).toEqual(ids.slice(5).reverse());
    expect(body.sample.at(-1)).toMatchObject({ id: ids[5], name: 'M5 Tester', phoneLast4: '0006', communityCount: 0 });
    expect(body.summary).toBe('last name is "tester"');
    expect(response.body).not.toContain('+1512555');
    const inAustin = (await api('POST', '/segments/preview', { rules: { kind: 'community', in: true, communityIds: [austin] } })).json();
    expect(inAustin.sample.map((m: { communityCount: number }) => m.communityCount)).toEqual([1, 1, 1]);
    expect(inAustin.summary).toBe('in Austin');
  });

  it('saves, lists, counts, edits and deletes segments; pages through members', async () => {
    const austin = await community('Austin');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await member(`M${i}`));
    await join(austin, ids);
    const created = await api('POST', '/segments', {
      name: '  Austin regulars ',
      description: 'For the spring push',
      rules: { kind: 'community', in: true, communityIds: [austin] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const segment = created.json();
    expect(segment).toMatchObject({ name: 'Austin regulars', description: 'For the spring push', summary: 'in Austin', lastCount: null });

    const fetched = (await api('GET', `/segments/${segment.id}`)).json();
    expect(fetched).toMatchObject({ lastCount: 5, lastCountedAt: new Date(now).toISOString() });
    expect((await api('GET', '/segments')).json().segments).toMatchObject([{ id: segment.id, lastCount: 5 }]);

    const first = (await api('GET', `/segments/${segment.id}/members?limit=2`)).json();
    expect(first.members.map((m: { id: number }) => m.id)).toEqual([ids[4], ids[3]]);
    const second = (await api('GET', `/segments/${segment.id}/members?limit=2&cursor=${first.nextCursor}`)).json();
    const third = (await api('GET', `/segments/${segment.id}/members?limit=2&cursor=${second.nextCursor}`)).json();
    expect([...second.members, ...third.members].map((m: { id: number }) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(third.nextCursor).toBeNull();

    const patched = await api('PATCH', `/segments/${segment.id}`, { rules: { kind: 'community', in: false, communityIds: [austin] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Austin regulars', summary: 'not in Austin', lastCount: null });

    expect((await api('DELETE', `/segments/${segment.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/segments/${segment.id}`)).statusCode).toBe(404);
    expect((await api('GET', '/segments')).json().segments).toEqual([]);
  });

  it('answers bad rules with 400 naming the path', async () => {
    const wrongOp = await api('POST', '/segments/preview', {
      rules: and({ kind: 'tag', has: true, tags: ['a'] }, { kind: 'field', field: 'engagement_score', op: 'contains', value: 'x' }),
    });
    expect(wrongOp.statusCode).toBe(400);
    expect(wrongOp.json().errors).toContainEqual({
      path: 'body.rules.rules.1.op',
      message: 'Engagement score cannot be compared with "contains"',
    });

    const missingValue = await api('POST', '/segments', { name: 'x', rules: { kind: 'field', field: 'first_name', op: 'eq' } });
    expect(missingValue.statusCode).toBe(400);
    expect(missingValue.json().errors).toContainEqual({ path: 'body.rules.value', message: 'must be text (1 to 200 characters)' });

    let deep: SegmentRule = { kind: 'tag', has: true, tags: ['x'] };
    for (let i = 0; i < 6; i++) deep = and(deep);
    const tooDeep = await api('POST', '/segments/preview', { rules: deep });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().errors).toContainEqual({
      path: 'body.rules.rules.0.rules.0.rules.0.rules.0.rules.0',
      message: 'groups may be nested at most 5 deep',
    });

    const unknownKind = await api('POST', '/segments/preview', {
      rules: and({ kind: 'tag', has: true, tags: ['x'] }, { kind: 'zodiac' } as never),
    });
    expect(unknownKind.statusCode).toBe(400);
    expect(unknownKind.json().errors[0].path).toBe('body.rules.rules.1.kind');

    const optOutOfBroadcast = await api('POST', '/segments/preview', {
      rules: { kind: 'message', did: true, event: 'opted_out', broadcastId: 1 },
    });
    expect(optOutOfBroadcast.json().errors).toContainEqual({
      path: 'body.rules.broadcastId',
      message: 'cannot narrow opt-outs: they are not tied to a broadcast',
    });

    const emptyGroup = await api('POST', '/segments/preview', { rules: { kind: 'group', op: 'and', rules: [] } });
    expect(emptyGroup.statusCode).toBe(400);
    expect(emptyGroup.json().errors[0].path).toBe('body.rules.rules');
  });

  it('keeps workspaces apart: ids of another workspace are refused on their path, its members never match', async () => {
    const inv = (await api('POST', '/invitations', { email: 'b@example.org', role: 'owner' })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Bea', password: 'bea-password-1' } });
    const bea = await signIn(t.app, 'b@example.org', 'bea-password-1');
    const other = (await bea.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const theirs = await community('Theirs', null, other);
    const theirMember = await member('Theirs', { workspaceId: other, tags: ['vip'] });
    const mine = await community('Mine');
    const ana = await member('Ana', { tags: ['vip'] });
    await join(mine, [ana]);

    const refused = await api('POST', '/segments', {
      name: 'Sneaky',
      rules: and(
        { kind: 'tag', has: true, tags: ['vip'] },
        { kind: 'community', in: true, communityIds: [mine] },
        { kind: 'community', in: true, communityIds: [mine, theirs] },
      ),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'segment.invalid',
      errors: [{ path: 'body.rules.rules.2.communityIds.1', message: `is not a community of this workspace (${theirs})` }],
    });
    expect(await matching({ kind: 'tag', has: true, tags: ['vip'] })).toEqual([ana]);
    expect(await matching({ kind: 'tag', has: false, tags: ['nothing'] })).not.toContain(theirMember);

    const theirSegment = (
      await bea.request({
        method: 'POST',
        url: `/api/workspaces/${other}/segments`,
        payload: { name: 'Theirs', rules: { kind: 'tag', has: true, tags: ['vip'] } },
      })
    ).json();
    expect((await api('GET', `/segments/${theirSegment.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/segments/${theirSegment.id}/members`)).statusCode).toBe(404);
    expect((await api('POST', `/segments/${theirSegment.id}/snapshot`)).statusCode).toBe(404);
  });

  it('lets every role that reads members preview, and only community managers save', async () => {
    const inv = (await api('POST', '/invitations', { email: 'analyst@example.org', role: 'analyst' })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Ann', password: 'ann-password-12' } });
    const analyst = await signIn(t.app, 'analyst@example.org', 'ann-password-12');
    const rules: SegmentRule = { kind: 'tag', has: true, tags: ['vip'] };
    expect((await api('POST', '/segments/preview', { rules }, analyst)).statusCode).toBe(200);
    expect((await api('GET', '/segments', undefined, analyst)).statusCode).toBe(200);
    const refused = await api('POST', '/segments', { name: 'Mine', rules }, analyst);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'auth.forbidden']);
  });

  // ── Snapshots and the engagement score ──────────────────────────────────────────────────────────────────────────

  it('freezes membership in a snapshot: later joins, leaves and rule edits do not change it', async () => {
    const austin = await community('Austin');
    const [ana, ben, cy] = [await member('Ana'), await member('Ben'), await member('Cy')];
    await join(austin, [ana, ben]);
    const segment = (
      await api('POST', '/segments', { name: 'Austin', rules: { kind: 'community', in: true, communityIds: [austin] } })
    ).json();

    const taken = await api('POST', `/segments/${segment.id}/snapshot`);
    expect(taken.statusCode, taken.body).toBe(201);
    const snapshot = taken.json();
    expect(snapshot).toMatchObject({ segmentId: segment.id, memberCount: 2 });

    await db.updateTable('memberships').set({ status: 'left', left_at: now }).where('member_id', '=', ana).execute();
    await join(austin, [cy]);
    await api('PATCH', `/segments/${segment.id}`, { rules: { kind: 'tag', has: true, tags: ['nobody'] } });
    const frozen = await db
      .selectFrom('segment_snapshot_members')
      .select('member_id')
      .where('workspace_id', '=', ws)
      .where('snapshot_id', '=', snapshot.id)
      .orderBy('member_id')
      .execute();
    expect(frozen.map((r) => Number(r.member_id))).toEqual(sorted(ana, ben));
    expect(await matching({ kind: 'community', in: true, communityIds: [austin] })).toEqual(sorted(ben, cy));

    // Written window by window of member ids (here one member per window), the snapshot holds the same members.
    await api('PATCH', `/segments/${segment.id}`, { rules: { kind: 'community', in: true, communityIds: [austin] } });
    const windowed = await db.transaction().execute((trx) => snapshotSegment(trx, ws, segment.id, now, { window: 1 }));
    const members = await db
      .selectFrom('segment_snapshot_members')
      .select('member_id')
      .where('workspace_id', '=', ws)
      .where('snapshot_id', '=', windowed)
      .orderBy('member_id')
      .execute();
    expect(members.map((r) => Number(r.member_id))).toEqual(sorted(ben, cy));
    expect((await api('GET', '/segments')).json().segments[0]).toMatchObject({ lastCount: 2 });
  });

  it('keeps the engagement score and referral count as activities are recorded, capped at 100', async () => {
    const water = await petition('Clean water');
    const [ana, ben] = [await member('Ana'), await member('Ben')];
    const score = async (id: number) =>
      db.selectFrom('members').select(['engagement_score', 'referral_count']).where('id', '=', id).executeTakeFirstOrThrow();
    await did(ana, { type: 'signed', action: water }, { type: 'created' }, { type: 'clicked' });
    expect(await score(ana)).toEqual({ engagement_score: 6, referral_count: 0 });
    await did(ana, { type: 'referred', action: water }, { type: 'referred', action: water });
    expect(await score(ana)).toEqual({ engagement_score: 26, referral_count: 2 });
    for (let i = 0; i < 6; i++) await did(ana, { type: 'attended', event: water });
    expect(await score(ana)).toEqual({ engagement_score: 100, referral_count: 2 });
    expect(await score(ben)).toEqual({ engagement_score: 0, referral_count: 0 });

    // One call for several members moves each by their own points.
    await recordActivities(
      db,
      [
        { workspaceId: ws, memberId: ben, type: 'called', occurredAt: now },
        { workspaceId: ws, memberId: ben, type: 'shared', occurredAt: now },
        { workspaceId: ws, memberId: ana, type: 'called', occurredAt: now },
      ],
      now,
    );
    expect(await score(ben)).toEqual({ engagement_score: 14, referral_count: 0 });
    expect(await score(ana)).toEqual({ engagement_score: 100, referral_count: 2 });
  });
});
