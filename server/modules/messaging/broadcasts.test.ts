import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';

// The broadcasts API end to end: compose, preview, launch, pause, resume, cancel and test sends, through HTTP
// against a real database; the expansion runs through the job queue as in production.

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

describe.each(testDialects())('broadcasts on %s', (dialect) => {
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
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown, client = owner) =>
    client.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function community(name: string) {
    const response = await api('POST', '/communities', { name, visibility: 'public' });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }

  async function member(firstName: string, options: { consent?: boolean; language?: string; communityId?: number } = {}) {
    phoneSeq += 1;
    const phone = `+1 512 555 ${String(100 + phoneSeq).padStart(4, '0')}`;
    const response = await api('POST', '/members', {
      firstName,
      lastName: 'Tester',
      phone,
      ...(options.language ? { language: options.language } : {}),
      ...(options.consent === false
        ? {}
        : { consent: { sms: { wording: 'Text me about climate action in Austin. Reply STOP to stop.' } } }),
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = (response.json() as { id: number }).id;
    if (options.communityId !== undefined) {
      const joined = await api('POST', `/communities/${options.communityId}/members`, { memberIds: [id] });
      expect(joined.statusCode, joined.body).toBe(200);
    }
    return { id, phone: `+1512555${String(100 + phoneSeq).padStart(4, '0')}` };
  }

  async function invite(role: 'texter' | 'analyst', email: string): Promise<Client> {
    const inv = (await api('POST', '/invitations', { email, role })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Staff', password: 'staff-password-1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return signIn(t.app, email, 'staff-password-1');
  }

  const input = (communityId: number, overrides: Record<string, unknown> = {}) => ({
    name: 'Rally reminder',
    channel: 'sms',
    audience: { communityIds: [communityId], tags: [] },
    templates: { en: 'Hi {{ member.first_name }}, the rally is Saturday at City Hall.' },
    defaultLanguage: 'en',
    ...overrides,
  });

  async function create(body: object) {
    const response = await api('POST', '/broadcasts', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number; status: string };
  }

  const get = async (id: number) => (await api('GET', `/broadcasts/${id}`)).json();
  const messagesOf = (broadcastId: number) =>
    db().selectFrom('messages').selectAll().where('broadcast_id', '=', broadcastId).orderBy('member_id').execute();

  it('preview shows segments, UCS-2 characters, cost and drain time', async () => {
    const austin = await community('Austin');
    for (const name of ['Ana', 'Ben', 'Cy']) await member(name, { communityId: austin });
    await member('Dee', { communityId: austin, consent: false });
    const sender = await db().selectFrom('senders').select('id').where('workspace_id', '=', ws).executeTakeFirstOrThrow();
    // 8,000 micros per segment, 10,000 per MMS, 2 segments a second.
    await db()
      .updateTable('senders')
      .set({ price_micros: 8_000, mms_price_micros: 10_000, throughput: 2 })
      .where('id', '=', sender.id)
      .execute();

    const long = `Hi {{ member.first_name }} — ${'the rally is Saturday at City Hall, bring a friend. '.repeat(2)}`;
    const response = await api('POST', '/broadcasts/preview', input(austin, { templates: { en: long } }));
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json();
    expect(preview.recipients).toEqual({ total: 4, reachable: 3, noConsent: 1, optedOut: 0, noAddress: 0, landline: 0 });
    expect(preview.languages).toEqual({ en: 3 });
    const [render] = preview.renders;
    // The em dash forces UCS-2 (67 characters per part); nobody has been texted yet, so the sample carries the footer.
    expect(render).toMatchObject({ language: 'en', encoding: 'ucs2', ucs2Chars: ['—'] });
    expect(render.sample).toMatch(/^Hi Ana — the rally is Saturday/);
    expect(render.sample).toContain('Groundswell Demo: Reply STOP to opt out');
    expect(render.units).toBe(render.sample.length);
    expect(render.segments).toBe(Math.ceil(render.sample.length / 67));
    expect(preview.segmentsPerMessage).toBe(render.segments);
    expect(preview.costMicros).toBe(3 * render.segments * 8_000);
    expect(preview.drainSeconds).toBe(Math.ceil((3 * render.segments) / 2));
    expect(preview.sender).toMatchObject({ id: sender.id, priceMicros: 8_000, throughput: 2, supportsMms: true });
    expect(preview.problems).toEqual([]);

    // A throttle of 6 a minute makes the drain 30 s for 3 members; an image adds the MMS price per recipient.
    const throttled = (
      await api(
        'POST',
        '/broadcasts/preview',
        input(austin, { templates: { en: 'Rally Saturday!' }, throttlePerMinute: 6, mediaUrl: 'https://example.org/rally.jpg' }),
      )
    ).json();
    expect(throttled.renders[0]).toMatchObject({ encoding: 'gsm7', segments: 1, ucs2Chars: [] });
    expect(throttled.drainSeconds).toBe(30);
    expect(throttled.costMicros).toBe(3 * 8_000 + 3 * 10_000);

    // Tracked links are counted at the length of a short link, not of the long URL.
    const linked = (
      await api('POST', '/broadcasts/preview', input(austin, { templates: { en: `Sign: https://example.org/${'x'.repeat(300)}` } }))
    ).json();
    expect(linked.renders[0].sample).toMatch(new RegExp(`^Sign: ${t.config.publicUrl.replace(/[.:/]/g, '\\$&')}/l/[A-Za-z0-9]{10}\n`));
    expect(linked.renders[0].segments).toBe(1);
  });

  it('preview lists every problem on its field: templates, sender, MMS, audience, email subject', async () => {
    const empty = await community('Nobody here');
    await db().updateTable('senders').set({ supports_mms: 0 }).where('workspace_id', '=', ws).execute();
    const sms = (
      await api(
        'POST',
        '/broadcasts/preview',
        input(empty, { templates: { en: 'Hi {{ member.nickname }}', es: 'Hola {% iff %}' }, mediaUrl: 'https://example.org/a.jpg' }),
      )
    ).json();
    expect(sms.problems.map((p: { field: string }) => p.field).sort()).toEqual(['audience', 'mediaUrl', 'templates.en', 'templates.es']);
    expect(sms.problems.find((p: { field: string }) => p.field === 'templates.en').message).toContain('member.nickname');

    const email = (await api('POST', '/broadcasts/preview', input(empty, { channel: 'email' }))).json();
    expect(email.sender).toBeNull();
    expect(email.problems).toEqual(
      expect.arrayContaining([
        { field: 'senderId', message: 'There is no email sender: add one under Channels, or choose one.' },
        { field: 'subject', message: 'An email needs a subject.' },
      ]),
    );
  });

  it('answers invalid input with field-level errors and stores nothing', async () => {
    const austin = await community('Austin');
    const shape = await api('POST', '/broadcasts', {
      name: '',
      channel: 'fax',
      audience: { communityIds: ['x'], tags: [] },
      templates: {},
      defaultLanguage: 'en',
    });
    expect(shape.statusCode).toBe(400);
    const paths = (shape.json() as Problem).errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.channel', 'body.audience.communityIds.0']));

    const missingDefault = await api('POST', '/broadcasts', input(austin, { templates: { es: 'Hola' } }));
    expect(missingDefault.statusCode).toBe(400);
    expect((missingDefault.json() as Problem).errors).toEqual([
      {
        path: 'body.templates.en',
        message: 'is required: the message in the default language (en) is what members of other languages receive',
      },
    ]);

    const checked = await api(
      'POST',
      '/broadcasts',
      input(austin, {
        audience: { communityIds: [austin, 999_999], tags: [] },
        senderId: 999_999,
        templates: { en: 'Hi {% if %}' },
        schedule: { kind: 'at', at: t.clock.now() - 60_000 },
      }),
    );
    expect(checked.statusCode).toBe(400);
    const errors = (checked.json() as Problem).errors ?? [];
    expect(errors.map((e) => e.path)).toEqual(['body.audience.communityIds.1', 'body.senderId', 'body.templates.en', 'body.schedule.at']);
    expect(errors[0]?.message).toBe('is not a community of this workspace (999999)');
    expect(errors[3]?.message).toBe('must be in the future');

    const badSchedule = await api(
      'POST',
      '/broadcasts',
      input(austin, { schedule: { kind: 'local_time', date: '2026-02-30', time: '25:00' } }),
    );
    expect((badSchedule.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.schedule.date', 'body.schedule.time']);
    expect(await db().selectFrom('broadcasts').select('id').execute()).toEqual([]);
  });

  it('creates drafts, lists them newest first with their counters, and edits only drafts and scheduled ones', async () => {
    const austin = await community('Austin');
    await member('Ana', { communityId: austin });
    const first = await create(input(austin, { name: 'First' }));
    const second = await create(
      input(austin, {
        name: 'Second',
        utm: { campaign: 'fall-drive' },
        schedule: { kind: 'local_time', date: '2026-11-24', time: '10:00' },
      }),
    );
    expect(await get(second.id)).toMatchObject({
      name: 'Second',
      status: 'draft',
      channel: 'sms',
      audience: { communityIds: [austin], tags: [] },
      senderId: null,
      trackLinks: true,
      utm: { campaign: 'fall-drive' },
      schedule: { kind: 'local_time', date: '2026-11-24', time: '10:00' },
      // 10:00 in the workspace's zone (America/Chicago, UTC−6) shows as the scheduled time.
      scheduledAt: Date.parse('2026-11-24T16:00:00Z'),
      recipientCount: 0,
      pauseReason: null,
      failuresByCode: [],
      stats: { queued: 0, sent: 0, skipped: { noConsent: 0, frequencyCap: 0 } },
    });

    const page = (await api('GET', '/broadcasts?limit=1')).json();
    expect(page.broadcasts.map((b: { name: string }) => b.name)).toEqual(['Second']);
    expect(page.nextCursor).toBe(second.id);
    const rest = (await api('GET', `/broadcasts?limit=1&cursor=${page.nextCursor}`)).json();
    expect(rest).toMatchObject({ broadcasts: [{ name: 'First' }], nextCursor: null });

    const patched = await api('PATCH', `/broadcasts/${first.id}`, { templates: { en: 'Changed', es: 'Cambiado' }, throttlePerMinute: 60 });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ templates: { en: 'Changed', es: 'Cambiado' }, throttlePerMinute: 60 });
    const dropped = await api('PATCH', `/broadcasts/${first.id}`, { defaultLanguage: 'fr' });
    expect((dropped.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.templates.fr']);

    expect((await api('POST', `/broadcasts/${first.id}/launch`)).statusCode).toBe(200);
    const locked = await api('PATCH', `/broadcasts/${first.id}`, { name: 'Too late' });
    expect(locked.statusCode).toBe(409);
    expect((await get(first.id)).name).toBe('First');
    expect(await db().selectFrom('audit_entries').select('action').where('target_type', '=', 'broadcast').orderBy('id').execute()).toEqual([
      { action: 'broadcast.created' },
      { action: 'broadcast.created' },
      { action: 'broadcast.updated' },
      { action: 'broadcast.launched' },
    ]);
  });

  it('launch refuses a broadcast nobody can receive, with its problems', async () => {
    const austin = await community('Austin');
    await member('Ana', { communityId: austin, consent: false });
    const draft = await create(input(austin));
    const refused = await api('POST', `/broadcasts/${draft.id}/launch`);
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as Problem).errors).toEqual([
      { path: 'audience', message: 'No member of the audience can receive SMS (consent, address).' },
    ]);
    expect((await get(draft.id)).status).toBe('draft');
    expect(await db().selectFrom('jobs').select('id').where('type', '=', 'messaging.broadcast_expand').execute()).toEqual([]);
  });

  it('launch now expands into the outbox; a later launch waits for its time', async () => {
    const austin = await community('Austin');
    const ana = await member('Ana', { communityId: austin });
    const now = await create(input(austin));
    const launched = (await api('POST', `/broadcasts/${now.id}/launch`)).json();
    expect(launched).toMatchObject({ status: 'expanding', launchedAt: t.clock.now() });
    await t.runJobs();
    expect(await get(now.id)).toMatchObject({ status: 'sending', recipientCount: 1, stats: { queued: 1 } });
    expect(await messagesOf(now.id)).toMatchObject([
      { member_id: ana.id, to_address: ana.phone, state: 'queued', body: expect.stringMatching(/^Hi Ana, the rally/) },
    ]);

    const at = t.clock.now() + 3_600_000;
    const later = await create(input(austin, { schedule: { kind: 'at', at } }));
    expect((await api('POST', `/broadcasts/${later.id}/launch`)).json()).toMatchObject({ status: 'scheduled', scheduledAt: at });
    await t.runJobs();
    expect(await messagesOf(later.id)).toEqual([]);
    t.clock.set(at);
    await t.runJobs();
    expect(await get(later.id)).toMatchObject({ status: 'sending', recipientCount: 1 });
    expect((await messagesOf(later.id))[0]?.send_at).toBe(at);
  });

  it('pause holds queued messages and resume releases them', async () => {
    const austin = await community('Austin');
    for (const name of ['Ana', 'Ben']) await member(name, { communityId: austin });
    const draft = await create(input(austin));
    await api('POST', `/broadcasts/${draft.id}/launch`);

    // Paused before its expansion ran: the job stops without writing, and resume starts it again.
    expect((await api('POST', `/broadcasts/${draft.id}/pause`)).json()).toMatchObject({ status: 'paused', pauseReason: null });
    await t.runJobs();
    expect(await messagesOf(draft.id)).toEqual([]);
    expect((await api('POST', `/broadcasts/${draft.id}/resume`)).json()).toMatchObject({ status: 'expanding' });
    await t.runJobs();
    expect((await messagesOf(draft.id)).map((m) => m.state)).toEqual(['queued', 'queued']);

    expect((await api('POST', `/broadcasts/${draft.id}/pause`)).json()).toMatchObject({ status: 'paused' });
    expect((await messagesOf(draft.id)).map((m) => m.state)).toEqual(['held', 'held']);
    expect((await api('POST', `/broadcasts/${draft.id}/pause`)).statusCode).toBe(409);
    expect((await api('POST', `/broadcasts/${draft.id}/resume`)).json()).toMatchObject({ status: 'sending' });
    expect((await messagesOf(draft.id)).map((m) => m.state)).toEqual(['queued', 'queued']);
    const actions = await db()
      .selectFrom('audit_entries')
      .select('action')
      .where('target_type', '=', 'broadcast')
      .where('target_id', '=', String(draft.id))
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'broadcast.created',
      'broadcast.launched',
      'broadcast.paused',
      'broadcast.resumed',
      'broadcast.sending',
      'broadcast.paused',
      'broadcast.resumed',
    ]);
  });

  it('cancel cancels what is not sent', async () => {
    const austin = await community('Austin');
    for (const name of ['Ana', 'Ben', 'Cy']) await member(name, { communityId: austin });
    const draft = await create(input(austin));
    await api('POST', `/broadcasts/${draft.id}/launch`);
    await t.runJobs();
    const [sent] = await messagesOf(draft.id);
    await db()
      .updateTable('messages')
      .set({ state: 'sent', sent_at: t.clock.now() })
      .where('id', '=', sent?.id as number)
      .execute();

    const cancelled = (await api('POST', `/broadcasts/${draft.id}/cancel`)).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', stats: { queued: 3, cancelled: 2, finished: 2 } });
    expect((await messagesOf(draft.id)).map((m) => m.state)).toEqual(['sent', 'cancelled', 'cancelled']);
    expect((await api('POST', `/broadcasts/${draft.id}/cancel`)).statusCode).toBe(409);
    expect((await api('POST', `/broadcasts/${draft.id}/resume`)).statusCode).toBe(409);
  });

  it('the dispatcher can pause a sending broadcast and say why', async () => {
    const { pauseBroadcast } = await import('./broadcasts.repo.ts');
    const austin = await community('Austin');
    await member('Ana', { communityId: austin });
    const draft = await create(input(austin));
    await db()
      .transaction()
      .execute(async (trx) => {
        expect(await pauseBroadcast(trx, { workspaceId: ws, broadcastId: draft.id, reason: 'Too many failures', now: t.clock.now() })).toBe(
          false,
        );
      });
    await api('POST', `/broadcasts/${draft.id}/launch`);
    await t.runJobs();
    await db()
      .transaction()
      .execute(async (trx) => {
        expect(await pauseBroadcast(trx, { workspaceId: ws, broadcastId: draft.id, reason: 'Too many failures', now: t.clock.now() })).toBe(
          true,
        );
      });
    expect(await get(draft.id)).toMatchObject({ status: 'paused', pauseReason: 'Too many failures' });
    expect((await messagesOf(draft.id)).map((m) => m.state)).toEqual(['held']);
  });

  it('sends a test to up to five phones, refusing numbers that opted out, without touching the report', async () => {
    const austin = await community('Austin');
    const ana = await member('Ana', { communityId: austin });
    const gone = await member('Gus');
    const stop = await api('POST', '/simulator/inbound', { from: gone.phone, body: 'STOP' });
    expect(stop.statusCode, stop.body).toBe(202);
    await t.runJobs();
    const draft = await create(input(austin, { templates: { en: 'Hi {{ member.first_name }}! https://example.org/rally' } }));

    const refused = await api('POST', `/broadcasts/${draft.id}/test`, { phones: ['(512) 555-0199', gone.phone, 'not a phone'] });
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as Problem).errors?.map((e) => e.path)).toEqual(['body.phones.1', 'body.phones.2']);
    expect((await api('POST', `/broadcasts/${draft.id}/test`, { phones: ['1', '2', '3', '4', '5', '6'] })).statusCode).toBe(400);

    const sent = await api('POST', `/broadcasts/${draft.id}/test`, { phones: ['(512) 555-0199', ana.phone] });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({ queued: 2 });
    const tests = await db().selectFrom('messages').selectAll().where('kind', '=', 'test').orderBy('id').execute();
    expect(tests).toMatchObject([
      { to_address: '+15125550199', member_id: null, broadcast_id: null, state: 'queued', priority: 0, send_at: t.clock.now() },
      { to_address: ana.phone, member_id: ana.id, broadcast_id: null },
    ]);
    expect(tests[0]?.body).toMatch(/^\[TEST\] Hi Ana! http:\/\/\S+\/l\/[A-Za-z0-9]{10}\nGroundswell Demo: Reply STOP to opt out$/);
    expect((await get(draft.id)).stats).toMatchObject({ queued: 0, sent: 0 });
    expect(await db().selectFrom('audit_entries').select('data').where('action', '=', 'broadcast.test_sent').execute()).toEqual([
      { data: '{"count":2}' },
    ]);
  });

  it('role checks: a texter cannot create a broadcast; an analyst can read but not launch', async () => {
    const austin = await community('Austin');
    await member('Ana', { communityId: austin });
    const draft = await create(input(austin));
    const texter = await invite('texter', 'texter@example.org');
    const analyst = await invite('analyst', 'analyst@example.org');
    expect((await api('POST', '/broadcasts', input(austin), texter)).statusCode).toBe(403);
    expect((await api('POST', '/broadcasts/preview', input(austin), texter)).statusCode).toBe(403);
    expect((await api('GET', `/broadcasts/${draft.id}`, undefined, texter)).statusCode).toBe(200);
    expect((await api('GET', '/broadcasts', undefined, analyst)).json().broadcasts).toHaveLength(1);
    expect((await api('GET', `/broadcasts/${draft.id}`, undefined, analyst)).json()).toMatchObject({
      id: draft.id,
      name: 'Rally reminder',
    });
    expect((await api('POST', `/broadcasts/${draft.id}/launch`, undefined, analyst)).statusCode).toBe(403);
    expect((await get(draft.id)).status).toBe('draft');
  });

  it('answers 404 for a broadcast of another workspace', async () => {
    expect((await api('GET', '/broadcasts/424242')).statusCode).toBe(404);
    expect((await api('POST', '/broadcasts/424242/launch')).statusCode).toBe(404);
  });
});
