import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { createAppJobRegistry } from '../../jobs/definitions.ts';
import { createJobRegistry } from '../../jobs/registry.ts';
import { createWorker } from '../../jobs/worker.ts';
import { createLogger } from '../../lib/logger.ts';
import { addressHash } from '../../lib/tokens.ts';
import { createImportRunJob, runImport } from './import.job.ts';
import { createImportsService } from './imports.service.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/imports');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const silent = createLogger({ level: 'silent' });

const AN_MAPPING = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  zip_code: 'postalCode',
  can2_phone: 'phone',
  can2_user_tags: 'tags',
  language: 'language',
};
const SPOKE_MAPPING = { firstName: 'firstName', lastName: 'lastName', cell: 'phone', zip: 'postalCode', external_id: 'custom:external_id' };
const WORDING = 'Yes, text me about climate action in Austin. Msg & data rates may apply. Reply STOP to opt out.';

describe.each(testDialects())('CSV import on %s', (dialect) => {
  let t: TestApp;
  let a: Client;
  let ws: number;
  let base: string;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    base = `/api/workspaces/${ws}`;
    a = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;

  async function upload(body: Buffer | string | Readable, filename = 'members.csv', contentType = 'text/csv') {
    return a.request({
      method: 'POST',
      url: `${base}/imports?filename=${encodeURIComponent(filename)}`,
      headers: { 'content-type': contentType },
      payload: body,
    });
  }

  async function createCommunity(name: string, slug: string): Promise<number> {
    const row = await db()
      .insertInto('communities')
      .values({ workspace_id: ws, name, slug, visibility: 'public', created_at: t.clock.now(), updated_at: t.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Runs queued jobs the way a worker does, until none is due. */
  async function runJobs(registry = createAppJobRegistry({ db: db(), clock: t.clock, appSecret: TEST_APP_SECRET, config: t.config })) {
    const worker = createWorker({
      db: db(),
      registry,
      clock: t.clock,
      logger: silent,
      concurrency: 1,
      pollMs: 10,
      leaseMs: 60_000,
      random: () => 0.5,
    });
    for (let i = 0; i < 20; i++) if ((await worker.runOnce()) === 0) break;
  }

  const getImport = async (id: number) => (await a.request({ method: 'GET', url: `${base}/imports/${id}` })).json();
  const errorsOf = async (id: number) => (await a.request({ method: 'GET', url: `${base}/imports/${id}/errors` })).json();
  const memberByEmail = (email: string) =>
    db().selectFrom('members').selectAll().where('workspace_id', '=', ws).where('email', '=', email).executeTakeFirstOrThrow();
  const memberByPhone = (phone: string) =>
    db().selectFrom('members').selectAll().where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirstOrThrow();
  const count = async (table: 'members' | 'consent_events' | 'memberships' | 'activities' | 'member_tags' | 'suppressions') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', ws)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('imports an Action Network export and a Spoke export: deduped members in a community, consent only from the consent columns, errors by line', async () => {
    const climate = await createCommunity('Climate – Austin', 'climate-austin');

    // ── Action Network ──
    const an = await upload(fixture('action-network.csv'), 'action-network.csv');
    expect(an.statusCode, an.body).toBe(201);
    const anBody = an.json();
    expect(anBody.import).toMatchObject({ status: 'uploaded', filename: 'action-network.csv', totalRows: 27, processedRows: 0 });
    expect(anBody.encoding).toBe('utf-8');
    expect(anBody.delimiter).toBe(',');
    expect(anBody.suggestedMapping).toEqual({
      first_name: 'firstName',
      last_name: 'lastName',
      email: 'email',
      zip_code: 'postalCode',
      can2_phone: 'phone',
      can2_sms_status: null,
      can2_subscription_status: null,
      can2_user_tags: 'tags',
      language: 'language',
      uuid: null,
      created_date: null,
    });
    expect(anBody.suggestedConsent).toEqual({ smsColumn: 'can2_sms_status', emailColumn: 'can2_subscription_status' });
    expect(anBody.sampleRows[0]).toEqual([
      'Maria',
      'Garcia',
      'maria.garcia@example.org',
      '78701',
      '(512) 555-0101',
      'subscribed',
      'subscribed',
      'climate, austin',
      'es',
      'action_network:0c1d2e3f-0001',
      '2025-03-02 14:10:00',
    ]);
    expect(anBody.notes.join(' ')).toContain('will be ignored unless you map them');

    const started = await a.request({
      method: 'POST',
      url: `${base}/imports/${anBody.import.id}/start`,
      payload: {
        mapping: AN_MAPPING,
        options: {
          communityIds: [climate],
          tags: ['action-network'],
          consent: { smsColumn: 'can2_sms_status', emailColumn: 'can2_subscription_status', wording: WORDING },
        },
      },
    });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ status: 'running', dryRun: false, mapping: AN_MAPPING });
    const job = await db().selectFrom('jobs').selectAll().where('type', '=', 'imports.run').executeTakeFirstOrThrow();
    expect(job.idempotency_key).toBe(`import:${anBody.import.id}:false`);
    await runJobs();

    const anDone = await getImport(anBody.import.id);
    expect(anDone).toMatchObject({
      status: 'done',
      processedRows: 27,
      totalRows: 27,
      createdCount: 21,
      updatedCount: 0,
      duplicateCount: 1,
      errorCount: 5,
    });
    const anReport = await errorsOf(anBody.import.id);
    const anErrors = anReport.errors.filter((e: { severity: string }) => e.severity === 'error');
    expect(anErrors.map((e: { line: number }) => e.line)).toEqual([10, 12, 14, 21, 23]);
    expect(anErrors[0]).toMatchObject({
      line: 10,
      field: 'can2_phone',
      message: expect.stringContaining('"555-12" is not a valid phone number'),
    });
    expect(anErrors[1]).toMatchObject({ line: 12, message: expect.stringContaining('needs a phone number or an email address') });
    expect(anErrors[2]).toMatchObject({ line: 14, field: 'first_name', message: 'is longer than 1,000 characters' });
    expect(anErrors[3]).toMatchObject({
      line: 21,
      field: null,
      message: expect.stringContaining('has 12 values but the header has 11 columns'),
    });
    expect(anErrors[4]).toMatchObject({ line: 23, field: 'email', message: expect.stringContaining('not a valid email address') });
    const anWarnings = anReport.errors.filter((e: { severity: string }) => e.severity === 'warning');
    expect(anWarnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: 16,
          field: 'can2_sms_status',
          message: expect.stringContaining('"bouncing" is not a yes/no answer'),
        }),
        expect.objectContaining({ line: 19, field: 'can2_phone', message: expect.stringContaining('kept as given') }),
        expect.objectContaining({ line: 19, field: 'can2_sms_status', message: expect.stringContaining('no valid phone number') }),
      ]),
    );

    const maria = await memberByEmail('maria.garcia@example.org');
    expect(maria).toMatchObject({
      phone: '+15125550101',
      first_name: 'Maria',
      postal_code: '78701',
      language: 'es',
      sms_consent: 'granted',
      email_consent: 'granted',
    });
    const james = await memberByEmail('jsmith@example.com');
    const jamesTags = await db().selectFrom('member_tags').select('tag').where('member_id', '=', james.id).orderBy('tag').execute();
    // The duplicate row (line 17, same email in other case) adds its tag to the same member.
    expect(jamesTags.map((r) => r.tag)).toEqual(['action-network', 'climate', 'volunteer']);
    expect((await memberByEmail('aisha.j@example.net')).sms_consent).toBe('revoked');
    expect((await memberByEmail('wei.chen@example.org')).sms_consent).toBe('none');
    expect((await memberByEmail('olivia.brown@example.com')).email_consent).toBe('revoked');
    expect(await memberByEmail('ava.taylor@example.org')).toMatchObject({ sms_consent: 'granted' });
    expect(await memberByEmail('mia.jackson@example.org')).toMatchObject({ phone: null, phone_raw: 'call me', sms_consent: 'none' });
    const mariaEvents = await db().selectFrom('consent_events').selectAll().where('member_id', '=', maria.id).orderBy('id').execute();
    expect(mariaEvents).toEqual([
      expect.objectContaining({
        channel: 'sms',
        status: 'granted',
        method: 'import',
        import_id: anBody.import.id,
        wording: WORDING,
        address_hash: addressHash(TEST_APP_SECRET, 'sms', '+15125550101'),
      }),
      expect.objectContaining({ channel: 'email', status: 'granted', method: 'import', import_id: anBody.import.id, wording: WORDING }),
    ]);
    expect(await count('members')).toBe(21);
    expect(
      (await db().selectFrom('communities').select('member_count').where('id', '=', climate).executeTakeFirstOrThrow()).member_count,
    ).toBe(21);
    expect(await count('memberships')).toBe(21);

    // ── Spoke ── (overlaps by phone, in other formats)
    const spoke = await upload(fixture('spoke.csv'), 'spoke.csv');
    expect(spoke.statusCode, spoke.body).toBe(201);
    const spokeBody = spoke.json();
    expect(spokeBody.suggestedMapping).toMatchObject({
      'texter[firstName]': null,
      'texter[lastName]': null,
      firstName: 'firstName',
      lastName: 'lastName',
      cell: 'phone',
      zip: 'postalCode',
      optOut: null,
      external_id: null,
    });
    expect(spokeBody.suggestedConsent).toEqual({ smsColumn: 'optOut' });
    const spokeStart = await a.request({
      method: 'POST',
      url: `${base}/imports/${spokeBody.import.id}/start`,
      payload: {
        mapping: SPOKE_MAPPING,
        options: { communityIds: [climate], consent: { smsColumn: 'optOut', wording: 'Opted out by replying STOP in Spoke' } },
      },
    });
    expect(spokeStart.statusCode, spokeStart.body).toBe(202);
    await runJobs();
    expect(await getImport(spokeBody.import.id)).toMatchObject({
      status: 'done',
      processedRows: 22,
      createdCount: 14,
      updatedCount: 4,
      duplicateCount: 1,
      errorCount: 3,
    });
    const spokeErrors = (await errorsOf(spokeBody.import.id)).errors.filter((e: { severity: string }) => e.severity === 'error');
    expect(spokeErrors.map((e: { line: number; field: string | null }) => [e.line, e.field])).toEqual([
      [8, 'cell'],
      [11, 'cell'],
      [14, null],
    ]);

    // Deduped across both files: 21 + 14 members, all in the community once.
    expect(await count('members')).toBe(35);
    expect(await count('memberships')).toBe(35);
    expect(
      (await db().selectFrom('communities').select('member_count').where('id', '=', climate).executeTakeFirstOrThrow()).member_count,
    ).toBe(35);
    // Maria matched by phone: her Spoke external id filled in, her name and email kept; "optOut = true" revoked SMS only.
    const mariaAfter = await memberByPhone('+15125550101');
    expect(mariaAfter.id).toBe(maria.id);
    expect(mariaAfter).toMatchObject({
      email: 'maria.garcia@example.org',
      first_name: 'Maria',
      sms_consent: 'revoked',
      email_consent: 'granted',
    });
    expect(JSON.parse(mariaAfter.custom_fields)).toEqual({ external_id: 'van-1001' });
    const suppressed = await db()
      .selectFrom('suppressions')
      .select('reason')
      .where('workspace_id', '=', ws)
      .where('address_hash', '=', addressHash(TEST_APP_SECRET, 'sms', '+15125550101'))
      .executeTakeFirst();
    expect(suppressed?.reason).toBe('opt-out (import)');
    // "optOut = false" is not consent: no event for James from Spoke, and Aisha (already revoked) gets no second event.
    const spokeEvents = await db()
      .selectFrom('consent_events')
      .select(['member_id', 'status'])
      .where('import_id', '=', spokeBody.import.id)
      .execute();
    const owen = await memberByPhone('+15125550206');
    expect(spokeEvents.sort((x, y) => x.member_id - y.member_id)).toEqual(
      [
        { member_id: maria.id, status: 'revoked' },
        { member_id: owen.id, status: 'revoked' },
      ].sort((x, y) => x.member_id - y.member_id),
    );
    expect(owen.sms_consent).toBe('revoked');
    expect((await memberByPhone('+15125550201')).sms_consent).toBe('none');
    // One 'imported' activity per member per import, on the member's timeline.
    const imported = await db()
      .selectFrom('activities')
      .select(['member_id', 'subject_id', 'data'])
      .where('type', '=', 'imported')
      .where('member_id', '=', maria.id)
      .orderBy('id')
      .execute();
    expect(imported).toEqual([
      { member_id: maria.id, subject_id: anBody.import.id, data: '{"created":true}' },
      { member_id: maria.id, subject_id: spokeBody.import.id, data: '{"created":false}' },
    ]);

    const list = (await a.request({ method: 'GET', url: `${base}/imports` })).json();
    expect(list.imports.map((i: { id: number }) => i.id)).toEqual([spokeBody.import.id, anBody.import.id]);
    // The stored file is dropped once imported.
    const chunks = await db()
      .selectFrom('import_chunks')
      .select('seq')
      .where('import_id', 'in', [anBody.import.id, spokeBody.import.id])
      .execute();
    expect(chunks).toEqual([]);
  });

  it('fills empty fields of existing members and never overwrites them; dedupe "skip" leaves them alone', async () => {
    await upload('first_name,last_name,phone,email,zip\nMaria,Garcia,5125550101,,\nJames,,5125550102,,\n');
    const first = (await a.request({ method: 'GET', url: `${base}/imports` })).json().imports[0];
    await a.request({
      method: 'POST',
      url: `${base}/imports/${first.id}/start`,
      payload: { mapping: { first_name: 'firstName', last_name: 'lastName', phone: 'phone', email: 'email', zip: 'postalCode' } },
    });
    await runJobs();

    const second = (
      await upload(
        'Name,Mobile,E-mail,Postcode\nMARIA LOPEZ,(512) 555-0101,maria@example.org,78701\nJames Smith,512.555.0102,james@example.org,78702\n',
      )
    ).json();
    expect(second.suggestedMapping).toEqual({ Name: 'fullName', Mobile: 'phone', 'E-mail': 'email', Postcode: 'postalCode' });
    const mapping = { Name: 'fullName', Mobile: 'phone', 'E-mail': 'email', Postcode: 'postalCode' };
    await a.request({ method: 'POST', url: `${base}/imports/${second.import.id}/start`, payload: { mapping } });
    await runJobs();
    expect(await getImport(second.import.id)).toMatchObject({ status: 'done', createdCount: 0, updatedCount: 2 });
    expect(await memberByPhone('+15125550101')).toMatchObject({
      first_name: 'Maria',
      last_name: 'Garcia',
      email: 'maria@example.org',
      postal_code: '78701',
    });
    expect(await memberByPhone('+15125550102')).toMatchObject({
      first_name: 'James',
      last_name: 'Smith',
      name_key: 'james smith',
      email: 'james@example.org',
    });

    const third = (await upload('Name,Mobile,Postcode,Idioma\nAnna,5125550301,73301,es\nMaria X,5125550101,99999,es\n')).json();
    expect(third.suggestedMapping).toEqual({ Name: 'fullName', Mobile: 'phone', Postcode: 'postalCode', Idioma: 'language' });
    await a.request({
      method: 'POST',
      url: `${base}/imports/${third.import.id}/start`,
      payload: { mapping: third.suggestedMapping, options: { dedupe: 'skip', tags: ['skip-test'] } },
    });
    await runJobs();
    expect(await getImport(third.import.id)).toMatchObject({ createdCount: 1, updatedCount: 1 });
    const maria = await memberByPhone('+15125550101');
    expect(maria).toMatchObject({ postal_code: '78701', language: 'en' });
    const tags = await db().selectFrom('member_tags').select('tag').where('member_id', '=', maria.id).execute();
    expect(tags.map((r) => r.tag)).toEqual(['skip-test']);
  });

  it('a dry run counts what would happen and writes no member', async () => {
    const body = (await upload(fixture('action-network.csv'))).json();
    const started = await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: AN_MAPPING, options: { dryRun: true, consent: { smsColumn: 'can2_sms_status', wording: WORDING } } },
    });
    expect(started.json()).toMatchObject({ status: 'validating', dryRun: true });
    await runJobs();
    expect(await getImport(body.import.id)).toMatchObject({
      status: 'validated',
      createdCount: 21,
      updatedCount: 0,
      duplicateCount: 1,
      errorCount: 5,
      processedRows: 27,
    });
    expect(
      (await errorsOf(body.import.id)).errors
        .filter((e: { severity: string }) => e.severity === 'error')
        .map((e: { line: number }) => e.line),
    ).toEqual([10, 12, 14, 21, 23]);
    expect(await count('members')).toBe(0);
    expect(await count('consent_events')).toBe(0);
    expect(await count('activities')).toBe(0);

    // A checked import can then run for real (a second dry run is refused with a reason).
    const again = await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: AN_MAPPING, options: { dryRun: true } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('already checked');
    const real = await a.request({ method: 'POST', url: `${base}/imports/${body.import.id}/start`, payload: { mapping: AN_MAPPING } });
    expect(real.statusCode, real.body).toBe(202);
    await runJobs();
    expect(await getImport(body.import.id)).toMatchObject({ status: 'done', createdCount: 21, duplicateCount: 1, errorCount: 5 });
    expect(await count('members')).toBe(21);
  });

  it('resumes after a crash mid-import from the last committed batch: every row is written once', async () => {
    const climate = await createCommunity('Climate – Austin', 'climate-austin');
    const body = (await upload(fixture('action-network.csv'))).json();
    await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: AN_MAPPING, options: { communityIds: [climate], consent: { smsColumn: 'can2_sms_status', wording: WORDING } } },
    });
    // The database fails while writing the third batch (rows 11–15; Ethan is on line 15).
    if (dialect === 'sqlite') {
      await sql`create trigger crash before insert on members when new.email = 'ethan.anderson@example.com' begin select raise(abort, 'disk I/O error (simulated)'); end`.execute(
        db(),
      );
    } else {
      await sql`create function crash() returns trigger as $$ begin if new.email = 'ethan.anderson@example.com' then raise exception 'disk I/O error (simulated)'; end if; return new; end $$ language plpgsql`.execute(
        db(),
      );
      await sql`create trigger crash before insert on members for each row execute function crash()`.execute(db());
    }
    const registry = createJobRegistry([
      createImportRunJob({ db: db(), clock: t.clock, appSecret: TEST_APP_SECRET, batchRows: 5, commitRows: 5 }),
    ]);
    await runJobs(registry);
    const stopped = await getImport(body.import.id);
    expect(stopped).toMatchObject({ status: 'running', processedRows: 10 });
    expect(stopped.lastError).toContain('Attempt 1 of 3 stopped (disk I/O error (simulated))');
    const membersBefore = await count('members');
    expect(membersBefore).toBeGreaterThan(0);

    await sql`drop trigger crash${sql.raw(dialect === 'postgres' ? ' on members' : '')}`.execute(db());
    t.clock.advance(10 * 60_000);
    await runJobs(registry);
    expect(await getImport(body.import.id)).toMatchObject({
      status: 'done',
      processedRows: 27,
      createdCount: 21,
      duplicateCount: 1,
      errorCount: 5,
      lastError: null,
    });
    expect(await count('members')).toBe(21);
    expect(await count('memberships')).toBe(21);
    expect(
      (await db().selectFrom('communities').select('member_count').where('id', '=', climate).executeTakeFirstOrThrow()).member_count,
    ).toBe(21);
    const imported = await db().selectFrom('activities').select('member_id').where('type', '=', 'imported').execute();
    expect(imported).toHaveLength(21);
    expect(new Set(imported.map((r) => r.member_id)).size).toBe(21);
    const events = await db().selectFrom('consent_events').select(['member_id', 'channel']).execute();
    expect(new Set(events.map((e) => `${e.member_id}:${e.channel}`)).size).toBe(events.length);
    const lines = (await errorsOf(body.import.id)).errors.map(
      (e: { line: number; field: string | null; message: string }) => `${e.line}:${e.field}:${e.message}`,
    );
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('gives the same result when a large file is parsed in a worker thread', async () => {
    const inline = (await upload(fixture('action-network.csv'))).json();
    await a.request({
      method: 'POST',
      url: `${base}/imports/${inline.import.id}/start`,
      payload: { mapping: AN_MAPPING, options: { dryRun: true } },
    });
    const threaded = (await upload(fixture('action-network.csv'))).json();
    await a.request({
      method: 'POST',
      url: `${base}/imports/${threaded.import.id}/start`,
      payload: { mapping: AN_MAPPING, options: { dryRun: true } },
    });
    const deps = { db: db(), clock: t.clock, appSecret: TEST_APP_SECRET };
    expect(await runImport(deps, { workspaceId: ws, importId: inline.import.id, worker: false })).toBe('validated');
    expect(await runImport(deps, { workspaceId: ws, importId: threaded.import.id, worker: true, batchRows: 4, commitRows: 8 })).toBe(
      'validated',
    );
    const counts = (v: Record<string, unknown>) => [v.processedRows, v.createdCount, v.updatedCount, v.duplicateCount, v.errorCount];
    expect(counts(await getImport(threaded.import.id))).toEqual(counts(await getImport(inline.import.id)));
    expect((await errorsOf(threaded.import.id)).errors).toEqual((await errorsOf(inline.import.id)).errors);
  });

  it('stops a running import at the next batch when it is cancelled; rows already written stay', async () => {
    const body = (await upload(fixture('action-network.csv'))).json();
    await a.request({ method: 'POST', url: `${base}/imports/${body.import.id}/start`, payload: { mapping: AN_MAPPING } });
    let batches = 0;
    const outcome = await runImport(
      { db: db(), clock: t.clock, appSecret: TEST_APP_SECRET },
      {
        workspaceId: ws,
        importId: body.import.id,
        batchRows: 5,
        commitRows: 5,
        onProgress: async () => {
          batches++;
          if (batches === 2)
            expect((await a.request({ method: 'POST', url: `${base}/imports/${body.import.id}/cancel` })).statusCode).toBe(200);
        },
      },
    );
    expect(outcome).toBe('cancelled');
    const cancelled = await getImport(body.import.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', processedRows: 10 });
    const members = await count('members');
    expect(members).toBe(cancelled.createdCount);
    expect(members).toBeGreaterThan(0);
    // The queued job finds nothing to do.
    await runJobs();
    expect(await count('members')).toBe(members);
    const again = await a.request({ method: 'POST', url: `${base}/imports/${body.import.id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('import.not_cancellable');
  });

  it('refuses garbage with a clear message and keeps nothing', async () => {
    const cases: { body: Buffer | string; detail: string | RegExp }[] = [
      { body: fixture('image.png'), detail: 'This file is a PNG image, not a CSV file' },
      { body: fixture('empty.csv'), detail: 'The file is empty' },
      { body: Buffer.from('PK\u0003\u0004 workbook bytes'), detail: 'Excel workbook' },
      {
        body: fixture('windows-1252.csv'),
        detail: "The file is not UTF-8 text (line 3 has invalid bytes); save it as 'CSV UTF-8' and upload again.",
      },
      {
        body: 'Maria,Garcia,5125550101,maria@example.org\nJames,Smith,5125550102,james@example.org\n',
        detail: 'The first line looks like a member',
      },
      { body: 'x7#kq!!zz\nqwe9 rr\n@@@@\n', detail: /We found no columns in this file/ },
      { body: 'first_name,last_name,phone\n', detail: 'The file has a header row but no members below it' },
      { body: Buffer.from([0x00, 0x00, 0x13, 0x37, 0x00, 0x00, 0xff, 0x00]), detail: 'This file holds binary data, not text' },
      {
        body: Buffer.concat([Buffer.from(`first_name,phone\n${'Anna,5125550101\n'.repeat(300)}`), Buffer.from([0, 1, 2, 3])]),
        detail: 'Line 302 holds binary data',
      },
    ];
    for (const { body, detail } of cases) {
      const response = await upload(body);
      expect(response.statusCode, String(detail)).toBe(400);
      expect(response.json().code).toBe('import.invalid_file');
      if (typeof detail === 'string') expect(response.json().detail).toContain(detail);
      else expect(response.json().detail).toMatch(detail);
    }
    expect(await db().selectFrom('imports').selectAll().execute()).toEqual([]);
    expect(await db().selectFrom('import_chunks').select('seq').execute()).toEqual([]);
    const asJson = await a.request({ method: 'POST', url: `${base}/imports`, payload: { not: 'a file' } });
    expect(asJson.statusCode).toBe(415);
    const imports = createImportsService({ db: db(), clock: t.clock, appSecret: TEST_APP_SECRET });
    // Refused part-way, after the first chunks were checked and stored: nothing is kept.
    const pieces = Array.from({ length: 20 }, (_, n) =>
      Buffer.from(n === 0 ? `phone\n${'5125550101\n'.repeat(1_000)}` : '5125550101\n'.repeat(1_000)),
    );
    const tooLarge = imports.upload({ workspaceId: ws, actor: null, filename: 'big.csv', body: Readable.from(pieces), maxBytes: 100_000 });
    await expect(tooLarge).rejects.toMatchObject({ code: 'import.too_large', status: 413 });
    expect(await db().selectFrom('imports').selectAll().execute()).toEqual([]);
  });

  it('over a real connection: answers a refused upload at once, and streams a large one into storage', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const post = (body: Buffer, name: string) =>
      fetch(`http://127.0.0.1:${port}${base}/imports?filename=${name}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie: a.cookie, 'x-csrf-token': a.csrfToken },
        body: new Uint8Array(body),
      });
    const image = Buffer.alloc(8 * 1024 * 1024, 0x41);
    image.set([0x89, 0x50, 0x4e, 0x47], 0);
    const refused = await post(image, 'photo.png');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('connection')).toBe('close');
    expect((await refused.json()).detail).toContain('PNG image');

    const csv = Buffer.from(`first_name,phone\n${'Ann,5125550101\n'.repeat(300_000)}`);
    const stored = await post(csv, 'big.csv');
    expect(stored.status).toBe(201);
    const body = await stored.json();
    expect(body.import).toMatchObject({ totalRows: 300_000, sizeBytes: csv.length, status: 'uploaded' });
    const chunks = await db()
      .selectFrom('import_chunks')
      .select(['seq', 'data'])
      .where('import_id', '=', body.import.id)
      .orderBy('seq')
      .execute();
    // Stored in chunks of about 1 MB, never as one buffer.
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...chunks.map((c) => c.data.length))).toBeLessThan(2 * 1024 * 1024);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(csv)).toBe(true);
  });

  it('reads UTF-16 and semicolon-separated files, streamed in pieces', async () => {
    const utf16 = await upload(fixture('utf16.csv'), 'excel-unicode.csv', 'application/octet-stream');
    expect(utf16.statusCode, utf16.body).toBe(201);
    expect(utf16.json()).toMatchObject({ encoding: 'utf-16le', headers: ['first_name', 'last_name', 'phone', 'email'] });
    expect(utf16.json().sampleRows[0]).toEqual(['José', 'Núñez', '(512) 555-0301', 'jose.nunez@example.org']);
    expect(utf16.json().notes[0]).toContain('UTF-16LE');

    // A semicolon file (European Excel) arriving in small pieces, split inside a multi-byte character.
    const text = Buffer.from(
      'Vorname;Nachname;Handy;E-Mail\nJürgen;Müller;+49 151 23456789;jm@example.de\nZoë;Ødegaard;(512) 555-0302;zoe@example.org\n',
    );
    const pieces = Readable.from([text.subarray(0, 33), text.subarray(33, 34), text.subarray(34)]);
    const semi = await upload(pieces);
    expect(semi.statusCode, semi.body).toBe(201);
    expect(semi.json()).toMatchObject({ delimiter: ';', headers: ['Vorname', 'Nachname', 'Handy', 'E-Mail'] });
    expect(semi.json().sampleRows[0][0]).toBe('Jürgen');
    const id = semi.json().import.id;
    await a.request({
      method: 'POST',
      url: `${base}/imports/${id}/start`,
      payload: { mapping: { Vorname: 'firstName', Nachname: 'lastName', Handy: 'phone', 'E-Mail': 'email' } },
    });
    await runJobs();
    expect(await getImport(id)).toMatchObject({ status: 'done', createdCount: 2, errorCount: 0 });
    expect(await memberByEmail('jm@example.de')).toMatchObject({ first_name: 'Jürgen', phone: '+4915123456789' });
  });

  it('reports broken rows on their own line: unclosed quotes, multi-line values, long fields, unknown columns', async () => {
    const long = 'x'.repeat(10_000);
    const csv = [
      'first_name,last_name,phone,notes,favourite colour',
      'Anna,Lee,5125550401,"line one',
      'line two",blue',
      `Ben,Long,5125550402,${long},red`,
      'Cleo,Ray,5125550403,,',
      'Dan,"Quote,5125550404,,',
      'Eve,Never,5125550405,,',
    ].join('\r\n');
    const uploaded = await upload(csv);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const body = uploaded.json();
    await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: { first_name: 'firstName', last_name: 'lastName', phone: 'phone', notes: 'custom:notes' } },
    });
    await runJobs();
    const result = await getImport(body.import.id);
    expect(result).toMatchObject({ status: 'done', createdCount: 2, errorCount: 2 });
    const errors = (await errorsOf(body.import.id)).errors;
    expect(errors).toEqual([
      { line: 4, field: 'notes', message: 'is longer than 1,000 characters', severity: 'error' },
      { line: 6, field: null, message: expect.stringContaining('opens a quoted value (") that never closes'), severity: 'error' },
    ]);
    const anna = await memberByPhone('+15125550401');
    expect(JSON.parse(anna.custom_fields)).toEqual({ notes: 'line one\r\nline two' });

    const csvReport = await a.request({ method: 'GET', url: `${base}/imports/${body.import.id}/errors?format=csv` });
    expect(csvReport.statusCode).toBe(200);
    expect(csvReport.headers['content-type']).toContain('text/csv');
    expect(csvReport.headers['content-disposition']).toContain(`import-${body.import.id}-report.csv`);
    expect(parse(csvReport.body)).toEqual([
      ['line', 'field', 'severity', 'message'],
      ['4', 'notes', 'error', 'is longer than 1,000 characters'],
      ['6', '', 'error', expect.stringContaining('never closes')],
    ]);
  });

  it('reports every row of a file where every row is wrong, and downloads the whole report', async () => {
    const rows = 12_500;
    const body = (await upload(`first_name,phone\n${'Nobody,12\n'.repeat(rows)}`)).json();
    await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: { first_name: 'firstName', phone: 'phone' } },
    });
    await runJobs();
    expect(await getImport(body.import.id)).toMatchObject({ status: 'done', processedRows: rows, createdCount: 0, errorCount: rows });
    const json = await errorsOf(body.import.id);
    expect(json.total).toBe(rows);
    expect(json.errors).toHaveLength(1_000);
    expect(json.errors[999]).toMatchObject({ line: 1_001, field: 'phone' });
    const csv = parse((await a.request({ method: 'GET', url: `${base}/imports/${body.import.id}/errors?format=csv` })).body) as string[][];
    expect(csv).toHaveLength(rows + 1);
    expect(csv.at(-1)?.[0]).toBe(String(rows + 1));
  });

  it('checks the mapping and options before anything runs', async () => {
    const other = await a.request({ method: 'POST', url: '/api/workspaces', payload: { name: 'Other Org' } });
    const foreign = await db()
      .insertInto('communities')
      .values({ workspace_id: other.json().id, name: 'Theirs', slug: 'theirs', visibility: 'public', created_at: 1, updated_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const body = (await upload(fixture('action-network.csv'))).json();
    const response = await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: {
        mapping: { ...AN_MAPPING, uuid: 'phone', created_date: 'birthday', 'No such column': 'email' },
        options: { communityIds: [foreign.id], consent: { smsColumn: 'sms_optin', wording: WORDING } },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('import.invalid_mapping');
    expect(response.json().errors).toEqual(
      expect.arrayContaining([
        { path: 'body.mapping.uuid', message: 'maps to phone, which the column "can2_phone" already feeds; map one of them to ignore' },
        { path: 'body.mapping.created_date', message: expect.stringContaining('"birthday" is not a field a column can map to') },
        { path: 'body.mapping.No such column', message: expect.stringContaining('is not a column of the file') },
        { path: 'body.options.communityIds.0', message: `there is no community ${foreign.id} in this workspace` },
        { path: 'body.options.consent.smsColumn', message: '"sms_optin" is not a column of the file' },
      ]),
    );
    const noContact = await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: { first_name: 'firstName' } },
    });
    expect(noContact.json().errors).toEqual([
      { path: 'body.mapping', message: expect.stringContaining('needs a column mapped to phone or email') },
    ]);
    const noWording = await a.request({
      method: 'POST',
      url: `${base}/imports/${body.import.id}/start`,
      payload: { mapping: AN_MAPPING, options: { consent: { smsColumn: 'can2_sms_status' } } },
    });
    expect(noWording.statusCode).toBe(400);
    expect(noWording.json().errors[0].path).toBe('body.options.consent.wording');
    expect(await getImport(body.import.id)).toMatchObject({ status: 'uploaded' });
    expect(await db().selectFrom('jobs').select('id').where('type', '=', 'imports.run').execute()).toEqual([]);
    const missing = await a.request({ method: 'GET', url: `${base}/imports/999999` });
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'import.not_found']);
  });

  it('exports members as CSV with the list filters, and records each export in the audit log', async () => {
    const climate = await createCommunity('Climate – Austin', 'climate-austin');
    const an = (await upload(fixture('action-network.csv'))).json();
    await a.request({
      method: 'POST',
      url: `${base}/imports/${an.import.id}/start`,
      payload: {
        mapping: { ...AN_MAPPING, uuid: 'custom:an_id' },
        options: { communityIds: [climate], consent: { smsColumn: 'can2_sms_status', wording: WORDING } },
      },
    });
    await runJobs();
    await db()
      .updateTable('members')
      .set({ first_name: '=HYPERLINK("http://evil.example")' })
      .where('email', '=', 'wei.chen@example.org')
      .execute();

    const all = await a.request({ method: 'GET', url: `${base}/members/export` });
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toContain('text/csv');
    expect(all.headers['content-disposition']).toMatch(/attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(all.body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'id',
      'first_name',
      'last_name',
      'phone',
      'email',
      'postal_code',
      'language',
      'timezone',
      'sms_consent',
      'email_consent',
      'tags',
      'communities',
      'source',
      'created_at',
      'custom_an_id',
    ]);
    expect(rows).toHaveLength(21);
    expect(rows.find((r) => r.email === 'maria.garcia@example.org')).toMatchObject({
      first_name: 'Maria',
      phone: '+15125550101',
      sms_consent: 'granted',
      tags: 'austin; climate',
      communities: 'Climate – Austin',
      custom_an_id: 'action_network:0c1d2e3f-0001',
      source: 'import: members.csv',
    });
    // A formula is neutralised; phone numbers starting with + are not.
    expect(rows.find((r) => r.email === 'wei.chen@example.org')?.first_name).toBe(`'=HYPERLINK("http://evil.example")`);

    const filtered = parse((await a.request({ method: 'GET', url: `${base}/members/export?tag=transit&consent=sms_granted` })).body, {
      columns: true,
    }) as Record<string, string>[];
    expect(filtered.map((r) => r.email).sort()).toEqual(['ava.taylor@example.org', 'lucas.white@example.com']);
    const byCommunity = parse((await a.request({ method: 'GET', url: `${base}/members/export?communityId=${climate}&q=maria` })).body, {
      columns: true,
    });
    expect(byCommunity).toHaveLength(1);
    const none = await a.request({ method: 'GET', url: `${base}/members/export?tag=nobody` });
    expect(none.body.trim().split('\n')).toHaveLength(1);

    const audits = await db()
      .selectFrom('audit_entries')
      .select(['action', 'data', 'actor_user_id'])
      .where('action', '=', 'members.exported')
      .orderBy('id')
      .execute();
    expect(audits).toHaveLength(4);
    expect(audits[1]).toMatchObject({ actor_user_id: a.userId });
    expect(JSON.parse(audits[1]?.data ?? '{}')).toEqual({ filters: { tag: 'transit', consent: 'sms_granted' }, format: 'csv' });
  });
});
