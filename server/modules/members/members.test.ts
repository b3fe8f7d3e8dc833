import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { isSuppressed } from './consent.repo.ts';

const WORDING = 'Yes, text me about Climate Austin. Msg & data rates may apply. Reply STOP to opt out.';

describe.each(testDialects())('members API on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;
  let base: string;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    owner = await signIn(t.app, t.demo.email, t.demo.password);
    ws = t.demo.workspaceId;
    base = `/api/workspaces/${ws}/members`;
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (payload: Record<string, unknown>, client: Client = owner) => client.request({ method: 'POST', url: base, payload });
  const createOk = async (payload: Record<string, unknown>) => {
    const response = await create(payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number; [key: string]: unknown };
  };
  const list = async (query: Record<string, string | number>) => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    const response = await owner.request({ method: 'GET', url: `${base}?${qs}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      members: { id: number; firstName: string | null }[];
      nextCursor: string | null;
      total: number;
      totalCapped: boolean;
    };
  };
  const ids = async (query: Record<string, string | number>) => (await list(query)).members.map((m) => m.id);

  async function createCommunity(name: string): Promise<number> {
    const now = t.clock.now();
    const row = await t.database.db
      .insertInto('communities')
      .values({
        workspace_id: ws,
        name,
        slug: name.toLowerCase().replace(/\W+/g, '-'),
        visibility: 'public',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  async function join(communityId: number, memberId: number, role: 'member' | 'leader' | 'mentor', joinedAt: number) {
    await t.database.db
      .insertInto('memberships')
      .values({
        workspace_id: ws,
        community_id: communityId,
        member_id: memberId,
        role,
        status: 'active',
        source: 'test',
        joined_at: joinedAt,
        updated_at: joinedAt,
      })
      .execute();
    await t.database.db
      .updateTable('communities')
      .set((eb) => ({ member_count: eb('member_count', '+', 1) }))
      .where('id', '=', communityId)
      .execute();
  }
  const memberCount = async (communityId: number) =>
    (await t.database.db.selectFrom('communities').select('member_count').where('id', '=', communityId).executeTakeFirstOrThrow())
      .member_count;

  async function inviteAs(role: 'analyst' | 'organizer', email: string): Promise<Client> {
    const inv = (await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/invitations`, payload: { email, role } })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Ana Lyst', password: 'analyst-password-1' },
    });
    return signIn(t.app, email, 'analyst-password-1');
  }

  it('adds a member with cleaned fields, tags and consent recorded by the staff member, and shows it everywhere', async () => {
    const created = await create({
      firstName: 'MARIA',
      lastName: 'lopez',
      phone: '(512) 555-0100',
      email: 'Maria@Example.org',
      postalCode: '78701-1234',
      language: 'Spanish',
      customFields: { Shirt_Size: 'M', volunteer: true },
      source: 'rally',
      tags: ['Volunteer', 'climate'],
      consent: { sms: { wording: WORDING } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      firstName: 'Maria',
      lastName: 'Lopez',
      phone: '+15125550100',
      email: 'maria@example.org',
      postalCode: '78701',
      language: 'es',
      timezone: 'America/Chicago',
      timezoneSource: 'postal_code',
      customFields: { shirt_size: 'M', volunteer: true },
      source: 'rally',
      tags: ['climate', 'volunteer'],
      smsConsent: 'granted',
      emailConsent: 'none',
      referredBy: null,
      communities: [],
      notesCount: 0,
      mergedIds: [],
      erasedAt: null,
      warnings: [],
      createdAt: '2026-11-22T15:00:00.000Z',
    });

    const got = (await owner.request({ method: 'GET', url: `${base}/${body.id}` })).json();
    expect(got).toMatchObject({ id: body.id, phone: '+15125550100', smsConsent: 'granted', suppressed: { sms: false, email: false } });

    const ledger = (await owner.request({ method: 'GET', url: `${base}/${body.id}/consent` })).json();
    expect(ledger.current).toEqual({ sms: 'granted', email: 'none' });
    expect(ledger.events).toEqual([
      expect.objectContaining({
        channel: 'sms',
        status: 'granted',
        method: 'staff',
        wording: WORDING,
        recordedBy: { id: owner.userId, name: expect.any(String) },
      }),
    ]);

    const timeline = (await owner.request({ method: 'GET', url: `${base}/${body.id}/timeline` })).json();
    expect(timeline.activities.map((a: { type: string }) => a.type).sort()).toEqual(['created', 'opted_in', 'tagged', 'tagged']);

    const row = await t.database.db.selectFrom('members').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      workspace_id: ws,
      name_key: 'maria lopez',
      last_name_key: 'lopez',
      custom_fields: '{"shirt_size":"M","volunteer":true}',
    });
  });

  it('records consent given through an API key with method api', async () => {
    const key = (
      await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/api-keys`, payload: { name: 'CRM sync', role: 'organizer' } })
    ).json();
    const response = await t.app.inject({
      method: 'POST',
      url: base,
      headers: { authorization: `Bearer ${key.secret}` },
      payload: { phone: '+1 206 555 0101', consent: { sms: { wording: WORDING } } },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ timezone: 'America/Los_Angeles', timezoneSource: 'area_code' });
    const ledger = (await owner.request({ method: 'GET', url: `${base}/${response.json().id}/consent` })).json();
    expect(ledger.events).toEqual([expect.objectContaining({ method: 'api', recordedBy: null })]);
  });

  it('answers field-level errors and stores nothing; warnings do not stop the save', async () => {
    const long = await create({ firstName: 'x'.repeat(10_001), phone: '5125550100' });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({
      code: 'member.invalid',
      errors: [{ path: 'body.firstName', message: 'is longer than 1,000 characters' }],
    });

    const badEmail = await create({ email: 'maria@', phone: '5125550100' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().errors).toEqual([{ path: 'body.email', message: '"maria@" is not a valid email address' }]);

    const nothing = await create({ firstName: 'Ana' });
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json().errors).toEqual([{ path: 'body.phone', message: 'needs a phone number or an email address' }]);
    expect(nothing.json().detail).toBe('The member could not be saved: body.phone needs a phone number or an email address.');

    const smsWithoutPhone = await create({ email: 'ana@example.org', consent: { sms: { wording: WORDING } } });
    expect(smsWithoutPhone.statusCode).toBe(400);
    expect(smsWithoutPhone.json().errors).toEqual([
      { path: 'body.consent.sms', message: 'needs a valid mobile phone number to record SMS consent' },
    ]);

    const badShape = await create({ phone: '5125550100', tags: ['x'.repeat(51)] });
    expect(badShape.statusCode).toBe(400);
    expect(badShape.json().errors).toEqual([{ path: 'body.tags.0', message: 'must be at most 50 characters' }]);

    const count = await t.database.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);

    const warned = await create({ firstName: 'Ana', email: 'ana@example.org', phone: '555-01', language: 'Klingon' });
    expect(warned.statusCode).toBe(201);
    expect(warned.json()).toMatchObject({ phone: null, phoneRaw: '555-01', language: 'en' });
    expect(warned.json().warnings).toEqual([
      { field: 'phone', message: '"555-01" is not a valid phone number; kept as given and flagged' },
      { field: 'language', message: '"Klingon" is not a supported language (English or Spanish); using English' },
    ]);
  });

  it('refuses a phone number that already belongs to a live member, in any format, naming that member', async () => {
    const first = await createOk({ firstName: 'Maria', lastName: 'Lopez', phone: '512-555-0100' });
    const again = await create({ firstName: 'M', phone: '+1 (512) 555 0100' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'member.duplicate',
      detail: `This phone number already belongs to Maria Lopez (member ${first.id}); edit that member, or merge the two.`,
      errors: [{ path: 'body.phone', message: `already belongs to member ${first.id}` }],
    });

    const other = await createOk({ phone: '512-555-0199' });
    const patched = await owner.request({ method: 'PATCH', url: `${base}/${other.id}`, payload: { phone: '5125550100' } });
    expect(patched.statusCode).toBe(409);
    expect(patched.json().code).toBe('member.duplicate');
    const stored = await t.database.db.selectFrom('members').select('phone').where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(stored.phone).toBe('+15125550199');
  });

  it('searches by name prefix, phone in any format, email prefix, tag, community, custom field, consent and language', async () => {
    const maria = await createOk({
      firstName: 'Maria',
      lastName: 'Lopez',
      phone: '5125550100',
      tags: ['volunteer'],
      customFields: { team: 'blue' },
    });
    const mark = await createOk({
      firstName: 'Mark',
      lastName: 'Marley',
      email: 'mark@example.org',
      language: 'es',
      customFields: { team: 'red', age: 40 },
    });
    const lopez = await createOk({ firstName: 'Ana', lastName: 'Lopezova', phone: '2065550100', consent: { sms: { wording: WORDING } } });
    const flagged = await createOk({ firstName: 'Zed', email: 'zed@sample.net', customFields: { volunteer: true } });

    expect(await ids({ q: 'mar' })).toEqual([mark.id, maria.id]);
    expect(await ids({ q: 'MARIA L' })).toEqual([maria.id]);
    expect(await ids({ q: 'lopez' })).toEqual([lopez.id, maria.id]);
    expect(await ids({ q: 'marl' })).toEqual([mark.id]);
    expect(await ids({ q: '(512) 555-0100' })).toEqual([maria.id]);
    expect(await ids({ q: '+1 512.555.0100' })).toEqual([maria.id]);
    expect(await ids({ q: '512 555' })).toEqual([]);
    expect(await ids({ q: 'Mark@' })).toEqual([mark.id]);
    expect(await ids({ q: 'zed@sam' })).toEqual([flagged.id]);
    expect(await ids({ tag: 'Volunteer' })).toEqual([maria.id]);
    expect(await ids({ field: 'team', value: 'red' })).toEqual([mark.id]);
    expect(await ids({ field: 'age', value: '40' })).toEqual([mark.id]);
    expect(await ids({ field: 'volunteer', value: 'true' })).toEqual([flagged.id]);
    expect(await ids({ consent: 'sms_granted' })).toEqual([lopez.id]);
    expect(await ids({ consent: 'sms_none', q: 'ma' })).toEqual([mark.id, maria.id]);
    expect(await ids({ language: 'Spanish' })).toEqual([mark.id]);
    expect(await ids({ language: 'es' })).toEqual([mark.id]);

    const climate = await createCommunity('Climate Austin');
    await join(climate, maria.id, 'member', t.clock.now());
    await join(climate, flagged.id, 'member', t.clock.now());
    expect(await ids({ communityId: climate })).toEqual([flagged.id, maria.id]);
    expect(await ids({ communityId: climate, q: 'maria' })).toEqual([maria.id]);

    const noValue = await owner.request({ method: 'GET', url: `${base}?field=team` });
    expect(noValue.statusCode).toBe(400);
    expect(noValue.json().errors).toEqual([{ path: 'querystring.value', message: 'is required with field' }]);
    const badField = await owner.request({ method: 'GET', url: `${base}?field=te%27am&value=x` });
    expect(badField.statusCode).toBe(400);
  });

  it('pages with a cursor, newest first, and counts all matches', async () => {
    const created: number[] = [];
    for (let i = 0; i < 5; i++) created.push((await createOk({ firstName: `Person${i}`, phone: `51255501${10 + i}` })).id);
    const first = await list({ limit: 2 });
    expect(first).toMatchObject({ total: 5, totalCapped: false });
    expect(first.members.map((m) => m.id)).toEqual([created[4], created[3]]);
    const second = await list({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.members.map((m) => m.id)).toEqual([created[2], created[1]]);
    const third = await list({ limit: 2, cursor: second.nextCursor ?? '' });
    expect(third.members.map((m) => m.id)).toEqual([created[0]]);
    expect(third.nextCursor).toBeNull();
    const tooMany = await owner.request({ method: 'GET', url: `${base}?limit=201` });
    expect(tooMany.statusCode).toBe(400);
  });

  it('lists the tags in use, most used first, with how many members carry each', async () => {
    await createOk({ firstName: 'Ana', phone: '5125550101', tags: ['rally-crew', 'vip-donor'] });
    await createOk({ firstName: 'Ben', phone: '5125550102', tags: ['rally-crew'] });
    await createOk({ firstName: 'Cy', phone: '5125550103', tags: ['rally-crew', 'bus-driver'] });
    const response = await owner.request({ method: 'GET', url: `${base}/tags` });
    expect(response.statusCode, response.body).toBe(200);
    const ours = (response.json() as { tags: { tag: string; members: number }[] }).tags.filter((t) =>
      ['rally-crew', 'vip-donor', 'bus-driver'].includes(t.tag),
    );
    expect(ours).toEqual([
      { tag: 'rally-crew', members: 3 },
      { tag: 'bus-driver', members: 1 },
      { tag: 'vip-donor', members: 1 },
    ]);
  });

  it('edits a member: keys, time zone and custom fields follow; consent is untouched; tags are replaced', async () => {
    const m = await createOk({
      firstName: 'Maria',
      lastName: 'Lopez',
      phone: '5125550100',
      postalCode: '78701',
      customFields: { team: 'blue', size: 'M' },
      tags: ['a', 'b'],
      consent: { sms: { wording: WORDING } },
    });
    const patched = await owner.request({
      method: 'PATCH',
      url: `${base}/${m.id}`,
      payload: { lastName: 'GARCIA', postalCode: '98101', customFields: { size: null, Role: 'captain' }, tags: ['b', 'c'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      firstName: 'Maria',
      lastName: 'Garcia',
      phone: '+15125550100',
      postalCode: '98101',
      timezone: 'America/Los_Angeles',
      timezoneSource: 'postal_code',
      customFields: { team: 'blue', role: 'captain' },
      tags: ['b', 'c'],
      smsConsent: 'granted',
      warnings: [],
    });
    expect(await ids({ q: 'garcia' })).toEqual([m.id]);
    expect(await ids({ q: 'lopez' })).toEqual([]);
    expect(await ids({ q: 'maria g' })).toEqual([m.id]);

    const cleared = await owner.request({ method: 'PATCH', url: `${base}/${m.id}`, payload: { phone: null } });
    expect(cleared.statusCode).toBe(400);
    expect(cleared.json().errors).toEqual([{ path: 'body.phone', message: 'needs a phone number or an email address' }]);

    const moved = await owner.request({ method: 'PATCH', url: `${base}/${m.id}`, payload: { phone: '2065550142' } });
    expect(moved.json().warnings).toEqual([
      { field: 'phone', message: 'the SMS consent on record was given for the previous number; confirm it for the new one' },
    ]);
    expect(moved.json().smsConsent).toBe('granted');
    const ledger = (await owner.request({ method: 'GET', url: `${base}/${m.id}/consent` })).json();
    expect(ledger.events).toHaveLength(1);
  });

  it('tags and untags, logging a tagged activity once', async () => {
    const m = await createOk({ phone: '5125550100' });
    for (let i = 0; i < 2; i++) {
      const added = await owner.request({ method: 'POST', url: `${base}/${m.id}/tags`, payload: { tag: '  Phone Bank ' } });
      expect(added.statusCode).toBe(204);
    }
    expect(await ids({ tag: 'phone bank' })).toEqual([m.id]);
    const timeline = (await owner.request({ method: 'GET', url: `${base}/${m.id}/timeline` })).json();
    expect(timeline.activities.filter((a: { type: string }) => a.type === 'tagged')).toEqual([
      expect.objectContaining({ data: { tag: 'phone bank' } }),
    ]);
    const removed = await owner.request({ method: 'DELETE', url: `${base}/${m.id}/tags/Phone%20Bank` });
    expect(removed.statusCode).toBe(204);
    expect(await ids({ tag: 'phone bank' })).toEqual([]);
    const empty = await owner.request({ method: 'POST', url: `${base}/${m.id}/tags`, payload: { tag: '  ' } });
    expect(empty.json().errors).toEqual([{ path: 'body.tag', message: 'is required' }]);
  });

  it('keeps notes with their author', async () => {
    const m = await createOk({ phone: '5125550100' });
    const added = await owner.request({
      method: 'POST',
      url: `${base}/${m.id}/notes`,
      payload: { body: ' Met at the rally; wants to lead a team. ' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ body: 'Met at the rally; wants to lead a team.', author: { id: owner.userId } });
    const notes = (await owner.request({ method: 'GET', url: `${base}/${m.id}/notes` })).json();
    expect(notes.notes).toHaveLength(1);
    expect((await owner.request({ method: 'GET', url: `${base}/${m.id}` })).json().notesCount).toBe(1);
    const long = await owner.request({ method: 'POST', url: `${base}/${m.id}/notes`, payload: { body: 'x'.repeat(5001) } });
    expect(long.json().errors).toEqual([{ path: 'body.body', message: 'must be at most 5,000 characters' }]);
  });

  it('records consent given and withdrawn; a withdrawal suppresses the number; SMS needs a textable phone', async () => {
    const m = await createOk({ phone: '5125550100' });
    const granted = await owner.request({
      method: 'POST',
      url: `${base}/${m.id}/consent`,
      payload: { channel: 'sms', status: 'granted', wording: WORDING },
    });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toMatchObject({ channel: 'sms', status: 'granted', method: 'staff', wording: WORDING });
    t.clock.advance(60_000);
    const revoked = await owner.request({
      method: 'POST',
      url: `${base}/${m.id}/consent`,
      payload: { channel: 'sms', status: 'revoked', wording: 'Asked on the phone to stop texts' },
    });
    expect(revoked.statusCode).toBe(201);
    const ledger = (await owner.request({ method: 'GET', url: `${base}/${m.id}/consent` })).json();
    expect(ledger.current.sms).toBe('revoked');
    expect(ledger.events.map((e: { status: string }) => e.status)).toEqual(['revoked', 'granted']);
    expect(await isSuppressed(t.database.db, TEST_APP_SECRET, ws, 'sms', '+15125550100')).toBe(true);

    const emailOnly = await createOk({ email: 'ana@example.org' });
    const noPhone = await owner.request({
      method: 'POST',
      url: `${base}/${emailOnly.id}/consent`,
      payload: { channel: 'sms', status: 'granted', wording: WORDING },
    });
    expect(noPhone.statusCode).toBe(400);
    expect(noPhone.json().errors).toEqual([
      { path: 'body.channel', message: 'this member has no valid phone number; add a mobile number before recording SMS consent' },
    ]);
    const landline = await createOk({ phone: '+44 20 7946 0958' });
    expect(landline.warnings).toEqual([{ field: 'phone', message: 'landline: cannot receive texts' }]);
    const refused = await owner.request({
      method: 'POST',
      url: `${base}/${landline.id}/consent`,
      payload: { channel: 'sms', status: 'granted', wording: WORDING },
    });
    expect(refused.statusCode).toBe(400);
    const noWording = await owner.request({
      method: 'POST',
      url: `${base}/${m.id}/consent`,
      payload: { channel: 'sms', status: 'granted' },
    });
    expect(noWording.json().errors).toEqual([{ path: 'body.wording', message: expect.any(String) }]);
  });

  it('finds likely duplicates', async () => {
    const a = await createOk({
      firstName: 'Maria',
      lastName: 'Lopez',
      phone: '5125550100',
      email: 'maria@example.org',
      postalCode: '78701',
    });
    const sameEmail = await createOk({ firstName: 'M', email: 'maria@example.org' });
    const sameNamePostal = await createOk({ firstName: 'maria', lastName: 'LOPEZ', email: 'ml@example.org', postalCode: '78701' });
    const sameNameLast4 = await createOk({ firstName: 'Maria', lastName: 'Lopez', phone: '7135550100' });
    await createOk({ firstName: 'Maria', lastName: 'Lopez', phone: '7135550999' });
    const found = (await owner.request({ method: 'GET', url: `${base}/${a.id}/duplicates` })).json();
    expect(found.candidates.map((c: { member: { id: number }; reasons: string[] }) => [c.member.id, c.reasons])).toEqual([
      [sameNameLast4.id, ['same_name_phone_last4']],
      [sameNamePostal.id, ['same_name_postal_code']],
      [sameEmail.id, ['same_email']],
    ]);
  });

  it('merges a duplicate, keeping all history: timeline, ledger, tags, memberships, notes and counts', async () => {
    const climate = await createCommunity('Climate Austin');
    const transit = await createCommunity('Transit');
    const survivor = await createOk({ firstName: 'Maria', lastName: 'Lopez', email: 'maria@example.org', tags: ['volunteer'] });
    t.clock.advance(1000);
    const dup = await createOk({ firstName: 'Maria', phone: '5125550100', tags: ['donor'], consent: { sms: { wording: WORDING } } });
    await join(climate, survivor.id, 'member', t.clock.now());
    await join(climate, dup.id, 'leader', t.clock.now() - 86_400_000);
    await join(transit, dup.id, 'member', t.clock.now());
    await owner.request({ method: 'POST', url: `${base}/${dup.id}/notes`, payload: { body: 'Called twice.' } });
    t.clock.advance(1000);
    // The survivor's own latest email event predates the duplicate's SMS grant; both channels must end up right.
    await owner.request({
      method: 'POST',
      url: `${base}/${survivor.id}/consent`,
      payload: { channel: 'email', status: 'granted', wording: 'Emails ok' },
    });
    expect(await memberCount(climate)).toBe(2);

    t.clock.advance(1000);
    const merged = await owner.request({ method: 'POST', url: `${base}/${survivor.id}/merge`, payload: { duplicateId: dup.id } });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({
      id: survivor.id,
      phone: '+15125550100',
      email: 'maria@example.org',
      tags: ['donor', 'volunteer'],
      smsConsent: 'granted',
      emailConsent: 'granted',
      mergedIds: [dup.id],
      notesCount: 1,
    });
    const communities = merged.json().communities as { id: number; role: string; status: string; joinedAt: string }[];
    expect(communities).toEqual([
      {
        id: climate,
        name: 'Climate Austin',
        role: 'leader',
        status: 'active',
        joinedAt: new Date(t.clock.now() - 2000 - 86_400_000).toISOString(),
      },
      { id: transit, name: 'Transit', role: 'member', status: 'active', joinedAt: expect.any(String) },
    ]);
    expect(await memberCount(climate)).toBe(1);
    expect(await memberCount(transit)).toBe(1);

    const gone = await owner.request({ method: 'GET', url: `${base}/${dup.id}` });
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({
      code: 'member.merged',
      detail: `Member ${dup.id} was merged into member ${survivor.id}; use member ${survivor.id} instead.`,
    });
    expect(gone.headers.location).toBe(`/api/workspaces/${ws}/members/${survivor.id}`);
    expect(await ids({})).toEqual([survivor.id]);
    expect(await ids({ q: '5125550100' })).toEqual([survivor.id]);

    const timeline = (await owner.request({ method: 'GET', url: `${base}/${survivor.id}/timeline` })).json();
    const types = timeline.activities.map((a: { type: string }) => a.type);
    expect(types[0]).toBe('merged');
    expect(types.filter((x: string) => x === 'created')).toHaveLength(2);
    const ledger = (await owner.request({ method: 'GET', url: `${base}/${survivor.id}/consent` })).json();
    expect(ledger.events.map((e: { channel: string; status: string }) => `${e.channel}:${e.status}`)).toEqual([
      'email:granted',
      'sms:granted',
    ]);
    const raw = await t.database.db.selectFrom('consent_events').select(['member_id']).orderBy('id').execute();
    expect(raw.map((r) => r.member_id)).toEqual([dup.id, survivor.id]); // the ledger is never rewritten

    const audit = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/audit` })).json();
    expect(audit.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'member.merged', targetId: String(survivor.id) })]),
    );

    const intoItself = await owner.request({ method: 'POST', url: `${base}/${survivor.id}/merge`, payload: { duplicateId: survivor.id } });
    expect([intoItself.statusCode, intoItself.json().code]).toEqual([400, 'member.merge_invalid']);
    const twice = await owner.request({ method: 'POST', url: `${base}/${survivor.id}/merge`, payload: { duplicateId: dup.id } });
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'member.merge_invalid']);
    const fromMerged = await owner.request({ method: 'POST', url: `${base}/${dup.id}/merge`, payload: { duplicateId: survivor.id } });
    expect([fromMerged.statusCode, fromMerged.json().code]).toEqual([410, 'member.merged']);

    // A member of another workspace cannot be merged in, even by someone who belongs to both.
    const other = (await owner.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } })).json();
    const stranger = (
      await owner.request({ method: 'POST', url: `/api/workspaces/${other.id}/members`, payload: { phone: '2065550100' } })
    ).json();
    const cross = await owner.request({ method: 'POST', url: `${base}/${survivor.id}/merge`, payload: { duplicateId: stranger.id } });
    expect(cross.statusCode).toBe(404);
    expect(cross.json()).toMatchObject({
      code: 'member.not_found',
      errors: [{ path: 'body.duplicateId', message: 'is not a member of this workspace' }],
    });
  });

  it('erases a member: personal data gone, number and email suppressed, counts fixed, ledger kept', async () => {
    const climate = await createCommunity('Climate Austin');
    const m = await createOk({
      firstName: 'Maria',
      lastName: 'Lopez',
      phone: '5125550100',
      email: 'maria@example.org',
      postalCode: '78701',
      customFields: { team: 'blue' },
      tags: ['volunteer'],
      consent: { sms: { wording: WORDING } },
    });
    await join(climate, m.id, 'member', t.clock.now());
    await owner.request({ method: 'POST', url: `${base}/${m.id}/notes`, payload: { body: 'Lives on 5th street.' } });

    const erased = await owner.request({ method: 'POST', url: `${base}/${m.id}/erase` });
    expect(erased.statusCode).toBe(204);
    const got = (await owner.request({ method: 'GET', url: `${base}/${m.id}` })).json();
    expect(got).toMatchObject({
      firstName: null,
      lastName: null,
      phone: null,
      email: null,
      postalCode: null,
      customFields: {},
      tags: [],
      notesCount: 0,
      erasedAt: '2026-11-22T15:00:00.000Z',
      communities: [{ id: climate, status: 'left' }],
    });
    expect(await memberCount(climate)).toBe(0);
    expect(await ids({})).toEqual([]);
    expect(await ids({ q: 'maria' })).toEqual([]);
    expect(await ids({ q: '5125550100' })).toEqual([]);
    expect(await isSuppressed(t.database.db, TEST_APP_SECRET, ws, 'sms', '+15125550100')).toBe(true);
    expect(await isSuppressed(t.database.db, TEST_APP_SECRET, ws, 'email', 'maria@example.org')).toBe(true);
    const ledger = (await owner.request({ method: 'GET', url: `${base}/${m.id}/consent` })).json();
    expect(ledger.events).toHaveLength(1);
    const stored = JSON.stringify(await t.database.db.selectFrom('members').selectAll().where('id', '=', m.id).execute());
    expect(stored).not.toContain('5550100');
    expect(stored).not.toContain('maria');
    const changed = await owner.request({ method: 'PATCH', url: `${base}/${m.id}`, payload: { firstName: 'Back' } });
    expect([changed.statusCode, changed.json().code]).toEqual([410, 'member.erased']);
    const audit = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/audit` })).json();
    expect(audit.entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'member.erased', targetId: String(m.id) })]));

    // The same person can be added again, but texts stay blocked until they grant consent anew.
    const back = await create({ firstName: 'Maria', phone: '512 555 0100' });
    expect(back.statusCode).toBe(201);
    expect(back.json()).toMatchObject({ smsConsent: 'none', suppressed: { sms: true, email: false } });
    expect(back.json().warnings).toEqual([
      {
        field: 'phone',
        message: 'this number opted out of texts (or belonged to an erased member); it gets no texts until the member grants consent again',
      },
    ]);
    expect(await isSuppressed(t.database.db, TEST_APP_SECRET, ws, 'sms', '+15125550100')).toBe(true);
    await owner.request({
      method: 'POST',
      url: `${base}/${back.json().id}/consent`,
      payload: { channel: 'sms', status: 'granted', wording: WORDING },
    });
    expect(await isSuppressed(t.database.db, TEST_APP_SECRET, ws, 'sms', '+15125550100')).toBe(false);
  });

  it('exports everything held about a member and audits it', async () => {
    const m = await createOk({ firstName: 'Maria', phone: '5125550100', tags: ['volunteer'], consent: { sms: { wording: WORDING } } });
    await owner.request({ method: 'POST', url: `${base}/${m.id}/notes`, payload: { body: 'Prefers evenings.' } });
    const response = await owner.request({ method: 'GET', url: `${base}/${m.id}/export` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="member-${m.id}.json"`);
    const doc = response.json();
    expect(doc.member).toMatchObject({ id: m.id, firstName: 'Maria', phone: '+15125550100', tags: ['volunteer'] });
    expect(doc.notes).toEqual([expect.objectContaining({ body: 'Prefers evenings.' })]);
    expect(doc.consentEvents).toEqual([expect.objectContaining({ wording: WORDING })]);
    expect(doc.activities.map((a: { type: string }) => a.type).sort()).toEqual(['created', 'opted_in', 'tagged']);
    const audit = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/audit` })).json();
    expect(audit.entries[0]).toMatchObject({ action: 'member.exported', targetId: String(m.id) });
  });

  it('pages the timeline with nextBefore', async () => {
    const m = await createOk({ phone: '5125550100' });
    for (const tag of ['a', 'b', 'c', 'd']) {
      t.clock.advance(1000);
      await owner.request({ method: 'POST', url: `${base}/${m.id}/tags`, payload: { tag } });
    }
    const first = (await owner.request({ method: 'GET', url: `${base}/${m.id}/timeline?limit=3` })).json();
    expect(first.activities.map((a: { data: { tag?: string } }) => a.data.tag)).toEqual(['d', 'c', 'b']);
    const second = (await owner.request({ method: 'GET', url: `${base}/${m.id}/timeline?limit=3&before=${first.nextBefore}` })).json();
    expect(second.activities.map((a: { type: string }) => a.type)).toEqual(['tagged', 'created']);
    expect(second.nextBefore).toBeNull();
  });

  it('lets an analyst read but not change members', async () => {
    const m = await createOk({ firstName: 'Maria', phone: '5125550100' });
    const analyst = await inviteAs('analyst', 'analyst@example.org');
    expect((await analyst.request({ method: 'GET', url: base })).statusCode).toBe(200);
    expect((await analyst.request({ method: 'GET', url: `${base}/${m.id}` })).statusCode).toBe(200);
    const writes = [
      { method: 'POST' as const, url: base, payload: { phone: '2065550100' } },
      { method: 'PATCH' as const, url: `${base}/${m.id}`, payload: { firstName: 'X' } },
      { method: 'POST' as const, url: `${base}/${m.id}/tags`, payload: { tag: 'x' } },
      { method: 'POST' as const, url: `${base}/${m.id}/erase` },
      { method: 'GET' as const, url: `${base}/${m.id}/export` },
    ];
    for (const write of writes) {
      const response = await analyst.request(write);
      expect([response.statusCode, response.json().code], `${write.method} ${write.url}`).toEqual([403, 'auth.forbidden']);
    }
    const organizer = await inviteAs('organizer', 'organizer2@example.org');
    const erase = await organizer.request({ method: 'POST', url: `${base}/${m.id}/erase` });
    expect(erase.statusCode).toBe(403);
    expect((await owner.request({ method: 'GET', url: `${base}/${m.id}` })).json().firstName).toBe('Maria');
  });

  it('answers 404 for an unknown member', async () => {
    const response = await owner.request({ method: 'GET', url: `${base}/999999` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'member.not_found', detail: 'There is no member 999999 in this workspace.' });
  });
});
