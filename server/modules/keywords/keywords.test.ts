import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, eventually } from '../../../test/helpers/messaging.ts';
import { seedDemoKeywords } from './keywords.service.ts';

// Keyword triggers end to end: the API an organizer uses, then a member texting the simulator's number — what lands
// in the outbox, who joins, and what the consent ledger says.

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };
type Keyword = {
  id: number;
  keyword: string;
  match: string;
  targetType: string;
  targetName: string | null;
  reply: string | null;
  uses: number;
};

const PROMPT = 'Groundswell Demo: Reply YES to join Climate – Austin texts. Msg & data rates may apply. Reply STOP to opt out.';
const RESERVED = 'is reserved for opt-out, opt-in and help (STOP, START, HELP …); choose another word';

describe.each(testDialects())('keyword triggers on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let climate: { id: number };

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    const created = await api('POST', '/communities', { name: 'Climate – Austin', visibility: 'public', keywords: ['CLIMATE'] });
    expect(created.statusCode, created.body).toBe(201);
    climate = created.json();
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown, workspaceId = ws) =>
    owner.request({
      method,
      url: `/api/workspaces/${workspaceId}${path}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const keywords = async () => ((await api('GET', '/keywords')).json() as { keywords: Keyword[] }).keywords;
  const keywordNamed = async (word: string) => {
    const found = (await keywords()).find((k) => k.keyword === word);
    if (!found) throw new Error(`no keyword ${word}`);
    return found;
  };
  const create = async (body: Record<string, unknown>) => {
    const response = await api('POST', '/keywords', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Keyword;
  };
  const textIn = async (from: string, body: string) => {
    const response = await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/simulator/inbound`, payload: { from, body } });
    expect(response.statusCode, response.body).toBe(202);
    await t.runJobs();
  };
  /** What the member's phone is sent, in order. */
  const outbox = async (to: string) =>
    (
      await db()
        .selectFrom('messages')
        .select('body')
        .where('workspace_id', '=', ws)
        .where('to_address', '=', to)
        .where('direction', '=', 'out')
        .orderBy('id')
        .execute()
    ).map((m) => m.body);
  const memberOf = (phone: string) =>
    db()
      .selectFrom('members')
      .select(['id', 'sms_consent'])
      .where('workspace_id', '=', ws)
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
  const membership = async (phone: string) => {
    const { id } = await memberOf(phone);
    return db()
      .selectFrom('memberships')
      .select(['status', 'source'])
      .where('member_id', '=', id)
      .where('community_id', '=', climate.id)
      .executeTakeFirst();
  };
  const ledger = async (phone: string) => {
    const { id } = await memberOf(phone);
    return db().selectFrom('consent_events').select(['status', 'method', 'wording']).where('member_id', '=', id).orderBy('id').execute();
  };

  describe('managing keywords', () => {
    it('refuses a word already used in the workspace — any case, punctuation or kind — and reserved words', async () => {
      await create({ keyword: 'volunteer', targetType: 'reply', reply: 'Thanks! We will text you about shifts.' });
      const expectTaken = async (body: Record<string, unknown>, message: string) => {
        const response = await api('POST', '/keywords', body);
        expect(response.statusCode, response.body).toBe(409);
        const problem = response.json() as Problem;
        expect(problem.code).toBe('keyword.taken');
        expect(problem.errors).toEqual([{ path: 'body.keyword', message }]);
      };
      await expectTaken(
        { keyword: 'VOLUNTEER', targetType: 'reply', reply: 'Again' },
        'VOLUNTEER is already the keyword of an auto-reply keyword',
      );
      await expectTaken(
        { keyword: ' Volunteer! ', targetType: 'link', linkUrl: 'https://example.org' },
        'VOLUNTEER is already the keyword of an auto-reply keyword',
      );
      // A community's join keyword is a keyword like any other.
      await expectTaken(
        { keyword: 'Clímate.', targetType: 'reply', reply: 'Hi' },
        'CLIMATE is already the keyword of the community "Climate – Austin"',
      );
      // …and the community form refuses a word a keyword holds.
      const community = await api('POST', '/communities', { name: 'Volunteers', visibility: 'public', keywords: ['VOLUNTEER'] });
      expect([community.statusCode, community.json().code]).toEqual([409, 'keyword.taken']);

      for (const word of ['stop', 'Help', 'YES', 'start!']) {
        const response = await api('POST', '/keywords', { keyword: word, targetType: 'reply', reply: 'Hi' });
        expect(response.statusCode, `${word}: ${response.body}`).toBe(400);
        expect((response.json() as Problem).errors).toEqual([{ path: 'body.keyword', message: RESERVED }]);
      }
      for (const word of ['x', 'two words', 'a'.repeat(21)]) {
        const response = await api('POST', '/keywords', { keyword: word, targetType: 'reply', reply: 'Hi' });
        expect((response.json() as Problem).errors?.[0]).toEqual({
          path: 'body.keyword',
          message: 'must be 2 to 20 letters or digits, e.g. CLIMATE',
        });
      }

      // Another organization may use the same word.
      const other = await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } });
      expect(other.statusCode, other.body).toBe(201);
      const theirs = await api('POST', '/keywords', { keyword: 'VOLUNTEER', targetType: 'reply', reply: 'Hello' }, other.json().id);
      expect(theirs.statusCode, theirs.body).toBe(201);
      expect((await keywords()).map((k) => k.keyword)).toEqual(['CLIMATE', 'VOLUNTEER']);
    });

    it('checks targets, links and auto-replies field by field', async () => {
      const errors = async (body: Record<string, unknown>) => {
        const response = await api('POST', '/keywords', { keyword: 'RALLY', ...body });
        expect(response.statusCode, response.body).toBe(400);
        return (response.json() as Problem).errors;
      };
      expect(await errors({ targetType: 'community' })).toEqual([
        { path: 'body.targetId', message: 'is required: the community members reach by this keyword' },
      ]);
      const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json();
      const theirs = (await api('POST', '/communities', { name: 'Theirs', visibility: 'public' }, other.id)).json();
      expect(await errors({ targetType: 'community', targetId: theirs.id })).toEqual([
        { path: 'body.targetId', message: 'is not a community of this workspace' },
      ]);
      expect(await errors({ targetType: 'survey', targetId: 999 })).toEqual([
        { path: 'body.targetId', message: 'is not a survey of this workspace' },
      ]);
      expect(await errors({ targetType: 'link' })).toEqual([
        { path: 'body.linkUrl', message: 'is required: the address members get back' },
      ]);
      expect((await errors({ targetType: 'link', linkUrl: 'ftp://example.org/x' }))?.map((e) => e.path)).toEqual(['body.linkUrl']);
      expect(await errors({ targetType: 'reply', reply: '   ' })).toEqual([
        { path: 'body.reply', message: 'is required: the text members get back' },
      ]);
      expect((await errors({ targetType: 'reply', reply: 'x'.repeat(641) }))?.[0]?.path).toBe('body.reply');
      const liquid = await errors({ targetType: 'reply', reply: 'Hi {{ member.first_name ' });
      expect(liquid?.[0]?.path).toBe('body.reply');
      expect(await errors({ targetType: 'reply', reply: 'Hi {{ member.nickname }}' })).toEqual([
        { path: 'body.reply', message: 'line 1: unknown variable "member.nickname"' },
      ]);
      expect(await errors({ targetType: 'link', linkUrl: 'https://example.org', match: 'fuzzy' })).toMatchObject([{ path: 'body.match' }]);
      const missing = await api('PATCH', '/keywords/999999', { reply: 'Hi' });
      expect([missing.statusCode, missing.json().code]).toEqual([404, 'keyword.not_found']);
    });

    it("lists a community's join keywords and keeps the community and keyword views in step", async () => {
      const [row] = await keywords();
      expect(row).toMatchObject({ keyword: 'CLIMATE', targetType: 'community', targetName: 'Climate – Austin', match: 'exact', uses: 0 });
      const id = row?.id as number;
      const edited = await api('PATCH', `/keywords/${id}`, { match: 'first_word', reply: 'Welcome, {{ member.first_name }}!' });
      expect(edited.statusCode, edited.body).toBe(200);
      // Editing the community with the same keyword keeps the keyword's settings.
      const community = await api('PATCH', `/communities/${climate.id}`, { keywords: ['CLIMATE', 'ATX'] });
      expect(community.json().keywords).toEqual(['ATX', 'CLIMATE']);
      expect(await keywordNamed('CLIMATE')).toMatchObject({ id, match: 'first_word', reply: 'Welcome, {{ member.first_name }}!' });
      // Renaming or deleting a keyword here shows on the community.
      expect((await api('PATCH', `/keywords/${id}`, { keyword: 'climateatx' })).statusCode).toBe(200);
      expect((await api('GET', `/communities/${climate.id}`)).json().keywords).toEqual(['ATX', 'CLIMATEATX']);
      expect((await api('DELETE', `/keywords/${id}`)).statusCode).toBe(204);
      expect((await api('GET', `/communities/${climate.id}`)).json().keywords).toEqual(['ATX']);
      // Renaming onto a taken word is refused and changes nothing.
      const atx = await keywordNamed('ATX');
      const taken = await create({ keyword: 'DONATE', targetType: 'link', linkUrl: 'https://example.org/give' });
      const clash = await api('PATCH', `/keywords/${taken.id}`, { keyword: 'atx' });
      expect([clash.statusCode, clash.json().errors]).toEqual([
        409,
        [{ path: 'body.keyword', message: 'ATX is already the keyword of the community "Climate – Austin"' }],
      ]);
      expect(await keywordNamed('ATX')).toEqual(atx);
    });

    it('seeds two demo keywords once', async () => {
      await seedDemoKeywords(db(), { workspaceId: ws, now: t.clock.now() });
      await seedDemoKeywords(db(), { workspaceId: ws, now: t.clock.now() });
      expect((await keywords()).map((k) => [k.keyword, k.targetType])).toEqual([
        ['CLIMATE', 'community'],
        ['DONATE', 'link'],
        ['VOLUNTEER', 'reply'],
      ]);
    });
  });

  describe('texting a keyword', () => {
    it('matches the whole text or the first word, tolerating case, accents and punctuation', async () => {
      await create({ keyword: 'VOLUNTEER', targetType: 'reply', reply: 'Thanks {{ member.first_name | default: "friend" }}!' });
      await create({ keyword: 'DONATE', targetType: 'link', linkUrl: 'https://example.org/give', match: 'first_word' });
      const phone = '+15125550201';
      await consentingMember(db(), { workspaceId: ws, phone, firstName: 'Ana', now: t.clock.now() });
      await textIn(phone, ' Volunteer! ');
      await textIn(phone, 'volunteer please'); // exact: not a trigger
      await textIn(phone, 'I want to volunteer'); // a keyword later in the sentence is no trigger
      await textIn(phone, 'Dónate now please');
      await textIn(phone, 'please donate');
      expect(await outbox(phone)).toEqual([
        // The first text we ever send the member names us and says how to opt out.
        'Thanks Ana!\nGroundswell Demo: Reply STOP to opt out',
        'Here is your link: https://example.org/give',
      ]);
      expect(await keywordNamed('VOLUNTEER')).toMatchObject({ uses: 1 });
      expect(await keywordNamed('DONATE')).toMatchObject({ uses: 1 });
      // The texts that were no trigger wait for a person in the inbox.
      const { id } = await memberOf(phone);
      const conversation = await db()
        .selectFrom('conversations')
        .select('needs_response')
        .where('member_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(conversation.needs_response).toBe(1);
    });

    it('double opt-in: a new number is asked to confirm, and YES joins it with consent in those exact words', async () => {
      const phone = '+15125550211';
      await textIn(phone, 'Climate!');
      expect(await outbox(phone)).toEqual([PROMPT]);
      expect(await membership(phone)).toBeUndefined();
      expect((await memberOf(phone)).sms_consent).toBe('none');
      // The question reaches the phone although the member has no consent yet.
      await t.messaging.createDispatcher().runOnce();
      await eventually(async () => {
        const [row] = await db().selectFrom('messages').select('state').where('to_address', '=', phone).execute();
        return row?.state === 'delivered';
      }, 'the confirmation question to be delivered');

      await textIn(phone, 'yes!');
      expect(await membership(phone)).toEqual({ status: 'active', source: 'keyword' });
      expect((await memberOf(phone)).sms_consent).toBe('granted');
      expect(await ledger(phone)).toEqual([{ status: 'granted', method: 'keyword', wording: `Texted CLIMATE, then YES to: ${PROMPT}` }]);
      expect(await outbox(phone)).toEqual([PROMPT, 'Welcome to Climate – Austin!']);
      expect(await keywordNamed('CLIMATE')).toMatchObject({ uses: 1 });

      // With nothing pending, a later yes is an ordinary reply: no second join, no text back.
      await textIn(phone, 'Yes');
      expect(await outbox(phone)).toHaveLength(2);
      expect(await ledger(phone)).toHaveLength(1);
    });

    it('a YES after 24 hours joins nothing', async () => {
      const phone = '+15125550212';
      await textIn(phone, 'climate');
      t.clock.advance(25 * 60 * 60 * 1000);
      await textIn(phone, 'sí');
      expect(await membership(phone)).toBeUndefined();
      expect(await outbox(phone)).toEqual([PROMPT]);
    });

    it('a member who already has consent joins at once, and confirm off joins anyone at once', async () => {
      const phone = '+15125550221';
      await consentingMember(db(), { workspaceId: ws, phone, now: t.clock.now() });
      await textIn(phone, 'CLIMATE');
      expect(await membership(phone)).toEqual({ status: 'active', source: 'keyword' });
      expect(await outbox(phone)).toEqual(['Welcome to Climate – Austin!\nGroundswell Demo: Reply STOP to opt out']);
      expect((await ledger(phone)).map((e) => e.method)).toEqual(['web_form']);

      const { id } = await keywordNamed('CLIMATE');
      expect(
        (
          await api('PATCH', `/keywords/${id}`, {
            confirm: false,
            reply: 'Hi {{ member.first_name | default: "neighbor" }}, welcome to {{ community.name }}!',
          })
        ).statusCode,
      ).toBe(200);
      const fresh = '+15125550222';
      await textIn(fresh, 'climate.');
      expect(await membership(fresh)).toEqual({ status: 'active', source: 'keyword' });
      expect(await outbox(fresh)).toEqual(['Hi neighbor, welcome to Climate – Austin!\nGroundswell Demo: Reply STOP to opt out']);
      expect(await ledger(fresh)).toEqual([
        {
          status: 'granted',
          method: 'keyword',
          wording: 'Texted CLIMATE to join Climate – Austin: Hi neighbor, welcome to Climate – Austin!',
        },
      ]);
    });

    it('after an opt-out a keyword asks first, and YES (an opt-in) completes the join', async () => {
      const phone = '+15125550231';
      await consentingMember(db(), { workspaceId: ws, phone, now: t.clock.now() });
      await textIn(phone, 'STOP');
      // confirm off does not matter: an opted-out member is always asked.
      const { id } = await keywordNamed('CLIMATE');
      await api('PATCH', `/keywords/${id}`, { confirm: false });
      await textIn(phone, 'climate');
      expect(await membership(phone)).toBeUndefined();
      await textIn(phone, 'YES');
      expect(await membership(phone)).toEqual({ status: 'active', source: 'keyword' });
      const out = await outbox(phone);
      expect(out).toHaveLength(4);
      expect(out[0]).toMatch(/unsubscribed/);
      expect(out[1]).toBe(PROMPT);
      expect(out[2]).toMatch(/resubscribed/);
      expect(out[3]).toBe('Welcome to Climate – Austin!');
      expect((await ledger(phone)).map((e) => `${e.status}/${e.method}`)).toEqual([
        'granted/web_form',
        'revoked/keyword',
        'granted/keyword',
        'granted/keyword',
      ]);
      expect((await ledger(phone))[3]?.wording).toBe(`Texted CLIMATE, then YES to: ${PROMPT}`);
    });

    it('an opt-out drops a join waiting for YES, and an opted-out member gets nothing more than compliance allows', async () => {
      await create({ keyword: 'VOLUNTEER', targetType: 'reply', reply: 'Thanks!' });
      await create({ keyword: 'DONATE', targetType: 'link', linkUrl: 'https://example.org/give' });
      const phone = '+15125550241';
      await textIn(phone, 'CLIMATE');
      await textIn(phone, 'stop');
      await textIn(phone, 'donate');
      await textIn(phone, 'Volunteer');
      await textIn(phone, 'STOP');
      await textIn(phone, 'ok'); // not an opt-in word: an opted-out member comes back with YES or START only
      const out = await outbox(phone);
      expect(out).toHaveLength(2);
      expect(out[0]).toBe(PROMPT);
      expect(out[1]).toMatch(/unsubscribed/);
      const pending = await db().selectFrom('keyword_confirmations').select('status').where('workspace_id', '=', ws).execute();
      expect(pending).toEqual([{ status: 'expired' }]);
      // Coming back later does not revive the dropped join.
      await textIn(phone, 'START');
      expect(await membership(phone)).toBeUndefined();
      expect(await keywordNamed('DONATE')).toMatchObject({ uses: 0 });
    });

    it('a survey keyword sends its auto-reply, then the first question', async () => {
      const now = t.clock.now();
      const survey = await db()
        .insertInto('surveys')
        .values({ workspace_id: ws, name: 'Transit poll', status: 'open', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db()
        .insertInto('survey_questions')
        .values({ workspace_id: ws, survey_id: survey.id, position: 1, kind: 'text', prompt: 'How do you get to work?', created_at: now })
        .execute();
      await create({ keyword: 'POLL', targetType: 'survey', targetId: survey.id, reply: 'Thanks for taking our poll!' });
      const phone = '+15125550252';
      await consentingMember(db(), { workspaceId: ws, phone, now });
      await textIn(phone, 'Poll');
      const out = await outbox(phone);
      expect(out[0]).toBe('Thanks for taking our poll!\nGroundswell Demo: Reply STOP to opt out');
      expect(out.at(-1)).toMatch(/How do you get to work\?/);
      expect(await keywordNamed('POLL')).toMatchObject({ uses: 1 });
    });

    it('a survey keyword answers politely when the survey is closed', async () => {
      const now = t.clock.now();
      const survey = await db()
        .insertInto('surveys')
        .values({ workspace_id: ws, name: 'Transit poll', status: 'closed', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const keyword = await create({ keyword: 'POLL', targetType: 'survey', targetId: survey.id, reply: 'Thanks for taking our poll!' });
      expect(keyword).toMatchObject({ targetName: 'Transit poll', targetArchived: true });
      const phone = '+15125550251';
      await consentingMember(db(), { workspaceId: ws, phone, now });
      await textIn(phone, 'poll');
      expect(await outbox(phone)).toEqual(['Sorry, Transit poll is closed.\nGroundswell Demo: Reply STOP to opt out']);
    });

    it("a petition's keyword answers with a short link of the member's own that opens the petition prefilled", async () => {
      const created = await api('POST', '/petitions', { title: 'Save the Oak Street trees', target: 'Austin City Council' });
      expect(created.statusCode, created.body).toBe(201);
      const petition = created.json() as { id: number; slug: string };
      const keyword = await create({ keyword: 'OAKS', targetType: 'action', targetId: petition.id });
      expect(keyword).toMatchObject({ targetType: 'action', targetName: 'Save the Oak Street trees', reply: null });
      const phone = '+15125550253';
      await consentingMember(db(), { workspaceId: ws, phone, firstName: 'Ivy', now: t.clock.now() });
      // A draft is not open yet.
      await textIn(phone, 'oaks');
      expect((await outbox(phone)).at(-1)).toBe(
        'Sorry, Save the Oak Street trees is not open right now.\nGroundswell Demo: Reply STOP to opt out',
      );
      expect((await api('POST', `/petitions/${petition.id}/publish`)).statusCode).toBe(200);
      await textIn(phone, 'Oaks!');
      const reply = (await outbox(phone)).at(-1) ?? '';
      const link = new RegExp(`^Save the Oak Street trees: (${t.config.publicUrl}/l/[A-Za-z0-9]{10})$`).exec(reply)?.[1];
      expect(link, reply).toBeDefined();
      const tapped = await t.app.inject({
        method: 'GET',
        url: new URL(link ?? '').pathname,
        headers: { 'user-agent': 'Mozilla/5.0 Mobile' },
      });
      expect(tapped.statusCode).toBe(302);
      const location = new URL(tapped.headers.location as string);
      expect(location.pathname).toMatch(new RegExp(`/petition/${petition.slug}$`));
      expect(location.searchParams.get('utm_medium')).toBe('keyword');
      const page = await t.app.inject({ method: 'GET', url: `${location.pathname}${location.search}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('id="firstName" name="firstName" type="text" value="Ivy"');
      expect(page.body).toContain('value="(512) 555-0253"');
      // Staff can point the keyword at another action, not at nothing.
      const problems = await api('PATCH', `/keywords/${keyword.id}`, { targetId: 999_999 });
      expect(problems.json().errors).toEqual([{ path: 'body.targetId', message: 'is not an action of this workspace' }]);
    });
  });
});
