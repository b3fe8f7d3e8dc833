import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CompiledQuery, sql } from 'kysely';
import { type Db, openDatabase } from '../server/db/database.ts';
import { dialectOf } from '../server/db/dialect.ts';
import { systemClock } from '../server/lib/clock.ts';
import { insertRows, refreshStatistics } from '../server/modules/imports/bulk.ts';
import { MEMBER_INSERT_COLUMNS } from '../server/modules/imports/import-batch.ts';
import { nameKeyOf } from '../server/modules/members/member-fields.ts';
import { insertBroadcast } from '../server/modules/messaging/broadcasts.repo.ts';
import { createSimulatorSender } from '../server/modules/messaging/channels.repo.ts';
import { EXPAND_BATCH, expandBroadcast } from '../server/modules/messaging/expand.ts';
import { createBenchDatabase } from './database.ts';
import { generateMembers } from './generate.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `fanout`: a broadcast to a 1M-member community expanded into the outbox (server/modules/messaging/expand.ts).
//
// - fanout.expand: expandBroadcast over a community of --recipients generated members (all with SMS consent, US
//   mobile numbers in their area's time zone, 20% Spanish speakers), a template with {{ member.first_name }} and one
//   tracked link, in English and Spanish, through the simulator sender. Timed from the call to its return: audience
//   windows, consent and frequency-cap checks, first-message footers, rendering, per-member short links, scheduling
//   in each member's zone, and the messages, links and counters written window by window. The expansion runs in a
//   fresh process (as in a worker process), so its peak RSS (maxRSS) is its own and not the setup's.
// - fanout.raw_insert (the limit): the same message rows, read back from the outbox and inserted raw into the emptied
//   messages table: 1,000 rows per statement, EXPAND_BATCH rows per transaction (the expansion's commit size).
//
// Target (DESIGN.md §6): 1M recipients in ≤ 10 s on SQLite (100k msg/s) with peak RSS ≤ 512 MB.

export const DEFAULT_RECIPIENTS = 1_000_000;

const APP_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const PUBLIC_URL = 'https://act.example.org';
const MEMBERS_PER_TRANSACTION = 10_000;
const RAW_ROWS_PER_STATEMENT = 1_000;

const TEMPLATES = {
  en: 'Hi {{ member.first_name }}! Clean water rally Saturday 10am at City Hall. RSVP: https://act.example.org/rally?ref=sms',
  es: 'Hola {{ member.first_name }}: marcha por el agua limpia el sábado a las 10 en el Ayuntamiento. Confirma: https://act.example.org/rally?ref=sms',
};

/** The messages columns the expansion writes, in order. */
const MESSAGE_COLUMNS = [
  'workspace_id',
  'direction',
  'channel',
  'kind',
  'member_id',
  'broadcast_id',
  'sender_id',
  'to_address',
  'from_address',
  'subject',
  'body',
  'media_urls',
  'segments',
  'encoding',
  'priority',
  'state',
  'send_at',
  'expires_at',
  'created_at',
  'updated_at',
] as const;

/** --recipients (main.ts), else the default. */
export function recipientsOf(context: BenchContext): number {
  return context.recipients ?? DEFAULT_RECIPIENTS;
}

