import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { createAccountsService } from '../modules/accounts/accounts.service.ts';
import { recordActivities } from '../modules/activities/activities.repo.ts';
import { joinCommunities, leaveCommunity } from '../modules/communities/communities.repo.ts';
import { createCommunitiesService } from '../modules/communities/communities.service.ts';
import { createEventsService } from '../modules/events/events.service.ts';
import { seedDemoInbox } from '../modules/inbox/inbox.seed.ts';
import { seedDemoKeywords } from '../modules/keywords/keywords.service.ts';
import { appendConsent } from '../modules/members/consent.repo.ts';
import { normalizeMemberFields } from '../modules/members/member-fields.ts';
import { addTags, insertMember } from '../modules/members/members.repo.ts';
import { createSimulatorSender } from '../modules/messaging/channels.repo.ts';
import { seedDemoP2p } from '../modules/p2p/p2p-seed.ts';
import { createPetitionsService } from '../modules/petitions/petitions.service.ts';
import { seedDemoSurvey } from '../modules/surveys/surveys.service.ts';
import type { Db } from './database.ts';

/** The demo's volunteer texter; signs in with the demo password. */
export const DEMO_TEXTER_EMAIL = 'texter@example.org';

export type SeedResult = { seeded: boolean; email: string; workspaceId: number | null };

export type SeedOptions = {
  /**
   * Also fill the demo workspace with communities and members so a new install has something to look at (`npm start`
   * and `groundswell seed` pass it; tests leave it out to start from an empty workspace). The app secret keys the
   * consent ledger's address hashes.
   */
  sampleData?: { appSecret: string };
  /**
   * Gives the demo workspace the built-in SMS simulator as its default sender (credentials are sealed with the app
   * secret). `npm start` uses the simulator's realistic defaults; tests pass settings that make it predictable.
   */
  simulator?: { appSecret: string; settings?: Record<string, unknown> };
};

/** Seeds the demo workspace and its owner when the database has no user yet; does nothing otherwise. */
export async function seedDemoIfEmpty(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'demoEmail' | 'demoPassword' | 'sessionTtlMs' | 'loginMaxFailures' | 'loginLockMs' | 'publicUrl'>,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const anyUser = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (anyUser) return { seeded: false, email: config.demoEmail, workspaceId: null };
  const accounts = createAccountsService({ db, clock, config });
  const userId = await accounts.createUser({ email: config.demoEmail, name: 'Demo Organizer', password: config.demoPassword });
  const workspace = await accounts.createWorkspace(userId, { name: 'Groundswell Demo', timezone: 'America/Chicago', defaultCountry: 'US' });
  const simulator = options.simulator ?? (options.sampleData ? { appSecret: options.sampleData.appSecret } : undefined);
  if (simulator) {
    await createSimulatorSender(db, {
      workspaceId: workspace.id,
      appSecret: simulator.appSecret,
      now: clock.now(),
      settings: simulator.settings ?? {},
    });
  }
  if (options.sampleData) {
    await seedSampleData(db, clock, config, { workspaceId: workspace.id, userId, appSecret: options.sampleData.appSecret });
    // A volunteer texter (same password) for the inbox and P2P campaigns.
    const texterId = await accounts.createUser({ email: DEMO_TEXTER_EMAIL, name: 'Demo Texter', password: config.demoPassword });
    await accounts.addMember(workspace.id, texterId, 'texter');
    await seedTwoWayTexting(db, { workspaceId: workspace.id, userId, now: clock.now() });
    await seedActions(db, clock, config, { workspaceId: workspace.id, userId });
  }
  return { seeded: true, email: config.demoEmail, workspaceId: workspace.id };
}

// ── Sample data ─────────────────────────────────────────────────────────────
// Fictional people with fictional numbers (555-01xx is reserved for fiction in North America).

const DAY = 86_400_000;

