import { parse } from 'csv-parse/sync';
import type { Db } from '../../db/database.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { normalizePostalCode } from './calls.repo.ts';

// CSV imports of the targets dataset: officials, and postal code → district. A file is checked whole first; a file
// with any bad line imports nothing (the report lists each bad line by its number in the file), so a dataset is never
// half-replaced. `replace` makes the file the whole list (one transaction); `append` adds its rows.

export type ImportKind = 'officials' | 'districts';
export type ImportReport = {
  imported: number;
  rows: number;
  errors: { line: number; message: string }[];
  mode: 'replace' | 'append';
  dryRun: boolean;
};

const MAX_ERRORS = 100;
const BATCH = 500;

const COLUMNS: Record<ImportKind, Record<string, readonly string[]>> = {
  officials: {
    name: ['name', 'official', 'full_name'],
    title: ['title'],
    office: ['office', 'level', 'chamber'],
    district: ['district', 'district_id'],
    phone: ['phone', 'phone_number', 'office_phone'],
    party: ['party'],
  },
  districts: {
    postal_code: ['postal_code', 'zip', 'zip_code', 'zipcode', 'postcode', 'postalcode'],
    district: ['district', 'district_id'],
  },
};
const REQUIRED: Record<ImportKind, readonly string[]> = {
  officials: ['name', 'district', 'phone'],
  districts: ['postal_code', 'district'],
};

const headerKey = (raw: string) =>
  raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

type Official = { name: string; title: string; office: string; district: string; phone: string; party: string | null; line: number };
type District = { postal_code: string; district: string };

/** Reads and checks a file; nothing is stored. */
export function checkFile(kind: ImportKind, csv: string, country: string) {
  const errors: { line: number; message: string }[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = typeof error === 'object' && error !== null && 'lines' in error ? Number((error as { lines: unknown }).lines) : 1;
    return { officials: [], districts: [], rows: 0, errors: [{ line, message: `not a readable CSV file: ${(error as Error).message}` }] };
  }
  const header = records[0];
  if (!header) return { officials: [], districts: [], rows: 0, errors: [{ line: 1, message: 'the file is empty' }] };
  const index: Record<string, number> = {};
  header.record.forEach((raw, i) => {
    const key = headerKey(raw);
    for (const [column, names] of Object.entries(COLUMNS[kind])) if (names.includes(key) && index[column] === undefined) index[column] = i;
  });
  const missing = REQUIRED[kind].filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    const expected = Object.keys(COLUMNS[kind]).join(', ');
    return {
      officials: [],
      districts: [],
      rows: 0,
      errors: [{ line: header.info.lines, message: `the header has no ${missing.join(', ')} column (expected columns: ${expected})` }],
    };
  }
  const officials: Official[] = [];
  const districts: District[] = [];
  const seen = new Set<string>();
  const rows = records.slice(1);
  for (const { record, info } of rows) {
    const line = info.lines;
    const cell = (column: string) => {
      const i = index[column];
      return i === undefined ? '' : (record[i] ?? '').trim();
    };
    const problems: string[] = [];
    if (kind === 'officials') {
      const name = cell('name');
      const district = cell('district');
      const phoneRaw = cell('phone');
      if (name === '') problems.push('name is empty');
      else if (name.length > 120) problems.push('name is longer than 120 characters');
      if (district === '') problems.push('district is empty');
      else if (district.length > 60) problems.push('district is longer than 60 characters');
      const phone = normalizePhone(phoneRaw, country);
      if (phoneRaw === '') problems.push('phone is empty');
      else if (!phone.ok) problems.push(`"${phoneRaw}" is not a phone number`);
      for (const column of ['title', 'office', 'party'])
        if (cell(column).length > 120) problems.push(`${column} is longer than 120 characters`);
      if (problems.length === 0 && phone.ok) {
        officials.push({
          name,
          title: cell('title'),
          office: cell('office').toLowerCase(),
          district,
          phone: phone.e164,
          party: cell('party') || null,
          line,
        });
      }
    } else {
      const raw = cell('postal_code');
      const district = cell('district');
      const postal = normalizePostalCode(raw, country);
      if (raw === '') problems.push('postal code is empty');
      else if (!postal) problems.push(`"${raw}" is not a postal code`);
      if (district === '') problems.push('district is empty');
      else if (district.length > 60) problems.push('district is longer than 60 characters');
      if (problems.length === 0 && postal) {
        const key = `${postal}\u0000${district}`;
        if (!seen.has(key)) {
          seen.add(key);
          districts.push({ postal_code: postal, district });
        }
      }
    }
    if (problems.length > 0 && errors.length < MAX_ERRORS) errors.push({ line, message: problems.join('; ') });
  }
  if (rows.length === 0) errors.push({ line: header.info.lines, message: 'the file has a header but no rows' });
  return { officials, districts, rows: rows.length, errors };
}

/** Checks the file and, when it has no errors and this is not a dry run, stores it. */
export async function importFile(
  db: Db,
  input: { workspaceId: number; kind: ImportKind; csv: string; country: string; mode: 'replace' | 'append'; dryRun: boolean; now: number },
): Promise<ImportReport> {
  const checked = checkFile(input.kind, input.csv, input.country);
  const count = input.kind === 'officials' ? checked.officials.length : checked.districts.length;
  const report = { rows: checked.rows, errors: checked.errors, mode: input.mode, dryRun: input.dryRun };
  if (checked.errors.length > 0) return { ...report, imported: 0 };
  if (input.dryRun) return { ...report, imported: count };
  await db.transaction().execute(async (trx) => {
    if (input.kind === 'officials') {
      if (input.mode === 'replace') {
        await trx.deleteFrom('call_targets').where('workspace_id', '=', input.workspaceId).where('action_id', 'is', null).execute();
      }
      for (let i = 0; i < checked.officials.length; i += BATCH) {
        const values = checked.officials.slice(i, i + BATCH).map(({ line, ...o }) => ({
          ...o,
          workspace_id: input.workspaceId,
          action_id: null,
          position: line,
          created_at: input.now,
        }));
        await trx.insertInto('call_targets').values(values).execute();
      }
    } else {
      if (input.mode === 'replace') await trx.deleteFrom('call_districts').where('workspace_id', '=', input.workspaceId).execute();
      for (let i = 0; i < checked.districts.length; i += BATCH) {
        const values = checked.districts.slice(i, i + BATCH).map((d) => ({ ...d, workspace_id: input.workspaceId, created_at: input.now }));
        await trx
          .insertInto('call_districts')
          .values(values)
          .onConflict((oc) => oc.columns(['workspace_id', 'postal_code', 'district']).doNothing())
          .execute();
      }
    }
  });
  return { ...report, imported: count };
}
