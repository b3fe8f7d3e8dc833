import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember } from '../../../test/helpers/messaging.ts';
import { memberToken } from '../links/member-token.ts';
import { SIGN_VELOCITY } from './petition-signing.ts';

// Petitions end to end: an organizer writes and publishes one through the API, people sign on the public page
// (form-encoded POSTs like a phone without JavaScript), and we check what a person would notice: the pages, the
// member, the consent ledger, the activity log, the counter, the community, the texts queued and the exports.

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';
const WORDING =
  'I agree to receive recurring texts from Groundswell Demo about this campaign and related actions. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of signing.';

type Petition = { id: number; slug: string; status: string; url: string; signatures: number };
type Problem = { code: string; errors?: { path: string; message: string }[] };

const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe.each(testDialects())('petitions on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let wsSlug: string;
  let community: { id: number };

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    wsSlug = (await t.database.db.selectFrom('workspaces').select('slug').where('id', '=', ws).executeTakeFirstOrThrow()).slug;
    const created = await api('POST', '/communities', { name: 'Oak Street Neighbors', visibility: 'public' });
    expect(created.statusCode, created.body).toBe(201);
    community = created.json();
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function petition(body: Record<string, unknown> = {}, publish = true): Promise<Petition> {
    const created = await api('POST', '/petitions', {
      title: 'Save the Oak Street trees',
      target: 'Austin City Council',
      description: 'The city plans to cut down 40 old oaks.\n\nAsk the council to redesign the project.',
      letter: 'Dear council members, please keep the Oak Street trees.',
      goal: 1000,
      communityId: community.id,
      shareText: 'I signed to save the Oak Street trees. Will you?',
      ...body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json() as Petition;
    if (!publish) return p;
    const published = await api('POST', `/petitions/${p.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as Petition;
  }

  const pathOf = (p: Petition) => `/p/${wsSlug}/petition/${p.slug}`;
  const page = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { 'user-agent': UA, ...headers } });

  /** Reads the page like a browser, then posts the form with these fields (hidden ones come from the page). */
  async function sign(
    p: Petition,
    fields: Record<string, string>,
    options: { ip?: string; query?: string } = {},
  ): Promise<LightMyRequestResponse> {
    const url = `${pathOf(p)}${options.query ?? ''}`;
    const shown = (await page(url)).body;
    const payload: Record<string, string> = {};
    for (const name of ['lang', 'w', 'ref', 'source', 'medium']) payload[name] = hidden(shown, name);
    return t.app.inject({
      method: 'POST',
      url: pathOf(p),
      remoteAddress: options.ip ?? '198.51.100.7',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: form({ ...payload, ...fields }),
    });
  }

  const memberByPhone = (phone: string) =>
    db().selectFrom('members').selectAll().where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirst();
  const counter = async (p: Petition) =>
    (await db().selectFrom('actions').select('taken_count').where('id', '=', p.id).executeTakeFirstOrThrow()).taken_count;

  it('publishes a petition and signs a person up from the public page: member, consent, activity, counter, community, text', async () => {
    const draft = await petition({}, false);
    expect(draft.status).toBe('draft');
    expect((await page(pathOf(draft))).statusCode).toBe(404);
    const p = await petition({ title: 'Save the Oak Street trees', slug: 'oaks' });
    expect(p.url).toBe(`${t.config.publicUrl}/p/${wsSlug}/petition/oaks`);

    const shown = await page(pathOf(p));
    expect(shown.statusCode).toBe(200);
    expect(Buffer.byteLength(shown.body)).toBeLessThan(30_000);
    expect(shown.body).toContain('<h1>Save the Oak Street trees</h1>');
    expect(shown.body).toContain('To: Austin City Council');
    expect(shown.body).toContain('0 of 1,000 signatures');
    expect(shown.body).toContain('<meta property="og:title" content="Save the Oak Street trees">');
    expect(shown.body).toContain('<meta name="twitter:card" content="summary">');
    expect(shown.body).toContain(WORDING.replace('&', '&amp;'));
    expect(shown.body).not.toContain('<script');
    const spanish = await page(`${pathOf(p)}?lang=es`);
    expect(spanish.body).toContain('Firmar la petición');
    expect(spanish.body).toContain('Para: Austin City Council');

    const signed = await sign(p, {
      firstName: 'ana',
      lastName: 'Reyes',
      email: 'ana@example.org',
      phone: '(512) 555-0142',
      postalCode: '78701',
      comment: 'These trees shade my street.',
      showName: '1',
      consent: '1',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.body).toContain('Thank you, Ana!');
    expect(signed.body).toContain('1 person has signed so far');
    const ref = /ref%3D([A-Za-z0-9]{10})/.exec(signed.body)?.[1];
    expect(ref).toBeDefined();
    expect(signed.body).toContain('href="sms:?&amp;body=I%20signed%20to%20save%20the%20Oak%20Street%20trees.%20Will%20you%3F%20');
    expect(signed.body).toContain('https://wa.me/?text=');
    expect(signed.body).toContain('https://www.facebook.com/sharer/sharer.php?u=');
    expect(signed.body).toContain('https://x.com/intent/post?text=');

    const ana = await memberByPhone('+15125550142');
    expect(ana).toMatchObject({
      first_name: 'Ana',
      last_name: 'Reyes',
      email: 'ana@example.org',
      postal_code: '78701',
      sms_consent: 'granted',
    });
    const consent = await db()
      .selectFrom('consent_events')
      .selectAll()
      .where('member_id', '=', ana?.id ?? 0)
      .execute();
    expect(consent).toHaveLength(1);
    expect(consent[0]).toMatchObject({
      status: 'granted',
      method: 'web_form',
      wording: WORDING,
      ip: '198.51.100.7',
      user_agent: UA,
      source_url: `${t.config.publicUrl}/p/${wsSlug}/petition/oaks`,
    });
    const activities = await db()
      .selectFrom('activities')
      .select(['type', 'subject_id', 'community_id'])
      .where('member_id', '=', ana?.id ?? 0)
      .execute();
    expect(activities.map((a) => a.type).sort()).toEqual(['created', 'joined', 'opted_in', 'signed']);
    expect(activities.find((a) => a.type === 'signed')).toMatchObject({ subject_id: p.id, community_id: community.id });
    expect(await counter(p)).toBe(1);
    const membership = await db()
      .selectFrom('memberships')
      .select(['status', 'source'])
      .where('member_id', '=', ana?.id ?? 0)
      .where('community_id', '=', community.id)
      .executeTakeFirst();
    expect(membership).toEqual({ status: 'active', source: 'petition' });
    const texts = await db().selectFrom('messages').select(['body', 'kind']).where('to_address', '=', '+15125550142').execute();
    expect(texts).toEqual([
      {
        kind: 'automation',
        body: `Groundswell Demo: thank you for signing "Save the Oak Street trees"! Share it with friends: ${p.url}?ref=${ref} Reply STOP to opt out.`,
      },
    ]);

    // A friend arrives through Ana's share link, signs without ticking the box: no consent, no text, credited to Ana.
    const friend = await sign(p, { firstName: 'Bo', phone: '512 555 0143' }, { query: `?ref=${ref}&source=whatsapp`, ip: '198.51.100.8' });
    expect(friend.statusCode, friend.body).toBe(200);
    const bo = await memberByPhone('+15125550143');
    expect(bo).toMatchObject({ sms_consent: 'none', referred_by: ana?.id });
    expect(
      await db()
        .selectFrom('consent_events')
        .select('id')
        .where('member_id', '=', bo?.id ?? 0)
        .execute(),
    ).toEqual([]);
    expect(await db().selectFrom('messages').select('id').where('to_address', '=', '+15125550143').execute()).toEqual([]);
    const boSignature = await db()
      .selectFrom('petition_signatures')
      .selectAll()
      .where('member_id', '=', bo?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(boSignature).toMatchObject({ source: 'whatsapp', ref, referred_by: ana?.id, public: 0, public_name: null });
    expect(await counter(p)).toBe(2);

    // Signing twice says so and changes nothing.
    const again = await sign(p, { firstName: 'Ana', phone: '5125550142', consent: '1' }, { ip: '198.51.100.9' });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('You already signed');
    expect(await counter(p)).toBe(2);
    expect(await db().selectFrom('petition_signatures').select('id').where('action_id', '=', p.id).execute()).toHaveLength(2);

    // The public list shows Ana (who opted in) by first name and postal code, never Bo.
    const listed = (await page(pathOf(p))).body;
    expect(listed).toContain('<li>Ana, 78701</li>');
    expect(listed).not.toContain('Bo');
    expect(listed).toContain('2 of 1,000 signatures');

    // Results and the CSV export.
    const results = (await api('GET', `/petitions/${p.id}/results`)).json();
    expect(results.signatures).toBe(2);
    expect(results.recent.map((s: { name: string }) => s.name)).toEqual(['Bo', 'Ana Reyes']);
    expect(results.perDay).toEqual([{ day: new Date(t.clock.now()).toISOString().slice(0, 10), count: 2 }]);
    const csv = await api('GET', `/petitions/${p.id}/signatures.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('first_name,last_name,email,phone,postal_code,comment,signed_at,source,medium,ref');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      `Ana,Reyes,ana@example.org,+15125550142,78701,These trees shade my street.,${new Date(t.clock.now()).toISOString()},web,,`,
    );

    // Closed: the page says so, without a form, and a late POST changes nothing.
    expect((await api('POST', `/petitions/${p.id}/close`)).statusCode).toBe(200);
    const closed = await page(pathOf(p));
    expect(closed.body).toContain('This petition is closed');
    expect(closed.body).not.toContain('<form');
    const late = await t.app.inject({
      method: 'POST',
      url: pathOf(p),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ firstName: 'Cy', phone: '5125550144' }),
    });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('This petition is closed');
    expect(await counter(p)).toBe(2);
    // A published petition cannot be deleted; a draft can.
    expect((await api('DELETE', `/petitions/${p.id}`)).json().code).toBe('action.invalid_transition');
    expect((await api('DELETE', `/petitions/${draft.id}`)).statusCode).toBe(204);
  });

  it('stores nothing for a bot that fills the honeypot, and re-renders the form with field errors', async () => {
    const p = await petition();
    const bot = await sign(p, { firstName: 'Bot', phone: '5125550150', website: 'http://spam.example' });
    expect(bot.statusCode).toBe(200);
    expect(bot.body).toContain('Thank you, Bot!');
    expect(await memberByPhone('+15125550150')).toBeUndefined();
    expect(await counter(p)).toBe(0);

    const bad = await sign(p, { firstName: '', email: 'not-an-email', phone: '555', postalCode: 'ABCDE', consent: '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('First name: This is required.');
    expect(bad.body).toContain('This is not an email address');
    expect(bad.body).toContain('This is not a phone number we recognise');
    expect(bad.body).toContain('This is not a valid postal code');
    expect(bad.body).toContain(
      'id="firstName" name="firstName" type="text" value="" autocomplete="given-name" required aria-required="true" aria-invalid="true"',
    );
    const none = await sign(p, { firstName: 'Dee' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Enter a mobile phone number or an email address.');
    const foreign = await sign(p, { firstName: 'Eve', phone: '+44 7911 123456' });
    expect(foreign.body).toContain('we can only text numbers in United States');
    const emailOnly = await sign(p, { firstName: 'Fay', email: 'fay@example.org', consent: '1' });
    expect(emailOnly.body).toContain('Enter your mobile phone number to receive texts, or untick the box.');
    expect(await counter(p)).toBe(0);

    // The API answers field by field too.
    const api400 = await api('POST', '/petitions', { title: '', goal: 0, slug: 'Not A Slug' });
    expect(api400.statusCode).toBe(400);
    const paths = ((api400.json() as Problem).errors ?? []).map((e) => e.path).sort();
    expect(paths).toEqual(['body.goal', 'body.slug', 'body.title']);
    const unknownCommunity = await api('POST', '/petitions', { title: 'X', communityId: 999_999, nextActionId: 999_998 });
    expect((unknownCommunity.json() as Problem).errors).toEqual([
      { path: 'body.communityId', message: 'is not a community of this workspace' },
      { path: 'body.nextActionId', message: 'is not an action of this workspace' },
    ]);
    const taken = await api('POST', '/petitions', { title: 'Another', slug: p.slug });
    expect([taken.statusCode, (taken.json() as Problem).code]).toEqual([409, 'action.slug_taken']);
  });

  it('prefills the form for a member who arrives from a tracked link and leads them to the next step', async () => {
    const next = await petition({ title: 'Fund the urban forest', summary: 'One more ask of the council.' });
    const p = await petition({ title: 'Save the Oak Street trees', nextActionId: next.id });
    const memberId = await consentingMember(db(), { workspaceId: ws, phone: '+15125550160', firstName: 'Gus', now: t.clock.now() });
    const token = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId, issuedAt: t.clock.now() });
    const shown = await page(`${pathOf(p)}?gsm=${token}`);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.body).toContain('id="firstName" name="firstName" type="text" value="Gus"');
    expect(shown.body).toContain('value="(512) 555-0160"');
    expect(hidden(shown.body, 'source')).toBe('sms');
    // Another workspace's token or a forged one prefills nothing.
    expect((await page(`${pathOf(p)}?gsm=${'A'.repeat(38)}`)).body).toContain('name="firstName" type="text" value=""');

    const signed = await sign(p, { firstName: 'Gus', phone: '(512) 555-0160' }, { query: `?gsm=${token}` });
    expect(signed.statusCode).toBe(200);
    const link = /href="([^"]+)" data-next-step/.exec(signed.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(link).toMatch(new RegExp(`^/p/${wsSlug}/petition/fund-the-urban-forest\\?lang=en&gsm=[A-Za-z0-9_-]{38}$`));
    const nextPage = await page(link);
    expect(nextPage.body).toContain('<h1>Fund the urban forest</h1>');
    expect(nextPage.body).toContain('value="Gus"');
    // Already a consenting member: no new consent event, but the thank-you text goes out.
    expect(await db().selectFrom('consent_events').select('id').where('member_id', '=', memberId).execute()).toHaveLength(1);
    expect(await db().selectFrom('messages').select('id').where('member_id', '=', memberId).execute()).toHaveLength(1);
    expect((await page(`${pathOf(p)}?gsm=${token}`)).body).toContain('You already signed this petition.');
  });

  it('refuses a spike from one address or one number prefix with a clear message while others continue', async () => {
    const p = await petition();
    for (let i = 0; i < SIGN_VELOCITY.perIp; i++) {
      const ok = await sign(p, { firstName: `P${i}`, email: `p${i}@example.org` }, { ip: '203.0.113.5' });
      expect(ok.statusCode, ok.body).toBe(200);
    }
    const refused = await sign(p, { firstName: 'Late', email: 'late@example.org' }, { ip: '203.0.113.5' });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Too many signatures came from your connection');
    const other = await sign(p, { firstName: 'Other', email: 'other@example.org' }, { ip: '203.0.113.6' });
    expect(other.statusCode).toBe(200);

    for (let i = 0; i < SIGN_VELOCITY.perPrefix; i++) {
      const ok = await sign(p, { firstName: `Q${i}`, phone: `512555${String(i + 100).padStart(4, '0')}` }, { ip: `192.0.2.${i}` });
      expect(ok.statusCode, ok.body).toBe(200);
    }
    const samePrefix = await sign(p, { firstName: 'Pump', phone: '5125559999' }, { ip: '192.0.2.250' });
    expect(samePrefix.statusCode).toBe(429);
    const otherPrefix = await sign(p, { firstName: 'Fine', phone: '2065550100' }, { ip: '192.0.2.251' });
    expect(otherPrefix.statusCode).toBe(200);
    expect(await counter(p)).toBe(SIGN_VELOCITY.perIp + SIGN_VELOCITY.perPrefix + 2);
  });

  it('takes a burst of sign-ups at once: every signer stored once, the counter and the community in step', async () => {
    const p = await petition();
    const shown = (await page(pathOf(p))).body;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: pathOf(p),
          remoteAddress: `198.51.100.${i}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
          // Signer 39 is signer 0 again (a double tap): one signature, the second sees "already signed".
          payload: form({ lang: 'en', w: hidden(shown, 'w'), firstName: `Burst${i % 39}`, phone: `737555${String(1000 + (i % 39))}` }),
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(40).fill(200));
    expect(results.filter((r) => r.body.includes('your signature counts once'))).toHaveLength(1);
    expect(await counter(p)).toBe(39);
    const signatures = await db().selectFrom('petition_signatures').select('member_id').where('action_id', '=', p.id).execute();
    expect(new Set(signatures.map((s) => s.member_id)).size).toBe(39);
    const neighbors = await db().selectFrom('communities').select('member_count').where('id', '=', community.id).executeTakeFirstOrThrow();
    expect(neighbors.member_count).toBe(39);
  });

  it('refuses sign-ups as soon as the petition is closed, and asks again when the consent words change', async () => {
    const p = await petition();
    const first = await sign(p, { firstName: 'Early', phone: '5125550101' });
    expect(first.statusCode, first.body).toBe(200);
    // The page a second signer read before the change, then the organizer's edit, then their submission.
    const shown = (await page(pathOf(p))).body;
    const edited = await api('PATCH', `/petitions/${p.id}`, { consentWording: 'Text me about the trees. Reply STOP to opt out.' });
    expect(edited.statusCode, edited.body).toBe(200);
    const stale = await t.app.inject({
      method: 'POST',
      url: pathOf(p),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: form({ lang: 'en', w: hidden(shown, 'w'), firstName: 'Second', phone: '5125550102', consent: '1' }),
    });
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('Text me about the trees. Reply STOP to opt out.');
    expect(await memberByPhone('+15125550102')).toBeUndefined();

    expect((await api('POST', `/petitions/${p.id}/close`)).statusCode).toBe(200);
    const closed = await sign(p, { firstName: 'Late', phone: '5125550103' });
    expect(closed.statusCode).toBe(409);
    expect(await counter(p)).toBe(1);
    expect(await memberByPhone('+15125550103')).toBeUndefined();
  });

  it('renders a draft preview for the dashboard, framable by the dashboard only', async () => {
    const draft = await petition({}, false);
    const preview = await api('GET', `/petitions/${draft.id}/preview`);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toContain('text/html');
    expect(preview.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(preview.body).toContain('Preview: this is how the page looks on a phone.');
    expect(preview.body).toContain('<form');
    expect((await api('GET', '/petitions/999999/preview')).statusCode).toBe(404);
    const list = (await api('GET', '/petitions')).json();
    expect(list.petitions.map((x: Petition) => x.id)).toEqual([draft.id]);
  });
});
