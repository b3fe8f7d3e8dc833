import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { expandBroadcast } from './expand.ts';

// The rules a broadcast's expansion applies (DESIGN.md §4–§5), each seen the way an organizer would: which members
// get a message, when, and what it says. Broadcasts are created and launched through HTTP; the expansion runs through
// the job queue, or directly where a test needs to run it twice.

const WORDING = 'Text me about climate action. Msg & data rates may apply. Reply STOP to stop.';

describe.each(testDialects())('broadcast expansion on %s', (dialect) => {
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
  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function community(name: string, parentId?: number) {
    const response = await api('POST', '/communities', { name, visibility: 'public', ...(parentId ? { parentId } : {}) });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { id: number }).id;
  }

  type MemberOptions = { consent?: boolean; language?: string; timezone?: string; communities?: number[]; tags?: string[] };

  async function member(firstName: string, options: MemberOptions = {}) {
    phoneSeq += 1;
    const response = await api('POST', '/members', {
      firstName,
      lastName: 'Tester',
      phone: `+1 512 555 ${String(100 + phoneSeq).padStart(4, '0')}`,
      ...(options.language ? { language: options.language } : {}),
      ...(options.timezone ? { timezone: options.timezone } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.consent === false ? {} : { consent: { sms: { wording: WORDING } } }),
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = (response.json() as { id: number }).id;
    for (const communityId of options.communities ?? []) {
      const joined = await api('POST', `/communities/${communityId}/members`, { memberIds: [id] });
      expect(joined.statusCode, joined.body).toBe(200);
    }
    return id;
  }

  async function launch(body: Record<string, unknown>) {
    const created = await api('POST', '/broadcasts', {
      name: 'Rally reminder',
      channel: 'sms',
      audience: { communityIds: [], tags: [] },
      defaultLanguage: 'en',
      templates: { en: 'Hi {{ member.first_name }}, the rally is Saturday.' },
      ...body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: number }).id;
    const launched = await api('POST', `/broadcasts/${id}/launch`);
    expect(launched.statusCode, launched.body).toBe(200);
    await t.runJobs();
    return id;
  }

  const messagesOf = (broadcastId: number) =>
    db().selectFrom('messages').selectAll().where('broadcast_id', '=', broadcastId).orderBy('member_id').execute();
  const view = async (id: number) => (await api('GET', `/broadcasts/${id}`)).json();

  it('a member reached through two communities gets one message', async () => {
    const network = await community('Climate Texas');
    const austin = await community('Austin', network);
    const houston = await community('Houston', network);
    const both = await member('Ana', { communities: [austin, houston] });
    const one = await member('Ben', { communities: [houston], tags: ['volunteer'] });
    const tagged = await member('Cy', { tags: ['volunteer'] });
    await member('Dee');

    // The network reaches its chapters' members; the tag reaches Cy; Ben, in both, once.
    const id = await launch({ audience: { communityIds: [network], tags: ['volunteer'] } });
    expect((await messagesOf(id)).map((m) => m.member_id)).toEqual([both, one, tagged]);
    expect(await view(id)).toMatchObject({ status: 'sending', recipientCount: 3, stats: { queued: 3 } });
  });

  it('no SMS without recorded consent', async () => {
    const austin = await community('Austin');
    const consented = await member('Ana', { communities: [austin] });
    await member('Ben', { communities: [austin], consent: false });
    const landline = await member('Cy', { communities: [austin] });
    await db().updateTable('members').set({ phone_type: 'landline' }).where('id', '=', landline).execute();
    const id = await launch({ audience: { communityIds: [austin], tags: [] } });
    expect((await messagesOf(id)).map((m) => m.member_id)).toEqual([consented]);
    expect((await view(id)).stats.skipped).toEqual({ noConsent: 1, optedOut: 0, noAddress: 0, landline: 1, frequencyCap: 0 });
  });

  it('an opted-out member is skipped', async () => {
    const austin = await community('Austin');
    const stays = await member('Ana', { communities: [austin] });
    const leaves = await member('Ben', { communities: [austin] });
    const phone = (await db().selectFrom('members').select('phone').where('id', '=', leaves).executeTakeFirstOrThrow()).phone;
    const stop = await api('POST', '/simulator/inbound', { from: phone, body: 'stop' });
    expect(stop.statusCode, stop.body).toBe(202);
    await t.runJobs();
    const id = await launch({ audience: { communityIds: [austin], tags: [] } });
    expect((await messagesOf(id)).map((m) => m.member_id)).toEqual([stays]);
    expect((await view(id)).stats.skipped).toMatchObject({ optedOut: 1, noConsent: 0 });
  });

  it('quiet hours: a member whose local time is 23:00 is scheduled for 08:00 local', async () => {
    // The test clock reads 2026-11-22 15:00 UTC: 09:00 in Chicago, 23:00 in Shanghai (UTC+8).
    const austin = await community('Austin');
    const chicago = await member('Ana', { communities: [austin], timezone: 'America/Chicago' });
    const shanghai = await member('Li', { communities: [austin], timezone: 'Asia/Shanghai' });
    const id = await launch({ audience: { communityIds: [austin], tags: [] } });
    const byMember = new Map((await messagesOf(id)).map((m) => [m.member_id, m]));
    expect(byMember.get(chicago)).toMatchObject({ send_at: t.clock.now(), expires_at: Date.parse('2026-11-23T03:00:00Z') });
    expect(byMember.get(shanghai)).toMatchObject({
      send_at: Date.parse('2026-11-23T00:00:00Z'), // 08:00 in Shanghai
      expires_at: Date.parse('2026-11-23T13:00:00Z'), // 21:00 in Shanghai: the provider's validity ends there
    });
  });

  it('a local-time schedule reaches each member at that time in their own zone, or the next window when it has passed', async () => {
    const austin = await community('Austin');
    const chicago = await member('Ana', { communities: [austin], timezone: 'America/Chicago' });
    const london = await member('Bo', { communities: [austin], timezone: 'Europe/London' });
    const tokyo = await member('Kei', { communities: [austin], timezone: 'Asia/Tokyo' });
    // 10:00 on 22 November: still ahead in Chicago (09:00 now); passed in London (15:00, inside the window: now);
    // passed in Tokyo (00:00 on the 23rd, outside it: the next morning).
    const id = await launch({
      audience: { communityIds: [austin], tags: [] },
      schedule: { kind: 'local_time', date: '2026-11-22', time: '10:00' },
    });
    const byMember = new Map((await messagesOf(id)).map((m) => [m.member_id, m.send_at]));
    expect(byMember.get(chicago)).toBe(Date.parse('2026-11-22T16:00:00Z'));
    expect(byMember.get(london)).toBe(t.clock.now());
    expect(byMember.get(tokyo)).toBe(Date.parse('2026-11-22T23:00:00Z'));
  });

  it('a throttle spaces the messages of a broadcast', async () => {
    const austin = await community('Austin');
    for (const name of ['Ana', 'Ben', 'Cy']) await member(name, { communities: [austin] });
    const id = await launch({ audience: { communityIds: [austin], tags: [] }, throttlePerMinute: 2 });
    expect((await messagesOf(id)).map((m) => m.send_at - t.clock.now())).toEqual([0, 30_000, 60_000]);
  });

  it('frequency cap across communities', async () => {
    await api('PATCH', '/messaging-settings', { frequencyCap: 2, frequencyWindowDays: 7 });
    const austin = await community('Austin');
    const parents = await community('Parents for Transit');
    const busy = await member('Ana', { communities: [austin, parents] });
    const quiet = await member('Ben', { communities: [parents] });
    await launch({ audience: { communityIds: [austin], tags: [] } });
    t.clock.advance(86_400_000);
    await launch({ audience: { communityIds: [austin], tags: [] } });
    t.clock.advance(86_400_000);
    // Two messages this week through Austin: the parents' broadcast skips Ana, not Ben.
    const third = await launch({ audience: { communityIds: [parents], tags: [] } });
    expect((await messagesOf(third)).map((m) => m.member_id)).toEqual([quiet]);
    expect((await view(third)).stats.skipped.frequencyCap).toBe(1);

    // A week after the first, Ana can be reached again.
    t.clock.advance(6 * 86_400_000);
    const fourth = await launch({ audience: { communityIds: [parents], tags: [] } });
    expect((await messagesOf(fourth)).map((m) => m.member_id)).toEqual([busy, quiet]);
  });

  it('the first message identifies the organization and says how to opt out', async () => {
    const austin = await community('Austin');
    const newcomer = await member('Ana', { communities: [austin] });
    const regular = await member('Ben', { communities: [austin] });
    const spanish = await member('Eva', { communities: [austin], language: 'es' });
    await db()
      .insertInto('messages')
      .values({
        workspace_id: ws,
        direction: 'out',
        channel: 'sms',
        kind: 'reply',
        member_id: regular,
        broadcast_id: null,
        sender_id: null,
        to_address: '+15125550102',
        from_address: '+12025550100',
        subject: null,
        body: 'Welcome back',
        media_urls: null,
        segments: 1,
        encoding: 'gsm7',
        priority: 0,
        state: 'delivered',
        send_at: t.clock.now() - 1000,
        expires_at: null,
        created_at: t.clock.now() - 1000,
        updated_at: t.clock.now() - 1000,
      })
      .execute();
    const id = await launch({
      audience: { communityIds: [austin], tags: [] },
      templates: { en: 'Rally Saturday at City Hall!', es: '¡Marcha el sábado!' },
    });
    const bodies = new Map((await messagesOf(id)).map((m) => [m.member_id, m.body]));
    expect(bodies.get(newcomer)).toBe('Rally Saturday at City Hall!\nGroundswell Demo: Reply STOP to opt out');
    expect(bodies.get(regular)).toBe('Rally Saturday at City Hall!');
    expect(bodies.get(spanish)).toBe('¡Marcha el sábado!\nGroundswell Demo: Responde BAJA para darte de baja');
    // A message that already names the organization and says STOP is left as it is.
    const again = await launch({
      audience: { communityIds: [austin], tags: [] },
      templates: { en: 'Groundswell Demo: rally Saturday. Reply STOP to opt out.' },
      name: 'Second',
    });
    expect((await messagesOf(again)).map((m) => m.body)).toEqual(Array(3).fill('Groundswell Demo: rally Saturday. Reply STOP to opt out.'));
  });

  it('each member gets their own short link', async () => {
    const austin = await community('Austin');
    const ana = await member('Ana', { communities: [austin] });
    const ben = await member('Ben', { communities: [austin] });
    const id = await launch({
      name: 'Fall Petition',
      audience: { communityIds: [austin], tags: [] },
      templates: {
        en: 'Hi {{ member.first_name }}! Sign: https://example.org/petition?ref=sms (again: https://example.org/petition?ref=sms)',
      },
    });
    const messages = await messagesOf(id);
    const codes = messages.map((m) => [...m.body.matchAll(/\/l\/([A-Za-z0-9]{10})\b/g)].map((match) => match[1]));
    // One code per member and URL, used for both mentions; none shared between members.
    expect(codes.map((c) => c.length)).toEqual([2, 2]);
    expect(codes[0]?.[0]).toBe(codes[0]?.[1]);
    expect(codes[0]?.[0]).not.toBe(codes[1]?.[0]);
    expect(messages[0]?.body).toMatch(new RegExp(`^Hi Ana! Sign: ${t.config.publicUrl.replace(/[.:/]/g, '\\$&')}/l/\\w{10} \\(again`));
    const links = await db().selectFrom('links').select(['code', 'member_id', 'broadcast_id', 'target_id']).orderBy('member_id').execute();
    expect(links).toEqual([
      { code: codes[0]?.[0], member_id: ana, broadcast_id: id, target_id: links[0]?.target_id },
      { code: codes[1]?.[0], member_id: ben, broadcast_id: id, target_id: links[0]?.target_id },
    ]);
    const targets = await db().selectFrom('link_targets').select(['url', 'broadcast_id']).execute();
    expect(targets).toEqual([
      { url: 'https://example.org/petition?ref=sms&utm_source=groundswell&utm_medium=sms&utm_campaign=fall-petition', broadcast_id: id },
    ]);
    // The short link takes the member there.
    const click = await t.app.inject({ method: 'GET', url: `/l/${codes[1]?.[0]}` });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(targets[0]?.url);
  });

  it('per-language variant with fallback', async () => {
    const austin = await community('Austin');
    const english = await member('Ana', { communities: [austin] });
    const spanish = await member('Eva', { communities: [austin], language: 'es' });
    const french = await member('Luc', { communities: [austin], language: 'fr' });
    const id = await launch({
      audience: { communityIds: [austin], tags: [] },
      templates: { en: 'Hi {{ member.first_name }}!', es: '¡Hola {{ member.first_name }}! ¿Vienes el sábado?' },
    });
    const bodies = new Map((await messagesOf(id)).map((m) => [m.member_id, m.body.split('\n')[0]]));
    expect(bodies.get(english)).toBe('Hi Ana!');
    expect(bodies.get(spanish)).toBe('¡Hola Eva! ¿Vienes el sábado?');
    expect(bodies.get(french)).toBe('Hi Luc!');
    // á is not in the GSM alphabet: the Spanish variant travels as UCS-2, the English one as GSM-7.
    const encodings = new Map((await messagesOf(id)).map((m) => [m.member_id, m.encoding]));
    expect(encodings.get(spanish)).toBe('ucs2');
    expect(encodings.get(english)).toBe('gsm7');
  });

  it('an email broadcast goes to members with an address and email consent, any time of day', async () => {
    const account = await db()
      .insertInto('channel_accounts')
      .values({
        workspace_id: ws,
        provider: 'smtp',
        name: 'Mail',
        webhook_key: 'mail-key-for-tests',
        base_url: null,
        credentials: 'sealed',
        settings: '{}',
        status: 'active',
        status_detail: null,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sender = await db()
      .insertInto('senders')
      .values({
        workspace_id: ws,
        channel_account_id: account.id,
        channel: 'email',
        kind: 'email',
        address: 'Climate Austin <team@example.org>',
        label: 'Team',
        throughput: 10,
        paused_until: null,
        archived_at: null,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const austin = await community('Austin');
    const emailed = await api('POST', '/members', {
      firstName: 'Ana',
      email: 'ana@example.org',
      timezone: 'Asia/Shanghai',
      consent: { email: { wording: 'Email me about the campaign.' } },
    });
    const ana = (emailed.json() as { id: number }).id;
    await api('POST', `/communities/${austin}/members`, { memberIds: [ana] });
    await member('Ben', { communities: [austin] }); // a phone and SMS consent only
    const id = await launch({
      channel: 'email',
      subject: 'Rally Saturday',
      audience: { communityIds: [austin], tags: [] },
      templates: { en: 'Hi {{ member.first_name }}, see https://example.org/rally' },
    });
    const messages = await messagesOf(id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      member_id: ana,
      channel: 'email',
      to_address: 'ana@example.org',
      from_address: 'Climate Austin <team@example.org>',
      sender_id: sender.id,
      subject: 'Rally Saturday',
      encoding: 'email',
      send_at: t.clock.now(), // 23:00 in Shanghai: quiet hours are for texts
      expires_at: null,
    });
    expect(messages[0]?.body).toMatch(/^Hi Ana, see \S+\/l\/[A-Za-z0-9]{10}$/);
    expect(await db().selectFrom('link_targets').select('url').execute()).toEqual([
      { url: 'https://example.org/rally?utm_source=groundswell&utm_medium=email&utm_campaign=rally-reminder' },
    ]);
    expect((await view(id)).stats.skipped).toMatchObject({ noConsent: 1 });
  });

  it('expansion run twice writes each message once', async () => {
    const austin = await community('Austin');
    for (const name of ['Ana', 'Ben', 'Cy', 'Dee', 'Eve']) await member(name, { communities: [austin] });
    await member('Fay', { communities: [austin], consent: false });
    const id = await launch({ audience: { communityIds: [austin], tags: [] }, templates: { en: 'Sign: https://example.org/p' } });
    const deps = { db: db(), clock: t.clock, config: t.config };
    // Running again once it is done changes nothing.
    expect(await expandBroadcast(deps, { workspaceId: ws, broadcastId: id })).toMatchObject({ outcome: 'not_expanding', queued: 0 });
    // A run that crashed after writing before its cursor moved: the same members come again, in small windows.
    await db().updateTable('broadcasts').set({ status: 'expanding', expand_cursor: 0 }).where('id', '=', id).execute();
    expect(await expandBroadcast(deps, { workspaceId: ws, broadcastId: id, batchSize: 2 })).toMatchObject({ outcome: 'done', queued: 0 });
    expect(await messagesOf(id)).toHaveLength(5);
    expect(await db().selectFrom('links').select('code').execute()).toHaveLength(5);
    expect(await db().selectFrom('link_targets').select('id').execute()).toHaveLength(1);
    expect(await view(id)).toMatchObject({ status: 'sending', recipientCount: 5, stats: { queued: 5 } });
  });

  it('resumes from its cursor in windows, and stops when the broadcast is cancelled', async () => {
    const austin = await community('Austin');
    for (const name of ['Ana', 'Ben', 'Cy', 'Dee', 'Eve']) await member(name, { communities: [austin] });
    await member('Out', {});
    const created = await api('POST', '/broadcasts', {
      name: 'Windows',
      channel: 'sms',
      audience: { communityIds: [austin], tags: [] },
      defaultLanguage: 'en',
      templates: { en: 'Hello' },
    });
    const id = (created.json() as { id: number }).id;
    await api('POST', `/broadcasts/${id}/launch`);
    const deps = { db: db(), clock: t.clock, config: t.config };
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(expandBroadcast(deps, { workspaceId: ws, broadcastId: id, batchSize: 2, signal: controller.signal })).rejects.toThrow(
      'shutting down',
    );
    expect(await expandBroadcast(deps, { workspaceId: ws, broadcastId: id, batchSize: 2 })).toMatchObject({ outcome: 'done', queued: 5 });
    expect(await messagesOf(id)).toHaveLength(5);

    const cancelled = (
      await api('POST', '/broadcasts', {
        name: 'Cancelled',
        channel: 'sms',
        audience: { communityIds: [austin], tags: [] },
        defaultLanguage: 'en',
        templates: { en: 'Hi' },
      })
    ).json() as { id: number };
    await api('POST', `/broadcasts/${cancelled.id}/launch`);
    await api('POST', `/broadcasts/${cancelled.id}/cancel`);
    expect(await expandBroadcast(deps, { workspaceId: ws, broadcastId: cancelled.id })).toMatchObject({ outcome: 'not_expanding' });
    expect(await messagesOf(cancelled.id)).toEqual([]);
  });
});
