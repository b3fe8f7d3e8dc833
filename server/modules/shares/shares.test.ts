import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { memberToken } from '../links/member-token.ts';

// Share actions end to end: an organizer writes the suggested posts and publishes; a member gets their buttons (known
// from a text link, or after giving their number), each tap is counted and redirected to the network with the
// member's own code on the link, and a friend who signs through that link shows up in the results.

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';
const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const decode = (value: string) => value.replace(/&amp;/g, '&');

type Share = {
  id: number;
  slug: string;
  status: string;
  url: string;
  sharers: number;
  targetActionId: number | null;
  targetTitle: string | null;
};
type Results = {
  shares: number;
  sharers: number;
  signups: number;
  perNetwork: { network: string; shares: number; signups: number }[];
  topSharers: { memberId: number; name: string; shares: number; signups: number }[];
};

const POSTS = {
  x: { text: 'Our oaks need you. Sign now:', hashtags: ['#SaveTheOaks', 'Austin'] },
  whatsapp: { text: 'I signed to save the Oak Street trees. Will you?', hashtags: [] },
  sms: { text: 'Can you sign this with me?', hashtags: [] },
  email: { subject: 'Save the Oak Street trees', text: 'I signed. It takes a minute.', hashtags: [] },
  bluesky: { text: 'Save the Oak Street trees', hashtags: ['SaveTheOaks'] },
  mastodon: { text: 'Save the Oak Street trees', hashtags: [] },
  facebook: { text: 'Save the Oak Street trees', hashtags: [] },
};