const AUSTIN = [
  'Maria Garcia',
  'James Johnson',
  'Aisha Williams',
  'Daniel Nguyen',
  'Sofia Hernandez',
  'Ethan Brown',
  'Priya Patel',
  'Lucas Martinez',
  'Olivia Davis',
  'Mateo Lopez',
  'Grace Kim',
  'Noah Wilson',
  'Camila Gonzalez',
  'Elijah Anderson',
  'Hannah Thomas',
  'Diego Ramirez',
  'Zoe Taylor',
  'Marcus Jackson',
  'Isabella Flores',
  'Caleb White',
  'Lena Schmidt',
  'Andre Harris',
  'Valeria Torres',
  'Owen Clark',
  'Fatima Ali',
  'Gabriel Rivera',
  'Chloe Lewis',
  'Jamal Robinson',
  'Ana Morales',
  'Samuel Walker',
  'Mei Chen',
  'Tyler Young',
];

const HOUSTON = [
  'Jasmine Allen',
  'Carlos Reyes',
  'Emily King',
  'Kwame Mensah',
  'Lucia Cruz',
  'Benjamin Scott',
  'Nadia Hassan',
  'Jose Ortiz',
  'Abigail Green',
  'Tran Le',
  'Rosa Jimenez',
  'Dylan Baker',
  'Imani Adams',
  'Miguel Castillo',
  'Sarah Nelson',
  'Ahmed Khan',
  'Elena Vargas',
  'Ryan Mitchell',
  'Keisha Carter',
  'Javier Romero',
  'Lily Perez',
  'Victor Ruiz',
  'Ruth Campbell',
  'Omar Farouk',
  'Paola Mendoza',
  'Henry Evans',
  'Yesenia Soto',
  'Connor Price',
];

const SPANISH = new Set([
  'Mateo Lopez',
  'Diego Ramirez',
  'Ana Morales',
  'Carlos Reyes',
  'Lucia Cruz',
  'Rosa Jimenez',
  'Javier Romero',
  'Yesenia Soto',
]);
const NO_CONSENT = new Set(['Tyler Young', 'Connor Price', 'Henry Evans', 'Mei Chen']);
const REVOKED = new Set(['Owen Clark', 'Ruth Campbell']);

const IMPORT_WORDING =
  'I agree to receive recurring texts from Groundswell Demo about climate and safe streets. Msg & data rates may apply. Reply STOP to opt out, HELP for help.';

