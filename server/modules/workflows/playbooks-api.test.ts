import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlaybook, PLAYBOOK_KEYS, type PlaybookKey } from '../../../common/playbooks.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { type WorkflowsDriver, workflowsDriver } from '../../../test/helpers/workflows.ts';

// Starting a workflow from a playbook through the API, as the dashboard does: the catalogue, a draft with the
// parameters filled in, every problem on its parameter, ids of this workspace only, and the roles of the workflow
// routes.

describe.each(testDialects())('playbooks API on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let wf: WorkflowsDriver;
  let ws: number;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    wf = workflowsDriver(t, () => owner);
  });
  afterEach(async () => {
    await t.close();
  });

  const created = async (path: string, body: object, client: Client = owner) => {
    const res = await client.request({ method: 'POST', url: `/api/workspaces/${ws}${path}`, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: number }).id;
  };
  const petition = (title = 'Save the Oak Street trees') => created('/petitions', { title, target: 'Austin City Council' });
  const call = () =>
    created('/calls', {
      title: 'Call the mayor',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, this is {{ member.first_name }}.',
      fixedTargets: [{ name: 'Mayor Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
    });
  const event = () =>
    created('/events', {
      title: 'Cleanup at Shoal Creek',
      summary: 'Bring gloves.',
      location: 'Shoal Creek trailhead',
      shifts: [{ date: '2026-11-28', start: '10:00', end: '13:00', capacity: 30, waitlist: true }],
    });
  const community = (name: string) => created('/communities', { name, visibility: 'public' });
  const segment = (name: string) => created('/segments', { name, rules: { kind: 'tag', has: true, tags: ['x'] } });
  const fromPlaybook = (body: object, client?: Client) => wf.api('POST', '/workflows/from-playbook', body, client);
  const invite = async (email: string, role: string, password: string) => {
    const inv = (await wf.api('POST', '/invitations', { email, role })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { name: 'Someone', password } });
    return signIn(t.app, email, password);
  };

  it('lists the playbooks with their parameters', async () => {
    const res = await wf.api('GET', '/workflows/playbooks');
    expect(res.statusCode).toBe(200);
    const { playbooks } = res.json() as { playbooks: { key: string; params: { key: string }[] }[] };
    expect(playbooks.map((p) => p.key)).toEqual([...PLAYBOOK_KEYS]);
    expect(playbooks.find((p) => p.key === 'petition_call_ladder')?.params).toContainEqual({
      key: 'petitionId',
      label: 'Petition',
      type: 'action',
      required: true,
      actionTypes: ['petition'],
      hint: expect.any(String),
    });
  });

  it('creates a draft from each playbook with this workspace’s ids, which publishes as it is', async () => {
    const ids = {
      petition: await petition(),
      call: await call(),
      event: await event(),
      parents: await community('Parents for safe streets'),
      regulars: await segment('Regulars'),
    };
    const params: Record<PlaybookKey, Record<string, unknown>> = {
      welcome_series: { communityId: ids.parents, firstActionId: ids.petition },
      petition_call_ladder: { petitionId: ids.petition, callId: ids.call, segmentId: ids.regulars },
      event_loop: { eventId: ids.event, reminderHours: 48 },
      re_engagement: { segmentId: ids.regulars, actionId: ids.petition },
      action_milestone: { actionCount: 10 },
      join_anniversary: {},
      mentor_introduction: { communityId: ids.parents, staffEmail: 'mentors@example.org' },
    };
    for (const key of PLAYBOOK_KEYS) {
      const res = await fromPlaybook({ playbook: key, params: params[key] });
      expect(res.statusCode, `${key}: ${res.body}`).toBe(201);
      const view = res.json();
      const expected = buildPlaybook(key, params[key], {
        actions: { [ids.petition]: 'Save the Oak Street trees', [ids.call]: 'Call the mayor', [ids.event]: 'Cleanup at Shoal Creek' },
        communities: { [ids.parents]: 'Parents for safe streets' },
        segments: { [ids.regulars]: 'Regulars' },
      });
      expect(view).toMatchObject({
        status: 'draft',
        name: expected.name,
        description: expected.description,
        draft: expected.definition,
        published: null,
      });
      const published = await wf.api('POST', `/workflows/${view.id}/publish`);
      expect(published.statusCode, `${key}: ${published.body}`).toBe(200);
    }
    const named = await fromPlaybook({ playbook: 'join_anniversary', name: 'One more year', params: { time: '09:00', points: 5 } });
    expect(named.json()).toMatchObject({
      name: 'One more year',
      draft: { trigger: { kind: 'date_field', time: '09:00' }, steps: [{ kind: 'award_points', points: 5 }, { kind: 'send_sms' }] },
    });
  });

  it('creates the inactivity segment a re-engagement needs when none is given', async () => {
    const res = await fromPlaybook({ playbook: 're_engagement', params: { inactiveDays: 90 } });
    expect(res.statusCode, res.body).toBe(201);
    const trigger = res.json().draft.trigger;
    expect(trigger.kind).toBe('entered_segment');
    const saved = (await wf.api('GET', `/segments/${trigger.segmentId}`)).json();
    expect(saved).toMatchObject({ name: 'Inactive for 90 days', lastCount: expect.any(Number) });
    expect(saved.summary).toContain('last active is more than 90 days ago');
    expect(res.json().name).toBe('Re-engagement: Inactive for 90 days');
  });

  it('answers bad input with a problem on each parameter, and saves nothing', async () => {
    const eventId = await event();
    const unknown = await fromPlaybook({ playbook: 'petition_ladder', params: {} });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      { path: 'body.playbook', message: expect.stringMatching(/^is not a playbook \(one of welcome_series/) },
    ]);

    const shape = await fromPlaybook({
      playbook: 'petition_call_ladder',
      params: { petitionId: 'oaks', holdoutPercent: 60, askText: 'Hi {{ member.nickname }}', tone: 'warm' },
    });
    expect(shape.statusCode).toBe(400);
    expect(shape.json()).toMatchObject({ code: 'workflow.invalid' });
    expect(shape.json().errors).toEqual([
      { path: 'body.params.tone', message: 'is not a parameter of this playbook' },
      { path: 'body.params.petitionId', message: 'must be the id of a petition' },
      { path: 'body.params.callId', message: 'is required' },
      { path: 'body.params.holdoutPercent', message: 'must be a whole number from 0 to 50' },
    ]);

    const refs = await fromPlaybook({
      playbook: 'petition_call_ladder',
      params: {
        petitionId: eventId,
        callId: 987_654,
        segmentId: 987_655,
        askText: 'Hi {{ member.nickname }}',
        callText: 'Go {{ links.action_987656 }}',
      },
    });
    expect(refs.statusCode).toBe(400);
    expect(refs.json().errors).toEqual([
      { path: 'body.params.petitionId', message: `must be a petition: Cleanup at Shoal Creek (${eventId}) is an event` },
      { path: 'body.params.callId', message: 'is not a call page of this workspace (987654)' },
      { path: 'body.params.segmentId', message: 'is not a segment of this workspace (987655)' },
      { path: 'body.params.askText', message: expect.stringContaining('unknown variable "member.nickname"') },
      { path: 'body.params.callText', message: 'is not an action of this workspace (987656)' },
    ]);
    const noParams = await wf.api('POST', '/workflows/from-playbook', { playbook: 'event_loop' });
    expect(noParams.json().errors).toEqual([{ path: 'body.params.eventId', message: 'is required' }]);
    expect((await wf.api('GET', '/workflows')).json().workflows).toEqual([]);
    expect((await wf.api('GET', '/segments')).json().segments).toEqual([]);
  });

  it('refuses ids of another workspace and callers who may not create workflows', async () => {
    const analyst = await invite('analyst@example.org', 'analyst', 'analyst-password-1');
    expect((await wf.api('GET', '/workflows/playbooks', undefined, analyst)).statusCode).toBe(200);
    const refused = await fromPlaybook({ playbook: 'join_anniversary', params: {} }, analyst);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'auth.forbidden']);

    const bea = await invite('bea@example.org', 'owner', 'bea-password-12');
    const other = (await bea.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json().id as number;
    const theirs = async (path: string, body: object) => {
      const res = await bea.request({ method: 'POST', url: `/api/workspaces/${other}${path}`, payload: body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as number;
    };
    const theirPetition = await theirs('/petitions', { title: 'Their petition', target: 'Someone' });
    const theirCommunity = await theirs('/communities', { name: 'Their community', visibility: 'public' });
    const theirSegment = await theirs('/segments', { name: 'Theirs', rules: { kind: 'tag', has: true, tags: ['x'] } });
    const ladder = await fromPlaybook({
      playbook: 'petition_call_ladder',
      params: { petitionId: theirPetition, callId: await call(), segmentId: theirSegment },
    });
    expect(ladder.json().errors).toEqual([
      { path: 'body.params.petitionId', message: `is not a petition of this workspace (${theirPetition})` },
      { path: 'body.params.segmentId', message: `is not a segment of this workspace (${theirSegment})` },
    ]);
    const mentor = await fromPlaybook({ playbook: 'mentor_introduction', params: { communityId: theirCommunity } });
    expect(mentor.json().errors).toEqual([
      { path: 'body.params.communityId', message: `is not a community of this workspace (${theirCommunity})` },
    ]);
    // Their own workspace's playbook works for them, and is not ours.
    const own = await bea.request({
      method: 'POST',
      url: `/api/workspaces/${other}/workflows/from-playbook`,
      payload: { playbook: 'mentor_introduction', params: { communityId: theirCommunity } },
    });
    expect(own.statusCode, own.body).toBe(201);
    expect((await wf.api('GET', `/workflows/${own.json().id}`)).statusCode).toBe(404);
  });
});
