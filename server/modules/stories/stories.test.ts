import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { memberToken } from '../links/member-token.ts';
import { MAX_PHOTO_BYTES, STORY_VELOCITY } from './story-submitting.ts';

// Stories end to end: an organizer creates and publishes a story action through the API; people tell their story on
// the public page with a multipart form built by hand (like a phone without JavaScript, photo included); moderators
// approve or reject through the API; we check what a person would notice: pages, the spotlight, photos, the member,
// the consent ledger, the activity log and who can see what.

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile';
const SMS_WORDING =
  'I agree to receive recurring texts from Groundswell Demo about this campaign and related actions. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of sharing my story.';
const PUBLISH_WORDING =
  'I agree that Groundswell Demo may publish my story, with my photo if I added one and the name I chose above, on its website and social media. I can ask for it to be taken down at any time.';
/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Story = { id: number; slug: string; status: string; url: string; spotlightUrl: string; counts: Record<string, number> };
type Submission = { id: number; status: string; displayName: string | null; photo: { type: string; size: number; url: string } | null };
type File = { name: string; type: string; data: Buffer };

const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const decoded = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

/** A multipart/form-data body written by hand, the way a browser sends the story form. */
function multipart(fields: Record<string, string>, file?: File) {
  const boundary = `----groundswell${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(testDialects())('stories on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let wsSlug: string;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    wsSlug = (await t.database.db.selectFrom('workspaces').select('slug').where('id', '=', ws).executeTakeFirstOrThrow()).slug;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    owner.request({ method, url: `/api/workspaces/${ws}${path}`, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function story(body: Record<string, unknown> = {}, publish = true): Promise<Story> {
    const created = await api('POST', '/stories', {
      title: 'Transit stories',
      slug: 'transit',
      prompt: 'Tell us why transit matters to you',
      description: 'The council votes on bus funding next month.',
      askPhoto: true,
      ...body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json() as Story;
    if (!publish) return s;
    const published = await api('POST', `/stories/${s.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    return published.json() as Story;
  }

  const pathOf = (s: Story) => `/p/${wsSlug}/story/${s.slug}`;
  const page = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'user-agent': UA } });

  /** Reads the page like a browser, then posts the multipart form with these fields (hidden ones from the page). */
  async function tell(s: Story, fields: Record<string, string>, file?: File, ip = '198.51.100.7'): Promise<LightMyRequestResponse> {
    const shown = (await page(pathOf(s))).body;
    const base: Record<string, string> = {};
    for (const name of ['lang', 'w', 'pw', 'source']) base[name] = hidden(shown, name);
    const body = multipart({ ...base, display: 'name', publish: '1', ...fields }, file);
    return t.app.inject({
      method: 'POST',
      url: pathOf(s),
      remoteAddress: ip,
      headers: { 'content-type': body.contentType, 'user-agent': UA },
      payload: body.payload,
    });
  }

  const submissions = async (s: Story, query = '') => {
    const response = await api('GET', `/stories/${s.id}/submissions${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { submissions: Submission[]; next: number | null };
  };
  const storedCount = async () =>
    Number(
      (
        await db()
          .selectFrom('story_submissions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('tells a story without a photo: pending, member, consents with their exact words, activity, text; not public yet', async () => {
    const draft = await story({ slug: 'draft-stories' }, false);
    expect((await page(pathOf(draft))).statusCode).toBe(404);
    const s = await story();
    expect(s.url).toBe(`${t.config.publicUrl}/p/${wsSlug}/story/transit`);

    const shown = await page(pathOf(s));
    expect(shown.statusCode).toBe(200);
    expect(Buffer.byteLength(shown.body)).toBeLessThan(30_000);
    expect(shown.body).toContain('<h1>Transit stories</h1>');
    expect(shown.body).toContain('Tell us why transit matters to you');
    expect(shown.body).toContain('enctype="multipart/form-data"');
    expect(shown.body).toContain('type="file" accept="image/jpeg,image/png,image/webp"');
    expect(decoded(shown.body)).toContain(SMS_WORDING);
    expect(decoded(shown.body)).toContain(PUBLISH_WORDING);
    expect(shown.body).toContain('<meta property="og:title" content="Transit stories">');
    expect(shown.body).not.toContain('<script');
    const spanish = await page(`${pathOf(s)}?lang=es`);
    expect(spanish.body).toContain('Enviar mi historia');
    expect(spanish.body).toContain('Acepto que Groundswell Demo publique mi historia');

    const told = await tell(s, {
      story: 'I ride the 7 to work every day.\n\nWithout it I would lose my job.',
      firstName: 'ana',
      city: 'Austin',
      phone: '(512) 555-0142',
      consent: '1',
    });
    expect(told.statusCode, told.body).toBe(200);
    expect(told.body).toContain('Thank you, Ana!');
    expect(told.body).toContain('It will appear on the page once a moderator approves it');

    const ana = await db()
      .selectFrom('members')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('phone', '=', '+15125550142')
      .executeTakeFirstOrThrow();
    expect(ana).toMatchObject({ first_name: 'Ana', sms_consent: 'granted', source: 'story' });
    const row = await db().selectFrom('story_submissions').selectAll().where('member_id', '=', ana.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'pending',
      body: 'I ride the 7 to work every day.\n\nWithout it I would lose my job.',
      display: 'name',
      display_name: 'Ana, Austin',
      publish_consent: PUBLISH_WORDING,
      photo_type: null,
    });
    const consent = await db().selectFrom('consent_events').selectAll().where('member_id', '=', ana.id).execute();
    expect(consent).toHaveLength(1);
    expect(consent[0]).toMatchObject({ status: 'granted', method: 'web_form', wording: SMS_WORDING, user_agent: UA });
    const activities = await db().selectFrom('activities').select(['type', 'subject_id', 'data']).where('member_id', '=', ana.id).execute();
    expect(activities.map((a) => a.type).sort()).toEqual(['created', 'opted_in', 'posted']);
    const posted = activities.find((a) => a.type === 'posted');
    expect(posted?.subject_id).toBe(s.id);
    expect(JSON.parse(String(posted?.data))).toMatchObject({ kind: 'story', photo: false });
    const texts = await db().selectFrom('messages').select(['body', 'kind']).where('to_address', '=', '+15125550142').execute();
    expect(texts).toEqual([
      {
        kind: 'automation',
        body: 'Groundswell Demo: thank you for sharing your story for "Transit stories". A moderator will read it soon. Reply STOP to opt out.',
      },
    ]);

    // Pending is not public; the organizer sees it in the queue.
    const spotlight = await page(`${pathOf(s)}/stories`);
    expect(spotlight.statusCode).toBe(200);
    expect(spotlight.body).not.toContain('I ride the 7');
    expect(spotlight.body).toContain('No stories are published yet');
    expect((await api('GET', `/stories/${s.id}`)).json()).toMatchObject({ submitted: 1, counts: { pending: 1, approved: 0, rejected: 0 } });
    const queue = await submissions(s, '?status=pending');
    expect(queue.submissions).toHaveLength(1);
    expect(queue.submissions[0]).toMatchObject({ status: 'pending', displayName: 'Ana, Austin', photo: null });
  });

  it('takes a photo: private while pending, spotlighted with its photo once approved, served with the right headers', async () => {
    const s = await story();
    const told = await tell(
      s,
      { story: 'The bus got me to chemo.', firstName: 'Luis', city: 'Round Rock', email: 'luis@example.org' },
      { name: 'bus.png', type: 'image/png', data: PNG },
    );
    expect(told.statusCode, told.body).toBe(200);
    const [pending] = (await submissions(s)).submissions;
    expect(pending?.photo).toMatchObject({ type: 'image/png', size: PNG.length });
    const row = await db().selectFrom('story_submissions').select(['id', 'public_id']).executeTakeFirstOrThrow();
    const publicPhoto = `${pathOf(s)}/photos/${row.public_id}`;

    // Staff see the photo only when signed in; the public route does not serve it while pending.
    const staffUrl = pending?.photo?.url ?? '';
    expect(staffUrl).toBe(`/api/workspaces/${ws}/stories/${s.id}/submissions/${row.id}/photo`);
    expect((await t.app.inject({ method: 'GET', url: staffUrl })).statusCode).toBe(401);
    const staff = await owner.request({ method: 'GET', url: staffUrl });
    expect(staff.statusCode).toBe(200);
    expect(staff.headers['content-type']).toBe('image/png');
    expect(staff.rawPayload.equals(PNG)).toBe(true);
    expect((await page(publicPhoto)).statusCode).toBe(404);

    const approved = await api('POST', `/stories/${s.id}/submissions/${row.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', moderatedBy: expect.any(String) });

    const spotlight = await page(`${pathOf(s)}/stories`);
    expect(spotlight.body).toContain('The bus got me to chemo.');
    expect(spotlight.body).toContain('<cite>Luis, Round Rock</cite>');
    expect(spotlight.body).toContain(`<img src="${publicPhoto}" alt="Photo shared by Luis, Round Rock"`);
    expect(spotlight.body).not.toContain('luis@example.org');
    const photo = await page(publicPhoto);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(photo.headers['cache-control']).toBe('public, max-age=604800');
    expect(photo.rawPayload.equals(PNG)).toBe(true);
  });

  it('refuses a fake photo and a photo over 3 MB with a clear message on the page, storing nothing', async () => {
    const s = await story();
    const fake = await tell(
      s,
      { story: 'Here is my picture.', firstName: 'Mia', phone: '512 555 0150' },
      { name: 'me.jpg', type: 'image/jpeg', data: Buffer.from('this is plain text, renamed to .jpg') },
    );
    expect(fake.statusCode).toBe(400);
    expect(fake.body).toContain('This file is not a JPEG, PNG or WebP picture.');
    expect(fake.body).toContain('Here is my picture.'); // what was typed is kept
    expect(fake.body).toContain('aria-invalid="true" aria-describedby="photo-hint photo-error"');

    const big = Buffer.alloc(MAX_PHOTO_BYTES + 1, 0);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const tooLarge = await tell(
      s,
      { story: 'A big one.', firstName: 'Mia', phone: '512 555 0150' },
      { name: 'big.jpg', type: 'image/jpeg', data: big },
    );
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.body).toContain('This photo is larger than 3 MB.');
    expect(await storedCount()).toBe(0);
    expect(await db().selectFrom('story_photos').select('submission_id').execute()).toEqual([]);

    // Without consent to publish, nothing is stored either; the page says why.
    const noPublish = await tell(s, { story: 'Keep it private.', firstName: 'Mia', phone: '512 555 0150', publish: '' });
    expect(noPublish.statusCode).toBe(400);
    expect(noPublish.body).toContain('Tick the box to let us publish your story');
    expect(await storedCount()).toBe(0);
  });

  it('rejects with a reason: never public; the queue filters by status and pages', async () => {
    const s = await story();
    for (const [i, name] of ['Ada', 'Ben', 'Cy'].entries()) {
      const told = await tell(
        s,
        { story: `Story number ${i + 1}.`, firstName: name, phone: `512 555 016${i}`, display: i === 2 ? 'anonymous' : 'name' },
        i === 0 ? { name: 'a.png', type: 'image/png', data: PNG } : undefined,
      );
      expect(told.statusCode, told.body).toBe(200);
    }
    const all = await submissions(s, '?limit=2');
    expect(all.submissions.map((x) => x.displayName)).toEqual([null, 'Ben']);
    expect(all.next).not.toBeNull();
    const rest = await submissions(s, `?limit=2&before=${all.next}`);
    expect(rest.submissions.map((x) => x.displayName)).toEqual(['Ada']);
    expect(rest.next).toBeNull();

    const ada = rest.submissions[0] as Submission;
    const rejected = await api('POST', `/stories/${s.id}/submissions/${ada.id}/reject`, { reason: 'Names a neighbour without asking' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: 'Names a neighbour without asking' });
    const cy = all.submissions[0] as Submission;
    expect((await api('POST', `/stories/${s.id}/submissions/${cy.id}/approve`)).statusCode).toBe(200);

    const spotlight = (await page(`${pathOf(s)}/stories`)).body;
    expect(spotlight).not.toContain('Story number 1.');
    expect(spotlight).not.toContain('Story number 2.');
    expect(spotlight).toContain('Story number 3.');
    expect(spotlight).toContain('<cite>Anonymous</cite>');
    const adaPublic = await db().selectFrom('story_submissions').select('public_id').where('id', '=', ada.id).executeTakeFirstOrThrow();
    expect((await page(`${pathOf(s)}/photos/${adaPublic.public_id}`)).statusCode).toBe(404);
    expect((await submissions(s, '?status=rejected')).submissions.map((x) => x.id)).toEqual([ada.id]);
    expect((await api('GET', `/stories/${s.id}`)).json().counts).toEqual({ pending: 1, approved: 1, rejected: 1 });

    // A story of another action, or an unknown one, is not found.
    const other = await story({ title: 'Other', slug: 'other' });
    expect((await api('POST', `/stories/${other.id}/submissions/${ada.id}/approve`)).statusCode).toBe(404);
  });

  it('prefills from a tracked link, ignores the honeypot, and limits submissions per address', async () => {
    const s = await story({ askPhoto: false });
    const created = await api('POST', '/members', { firstName: 'Rosa', phone: '+15125550177', email: 'rosa@example.org' });
    expect(created.statusCode, created.body).toBe(201);
    const token = memberToken(TEST_APP_SECRET, { workspaceId: ws, memberId: created.json().id, issuedAt: t.clock.now() });
    const prefilled = await page(`${pathOf(s)}?gsm=${token}`);
    expect(prefilled.body).toContain('name="firstName" type="text" value="Rosa"');
    expect(prefilled.body).toContain('value="(512) 555-0177"');
    expect(prefilled.headers['cache-control']).toBe('no-store');
    expect(prefilled.body).not.toContain('type="file"');

    const bot = await tell(s, { story: 'Buy cheap pills', firstName: 'Bot', phone: '512 555 0190', website: 'http://spam.example' });
    expect(bot.statusCode).toBe(200);
    expect(await storedCount()).toBe(0);

    for (let i = 0; i < STORY_VELOCITY.perIp; i++) {
      const told = await tell(s, { story: `Story ${i}`, firstName: 'Pat', email: `pat${i}@example.org` }, undefined, '203.0.113.9');
      expect(told.statusCode, told.body).toBe(200);
    }
    const refused = await tell(s, { story: 'One more', firstName: 'Pat', email: 'pat-more@example.org' }, undefined, '203.0.113.9');
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Too many stories came from your connection');
    const elsewhere = await tell(s, { story: 'From elsewhere', firstName: 'Sam', email: 'sam@example.org' }, undefined, '203.0.113.10');
    expect(elsewhere.statusCode).toBe(200);
  });

  it('lets a moderator moderate but not create story actions; a texter can do neither', async () => {
    const s = await story();
    await tell(s, { story: 'Please read me.', firstName: 'Kim', phone: '512 555 0170' });
    const [pending] = (await submissions(s)).submissions;
    const asRole = async (role: 'moderator' | 'texter', email: string) => {
      const inv = (await api('POST', '/invitations', { email, role })).json() as { acceptUrl: string };
      const token = new URL(inv.acceptUrl).pathname.split('/').pop();
      await t.app.inject({
        method: 'POST',
        url: `/api/invitations/${token}/accept`,
        payload: { name: role, password: `${role}-password-1` },
      });
      return signIn(t.app, email, `${role}-password-1`);
    };
    const moderator = await asRole('moderator', 'mod@example.org');
    const texter = await asRole('texter', 'texter@example.org');
    const url = `/api/workspaces/${ws}/stories`;
    expect((await moderator.request({ method: 'POST', url, payload: { title: 'Mine' } })).statusCode).toBe(403);
    expect((await texter.request({ method: 'GET', url: `${url}/${s.id}/submissions` })).statusCode).toBe(403);
    expect((await texter.request({ method: 'POST', url: `${url}/${s.id}/submissions/${pending?.id}/approve` })).statusCode).toBe(403);
    const approved = await moderator.request({ method: 'POST', url: `${url}/${s.id}/submissions/${pending?.id}/approve` });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', moderatedBy: 'moderator' });
  });
});