async function seedSampleData(
  db: Db,
  clock: Clock,
  config: Pick<Config, 'publicUrl'>,
  input: { workspaceId: number; userId: number; appSecret: string },
) {
  const { workspaceId, appSecret } = input;
  const actor = { type: 'user' as const, userId: input.userId, sessionId: 'seed', csrfToken: 'seed' };
  const now = clock.now();
  const communities = createCommunitiesService({ db, clock, config });
  const create = async (body: Parameters<typeof communities.create>[2]) => (await communities.create(actor, workspaceId, body)).id;

  const network = await create({
    name: 'Climate Action Texas',
    visibility: 'public',
    keywords: ['CLIMATE'],
    description: 'Texans working for clean air, clean energy and a livable climate, one neighborhood at a time.',
    guidelines: 'Be kind and assume good faith.\nNo personal attacks, no spam.\n\nStay on topic: climate action in Texas.',
  });
  const austin = await create({
    name: 'Austin',
    parentId: network,
    visibility: 'public',
    keywords: ['ATXCLIMATE'],
    description: 'The Austin chapter of Climate Action Texas.',
  });
  const houston = await create({
    name: 'Houston',
    parentId: network,
    visibility: 'public',
    keywords: ['HOUCLIMATE'],
    description: 'The Houston chapter of Climate Action Texas.',
  });
  const parents = await create({
    name: 'Climate – Austin Parents',
    parentId: austin,
    visibility: 'public',
    description: 'Austin parents pushing for clean air around schools and playgrounds.',
  });
  const students = await create({
    name: 'Climate – Houston Students',
    parentId: houston,
    visibility: 'public',
    description: 'Students across Houston organizing for a just energy transition.',
  });
  const flyers = await create({
    name: 'Fearful Flyers',
    visibility: 'request',
    description: 'A small, private circle for people anxious about flying: tips, company, and calmer trips.',
    guidelines: 'What is said here stays here. Be gentle.',
  });
  const streets = await create({
    name: 'Safe Streets',
    visibility: 'public',
    keywords: ['STREETS'],
    description: 'Parents and neighbors asking for safer crossings, slower traffic and protected bike lanes.',
  });

  await db.transaction().execute(async (trx) => {
    const people = [
      ...AUSTIN.map((name, i) => ({ name, phone: `+1512555${String(100 + i).padStart(4, '0')}`, city: 'austin' as const, i })),
      ...HOUSTON.map((name, i) => ({ name, phone: `+1713555${String(100 + i).padStart(4, '0')}`, city: 'houston' as const, i })),
    ];
    const ids = new Map<string, number>();
    for (const [n, person] of people.entries()) {
      const [firstName, lastName] = person.name.split(' ');
      const createdAt = now - (150 - n) * DAY;
      const { value: fields } = normalizeMemberFields(
        {
          firstName: firstName ?? null,
          lastName: lastName ?? null,
          phone: person.phone,
          email: `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`,
          postalCode:
            person.city === 'austin'
              ? `787${String(1 + (person.i % 50)).padStart(2, '0')}`
              : `770${String(1 + (person.i % 90)).padStart(2, '0')}`,
          language: SPANISH.has(person.name) ? 'es' : 'en',
          source: n % 3 === 0 ? 'action_network' : 'demo',
        },
        { defaultCountry: 'US', workspaceTimezone: 'America/Chicago' },
      );
      const memberId = await insertMember(trx, { workspaceId, fields, at: createdAt });
      ids.set(person.name, memberId);
      await recordActivities(
        trx,
        [{ workspaceId, memberId, type: 'created', data: { source: fields.source }, occurredAt: createdAt }],
        createdAt,
      );
      if (!NO_CONSENT.has(person.name)) {
        await appendConsent(trx, appSecret, {
          workspaceId,
          memberId,
          channel: 'sms',
          status: 'granted',
          method: 'import',
          address: person.phone,
          wording: IMPORT_WORDING,
          at: createdAt,
        });
      }
      if (REVOKED.has(person.name)) {
        await appendConsent(trx, appSecret, {
          workspaceId,
          memberId,
          channel: 'sms',
          status: 'revoked',
          method: 'reply',
          address: person.phone,
          wording: 'STOP',
          at: createdAt + 20 * DAY,
        });
      }
    }
    const idsOf = (names: readonly string[]) => names.map((name) => ids.get(name)).filter((id): id is number => id !== undefined);
    const join = (names: readonly string[], communityId: number, daysAgo: number, role: 'member' | 'leader' | 'mentor' = 'member') =>
      joinCommunities(trx, {
        workspaceId,
        memberIds: idsOf(names),
        communityIds: [communityId],
        role,
        source: 'demo',
        at: now - daysAgo * DAY,
      });

    // The network's own organizers, then each chapter and its micro-community.
    await join(['Maria Garcia', 'Jasmine Allen'], network, 100, 'leader');
    await join(['Aisha Williams'], austin, 95, 'leader');
    await join(AUSTIN.slice(1), austin, 90);
    await join(['Kwame Mensah'], houston, 92, 'leader');
    await join([...HOUSTON.slice(0, 3), ...HOUSTON.slice(4)], houston, 88);
    await join(['Grace Kim'], parents, 60, 'leader');
    await join(['Priya Patel'], parents, 60, 'mentor');
    await join(AUSTIN.slice(0, 12), parents, 55);
    await join(['Carlos Reyes'], students, 50, 'leader');
    await join(HOUSTON.slice(8, 18), students, 45);
    // A few Austinites go to Houston meetings too: they count once in the network's total.
    await join(['Daniel Nguyen', 'Sofia Hernandez', 'Lucas Martinez'], houston, 30);
    await join(['Olivia Davis'], streets, 40, 'leader');
    await join([...AUSTIN.slice(12, 20), ...HOUSTON.slice(20, 24)], streets, 35);
    await join(['Lena Schmidt'], flyers, 25, 'leader');
    await join(['Emily King', 'Hannah Thomas', 'Benjamin Scott', 'Zoe Taylor', 'Nadia Hassan'], flyers, 20);
    await joinCommunities(trx, {
      workspaceId,
      memberIds: idsOf(['Abigail Green', 'Samuel Walker']),
      communityIds: [flyers],
      role: 'member',
      source: 'join_page',
      at: now - 2 * DAY,
      status: 'pending',
    });
    // Someone who left Safe Streets (and whose history shows it).
    await leaveCommunity(trx, { workspaceId, communityId: streets, memberIds: idsOf(['Caleb White']), at: now - 10 * DAY });

    const tag = async (names: readonly string[], tags: string[], daysAgo: number) => {
      const at = now - daysAgo * DAY;
      for (const memberId of idsOf(names)) {
        const added = await addTags(trx, workspaceId, memberId, tags, at);
        await recordActivities(
          trx,
          added.map((t) => ({ workspaceId, memberId, type: 'tagged' as const, data: { tag: t }, occurredAt: at })),
          at,
        );
      }
    };
    await tag(
      ['Maria Garcia', 'Aisha Williams', 'Grace Kim', 'Jasmine Allen', 'Kwame Mensah', 'Olivia Davis', 'Carlos Reyes'],
      ['volunteer'],
      80,
    );
    await tag(['James Johnson', 'Priya Patel', 'Emily King', 'Benjamin Scott', 'Ahmed Khan'], ['donor'], 70);
    await tag([...SPANISH], ['spanish-speaker'], 65);
    await tag(AUSTIN.slice(0, 12), ['parent'], 55);
  });
}

