import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_TYPES,
  AREA_CODES,
  DEFAULT_TO,
  type GeneratedMember,
  generateActions,
  generateActivities,
  generateCommunities,
  generateMembers,
  generateMemberships,
  memberCreatedAt,
  TWO_YEARS_MS,
} from './generate.ts';

const FROM = DEFAULT_TO - TWO_YEARS_MS;

function collect<T>(batches: Iterable<readonly T[]>): T[] {
  const rows: T[] = [];
  for (const batch of batches) rows.push(...batch);
  return rows;
}

// Independent of the generator's table: a few well-known area codes, and the USPS ZIP prefix ranges per state.
const KNOWN_ZONES: Record<string, string> = {
  '212': 'America/New_York',
  '617': 'America/New_York',
  '305': 'America/New_York',
  '312': 'America/Chicago',
  '512': 'America/Chicago',
  '713': 'America/Chicago',
  '303': 'America/Denver',
  '915': 'America/Denver',
  '602': 'America/Phoenix',
  '415': 'America/Los_Angeles',
  '206': 'America/Los_Angeles',
  '702': 'America/Los_Angeles',
};
const ZONE_OF: Record<string, 'eastern' | 'central' | 'mountain' | 'pacific'> = {
  'America/New_York': 'eastern',
  'America/Detroit': 'eastern',
  'America/Indiana/Indianapolis': 'eastern',
  'America/Kentucky/Louisville': 'eastern',
  'America/Chicago': 'central',
  'America/Denver': 'mountain',
  'America/Phoenix': 'mountain',
  'America/Boise': 'mountain',
  'America/Los_Angeles': 'pacific',
};
const ZIP3_RANGES: Record<string, [number, number][]> = {
  NY: [[100, 149]],
  NJ: [[70, 89]],
  PA: [[150, 196]],
  MA: [[10, 27]],
  RI: [[28, 29]],
  CT: [[60, 69]],
  ME: [[39, 49]],
  NH: [[30, 38]],
  VT: [[50, 59]],
  DC: [[200, 205]],
  MD: [[206, 219]],
  DE: [[197, 199]],
  VA: [
    [201, 201],
    [220, 246],
  ],
  WV: [[247, 268]],
  NC: [[270, 289]],
  SC: [[290, 299]],
  GA: [[300, 319]],
  FL: [[320, 349]],
  MI: [[480, 499]],
  OH: [[430, 459]],
  IN: [[460, 479]],
  KY: [[400, 427]],
  TN: [[370, 385]],
  IL: [[600, 629]],
  WI: [[530, 549]],
  MN: [[550, 567]],
  IA: [[500, 528]],
  MO: [[630, 658]],
  KS: [[660, 679]],
  NE: [[680, 693]],
  SD: [[570, 577]],
  ND: [[580, 588]],
  AL: [[350, 369]],
  MS: [[386, 397]],
  LA: [[700, 714]],
  AR: [[716, 729]],
  OK: [[730, 749]],
  TX: [
    [750, 799],
    [885, 885],
  ],
  CO: [[800, 816]],
  UT: [[840, 847]],
  AZ: [[850, 865]],
  NM: [[870, 884]],
  MT: [[590, 599]],
  WY: [[820, 831]],
  ID: [[832, 838]],
  CA: [[900, 961]],
  WA: [[980, 994]],
  OR: [[970, 979]],
  NV: [[889, 898]],
};

