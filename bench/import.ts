import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CompiledQuery } from 'kysely';
import type { Db } from '../server/db/database.ts';
import { dialectOf } from '../server/db/dialect.ts';
import { systemClock } from '../server/lib/clock.ts';
import { COMMIT_ROWS } from '../server/modules/imports/import.job.ts';
import { MEMBER_INSERT_COLUMNS } from '../server/modules/imports/import-batch.ts';
import { createImportsService } from '../server/modules/imports/imports.service.ts';
import { createMembersService } from '../server/modules/members/members.service.ts';
import { createBenchDatabase } from './database.ts';
import { type GeneratedMember, generateMembers } from './generate.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `import`: the CSV import (server/modules/imports) of a generated file, then member search over what it imported.
//
// - import.rows_per_s: a CSV of --members rows written to a temporary file (Action Network-style columns, phones in
//   mixed formats, 2% bad rows, 5% duplicates of earlier rows) imported through the service as `groundswell import`
//   does: upload (checked and stored in import_chunks), then the run (parse, normalize, dedupe, batches of 1,000 rows
//   with 'imported' activities and the report). Timed from the first byte read to the import's 'done'.
//   Limit: a raw multi-row INSERT of the same normalized member rows (read back from the import) into an empty
//   members table of a fresh database, 1,000 rows per statement and 10,000 per transaction (the import's sizes).
// - members.search_p95_ms: 200 searches through the members list (the service behind GET /members: name prefixes
//   and phone numbers as people type them, with the page's tags and the capped count). Limit: the same searches
//   written by hand as one indexed SELECT each.
//
// Extra fields: total and per-phase seconds, peak RSS (process.resourceUsage().maxRSS) and the import's counts.

const SEARCHES = 200;
const BAD_SHARE = 0.02;
const DUPLICATE_SHARE = 0.05;
const RECENT = 50_000;
const RAW_BATCH = 1_000;

const HEADER = 'first_name,last_name,email,zip_code,can2_phone,language,created_date';

/** Mixed phone formats, as exports and spreadsheets have them. */
function formatPhone(e164: string, style: number): string {
  const d = e164.slice(2);
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
  switch (style % 5) {
    case 0:
      return `(${a}) ${b}-${c}`;
    case 1:
      return `${a}.${b}.${c}`;
    case 2:
      return e164;
    case 3:
      return `${a}-${b}-${c}`;
    default:
      return `1 ${a} ${b} ${c}`;
  }
}

const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function memberLine(m: GeneratedMember, style: number): string {
  const language = style % 3 === 0 ? (m.language === 'es' ? 'Spanish' : 'English') : m.language;
  return [
    m.first_name,
    m.last_name,
    m.email ?? '',
    m.postal_code,
    formatPhone(m.phone, style),
    language,
    new Date(m.created_at).toISOString().slice(0, 10),
  ]
    .map(quote)
    .join(',');
}

const BAD_ROWS = [
  (m: GeneratedMember) => `${quote(m.first_name)},${quote(m.last_name)},,${m.postal_code},555-12,en,2025-01-01`,
  (m: GeneratedMember) => `${quote(m.first_name)},${quote(m.last_name)},,${m.postal_code},,en,2025-01-01`,
  (m: GeneratedMember) =>
    `${quote(m.first_name)},${quote(m.last_name)},${m.first_name.toLowerCase()}@,${m.postal_code},${m.phone},en,2025-01-01`,
  (m: GeneratedMember) => `${quote(m.first_name)},${quote(m.last_name)},,${m.postal_code},${m.phone},en,2025-01-01,extra,columns`,
];

/** Writes the CSV (streamed, with backpressure); returns its size and the expected counts. */
async function writeCsv(path: string, rows: number, seed: number) {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write(HEADER);
  // A deterministic stream of choices, independent of the member generator's.
  let state = (seed * 2654435761) >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const recent: GeneratedMember[] = [];
  const members = generateMembers({ count: rows, seed, batchSize: 1_000 });
  let batch: GeneratedMember[] = [];
  let index = 0;
  const next = (): GeneratedMember => {
    if (index >= batch.length) {
      const step = members.next();
      if (step.done) throw new Error('the member generator ran out');
      batch = step.value;
      index = 0;
    }
    return batch[index++] as GeneratedMember;
  };
  let bad = 0;
  let duplicates = 0;
  for (let i = 0; i < rows; i++) {
    const r = random();
    if (r < BAD_SHARE) {
      const fake = next();
      await write((BAD_ROWS[i % BAD_ROWS.length] as (m: GeneratedMember) => string)(fake));
      bad++;
    } else if (r < BAD_SHARE + DUPLICATE_SHARE && recent.length > 0) {
      const original = recent[Math.floor(random() * recent.length)] as GeneratedMember;
      await write(memberLine(original, i + 1));
      duplicates++;
    } else {
      const m = next();
      await write(memberLine(m, i));
      if (recent.length < RECENT) recent.push(m);
      else recent[Math.floor(random() * RECENT)] = m;
    }
  }
  out.end();
  await once(out, 'finish');
  return { bytes: statSync(path).size, bad, duplicates };
}