/** Keywords, an open SMS survey with its keyword, saved replies and a draft P2P campaign. */
async function seedTwoWayTexting(db: Db, input: { workspaceId: number; userId: number; now: number }) {
  const { workspaceId, now } = input;
  await seedDemoKeywords(db, { workspaceId, now });
  const surveyId = await seedDemoSurvey(db, { workspaceId, now });
  await db
    .insertInto('keywords')
    .values({
      workspace_id: workspaceId,
      keyword: 'TRANSIT',
      target_type: 'survey',
      target_id: surveyId,
      reply: null,
      link_url: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await seedDemoInbox(db, { workspaceId, now });
  await seedDemoP2p(db, { workspaceId, userId: input.userId, now });
}

/** A published petition (with its keyword TREES) leading to a canvass event with two shifts next Saturday. */
async function seedActions(db: Db, clock: Clock, config: Pick<Config, 'publicUrl'>, input: { workspaceId: number; userId: number }) {
  const { workspaceId, userId } = input;
  const now = clock.now();
  const community = await db
    .selectFrom('communities')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('slug', '=', 'austin')
    .executeTakeFirst();
  const events = createEventsService({ db, clock, config });
  // Next Saturday in Austin, as a local date.
  const daysToSaturday = ((6 - new Date(now).getUTCDay() + 7) % 7) + 7;
  const saturday = new Date(now + daysToSaturday * DAY).toISOString().slice(0, 10);
  const event = await events.create(workspaceId, userId, {
    title: 'Saturday canvass for the Oak Street trees',
    summary: 'Knock on doors with us in East Austin. Training on site, snacks provided.',
    description: 'We meet at the library, pair up, and talk with neighbors about the trees and the council vote.',
    format: 'in_person',
    location: 'Carver Library, meeting room',
    address: '1161 Angelina St, Austin, TX 78702',
    joinUrl: '',
    timezone: 'America/Chicago',
    hostName: 'Climate Action Texas – Austin',
    volunteerHosted: false,
    consentWording: null,
    communityId: community?.id ?? null,
    shifts: [
      { date: saturday, start: '10:00', end: '12:00', capacity: 20, waitlist: true },
      { date: saturday, start: '13:00', end: '15:00', capacity: 20, waitlist: true },
    ],
  });
  await events.setStatus(workspaceId, event.id, 'publish');
  const petitions = createPetitionsService({ db, clock, config });
  const petition = await petitions.create(userId, workspaceId, {
    title: 'Protect the Oak Street trees',
    summary: 'Ask the City Council to keep the 40 oaks on Oak Street when the road is widened.',
    description: 'The road plan removes forty oak trees that shade the street and the school. A safer street can keep them.',
    target: 'Austin City Council',
    letter: 'We ask the Council to adopt the tree-saving design for the Oak Street project.',
    askComment: true,
    showSigners: true,
    goal: 500,
    communityId: community?.id ?? null,
    nextActionId: event.id,
    shareText: 'I signed to protect the Oak Street trees. Will you?',
  });
  await petitions.transition(workspaceId, petition.id, 'published');
  await db
    .insertInto('keywords')
    .values({
      workspace_id: workspaceId,
      keyword: 'TREES',
      target_type: 'action',
      target_id: petition.id,
      reply: null,
      link_url: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
