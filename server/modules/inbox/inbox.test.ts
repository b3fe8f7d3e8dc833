import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, defaultSender, eventually } from '../../../test/helpers/messaging.ts';

// The inbox end to end: members text in through the simulator, the inbound pipeline hands their texts to the inbox,
// texters and organizers answer over HTTP, and the dispatcher sends the answers through the simulator.

type Summary = {
  id: number;
  member: { id: number; name: string; phone: string | null };
  preview: string;
  assignee: { id: number; name: string } | null;
  unread: number;
  needsResponse: boolean;
  flag: string | null;
  tags: string[];
  status: string;
};
type Message = { id: number; direction: string; kind: string; body: string; state: string; sentBy: { id: number; name: string } | null };
type Detail = {
  conversation: Summary;
  member: { name: string; smsConsent: string; communities: { name: string }[] };
  thread: { messages: Message[] };
};

describe.each(testDialects())('the inbox on %s', (dialect) => {
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
  const api = (client: Client, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    client.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });

  async function member(firstName: string, options: { lastName?: string } = {}) {
    phoneSeq += 1;
    // Numbers ending 0001–0005 are scripted by the simulator; these get plain deliveries.
    const phone = `+1512555${String(300 + phoneSeq).padStart(4, '0')}`;
    const id = await consentingMember(db(), { workspaceId: ws, phone, firstName, now: t.clock.now() });
    if (options.lastName)
      await db()
        .updateTable('members')
        .set({
          last_name: options.lastName,
          name_key: `${firstName} ${options.lastName}`.toLowerCase(),
          last_name_key: options.lastName.toLowerCase(),
        })
        .where('id', '=', id)
        .execute();
    return { id, phone };
  }

  async function textIn(from: string, body: string) {
    const response = await api(owner, 'POST', '/simulator/inbound', { from, body });
    expect(response.statusCode, response.body).toBe(202);
    await t.runJobs();
  }

  async function invite(role: 'texter' | 'analyst', name: string): Promise<Client> {
    const email = `${name.toLowerCase().replace(/\s+/g, '.')}@example.org`;
    const inv = (await api(owner, 'POST', '/invitations', { email, role })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name, password: 'texting-all-day-1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return signIn(t.app, email, 'texting-all-day-1');
  }

  async function list(client: Client, query = ''): Promise<Summary[]> {
    const response = await api(client, 'GET', `/conversations${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().conversations;
  }
  const counts = async (client: Client) => (await api(client, 'GET', '/conversations/counts')).json();
  async function conversationOf(memberId: number) {
    const row = await db().selectFrom('conversations').select('id').where('member_id', '=', memberId).executeTakeFirstOrThrow();
    return row.id;
  }
  const detail = async (client: Client, id: number): Promise<Detail> => (await api(client, 'GET', `/conversations/${id}`)).json();
  const conversationTexts = (memberId: number) =>
    db().selectFrom('messages').selectAll().where('member_id', '=', memberId).where('kind', '=', 'conversation').orderBy('id').execute();

  it("puts a member's text in the inbox; a texter answers, the simulator delivers it and nothing waits any more", async () => {
    const rosa = await member('Rosa');
    await textIn(rosa.phone, 'What time is the rally on Saturday?');
    const tex = await invite('texter', 'Tex');

    const [waiting] = await list(tex, '?view=needs_response');
    expect(waiting).toMatchObject({
      member: { id: rosa.id, name: 'Rosa', phone: rosa.phone },
      preview: 'What time is the rally on Saturday?',
      needsResponse: true,
      unread: 1,
      assignee: null,
      status: 'open',
    });
    expect(await counts(tex)).toEqual({ mine: 0, unassigned: 1, needsResponse: 1, flagged: 0, open: 1 });
    const id = waiting?.id as number;
    const before = await detail(tex, id);
    expect(before.thread.messages.at(-1)).toMatchObject({ direction: 'in', body: 'What time is the rally on Saturday?' });
    expect(before.member).toMatchObject({ name: 'Rosa', smsConsent: 'granted' });

    const sent = await api(tex, 'POST', `/conversations/${id}/messages`, {
      body: 'Hi Rosa! 10am at City Hall.',
      afterMessageId: before.thread.messages.at(-1)?.id,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({
      scheduledFor: null,
      message: { direction: 'out', kind: 'conversation', state: 'queued', sentBy: { id: tex.userId, name: 'Tex' } },
      conversation: { assignee: { id: tex.userId, name: 'Tex' }, needsResponse: false, preview: 'Hi Rosa! 10am at City Hall.' },
    });
    expect(await counts(tex)).toEqual({ mine: 1, unassigned: 0, needsResponse: 0, flagged: 0, open: 1 });

    expect(await t.messaging.createDispatcher().runOnce()).toBe(1);
    await eventually(async () => (await conversationTexts(rosa.id))[0]?.state === 'delivered', 'the answer to be delivered');
    const [text] = await conversationTexts(rosa.id);
    const sender = await defaultSender(db(), ws);
    expect(text).toMatchObject({ to_address: rosa.phone, from_address: sender.address, sent_by: tex.userId, priority: 0 });
    const after = await detail(tex, id);
    expect(after.thread.messages.at(-1)).toMatchObject({
      body: 'Hi Rosa! 10am at City Hall.',
      state: 'delivered',
      sentBy: { name: 'Tex' },
    });

    // Reading clears the unread badge; her next text needs a response again.
    expect((await api(tex, 'POST', `/conversations/${id}/read`)).json()).toMatchObject({ unread: 0 });
    await textIn(rosa.phone, 'Great, can I bring my kids?');
    expect((await list(tex, '?view=mine'))[0]).toMatchObject({ needsResponse: true, unread: 1, preview: 'Great, can I bring my kids?' });
  });

  it('holds an answer typed at night until the morning where the member lives', async () => {
    const luis = await member('Luis');
    await textIn(luis.phone, 'Are you open late?');
    const id = await conversationOf(luis.id);
    // 22:30 in Chicago (the workspace's and Luis's time zone); the window opens at 08:00.
    t.clock.set(Date.parse('2026-11-23T04:30:00Z'));
    const sent = await api(owner, 'POST', `/conversations/${id}/messages`, { body: 'We open at 9 tomorrow.' });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().scheduledFor).toBe(Date.parse('2026-11-23T14:00:00Z'));
    expect(await t.messaging.createDispatcher().runOnce()).toBe(0);
    const [text] = await conversationTexts(luis.id);
    expect(text).toMatchObject({
      state: 'queued',
      send_at: Date.parse('2026-11-23T14:00:00Z'),
      expires_at: Date.parse('2026-11-24T03:00:00Z'),
    });
  });

  it('refuses to answer a member who opted out, and STOP cancels an answer still waiting', async () => {
    const ana = await member('Ana');
    await textIn(ana.phone, 'Who is this?');
    const id = await conversationOf(ana.id);
    t.clock.set(Date.parse('2026-11-23T04:30:00Z')); // night: the answer waits in the outbox
    expect((await api(owner, 'POST', `/conversations/${id}/messages`, { body: 'This is Climate Austin!' })).statusCode).toBe(201);

    await textIn(ana.phone, 'STOP');
    const [waiting] = await conversationTexts(ana.id);
    expect(waiting?.state).toBe('cancelled');
    const refused = await api(owner, 'POST', `/conversations/${id}/messages`, { body: 'Sorry to see you go' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('conversation.opted_out');
    expect(await conversationTexts(ana.id)).toHaveLength(1);
    const [flagged] = await list(owner, '?view=flagged');
    expect(flagged).toMatchObject({ id, flag: 'opted_out', needsResponse: false });

    // Morning: only the opt-out confirmation goes out.
    t.clock.set(Date.parse('2026-11-23T15:00:00Z'));
    await t.messaging.createDispatcher().runOnce();
    const out = await db()
      .selectFrom('messages')
      .select(['kind', 'state'])
      .where('member_id', '=', ana.id)
      .where('direction', '=', 'out')
      .orderBy('id')
      .execute();
    expect(out.map((m) => [m.kind, m.state])).toEqual([
      ['conversation', 'cancelled'],
      ['compliance', expect.stringMatching(/sent|delivered/)],
    ]);
  });

  it('lets exactly one of two texters answering the same unassigned conversation at once win', async () => {
    const ben = await member('Ben');
    await textIn(ben.phone, 'Can someone call me back?');
    const id = await conversationOf(ben.id);
    const [tex, max] = [await invite('texter', 'Tex'), await invite('texter', 'Max')];

    const answers = await Promise.all([
      api(tex, 'POST', `/conversations/${id}/messages`, { body: 'Tex here, calling you now.' }),
      api(max, 'POST', `/conversations/${id}/messages`, { body: 'Max here, I will call.' }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const loser = answers.find((r) => r.statusCode === 409);
    expect(loser?.json().code).toBe('conversation.assigned_elsewhere');
    const texts = await conversationTexts(ben.id);
    expect(texts).toHaveLength(1);
    const winner = texts[0]?.sent_by === tex.userId ? tex : max;
    const other = winner === tex ? max : tex;
    expect((await detail(winner, id)).conversation.assignee?.id).toBe(winner.userId);
    // The conversation is now the winner's: the other texter no longer sees it.
    expect((await api(other, 'GET', `/conversations/${id}`)).statusCode).toBe(404);
  });

  it('refuses an answer written before a newer one by someone else (stale), and takes it once read', async () => {
    const cy = await member('Cy');
    await textIn(cy.phone, 'Is the meeting still on?');
    const id = await conversationOf(cy.id);
    const tex = await invite('texter', 'Tex');
    const seen = (await detail(tex, id)).thread.messages.at(-1)?.id as number;

    const organizer = await api(owner, 'POST', `/conversations/${id}/messages`, { body: 'Yes, 7pm tonight!', afterMessageId: seen });
    expect(organizer.statusCode, organizer.body).toBe(201);
    // The organizer answered an unassigned conversation: it is theirs now, so Tex no longer sees it.
    await api(owner, 'PATCH', `/conversations/${id}`, { assigneeId: null });
    const stale = await api(tex, 'POST', `/conversations/${id}/messages`, { body: 'Yes it is!', afterMessageId: seen });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'conversation.stale' });
    expect(stale.json().detail).toContain('Yes, 7pm tonight!');
    expect(stale.json().detail).toContain('Demo Organizer');

    const latest = (await detail(tex, id)).thread.messages.at(-1)?.id as number;
    const fresh = await api(tex, 'POST', `/conversations/${id}/messages`, { body: 'See you there, Cy.', afterMessageId: latest });
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect((await conversationTexts(cy.id)).map((m) => m.body)).toEqual(['Yes, 7pm tonight!', 'See you there, Cy.']);
  });

  it("keeps one texter out of another's conversations; organizers see and reassign all of them", async () => {
    const dee = await member('Dee');
    const eve = await member('Eve');
    await textIn(dee.phone, 'Hello?');
    await textIn(eve.phone, 'Hi there');
    const [deeId, eveId] = [await conversationOf(dee.id), await conversationOf(eve.id)];
    const [tex, max] = [await invite('texter', 'Tex'), await invite('texter', 'Max')];
    const analyst = await invite('analyst', 'Ana');

    // Tex takes Dee's conversation.
    expect((await api(tex, 'PATCH', `/conversations/${deeId}`, { assigneeId: tex.userId })).statusCode).toBe(200);
    for (const [method, path, payload] of [
      ['GET', `/conversations/${deeId}`, undefined],
      ['POST', `/conversations/${deeId}/messages`, { body: 'Hi Dee' }],
      ['PATCH', `/conversations/${deeId}`, { status: 'closed' }],
      ['POST', `/conversations/${deeId}/notes`, { body: 'Peek' }],
      ['GET', `/conversations/${deeId}/suggestions`, undefined],
    ] as const) {
      const response = await api(max, method, path, payload);
      expect([response.statusCode, response.json().code], `${method} ${path}`).toEqual([404, 'conversation.not_found']);
    }
    expect((await list(max)).map((c) => c.id)).toEqual([eveId]);
    expect((await list(tex)).map((c) => c.id).sort()).toEqual([deeId, eveId].sort());
    expect((await list(owner)).map((c) => c.id).sort()).toEqual([deeId, eveId].sort());

    // Texters take or release, never hand over; organizers assign to people who answer texts.
    const handOver = await api(tex, 'PATCH', `/conversations/${deeId}`, { assigneeId: max.userId });
    expect(handOver.statusCode).toBe(403);
    const toAnalyst = await api(owner, 'PATCH', `/conversations/${deeId}`, { assigneeId: analyst.userId });
    expect(toAnalyst.statusCode).toBe(400);
    expect(toAnalyst.json().errors).toEqual([{ path: 'assigneeId', message: 'is not someone of this workspace who can answer texts' }]);
    const reassigned = await api(owner, 'PATCH', `/conversations/${deeId}`, { assigneeId: max.userId });
    expect(reassigned.json()).toMatchObject({ assignee: { id: max.userId, name: 'Max' } });
    expect((await api(tex, 'GET', `/conversations/${deeId}`)).statusCode).toBe(404);
    expect((await api(max, 'POST', `/conversations/${deeId}/messages`, { body: 'Hi Dee, Max here' })).statusCode).toBe(201);
    const people = (await api(owner, 'GET', '/inbox/assignees')).json().users.map((u: { name: string }) => u.name);
    expect(people).toEqual(expect.arrayContaining(['Max', 'Tex', 'Demo Organizer']));
    expect(people).not.toContain('Ana');
    expect((await api(tex, 'GET', '/inbox/assignees')).statusCode).toBe(403);
  });

  it('filters by view, status, tag, community and search, counts, and pages newest first', async () => {
    const rosa = await member('Rosa', { lastName: 'Parks' });
    const luis = await member('Luis', { lastName: 'Ortega' });
    const amara = await member('Amara', { lastName: 'Okafor' });
    await textIn(rosa.phone, 'I can help on Saturday');
    t.clock.advance(1_000);
    await textIn(luis.phone, 'Wrong number');
    t.clock.advance(1_000);
    await textIn(amara.phone, 'Count me in');
    const [rosaId, luisId, amaraId] = [await conversationOf(rosa.id), await conversationOf(luis.id), await conversationOf(amara.id)];

    expect((await list(owner)).map((c) => c.id)).toEqual([amaraId, luisId, rosaId]);
    // "Wrong number" might be an opt-out: flagged for a person.
    expect((await list(owner, '?view=flagged')).map((c) => [c.id, c.flag])).toEqual([[luisId, 'possible_opt_out']]);

    const community = (await api(owner, 'POST', '/communities', { name: 'Volunteers', visibility: 'public' })).json().id;
    await api(owner, 'POST', `/communities/${community}/members`, { memberIds: [rosa.id, amara.id] });
    expect((await list(owner, `?communityId=${community}`)).map((c) => c.id)).toEqual([amaraId, rosaId]);

    expect((await api(owner, 'POST', `/conversations/${rosaId}/tags`, { tag: ' Volunteer ' })).json()).toEqual({ tags: ['volunteer'] });
    await api(owner, 'POST', `/conversations/${amaraId}/tags`, { tag: 'volunteer' });
    await api(owner, 'POST', `/conversations/${amaraId}/tags`, { tag: 'donor' });
    expect((await api(owner, 'DELETE', `/conversations/${amaraId}/tags/donor`)).json()).toEqual({ tags: ['volunteer'] });
    expect((await list(owner, '?tag=volunteer')).map((c) => c.id)).toEqual([amaraId, rosaId]);

    expect((await list(owner, '?q=ros')).map((c) => c.id)).toEqual([rosaId]);
    expect((await list(owner, '?q=ortega')).map((c) => c.id)).toEqual([luisId]);
    expect((await list(owner, `?q=${encodeURIComponent(amara.phone)}`)).map((c) => c.id)).toEqual([amaraId]);

    const closed = await api(owner, 'PATCH', `/conversations/${amaraId}`, { status: 'closed' });
    expect(closed.json()).toMatchObject({ status: 'closed', needsResponse: false });
    expect((await list(owner, '?status=open')).map((c) => c.id)).toEqual([luisId, rosaId]);
    expect((await list(owner, '?status=closed')).map((c) => c.id)).toEqual([amaraId]);
    expect(await counts(owner)).toEqual({ mine: 0, unassigned: 2, needsResponse: 2, flagged: 1, open: 2 });
    await api(owner, 'PATCH', `/conversations/${rosaId}`, { assigneeId: owner.userId, needsResponse: false });
    expect(await counts(owner)).toEqual({ mine: 1, unassigned: 1, needsResponse: 1, flagged: 1, open: 2 });
    expect((await list(owner, '?view=mine')).map((c) => c.id)).toEqual([rosaId]);
    expect((await list(owner, '?view=unassigned&status=open')).map((c) => c.id)).toEqual([luisId]);

    // A closed conversation opens again when the member writes.
    await textIn(amara.phone, 'Actually, one more question');
    expect((await list(owner, '?status=open'))[0]).toMatchObject({ id: amaraId, needsResponse: true });

    // Keyset paging: two pages of two, then one.
    const first = (await api(owner, 'GET', '/conversations?limit=2')).json();
    expect(first.conversations).toHaveLength(2);
    const second = (await api(owner, 'GET', `/conversations?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.nextCursor).toBeNull();
    expect([...first.conversations, ...second.conversations].map((c: Summary) => c.id)).toEqual([amaraId, luisId, rosaId]);

    // Notes stay with the team.
    const note = await api(owner, 'POST', `/conversations/${rosaId}/notes`, { body: 'Rosa can drive two people.' });
    expect(note.statusCode).toBe(201);
    expect((await api(owner, 'GET', `/conversations/${rosaId}`)).json().notes).toEqual([
      expect.objectContaining({ body: 'Rosa can drive two people.', author: { id: owner.userId, name: 'Demo Organizer' } }),
    ]);
    const bad = await api(owner, 'GET', '/conversations?cursor=nope');
    expect(bad.statusCode).toBe(400);
  });

  it('renders saved replies for the member and the texter, and ranks answers to texts like theirs', async () => {
    const tex = await invite('texter', 'Tex Avery');
    const created = await api(owner, 'POST', '/canned-responses', {
      title: 'Welcome',
      body: 'Hi {{ member.first_name | default: "friend" }}, {{ texter.first_name }} from {{ workspace.name }} here!',
    });
    expect(created.statusCode, created.body).toBe(201);
    const bad = await api(owner, 'POST', '/canned-responses', { title: 'Broken', body: 'Hi {{ member.nickname }}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ path: 'body', message: expect.stringContaining('member.nickname') });
    expect((await api(tex, 'POST', '/canned-responses', { title: 'Mine', body: 'Hi' })).statusCode).toBe(403);
    expect((await api(tex, 'GET', '/canned-responses')).json().cannedResponses.map((c: { title: string }) => c.title)).toEqual(['Welcome']);

    // History: two members asked about the rally time and parking, a person answered each.
    const ana = await member('Ana');
    const ben = await member('Ben');
    await textIn(ana.phone, 'What time does the rally start on Saturday?');
    await api(owner, 'POST', `/conversations/${await conversationOf(ana.id)}/messages`, {
      body: 'Hi Ana, it starts at 10am at City Hall.',
    });
    await textIn(ben.phone, 'Where can I park?');
    await api(owner, 'POST', `/conversations/${await conversationOf(ben.id)}/messages`, { body: 'Parking is free on 5th Street.' });

    const rosa = await member('Rosa');
    await textIn(rosa.phone, 'what time is the rally starting?');
    const suggestions = (await api(tex, 'GET', `/conversations/${await conversationOf(rosa.id)}/suggestions`)).json();
    expect(suggestions.canned).toEqual([{ id: created.json().id, title: 'Welcome', body: 'Hi Rosa, Tex from Groundswell Demo here!' }]);
    expect(suggestions.suggested[0]).toMatchObject({ body: 'Hi Rosa, it starts at 10am at City Hall.' });
    expect(suggestions.suggested.map((s: { body: string }) => s.body)).not.toContain('Parking is free on 5th Street.');

    // A member without a name gets the default.
    const nameless = await member('Zed');
    await db().updateTable('members').set({ first_name: null }).where('id', '=', nameless.id).execute();
    await textIn(nameless.phone, 'hello');
    const forNameless = (await api(tex, 'GET', `/conversations/${await conversationOf(nameless.id)}/suggestions`)).json();
    expect(forNameless.canned[0].body).toBe('Hi friend, Tex from Groundswell Demo here!');

    const cannedId = created.json().id;
    expect((await api(owner, 'PATCH', `/canned-responses/${cannedId}`, { title: 'Hello' })).json()).toMatchObject({ title: 'Hello' });
    expect((await api(owner, 'DELETE', `/canned-responses/${cannedId}`)).statusCode).toBe(204);
    expect((await api(owner, 'GET', '/canned-responses')).json().cannedResponses).toEqual([]);
    expect((await api(owner, 'DELETE', `/canned-responses/${cannedId}`)).statusCode).toBe(404);
  });

  it("streams a member's text to a listening dashboard over Server-Sent Events", async () => {
    const rosa = await member('Rosa');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening on TCP');
    const tex = await invite('texter', 'Tex');
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${address.port}/api/workspaces/${ws}/inbox/events`, {
      headers: { cookie: tex.cookie },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    /** Reads until an event of `type` arrives, returning its data. */
    async function next(type: string): Promise<{ type: string; conversations?: Summary[]; counts: Record<string, number> }> {
      for (;;) {
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const block of events) {
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name === type && data) {
            buffer = events.slice(events.indexOf(block) + 1).join('\n\n') + (buffer ? `\n\n${buffer}` : '');
            return JSON.parse(data);
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before a "${type}" event`);
        buffer += decoder.decode(value, { stream: true });
      }
    }
    expect((await next('ready')).counts).toEqual({ mine: 0, unassigned: 0, needsResponse: 0, flagged: 0, open: 0 });

    await textIn(rosa.phone, 'Is anyone there?');
    const event = await next('conversations');
    expect(event.conversations).toEqual([
      expect.objectContaining({ member: expect.objectContaining({ name: 'Rosa' }), preview: 'Is anyone there?', needsResponse: true }),
    ]);
    expect(event.counts).toMatchObject({ unassigned: 1, needsResponse: 1, open: 1 });

    // Closing the app ends the stream cleanly.
    await t.app.close();
    await expect(reader.read()).resolves.toMatchObject({ done: true });
    controller.abort();
  });
});