describe('generateMembers', () => {
  const members = collect(generateMembers({ count: 20_000, seed: 42 }));

  it('is deterministic for a seed and differs across seeds', () => {
    expect(collect(generateMembers({ count: 20_000, seed: 42 }))).toEqual(members);
    const other = collect(generateMembers({ count: 200, seed: 43 }));
    expect(other.map((m) => m.phone)).not.toEqual(members.slice(0, 200).map((m) => m.phone));
  });

  it('yields batches of the requested size with ids in sign-up order', () => {
    const sizes = [...generateMembers({ count: 2_500, seed: 1, batchSize: 1_000 })].map((b) => b.length);
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(members.map((m) => m.id)).toEqual(members.map((_, i) => i + 1));
    expect(members.every((m, i) => i === 0 || m.created_at >= (members[i - 1] as GeneratedMember).created_at)).toBe(true);
    expect(members[0]?.created_at).toBe(FROM);
    expect(Math.max(...members.map((m) => m.created_at))).toBeLessThanOrEqual(DEFAULT_TO);
  });

  it('gives unique E.164 US numbers whose area code matches the time zone and the postal code matches the state', () => {
    const areas = new Map(AREA_CODES.map((a) => [a.npa, a]));
    for (const m of members) {
      expect(m.phone).toMatch(/^\+1[2-9]\d{9}$/);
      const npa = m.phone.slice(2, 5);
      const exchange = Number(m.phone.slice(5, 8));
      expect(exchange).toBeGreaterThanOrEqual(200);
      expect(exchange % 100).not.toBe(11);
      expect(exchange).not.toBe(555);
      const area = areas.get(npa);
      expect(area, npa).toBeDefined();
      expect(m.time_zone).toBe(area?.timeZone);
      expect(m.state).toBe(area?.state);
      if (KNOWN_ZONES[npa]) expect(m.time_zone).toBe(KNOWN_ZONES[npa]);
      expect(ZONE_OF[m.time_zone], m.time_zone).toBeDefined();
      expect(m.postal_code).toMatch(/^\d{5}$/);
      const zip3 = Number(m.postal_code.slice(0, 3));
      const ranges = ZIP3_RANGES[m.state] ?? [];
      expect(
        ranges.some(([lo, hi]) => zip3 >= lo && zip3 <= hi),
        `${m.postal_code} in ${m.state}`,
      ).toBe(true);
    }
    expect(new Set(members.map((m) => m.phone)).size).toBe(members.length);
    const zones = new Map<string, number>();
    for (const m of members) zones.set(ZONE_OF[m.time_zone] ?? '?', (zones.get(ZONE_OF[m.time_zone] ?? '?') ?? 0) + 1);
    expect([...zones.keys()].sort()).toEqual(['central', 'eastern', 'mountain', 'pacific']);
    // Roughly the US population split: Eastern the largest, Mountain the smallest.
    expect(zones.get('eastern') ?? 0).toBeGreaterThan(zones.get('central') ?? 0);
    expect(zones.get('mountain') ?? 0).toBeLessThan(zones.get('pacific') ?? 0);
  });

  it('mixes languages, names and missing emails like a real list', () => {
    const spanish = members.filter((m) => m.language === 'es').length / members.length;
    expect(spanish).toBeGreaterThan(0.15);
    expect(spanish).toBeLessThan(0.25);
    expect(members.every((m) => m.language === 'en' || m.language === 'es')).toBe(true);
    expect(new Set(members.map((m) => m.first_name)).size).toBeGreaterThan(200);
    expect(new Set(members.map((m) => m.last_name)).size).toBeGreaterThan(200);
    expect(members.some((m) => /[áéíóúñ]/i.test(m.last_name))).toBe(true);

    const emails = members.map((m) => m.email).filter((e): e is string => e !== null);
    const missing = 1 - emails.length / members.length;
    expect(missing).toBeGreaterThan(0.05);
    expect(missing).toBeLessThan(0.3);
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of emails) expect(email).toMatch(/^[a-z0-9.]+@([a-z]+\.example|example\.(com|org|net))$/);
  });

  it('streams: 200k members never sit in memory at once', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let count = 0;
    let batches = 0;
    let largestBatch = 0;
    let growth = 0;
    for (const batch of generateMembers({ count: 200_000, seed: 9 })) {
      count += batch.length;
      largestBatch = Math.max(largestBatch, batch.length);
      if (++batches % 40 === 0) {
        gc();
        growth = Math.max(growth, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(count).toBe(200_000);
    expect(largestBatch).toBe(1_000);
    // 200k member rows held at once take well over 60 MB; a streaming generator holds one batch.
    expect(growth).toBeLessThan(24 * 1024 * 1024);
  });
});

describe('generateCommunities and generateMemberships', () => {
  const communities = generateCommunities({ count: 200, seed: 42 });
  const members = collect(generateMembers({ count: 5_000, seed: 42 }));
  const memberships = collect(generateMemberships({ members: generateMembers({ count: 5_000, seed: 42 }), communities, seed: 42 }));

  it('builds networks with local chapters, sub-groups and standalone communities, parents first', () => {
    expect(communities).toHaveLength(200);
    expect(generateCommunities({ count: 200, seed: 42 })).toEqual(communities);
    const byId = new Map(communities.map((c) => [c.id, c]));
    expect(new Set(communities.map((c) => c.name)).size).toBe(200);
    expect(new Set(communities.map((c) => c.slug)).size).toBe(200);
    for (const c of communities) {
      if (c.kind === 'network' || c.kind === 'standalone') expect(c.parent_id).toBeNull();
      else {
        const parent = byId.get(c.parent_id ?? 0);
        expect(parent?.kind).toBe(c.kind === 'chapter' ? 'network' : 'chapter');
        expect(c.parent_id).toBeLessThan(c.id);
        expect(c.created_at).toBeGreaterThanOrEqual(parent?.created_at ?? Number.POSITIVE_INFINITY);
        expect(c.name.startsWith(`${parent?.name}`)).toBe(true);
      }
    }
    expect(communities.some((c) => c.name === 'Climate – Austin' || /^Climate – /.test(c.name))).toBe(true);
    const kinds = new Set(communities.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['chapter', 'group', 'network', 'standalone']);
  });

  it('puts each member in 1 to 4 communities with overlap, after both existed', () => {
    const perMember = new Map<number, number[]>();
    for (const m of memberships) perMember.set(m.member_id, [...(perMember.get(m.member_id) ?? []), m.community_id]);
    expect(perMember.size).toBe(members.length);
    for (const list of perMember.values()) {
      expect(list.length).toBeGreaterThanOrEqual(1);
      expect(list.length).toBeLessThanOrEqual(4);
      expect(new Set(list).size).toBe(list.length);
    }
    const multi = [...perMember.values()].filter((list) => list.length > 1).length;
    expect(multi / members.length).toBeGreaterThan(0.3);

    // Overlap between communities: many pairs share members.
    const pairs = new Set<string>();
    for (const list of perMember.values()) for (const a of list) for (const b of list) if (a < b) pairs.add(`${a}:${b}`);
    expect(pairs.size).toBeGreaterThan(200);

    // Zipf-ish popularity: the largest community is many times the median.
    const sizes = new Map<number, number>();
    for (const m of memberships) sizes.set(m.community_id, (sizes.get(m.community_id) ?? 0) + 1);
    const sorted = [...sizes.values()].sort((a, b) => b - a);
    expect(sorted[0] ?? 0).toBeGreaterThan(5 * (sorted[Math.floor(sorted.length / 2)] ?? 1));

    const communityById = new Map(communities.map((c) => [c.id, c]));
    for (const m of memberships) {
      const member = members[m.member_id - 1] as GeneratedMember;
      expect(m.joined_at).toBeGreaterThanOrEqual(member.created_at);
      expect(m.joined_at).toBeGreaterThanOrEqual(communityById.get(m.community_id)?.created_at ?? Number.POSITIVE_INFINITY);
      expect(m.joined_at).toBeLessThanOrEqual(DEFAULT_TO);
    }
  });
});

describe('generateActivities', () => {
  const memberCount = 5_000;
  const activities = collect(generateActivities({ count: 50_000, members: memberCount, seed: 42 }));

  it('is deterministic and spreads activities over the two years, never before the member signed up', () => {
    expect(collect(generateActivities({ count: 50_000, members: memberCount, seed: 42 }))).toEqual(activities);
    expect(activities).toHaveLength(50_000);
    const quarters = new Set<number>();
    for (const a of activities) {
      expect(a.occurred_at).toBeGreaterThanOrEqual(FROM);
      expect(a.occurred_at).toBeLessThanOrEqual(DEFAULT_TO);
      expect(a.member_id).toBeGreaterThanOrEqual(1);
      expect(a.member_id).toBeLessThanOrEqual(memberCount);
      expect(a.occurred_at).toBeGreaterThanOrEqual(memberCreatedAt(a.member_id, memberCount, FROM, DEFAULT_TO));
      quarters.add(Math.floor((a.occurred_at - FROM) / (TWO_YEARS_MS / 8)));
    }
    expect([...quarters].filter((q) => q < 8).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('has every activity type, action ids where an action is involved, and a few very active members', () => {
    expect(new Set(activities.map((a) => a.type))).toEqual(new Set(ACTIVITY_TYPES));
    for (const a of activities) {
      if (a.type === 'joined' || a.type === 'replied') expect(a.action_id).toBeNull();
      else expect(a.action_id).toBeGreaterThanOrEqual(1);
    }
    // Action ids refer to generateActions with the same seed, inside the action's window, of a matching kind.
    const actions = generateActions({ count: 50, seed: 42 });
    const kindOf: Record<string, string> = { signed: 'petition', called: 'call', rsvped: 'event', attended: 'event', answered: 'survey' };
    for (const a of activities) {
      if (a.action_id === null) continue;
      const action = actions[a.action_id - 1];
      expect(action).toBeDefined();
      if (kindOf[a.type]) expect(action?.kind).toBe(kindOf[a.type]);
      expect(a.occurred_at).toBeGreaterThanOrEqual(action?.starts_at ?? Number.POSITIVE_INFINITY);
      expect(a.occurred_at).toBeLessThanOrEqual(action?.ends_at ?? 0);
    }
    const perMember = new Map<number, number>();
    for (const a of activities) perMember.set(a.member_id, (perMember.get(a.member_id) ?? 0) + 1);
    const counts = [...perMember.values()].sort((a, b) => b - a);
    const top10 = counts.slice(0, Math.ceil(memberCount / 10)).reduce((sum, n) => sum + n, 0);
    expect(top10 / activities.length).toBeGreaterThan(0.2);
  });
});