describe.each(testDialects())('share actions on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let petition: { id: number; url: string };

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    const created = await api('POST', '/petitions', { title: 'Save the Oak Street trees', target: 'City Council', slug: 'oaks' });
    expect(created.statusCode, created.body).toBe(201);
    petition = (await api('POST', `/petitions/${created.json().id}/publish`)).json();
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload }) });
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'user-agent': UA } });
  const results = async (share: Share) => (await api('GET', `/shares/${share.id}/results`)).json() as Results;
  const pathOf = (share: Share) => new URL(share.url).pathname;
  const buttons = (page: string) =>
    Object.fromEntries([...page.matchAll(/href="([^"]+)" rel="nofollow" data-network="(\w+)"/g)].map((m) => [m[2], decode(m[1] ?? '')]));

  async function publishedShare(): Promise<Share> {
    const draft = await api('POST', '/shares', {
      title: 'Spread the word for the oaks',
      description: 'Every share brings new signers.',
      targetActionId: petition.id,
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const share = draft.json() as Share;
    // Nothing to share yet: publishing says why.
    const early = await api('POST', `/shares/${share.id}/publish`);
    expect(early.statusCode).toBe(400);
    expect(early.json().errors).toEqual([{ path: 'body.posts', message: 'needs at least one network' }]);
    const saved = await api('PATCH', `/shares/${share.id}`, { posts: POSTS, mastodonInstance: 'toot.community' });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await api('POST', `/shares/${share.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as Share;
  }

  it('hands a member their share buttons, counts each tap and redirects to the network with their code', async () => {
    expect((await api('POST', '/shares', { title: 'Bad', targetUrl: 'javascript:alert(1)' })).statusCode).toBe(400);
    const share = await publishedShare();
    expect(share).toMatchObject({ status: 'published', targetActionId: petition.id, targetTitle: 'Save the Oak Street trees' });

    // Someone without a tracked link: a short form first.
    const anonymous = await get(pathOf(share));
    expect(anonymous.statusCode).toBe(200);
    expect(Buffer.byteLength(anonymous.body)).toBeLessThan(30_000);
    expect(anonymous.body).not.toContain('<script');
    expect(anonymous.body).toContain('<meta property="og:title" content="Spread the word for the oaks">');
    expect(anonymous.body).toContain('Get your share links');
    expect((await get(`${pathOf(share)}?lang=es`)).body).toContain('Obtén tus enlaces para compartir');
    const bad = await t.app.inject({
      method: 'POST',
      url: pathOf(share),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ lang: 'en', firstName: '', phone: '12' }).toString(),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');

    const ready = await t.app.inject({
      method: 'POST',
      url: pathOf(share),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: new URLSearchParams({ lang: 'en', w: hidden(anonymous.body, 'w'), firstName: 'ana', phone: '(512) 555-0142' }).toString(),
    });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.body).toContain('Ana, spread the word');
    expect(ready.body).toContain('#SaveTheOaks #Austin');
    const links = buttons(ready.body);
    expect(Object.keys(links)).toEqual(['x', 'facebook', 'whatsapp', 'bluesky', 'mastodon', 'sms', 'email']);

    const ana = await db().selectFrom('members').selectAll().where('phone', '=', '+15125550142').executeTakeFirstOrThrow();
    expect(ana).toMatchObject({ first_name: 'Ana', sms_consent: 'none', source: 'share_page' });

    // A tap: counted, then off to X with the petition's link carrying Ana's code.
    const tap = await get(links.x ?? '');
    expect(tap.statusCode).toBe(302);
    const location = new URL(tap.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://twitter.com/intent/tweet');
    expect(location.searchParams.get('text')).toBe('Our oaks need you. Sign now:');
    expect(location.searchParams.get('hashtags')).toBe('SaveTheOaks,Austin');
    const shared = new URL(location.searchParams.get('url') ?? '');
    const code = shared.searchParams.get('ref') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(`${shared.origin}${shared.pathname}`).toBe(petition.url);
    expect(Object.fromEntries(shared.searchParams)).toEqual({ ref: code, source: 'x', medium: 'share' });
    const codeRow = await db().selectFrom('share_codes').select('code').where('member_id', '=', ana.id).executeTakeFirstOrThrow();
    expect(codeRow.code).toBe(code);

    await get(links.x ?? '');
    const whatsapp = await get(links.whatsapp ?? '');
    expect(whatsapp.headers.location).toBe(
      `https://wa.me/?text=${encodeURIComponent(`I signed to save the Oak Street trees. Will you? ${petition.url}?ref=${code}&source=whatsapp&medium=share`)}`,
    );
    expect((await get(links.sms ?? '')).headers.location).toMatch(/^sms:\?&body=Can%20you%20sign/);
    expect((await get(links.email ?? '')).headers.location).toMatch(/^mailto:\?subject=Save%20the%20Oak%20Street%20trees&body=/);
    expect((await get(links.bluesky ?? '')).headers.location).toMatch(
      /^https:\/\/bsky\.app\/intent\/compose\?text=Save%20the%20Oak%20Street%20trees%20%23SaveTheOaks%20/,
    );
    expect((await get(links.mastodon ?? '')).headers.location).toMatch(/^https:\/\/toot\.community\/share\?text=/);
    expect((await get(links.facebook ?? '')).headers.location).toBe(
      `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(`${petition.url}?ref=${code}&source=facebook&medium=share`)}`,
    );
    const sharedActivities = await db()
      .selectFrom('activities')
      .select(['data', 'subject_id'])
      .where('member_id', '=', ana.id)
      .where('type', '=', 'shared')
      .execute();
    expect(sharedActivities).toHaveLength(8);
    expect(JSON.parse(sharedActivities[0]?.data ?? '{}')).toEqual({ network: 'x', targetActionId: petition.id });

    // A friend signs through Ana's X link: a sign-up for the share action, on X, credited to Ana.
    const friendPage = await get(`${shared.pathname}${shared.search}`);
    const signed = await t.app.inject({
      method: 'POST',
      url: shared.pathname,
      remoteAddress: '198.51.100.8',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      payload: new URLSearchParams({
        lang: 'en',
        w: hidden(friendPage.body, 'w'),
        ref: hidden(friendPage.body, 'ref'),
        source: hidden(friendPage.body, 'source'),
        medium: hidden(friendPage.body, 'medium'),
        firstName: 'Bo',
        phone: '512 555 0143',
      }).toString(),
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const r = await results(share);
    expect(r).toMatchObject({ shares: 8, sharers: 1, signups: 1 });
    expect(r.perNetwork.find((n) => n.network === 'x')).toEqual({ network: 'x', shares: 2, signups: 1 });
    expect(r.topSharers).toEqual([{ memberId: ana.id, name: 'Ana', shares: 8, signups: 1 }]);
    const bo = await db().selectFrom('members').select('referred_by').where('phone', '=', '+15125550143').executeTakeFirstOrThrow();
    expect(bo.referred_by).toBe(ana.id);
    expect((await api('GET', `/shares/${share.id}`)).json()).toMatchObject({ sharers: 1 });
    expect((await api('GET', '/referrals')).json().members).toEqual([{ id: ana.id, name: 'Ana', recruits: 1, conversions: 1, shares: 8 }]);
  });

  it('opens the buttons straight away for a member from a text link; a stale or forged tap counts nothing', async () => {
    const share = await publishedShare();
    const member = await owner.request({
      method: 'POST',
      url: `/api/workspaces/${ws}/members`,
      payload: { firstName: 'Rosa', phone: '+1 512 555 0150' },
    });
    const rosa = member.json().id as number;
    const gsm = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: rosa, issuedAt: t.clock.now() });
    const page = await get(`${pathOf(share)}?gsm=${gsm}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Rosa, spread the word');
    const link = buttons(page.body).whatsapp ?? '';
    expect((await get(link)).statusCode).toBe(302);
    expect((await results(share)).topSharers).toMatchObject([{ memberId: rosa, shares: 1 }]);

    // The gsm token itself is no button token, and a forged one neither: the network opens, nothing is counted.
    const forged = await get(`${pathOf(share)}/go/whatsapp?t=${gsm}`);
    expect(forged.statusCode).toBe(302);
    expect(forged.headers.location).not.toContain('ref%3D');
    expect((await get(`${pathOf(share)}/go/myspace?t=x`)).statusCode).toBe(404);
    expect((await results(share)).shares).toBe(1);

    // Closed: the page says so and taps stop counting.
    expect((await api('POST', `/shares/${share.id}/close`)).statusCode).toBe(200);
    expect((await get(pathOf(share))).body).toContain('This share campaign has ended');
    await get(link);
    expect((await results(share)).shares).toBe(1);
    expect((await api('DELETE', `/shares/${share.id}`)).statusCode).toBe(409);
    const preview = await api('GET', `/shares/${share.id}/preview`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Preview: this is how the page looks on a phone');
  });
});