async function createWorkspace(db: Db) {
  const row = await db
    .insertInto('workspaces')
    .values({
      name: 'Bench',
      slug: 'bench',
      timezone: 'America/Chicago',
      default_country: 'US',
      quiet_hours_start: '08:00',
      quiet_hours_end: '21:00',
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const MEMBER_COLUMNS = MEMBER_INSERT_COLUMNS;

/** The imported members' rows (insert values, in id order) written to a file, one JSON array per line. */
async function dumpMembers(from: Db, workspaceId: number, path: string): Promise<void> {
  const out = createWriteStream(path);
  let after = 0;
  for (;;) {
    const rows = await from
      .selectFrom('members')
      .select(['id', ...MEMBER_COLUMNS])
      .where('workspace_id', '=', workspaceId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(5_000)
      .execute();
    const last = rows.at(-1);
    if (!last) break;
    after = last.id;
    const text = rows.map((row) => JSON.stringify(MEMBER_COLUMNS.map((column) => row[column]))).join('\n');
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * The limit: the dumped rows inserted raw into an empty members table of a fresh database, 1,000 rows per statement
 * and 10,000 per transaction (the import's own batch and commit sizes); insert time only.
 */
async function rawInsertSeconds(path: string, to: Db, workspaceId: number): Promise<number> {
  const postgres = dialectOf(to) === 'postgres';
  let n = 0;
  const tuples: string[] = [];
  for (let r = 0; r < RAW_BATCH; r++) tuples.push(`(${MEMBER_COLUMNS.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`);
  const statementFor = (rows: number) => `insert into members (${MEMBER_COLUMNS.join(', ')}) values ${tuples.slice(0, rows).join(', ')}`;
  const full = statementFor(RAW_BATCH);
  let seconds = 0;
  let group: unknown[][] = [];
  let params: unknown[] = [];
  const commit = async () => {
    if (params.length > 0) group.push(params);
    params = [];
    if (group.length === 0) return;
    const statements = group;
    group = [];
    const start = performance.now();
    await to.transaction().execute(async (trx) => {
      for (const values of statements) {
        const rows = values.length / MEMBER_COLUMNS.length;
        await trx.executeQuery(CompiledQuery.raw(rows === RAW_BATCH ? full : statementFor(rows), values));
      }
    });
    seconds += (performance.now() - start) / 1000;
  };
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === '') continue;
    const values = JSON.parse(line) as unknown[];
    values[0] = workspaceId;
    for (const value of values) params.push(value);
    if (params.length === RAW_BATCH * MEMBER_COLUMNS.length) {
      group.push(params);
      params = [];
      if (group.length * RAW_BATCH >= COMMIT_ROWS) await commit();
    }
  }
  await commit();
  return seconds;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function searchFigures(db: Db, workspaceId: number, appSecret: string, seed: number) {
  const members = createMembersService({ db, clock: systemClock, appSecret });
  const tenant = {
    workspaceId,
    role: 'owner' as const,
    actor: { type: 'user' as const, userId: 0, sessionId: 'bench', csrfToken: 'bench' },
  };
  const max = Number(
    (
      await db
        .selectFrom('members')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirstOrThrow()
    ).max ?? 0,
  );
  let state = seed >>> 0;
  const ids = Array.from({ length: SEARCHES }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 1 + (state % Math.max(1, max));
  });
  const sample = await db
    .selectFrom('members')
    .select(['first_name', 'last_name', 'phone'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .where('phone', 'is not', null)
    .execute();
  const queries = sample.map((m, i) =>
    i % 2 === 0 ? (m.first_name ?? 'a').slice(0, 3 + (i % 3)).toLowerCase() : formatPhone(m.phone ?? '+15125550100', i),
  );
  const ours: number[] = [];
  const raw: number[] = [];
  const postgres = dialectOf(db) === 'postgres';
  const p = (i: number) => (postgres ? `$${i}` : '?');
  for (const q of queries) {
    let start = performance.now();
    await members.list(tenant, { q, limit: 50 });
    ours.push(performance.now() - start);
    const phone = q.match(/\d/g)?.join('') ?? '';
    start = performance.now();
    if (/^[a-z]/.test(q)) {
      await db.executeQuery(
        CompiledQuery.raw(
          `select * from members where workspace_id = ${p(1)} and merged_into is null and erased_at is null and ((name_key >= ${p(2)} and name_key < ${p(3)}) or (last_name_key >= ${p(4)} and last_name_key < ${p(5)})) order by id desc limit 51`,
          [workspaceId, q, `${q}\uffff`, q, `${q}\uffff`],
        ),
      );
    } else {
      await db.executeQuery(
        CompiledQuery.raw(
          `select * from members where workspace_id = ${p(1)} and phone = ${p(2)} and merged_into is null and erased_at is null limit 51`,
          [workspaceId, `+${phone.length === 10 ? `1${phone}` : phone}`],
        ),
      );
    }
    raw.push(performance.now() - start);
  }
  return { p95: percentile(ours, 95), rawP95: percentile(raw, 95), p50: percentile(ours, 50) };
}

async function run(context: BenchContext): Promise<void> {
  const { members: rows, seed, dialect } = context;
  const dir = mkdtempSync(join(tmpdir(), 'groundswell-import-'));
  const file = join(dir, 'members.csv');
  const appSecret = 'bench-secret-bench-secret-bench-secret-0123456789';
  const database = await createBenchDatabase(dialect, context.databaseUrl);
  try {
    context.log(`import (${dialect}): writing a CSV of ${rows.toLocaleString('en-US')} rows`);
    const written = await writeCsv(file, rows, seed);
    const { db } = database;
    const workspaceId = await createWorkspace(db);
    const imports = createImportsService({ db, clock: systemClock, appSecret });

    context.log(`import (${dialect}): importing ${(written.bytes / 1e6).toFixed(0)} MB`);
    const start = performance.now();
    const uploaded = await imports.upload({
      workspaceId,
      actor: null,
      filename: 'members.csv',
      body: createReadStream(file, { highWaterMark: 1 << 20 }),
    });
    const uploadS = (performance.now() - start) / 1000;
    const mapping: Record<string, string> = {};
    for (const [header, field] of Object.entries(uploaded.suggestedMapping)) if (field !== null) mapping[header] = field;
    await imports.start({ workspaceId, actor: null, importId: uploaded.import.id, mapping, options: {}, inline: true });
    let lastLog = performance.now();
    const outcome = await imports.runInProcess({
      workspaceId,
      importId: uploaded.import.id,
      onProgress: (p) => {
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          context.log(`  ${p.processedRows.toLocaleString('en-US')} rows`);
        }
      },
    });
    const totalS = (performance.now() - start) / 1000;
    if (outcome !== 'done') throw new Error(`the import ended as ${outcome}`);
    const result = await imports.get(workspaceId, uploaded.import.id);
    const rss = process.resourceUsage().maxRSS / 1024;

    context.log(`import (${dialect}): ${SEARCHES} member searches`);
    const search = await searchFigures(db, workspaceId, appSecret, seed);

    context.log(`import (${dialect}): raw insert of the same ${result.createdCount.toLocaleString('en-US')} member rows (the limit)`);
    const dump = join(dir, 'members.ndjson');
    await dumpMembers(db, workspaceId, dump);
    await database.destroy();
    const limitDatabase = await createBenchDatabase(dialect, context.databaseUrl);
    let rawS: number;
    try {
      rawS = await rawInsertSeconds(dump, limitDatabase.db, await createWorkspace(limitDatabase.db));
    } finally {
      await limitDatabase.destroy();
    }

    context.emit({
      name: 'import.rows_per_s',
      value: rows / totalS,
      unit: 'rows/s',
      target: 1_000_000 / 60,
      limit: rows / rawS,
      extra: {
        rows,
        total_s: Math.round(totalS * 10) / 10,
        upload_s: Math.round(uploadS * 10) / 10,
        raw_insert_s: Math.round(rawS * 10) / 10,
        file_mb: Math.round(written.bytes / 1e5) / 10,
        peak_rss_mb: Math.round(rss),
        created: result.createdCount,
        duplicates: result.duplicateCount,
        errors: result.errorCount,
        bad_rows_written: written.bad,
        duplicates_written: written.duplicates,
      },
    });

    context.emit({
      name: 'members.search_p95_ms',
      value: search.p95,
      unit: 'ms',
      target: null,
      limit: search.rawP95,
      extra: { members: result.createdCount, searches: SEARCHES, p50_ms: Math.round(search.p50 * 100) / 100 },
    });
  } finally {
    await database.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const importBenchmark: Benchmark = {
  describe: 'CSV import of --members rows (mixed formats, 2% bad, 5% duplicates) vs a raw bulk insert; member search p95',
  usesGeneratedData: true,
  run,
};