export async function createBenchWorkspace(db: Db, now = Date.now()): Promise<number> {
  const row = await db
    .insertInto('workspaces')
    .values({
      name: 'Clean Water Coalition',
      slug: 'bench',
      timezone: 'America/Chicago',
      default_country: 'US',
      quiet_hours_start: '08:00',
      quiet_hours_end: '21:00',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Inserts `count` generated members with SMS consent granted (their mobile numbers, time zones and languages from the
 * generator), in transactions of 10,000; with `communityId`, each also joins that community. Returns how many.
 */
export async function insertConsentingMembers(
  db: Db,
  input: { workspaceId: number; count: number; seed: number; communityId?: number; now: number; log?: (message: string) => void },
): Promise<number> {
  const { workspaceId, now } = input;
  let pending: unknown[][] = [];
  let inserted = 0;
  let loggedAt = performance.now();
  const commit = async () => {
    const rows = pending;
    pending = [];
    if (rows.length === 0) return;
    await db.transaction().execute(async (trx) => {
      const ids = await insertRows<{ id: number }>(trx, 'members', MEMBER_INSERT_COLUMNS, rows, 'returning id');
      if (input.communityId !== undefined) {
        const communityId = input.communityId;
        const memberships = ids.map((row) => [workspaceId, communityId, Number(row.id), 'member', 'active', 'bench', now, null, now]);
        await insertRows(
          trx,
          'memberships',
          ['workspace_id', 'community_id', 'member_id', 'role', 'status', 'source', 'joined_at', 'left_at', 'updated_at'],
          memberships,
        );
      }
    });
    inserted += rows.length;
    if (input.log && performance.now() - loggedAt > 10_000) {
      loggedAt = performance.now();
      input.log(`  ${inserted.toLocaleString('en-US')} members`);
    }
  };
  for (const batch of generateMembers({ count: input.count, seed: input.seed, workspaceId })) {
    for (const m of batch) {
      // MEMBER_INSERT_COLUMNS order.
      pending.push([
        workspaceId,
        m.phone,
        'mobile',
        null,
        m.email,
        m.first_name,
        m.last_name,
        nameKeyOf(m.first_name, m.last_name),
        m.last_name.toLowerCase(),
        m.postal_code,
        m.language,
        m.time_zone,
        'area_code',
        '{}',
        'bench',
        'granted',
        'none',
        m.created_at,
        m.created_at,
      ]);
    }
    if (pending.length >= MEMBERS_PER_TRANSACTION) await commit();
  }
  await commit();
  return inserted;
}

type ExpansionRun = {
  outcome: string;
  queued: number;
  skipped: number;
  seconds: number;
  peakRssMb: number;
  rssBeforeMb: number;
  longestStallMs: number;
};

type ExpansionInput = { url: string; searchPath: string | null; workspaceId: number; broadcastId: number };

/**
 * Runs the expansion in a fresh process, as a worker process would: its peak RSS (maxRSS) is then the expansion's
 * own, not the setup's garbage. The database is found from the open handle (the SQLite file, the PostgreSQL schema).
 */
async function expandInChild(db: Db, databaseUrl: string, ids: { workspaceId: number; broadcastId: number }): Promise<ExpansionRun> {
  let input: ExpansionInput;
  if (dialectOf(db) === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    input = { url: databaseUrl, searchPath: rows[0]?.schema ?? null, ...ids };
  } else {
    const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
    const file = rows.find((row) => row.name === 'main')?.file;
    if (!file) throw new Error('fanout: the SQLite database has no file');
    input = { url: `sqlite:${file}`, searchPath: null, ...ids };
  }
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  // Bounded: a stuck expansion is stopped, not waited for.
  const limit = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(limit);
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || line === '') throw new Error(`fanout: the expansion process exited with ${code}`);
  return JSON.parse(line) as ExpansionRun;
}

/** The child process: one expansion, its figures as a JSON line on stdout. */
async function expandMain(argument: string): Promise<void> {
  const input = JSON.parse(argument) as ExpansionInput;
  const handle = openDatabase(input.url, { poolSize: 10, ...(input.searchPath ? { searchPath: input.searchPath } : {}) });
  try {
    // The longest gap between ticks: how long the event loop was held at once (no HTTP request is answered meanwhile).
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 50);
    const rssBefore = process.memoryUsage.rss();
    const start = performance.now();
    const result = await expandBroadcast(
      { db: handle.db, clock: systemClock, config: { publicUrl: PUBLIC_URL } },
      { workspaceId: input.workspaceId, broadcastId: input.broadcastId },
    );
    const seconds = (performance.now() - start) / 1000;
    clearInterval(timer);
    longestGap = Math.max(longestGap, performance.now() - last);
    const run: ExpansionRun = {
      ...result,
      seconds,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1_048_576,
      rssBeforeMb: rssBefore / 1_048_576,
      longestStallMs: Math.max(0, longestGap - 50),
    };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    await handle.close();
  }
}

/** The broadcast's message rows (insert values, in id order) written to a file, one JSON array per line. */
async function dumpMessages(db: Db, broadcastId: number, path: string): Promise<number> {
  const out = createWriteStream(path);
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', ...MESSAGE_COLUMNS])
      .where('broadcast_id', '=', broadcastId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(5_000)
      .execute();
    const last = rows.at(-1);
    if (!last) break;
    after = Number(last.id);
    count += rows.length;
    const text = rows.map((row) => JSON.stringify(MESSAGE_COLUMNS.map((column) => row[column]))).join('\n');
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return count;
}

/** The limit: the dumped rows inserted raw, 1,000 per statement, EXPAND_BATCH per transaction; insert time only. */
async function rawInsertSeconds(db: Db, path: string): Promise<number> {
  const postgres = dialectOf(db) === 'postgres';
  const width = MESSAGE_COLUMNS.length;
  const statements = new Map<number, string>();
  const statementFor = (rows: number) => {
    let text = statements.get(rows);
    if (text === undefined) {
      let n = 0;
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++) tuples.push(`(${MESSAGE_COLUMNS.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`);
      text = `insert into messages (${MESSAGE_COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
      statements.set(rows, text);
    }
    return text;
  };
  let seconds = 0;
  let rows: unknown[][] = [];
  const commit = async () => {
    const batch = rows;
    rows = [];
    if (batch.length === 0) return;
    const start = performance.now();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.length; i += RAW_ROWS_PER_STATEMENT) {
        const slice = batch.slice(i, i + RAW_ROWS_PER_STATEMENT);
        const params: unknown[] = [];
        for (const row of slice) for (const value of row) params.push(value);
        await trx.executeQuery(CompiledQuery.raw(statementFor(slice.length), params));
      }
    });
    seconds += (performance.now() - start) / 1000;
  };
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === '') continue;
    const values = JSON.parse(line) as unknown[];
    if (values.length !== width) throw new Error('fanout: a dumped message row has the wrong width');
    rows.push(values);
    if (rows.length >= EXPAND_BATCH) await commit();
  }
  await commit();
  return seconds;
}

async function run(context: BenchContext): Promise<void> {
  const { dialect, seed } = context;
  const recipients = recipientsOf(context);
  const dir = mkdtempSync(join(tmpdir(), 'groundswell-fanout-'));
  const database = await createBenchDatabase(dialect, context.databaseUrl);
  try {
    const { db } = database;
    const now = Date.now();
    const workspaceId = await createBenchWorkspace(db, now);
    const { senderId } = await createSimulatorSender(db, { workspaceId, appSecret: APP_SECRET, now });
    const community = await db
      .insertInto('communities')
      .values({
        workspace_id: workspaceId,
        parent_id: null,
        name: 'Clean water',
        slug: 'clean-water',
        visibility: 'public',
        consent_wording: null,
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const communityId = Number(community.id);

    context.log(`fanout (${dialect}): ${recipients.toLocaleString('en-US')} members with SMS consent in one community`);
    const members = await insertConsentingMembers(db, { workspaceId, count: recipients, seed, communityId, now, log: context.log });
    await db.updateTable('communities').set({ member_count: members }).where('id', '=', communityId).execute();
    // What autovacuum does on a live PostgreSQL after a bulk load (and what the import does itself).
    await refreshStatistics(db, ['members', 'memberships']);

    const broadcast = await insertBroadcast(db, {
      workspace_id: workspaceId,
      name: 'Clean water rally',
      channel: 'sms',
      status: 'expanding',
      audience: JSON.stringify({ communityIds: [communityId], tags: [] }),
      sender_id: senderId,
      templates: JSON.stringify(TEMPLATES),
      default_language: 'en',
      subject: null,
      media_url: null,
      track_links: 1,
      utm: null,
      schedule_kind: 'now',
      scheduled_at: null,
      local_time: null,
      throttle_per_minute: null,
      pause_reason: null,
      created_by: null,
      created_at: now,
      updated_at: now,
      launched_at: now,
      completed_at: null,
    });

    context.log(`fanout (${dialect}): expanding the broadcast (in a fresh process)`);
    const result = await expandInChild(db, context.databaseUrl, { workspaceId, broadcastId: broadcast.id });
    if (result.outcome !== 'done') throw new Error(`the expansion ended as ${result.outcome}`);
    if (result.queued !== members) context.log(`fanout (${dialect}): ${result.queued} messages queued for ${members} members`);
    const links = await db
      .selectFrom('links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('broadcast_id', '=', broadcast.id)
      .executeTakeFirstOrThrow();

    context.log(`fanout (${dialect}): raw insert of the same ${result.queued.toLocaleString('en-US')} message rows (the limit)`);
    const dump = join(dir, 'messages.ndjson');
    const dumped = await dumpMessages(db, broadcast.id, dump);
    if (dialect === 'postgres') await sql`truncate table messages cascade`.execute(db);
    else await db.deleteFrom('messages').execute();
    const rawS = await rawInsertSeconds(db, dump);

    const rate = result.queued / result.seconds;
    const rawRate = dumped / rawS;
    context.emit({
      name: 'fanout.expand',
      value: rate,
      unit: 'msg/s',
      target: 100_000,
      limit: rawRate,
      extra: {
        recipients: members,
        queued: result.queued,
        skipped: result.skipped,
        links: Number(links.n),
        seconds: Math.round(result.seconds * 100) / 100,
        peak_rss_mb: Math.round(result.peakRssMb),
        rss_before_mb: Math.round(result.rssBeforeMb),
        longest_stall_ms: Math.round(result.longestStallMs),
        raw_insert_s: Math.round(rawS * 100) / 100,
      },
    });
    context.emit({
      name: 'fanout.raw_insert',
      value: rawRate,
      unit: 'msg/s',
      target: null,
      limit: rawRate,
      extra: { rows: dumped, rows_per_statement: RAW_ROWS_PER_STATEMENT, rows_per_transaction: EXPAND_BATCH },
    });
  } finally {
    await database.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const fanoutBenchmark: Benchmark = {
  describe: 'a broadcast to --recipients members expanded into the outbox vs a raw insert of the same rows (msg/s, peak RSS)',
  run,
};

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  expandMain(process.argv[2]).catch((error: unknown) => {
    process.stderr.write(`fanout: the expansion failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
