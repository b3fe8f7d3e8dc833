import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue } from '../server/jobs/queue.ts';
import { buildTestApp, type Client, signIn, type TestApp } from './helpers/app.ts';
import { testDialects } from './helpers/db.ts';

type OpenApi = { paths: Record<string, Record<string, { requestBody?: unknown }>> };

/**
 * A valid body for every workspace route that takes one, so the walk reaches the tenancy check with a request that
 * would succeed in the caller's own workspace. A new route with a body must be added here (the walk fails otherwise).
 */
const P2P_CAMPAIGN = {
  name: 'Intrusion',
  audience: { communityIds: [], tags: ['1'] },
  script: { initial: 'Hi', answers: [{ key: 'yes', label: 'Yes' }] },
};

const BODIES: Record<string, unknown> = {
  'PATCH /api/workspaces/{workspaceId}': { name: 'Taken over' },
  'PATCH /api/workspaces/{workspaceId}/users/{userId}': { role: 'analyst' },
  'POST /api/workspaces/{workspaceId}/invitations': { email: 'intruder@example.org', role: 'owner' },
  'POST /api/workspaces/{workspaceId}/api-keys': { name: 'Backdoor', role: 'owner' },
  'POST /api/workspaces/{workspaceId}/members': { firstName: 'Intruder', phone: '+1 512 555 0177' },
  'PATCH /api/workspaces/{workspaceId}/members/{memberId}': { firstName: 'Taken', phone: '+1 512 555 0178' },
  'POST /api/workspaces/{workspaceId}/members/{memberId}/tags': { tag: 'stolen' },
  'POST /api/workspaces/{workspaceId}/members/{memberId}/notes': { body: 'Was here.' },
  'POST /api/workspaces/{workspaceId}/members/{memberId}/consent': { channel: 'sms', status: 'revoked', wording: 'Stop' },
  'POST /api/workspaces/{workspaceId}/members/{memberId}/merge': { duplicateId: 1 },
  'POST /api/workspaces/{workspaceId}/communities': { name: 'Intruders', visibility: 'public', keywords: ['INTRUDE'] },
  'PATCH /api/workspaces/{workspaceId}/communities/{communityId}': { name: 'Taken over', keywords: ['TAKEN'] },
  'POST /api/workspaces/{workspaceId}/communities/{communityId}/members': { memberIds: [1] },
  'PATCH /api/workspaces/{workspaceId}/communities/{communityId}/members/{memberId}': { role: 'leader' },
  'POST /api/workspaces/{workspaceId}/imports/{importId}/start': { mapping: { phone: 'phone' }, options: { tags: ['stolen'] } },
  'POST /api/workspaces/{workspaceId}/channel-accounts': { provider: 'simulator', name: 'Intruder', credentials: {} },
  'PATCH /api/workspaces/{workspaceId}/channel-accounts/{accountId}': { name: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/senders': { channelAccountId: 1, kind: 'long_code', address: '+1 512 555 0179' },
  'PATCH /api/workspaces/{workspaceId}/senders/{senderId}': { label: 'Taken over', isDefault: true },
  'PATCH /api/workspaces/{workspaceId}/messaging-settings': { frequencyCap: 99, helpText: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/simulator/inbound': { from: '+1 206 555 0100', body: 'STOP' },
  'POST /api/workspaces/{workspaceId}/broadcasts/preview': {
    channel: 'sms',
    audience: { communityIds: [], tags: ['1'] },
    templates: { en: 'Hi' },
    defaultLanguage: 'en',
  },
  'POST /api/workspaces/{workspaceId}/broadcasts': {
    name: 'Intrusion',
    channel: 'sms',
    audience: { communityIds: [], tags: ['1'] },
    templates: { en: 'Hi' },
    defaultLanguage: 'en',
  },
  'PATCH /api/workspaces/{workspaceId}/broadcasts/{broadcastId}': { name: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/broadcasts/{broadcastId}/test': { phones: ['+1 512 555 0180'] },
  'POST /api/workspaces/{workspaceId}/surveys': { name: 'Intrusion', questions: [{ kind: 'text', prompt: 'Why?' }] },
  'PATCH /api/workspaces/{workspaceId}/surveys/{surveyId}': { name: 'Taken over', questions: [] },
  'POST /api/workspaces/{workspaceId}/surveys/{surveyId}/send': { memberIds: [1] },
  'POST /api/workspaces/{workspaceId}/keywords': { keyword: 'INTRUDER', targetType: 'reply', reply: 'Hi' },
  'PATCH /api/workspaces/{workspaceId}/keywords/{keywordId}': { reply: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/p2p/campaigns': P2P_CAMPAIGN,
  'POST /api/workspaces/{workspaceId}/p2p/campaigns/preview': { audience: P2P_CAMPAIGN.audience, script: P2P_CAMPAIGN.script },
  'PATCH /api/workspaces/{workspaceId}/p2p/campaigns/{campaignId}': { name: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/p2p/campaigns/{campaignId}/contacts/{contactId}/answer': { key: 'yes' },
  'POST /api/workspaces/{workspaceId}/p2p/campaigns/{campaignId}/members/{memberId}/answer': { key: 'yes' },
  'POST /api/workspaces/{workspaceId}/p2p/campaigns/{campaignId}/assign': { texterId: 1, count: 5 },
  'POST /api/workspaces/{workspaceId}/conversations/{conversationId}/messages': { body: 'Intrusion' },
  'PATCH /api/workspaces/{workspaceId}/conversations/{conversationId}': { status: 'closed' },
  'POST /api/workspaces/{workspaceId}/conversations/{conversationId}/tags': { tag: 'stolen' },
  'POST /api/workspaces/{workspaceId}/conversations/{conversationId}/notes': { body: 'Was here.' },
  'POST /api/workspaces/{workspaceId}/canned-responses': { title: 'Intrusion', body: 'Hi' },
  'PATCH /api/workspaces/{workspaceId}/canned-responses/{cannedResponseId}': { title: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/events': {
    title: 'Intrusion',
    location: 'Here',
    shifts: [{ date: '2030-01-05', start: '10:00', end: '12:00' }],
  },
  'PATCH /api/workspaces/{workspaceId}/events/{eventId}': { title: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/events/{eventId}/rsvps/{rsvpId}/attendance': { status: 'attended' },
  'POST /api/workspaces/{workspaceId}/calls': { title: 'Intrusion', targetMode: 'fixed', script: 'Hi' },
  'PATCH /api/workspaces/{workspaceId}/calls/{callId}': { title: 'Taken over', fixedTargets: [] },
  'POST /api/workspaces/{workspaceId}/petitions': { title: 'Intrusion', goal: 10 },
  'PATCH /api/workspaces/{workspaceId}/petitions/{actionId}': { title: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/shares': { title: 'Intrusion', posts: { x: { text: 'Hi', hashtags: [] } } },
  'PATCH /api/workspaces/{workspaceId}/shares/{shareId}': { title: 'Taken over', posts: {} },
  'POST /api/workspaces/{workspaceId}/stories': { title: 'Intrusion', prompt: 'Why?' },
  'PATCH /api/workspaces/{workspaceId}/stories/{actionId}': { title: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/stories/{actionId}/submissions/{submissionId}/reject': { reason: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/call-targets/officials/import': {
    csv: 'name,district,phone\nX,TX-1,+12025550100\n',
    mode: 'replace',
  },
  'POST /api/workspaces/{workspaceId}/call-targets/districts/import': { csv: 'zip,district\n78701,TX-1\n', mode: 'replace' },
  'POST /api/workspaces/{workspaceId}/segments': { name: 'Intrusion', rules: { kind: 'tag', has: true, tags: ['1'] } },
  'POST /api/workspaces/{workspaceId}/segments/preview': { rules: { kind: 'tag', has: true, tags: ['1'] } },
  'PATCH /api/workspaces/{workspaceId}/segments/{segmentId}': { name: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/workflows': {
    name: 'Intrusion',
    definition: { trigger: { kind: 'manual' }, enrollment: 'once', steps: [{ id: 'a', kind: 'add_tag', tag: 'x' }] },
  },
  'PATCH /api/workspaces/{workspaceId}/workflows/{workflowId}': { name: 'Taken over' },
  'POST /api/workspaces/{workspaceId}/workflows/{workflowId}/enroll': { memberIds: [1] },
  'POST /api/workspaces/{workspaceId}/workflows/from-playbook': { playbook: 'join_anniversary', params: {} },
};

describe.each(testDialects())('tenant isolation on %s', (dialect) => {
  let t: TestApp;
  let a: Client;
  let b: Client;
  let wsA: number;
  let wsB: number;
  let routes: { method: string; path: string; hasBody: boolean }[];
  const idsOfB: Record<string, number> = {};
  let keyA: string;

  beforeAll(async () => {
    t = await buildTestApp({ dialect });
    wsA = t.demo.workspaceId;
    a = await signIn(t.app, t.demo.email, t.demo.password);
    // A second organization, with its own owner and one of everything.
    const inv = (
      await a.request({ method: 'POST', url: `/api/workspaces/${wsA}/invitations`, payload: { email: 'b@example.org', role: 'analyst' } })
    ).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Bea', password: 'bea-password-1' } });
    b = await signIn(t.app, 'b@example.org', 'bea-password-1');
    // Bea leaves workspace A so that she is only in B.
    await a.request({ method: 'DELETE', url: `/api/workspaces/${wsA}/users/${b.userId}` });
    wsB = (await b.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id;
    const bInv = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/invitations`, payload: { email: 'c@example.org', role: 'texter' } })
    ).json();
    const cToken = new URL(bInv.acceptUrl).pathname.split('/').pop();
    const c = (
      await t.app.inject({ method: 'POST', url: `/api/invitations/${cToken}/accept`, payload: { name: 'Cy', password: 'cy-password-12' } })
    ).json();
    const bInv2 = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/invitations`, payload: { email: 'd@example.org', role: 'texter' } })
    ).json();
    const bKey = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/api-keys`, payload: { name: 'B key', role: 'admin' } })
    ).json();
    idsOfB.userId = c.user.id;
    idsOfB.invitationId = bInv2.invitation.id;
    idsOfB.apiKeyId = bKey.apiKey.id;
    const job = await createJobQueue({ db: t.database.db, clock: t.clock }).enqueue(t.database.db, {
      type: 'test.noop',
      payload: {},
      workspaceId: wsB,
    });
    await t.database.db.updateTable('jobs').set({ state: 'dead', last_error: 'boom' }).where('id', '=', job.id).execute();
    idsOfB.jobId = job.id;
    const memberOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/members`,
        payload: { firstName: 'Bo', phone: '+1 206 555 0100', email: 'bo@example.org', tags: ['1'] },
      })
    ).json();
    idsOfB.memberId = memberOfB.id;
    idsOfB.tag = 1; // a tag B's member has
    const communityOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/communities`,
        payload: { name: 'B Circle', visibility: 'public', keywords: ['BCIRCLE'] },
      })
    ).json();
    await b.request({
      method: 'POST',
      url: `/api/workspaces/${wsB}/communities/${communityOfB.id}/members`,
      payload: { memberIds: [memberOfB.id] },
    });
    idsOfB.communityId = communityOfB.id;
    const importOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/imports?filename=b.csv`,
        headers: { 'content-type': 'text/csv' },
        payload: 'name,phone\nBo,+1 206 555 0101\n',
      })
    ).json();
    idsOfB.importId = importOfB.import.id;
    const accountOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/channel-accounts`,
        payload: { provider: 'simulator', name: 'B sim', credentials: {} },
      })
    ).json();
    idsOfB.accountId = accountOfB.id;
    const senderOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/senders`,
        payload: { channelAccountId: accountOfB.id, kind: 'long_code', address: '+1 206 555 0150' },
      })
    ).json();
    idsOfB.senderId = senderOfB.id;
    const broadcastOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/broadcasts`,
        payload: {
          name: 'B news',
          channel: 'sms',
          audience: { communityIds: [communityOfB.id], tags: [] },
          templates: { en: 'Hello B' },
          defaultLanguage: 'en',
        },
      })
    ).json();
    idsOfB.broadcastId = broadcastOfB.id;
    // B's community join keyword (BCIRCLE) is a keyword row of B.
    idsOfB.keywordId = (await b.request({ method: 'GET', url: `/api/workspaces/${wsB}/keywords` })).json().keywords[0].id;
    const surveyOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/surveys`,
        payload: { name: 'B poll', questions: [{ kind: 'text', prompt: 'Why?' }] },
      })
    ).json();
    idsOfB.surveyId = surveyOfB.id;
    idsOfB.questionId = surveyOfB.questions[0].id;
    idsOfB.sendId = (
      await t.database.db
        .insertInto('survey_sends')
        .values({ workspace_id: wsB, survey_id: surveyOfB.id, audience: '{}', status: 'done', created_at: 0, updated_at: 0 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const campaignOfB = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/p2p/campaigns`, payload: { ...P2P_CAMPAIGN, name: 'B turnout' } })
    ).json();
    idsOfB.campaignId = campaignOfB.id;
    const now = t.clock.now();
    idsOfB.contactId = (
      await t.database.db
        .insertInto('p2p_contacts')
        .values({
          workspace_id: wsB,
          campaign_id: campaignOfB.id,
          member_id: memberOfB.id,
          texter_id: b.userId,
          status: 'sent',
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    idsOfB.conversationId = (
      await t.database.db
        .insertInto('conversations')
        .values({ workspace_id: wsB, member_id: memberOfB.id, status: 'open', last_message_at: now, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    idsOfB.cannedResponseId = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/canned-responses`, payload: { title: 'B hello', body: 'Hi from B' } })
    ).json().id;
    await b.request({
      method: 'POST',
      url: `/api/workspaces/${wsB}/call-targets/officials/import`,
      payload: { csv: 'name,district,phone\nB Rep,TX-1,+12025550101\n', mode: 'replace' },
    });
    await b.request({
      method: 'POST',
      url: `/api/workspaces/${wsB}/call-targets/districts/import`,
      payload: { csv: 'zip,district\n78701,TX-1\n', mode: 'replace' },
    });
    idsOfB.officialId = (await b.request({ method: 'GET', url: `/api/workspaces/${wsB}/call-targets/officials` })).json().officials[0].id;
    idsOfB.districtId = (await b.request({ method: 'GET', url: `/api/workspaces/${wsB}/call-targets/districts` })).json().districts[0].id;
    idsOfB.callId = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/calls`,
        payload: { title: 'B call', targetMode: 'fixed', script: 'Hi', fixedTargets: [{ name: 'B Mayor', phone: '+12025550102' }] },
      })
    ).json().id;
    idsOfB.actionId = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/petitions`, payload: { title: 'B petition', target: 'B council' } })
    ).json().id;
    idsOfB.shareId = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/shares`,
        payload: { title: 'B share', posts: { sms: { text: 'B', hashtags: [] } } },
      })
    ).json().id;
    const storyOfB = (
      await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/stories`, payload: { title: 'B stories', prompt: 'Why?' } })
    ).json();
    idsOfB.submissionId = (
      await t.database.db
        .insertInto('story_submissions')
        .values({
          ...{ workspace_id: wsB, action_id: storyOfB.id, member_id: memberOfB.id, public_id: 'b-story', body: 'B story' },
          ...{ display: 'anonymous', display_name: null, publish_consent: 'Yes', photo_type: null, photo_size: null },
          ...{ status: 'pending', moderated_by: null, moderated_at: null, reason: null, source: null, ip: null, phone_prefix: null },
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const eventOfB = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/events`,
        payload: { title: 'B rally', location: 'B Park', shifts: [{ date: '2030-01-05', start: '10:00', end: '12:00' }] },
      })
    ).json();
    idsOfB.eventId = eventOfB.id;
    idsOfB.shiftId = eventOfB.shifts[0].id;
    idsOfB.rsvpId = (
      await t.database.db
        .insertInto('event_rsvps')
        .values({
          ...{ workspace_id: wsB, action_id: eventOfB.id, shift_id: eventOfB.shifts[0].id, member_id: memberOfB.id, status: 'going' },
          ...{ friend_name: null, friend_phone: null, source: null, ref: null, ip: null, phone_prefix: null, checked_in_at: null },
          ...{ checkin_method: null, day_reminder_at: null, day_reminder_message_id: null, hour_reminder_at: null },
          ...{ hour_reminder_message_id: null, feedback_at: null, feedback_message_id: null, created_at: now, updated_at: now },
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    idsOfB.segmentId = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/segments`,
        payload: { name: 'B circle', rules: { kind: 'community', in: true, communityIds: [communityOfB.id] } },
      })
    ).json().id;
    idsOfB.workflowId = (
      await b.request({
        method: 'POST',
        url: `/api/workspaces/${wsB}/workflows`,
        payload: {
          name: 'B welcome',
          definition: { trigger: { kind: 'manual' }, enrollment: 'once', steps: [{ id: 'a', kind: 'add_tag', tag: 'b' }] },
        },
      })
    ).json().id;
    await b.request({ method: 'POST', url: `/api/workspaces/${wsB}/workflows/${idsOfB.workflowId}/publish` });
    await b.request({
      method: 'POST',
      url: `/api/workspaces/${wsB}/workflows/${idsOfB.workflowId}/enroll`,
      payload: { memberIds: [memberOfB.id] },
    });
    idsOfB.runId = (
      await t.database.db.selectFrom('workflow_runs').select('id').where('workspace_id', '=', wsB).executeTakeFirstOrThrow()
    ).id;
    idsOfB.notificationId = (
      await t.database.db
        .insertInto('staff_notifications')
        .values({
          workspace_id: wsB,
          source: 'workflow',
          body: 'Call back',
          member_id: null,
          workflow_id: null,
          run_id: null,
          created_at: 0,
          read_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const id of ['accountId', 'senderId', 'broadcastId']) {
      if (!idsOfB[id]) throw new Error(`workspace B's ${id} was not created`);
    }
    keyA = (await a.request({ method: 'POST', url: `/api/workspaces/${wsA}/api-keys`, payload: { name: 'A key', role: 'owner' } })).json()
      .secret;

    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
    routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, hasBody: op.requestBody !== undefined })),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const fill = (path: string, workspaceId: number) =>
    path.replace('{workspaceId}', String(workspaceId)).replace(/\{(\w+)\}/g, (_m, name: string) => {
      const id = idsOfB[name];
      if (id === undefined) throw new Error(`The tenancy walk has no id of workspace B for {${name}}; add one to idsOfB`);
      return String(id);
    });

  it('walks every workspace route of the API', () => {
    const scoped = routes.filter((r) => r.path.includes('{workspaceId}'));
    expect(scoped.length).toBeGreaterThanOrEqual(14);
    for (const route of scoped) {
      if (route.hasBody)
        expect(BODIES[`${route.method} ${route.path}`], `${route.method} ${route.path} needs a body in BODIES`).toBeDefined();
    }
  });

  it("refuses every route of workspace B to a member of A, by session and by API key, and changes nothing of B's", async () => {
    const before = await snapshotB();
    const scoped = routes.filter((r) => r.path.includes('{workspaceId}'));
    for (const route of scoped) {
      const payload = BODIES[`${route.method} ${route.path}`];
      const url = fill(route.path, wsB);
      const bySession = await a.request({ method: route.method as 'GET', url, ...(payload ? { payload } : {}) });
      expect([bySession.statusCode, bySession.json().code], `${route.method} ${url}`).toEqual([404, 'workspace.not_found']);
      const byKey = await t.app.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization: `Bearer ${keyA}` },
        ...(payload ? { payload } : {}),
      });
      expect([byKey.statusCode, byKey.json().code], `${route.method} ${url} (API key)`).toEqual([404, 'workspace.not_found']);
    }
    expect(await snapshotB()).toEqual(before);
  });

  it("cannot reach B's users, invitations, keys or jobs through A's own workspace path", async () => {
    const before = await snapshotB();
    const withIds = routes.filter((r) => r.path.includes('{workspaceId}') && /\{(?!workspaceId)\w+\}/.test(r.path));
    expect(withIds.length).toBeGreaterThanOrEqual(5);
    for (const route of withIds) {
      const payload = BODIES[`${route.method} ${route.path}`];
      const url = fill(route.path, wsA);
      const response = await a.request({ method: route.method as 'GET', url, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${route.method} ${url}: ${response.body}`).toBe(404);
    }
    expect(await snapshotB()).toEqual(before);
  });

  it('lists nothing of B in A', async () => {
    for (const path of ['users', 'invitations', 'api-keys', 'audit', 'communities']) {
      const body = (await a.request({ method: 'GET', url: `/api/workspaces/${wsA}/${path}` })).body;
      expect(body).not.toContain('c@example.org');
      expect(body).not.toContain('d@example.org');
      expect(body).not.toContain('B key');
      expect(body).not.toContain('Other Org');
      expect(body).not.toContain('B Circle');
    }
  });

  async function snapshotB() {
    const db = t.database.db;
    return {
      workspace: await db.selectFrom('workspaces').selectAll().where('id', '=', wsB).execute(),
      users: await db.selectFrom('workspace_users').selectAll().where('workspace_id', '=', wsB).orderBy('user_id').execute(),
      invitations: await db.selectFrom('invitations').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      jobs: await db.selectFrom('jobs').select(['id', 'state', 'attempts']).where('workspace_id', '=', wsB).orderBy('id').execute(),
      members: await db.selectFrom('members').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      memberTags: await db.selectFrom('member_tags').selectAll().where('workspace_id', '=', wsB).orderBy('tag').execute(),
      memberNotes: await db.selectFrom('member_notes').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      consent: await db.selectFrom('consent_events').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      communities: await db.selectFrom('communities').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      memberships: await db.selectFrom('memberships').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      keywords: await db.selectFrom('keywords').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      imports: await db.selectFrom('imports').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      accounts: await db.selectFrom('channel_accounts').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      senders: await db.selectFrom('senders').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      broadcasts: await db.selectFrom('broadcasts').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      messages: await db.selectFrom('messages').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      surveys: await db.selectFrom('surveys').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      questions: await db.selectFrom('survey_questions').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      surveySends: await db.selectFrom('survey_sends').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      campaigns: await db.selectFrom('p2p_campaigns').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      contacts: await db.selectFrom('p2p_contacts').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      conversations: await db.selectFrom('conversations').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      conversationTags: await db.selectFrom('conversation_tags').selectAll().where('workspace_id', '=', wsB).orderBy('tag').execute(),
      conversationNotes: await db.selectFrom('conversation_notes').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      cannedResponses: await db.selectFrom('canned_responses').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      segments: await db.selectFrom('segments').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      segmentSnapshots: await db.selectFrom('segment_snapshots').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      workflows: await db.selectFrom('workflows').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      workflowRuns: await db.selectFrom('workflow_runs').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      staffNotifications: await db.selectFrom('staff_notifications').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      events: await db
        .selectFrom('actions')
        .selectAll()
        .where('workspace_id', '=', wsB)
        .where('type', '=', 'event')
        .orderBy('id')
        .execute(),
      eventShifts: await db.selectFrom('event_shifts').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      eventRsvps: await db.selectFrom('event_rsvps').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      petitions: await db
        .selectFrom('actions')
        .selectAll()
        .where('workspace_id', '=', wsB)
        .where('type', '=', 'petition')
        .orderBy('id')
        .execute(),
      storySubmissions: await db.selectFrom('story_submissions').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      callTargets: await db.selectFrom('call_targets').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      callDistricts: await db.selectFrom('call_districts').selectAll().where('workspace_id', '=', wsB).orderBy('id').execute(),
      keys: await db
        .selectFrom('api_keys')
        .select(['id', 'name', 'role', 'revoked_at'])
        .where('workspace_id', '=', wsB)
        .orderBy('id')
        .execute(),
    };
  }
});
