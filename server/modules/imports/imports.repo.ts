import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, ImportStatus, ImportsTable } from '../../db/schema.ts';
import type { ImportOptions } from './imports.schema.ts';
import type { Encoding } from './sniff.ts';

// SQL for imports, their stored file and their report. Every query filters on the workspace, directly or through the
// import row (import_chunks and import_errors hang off an import the caller has found in its workspace).

export type Executor = Kysely<Database> | Transaction<Database>;
export type ImportRow = Selectable<ImportsTable>;

/** How the stored file is to be read; kept with the start options in imports.options. */
export type FileFormat = { delimiter: ',' | ';' | '\t'; encoding: Encoding };

/** imports.options as stored: the start options, and how to read the file (set at upload). */
export type StoredOptions = ImportOptions & { file: FileFormat };

export function storedOptions(row: Pick<ImportRow, 'options'>): StoredOptions {
  const parsed = JSON.parse(row.options ?? '{}') as Partial<StoredOptions>;
  return { ...parsed, file: parsed.file ?? { delimiter: ',', encoding: 'utf-8' } };
}

export const INCOMPLETE_UPLOAD = 'The upload did not finish, so the file is incomplete; upload it again.';

export async function createImportRow(
  db: Executor,
  input: { workspaceId: number; createdBy: number | null; filename: string; at: number },
) {
  // Until the whole file is stored the import reads as failed: a crash mid-upload leaves an honest record.
  const row = await db
    .insertInto('imports')
    .values({
      workspace_id: input.workspaceId,
      created_by: input.createdBy,
      filename: input.filename,
      size_bytes: 0,
      status: 'failed',
      last_error: INCOMPLETE_UPLOAD,
      created_at: input.at,
      finished_at: input.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertChunk(db: Executor, importId: number, seq: number, data: Buffer) {
  await db.insertInto('import_chunks').values({ import_id: importId, seq, data }).execute();
}

export async function completeUpload(
  db: Executor,
  input: { workspaceId: number; importId: number; sizeBytes: number; headers: string[]; totalRows: number; format: FileFormat },
) {
  await db
    .updateTable('imports')
    .set({
      status: 'uploaded',
      last_error: null,
      finished_at: null,
      size_bytes: input.sizeBytes,
      headers: JSON.stringify(input.headers),
      total_rows: input.totalRows,
      options: JSON.stringify({ file: input.format }),
    })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.importId)
    .execute();
}

/** Removes an import and (by cascade) its stored file and report. */
export async function deleteImport(db: Executor, workspaceId: number, importId: number) {
  await db.deleteFrom('imports').where('workspace_id', '=', workspaceId).where('id', '=', importId).execute();
}

export async function findImport(db: Executor, workspaceId: number, importId: number): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', importId).executeTakeFirst();
}

export async function listImports(db: Executor, workspaceId: number, limit = 100): Promise<ImportRow[]> {
  return db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(limit).execute();
}

/** The stored file, chunk by chunk (one in memory at a time). */
export async function* readChunks(db: Executor, importId: number): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom('import_chunks')
      .select('data')
      .where('import_id', '=', importId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    yield Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data);
  }
}

/**
 * Moves an import to a new status when it is in one of `from` (a compare-and-set, so two requests cannot both start
 * or both cancel it). Returns whether it moved.
 */
export async function transition(
  db: Executor,
  input: { workspaceId: number; importId: number; from: readonly ImportStatus[]; set: Partial<Omit<ImportRow, 'id' | 'workspace_id'>> },
): Promise<boolean> {
  const result = await db
    .updateTable('imports')
    .set(input.set)
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.importId)
    .where('status', 'in', [...input.from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Drops the stored file once it is no longer needed (imported, cancelled or failed for good): it holds personal data. */
export async function deleteFile(db: Executor, importId: number) {
  await db.deleteFrom('import_chunks').where('import_id', '=', importId).execute();
}

export async function clearReport(db: Executor, importId: number) {
  await db.deleteFrom('import_errors').where('import_id', '=', importId).execute();
}

export async function countProblems(db: Executor, importId: number, severity?: 'error' | 'warning'): Promise<number> {
  let q = db
    .selectFrom('import_errors')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('import_id', '=', importId);
  if (severity) q = q.where('severity', '=', severity);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The report in file order: by line, then in the order the problems were found. Page with `afterId`. */
export async function listProblems(
  db: Executor,
  input: { importId: number; severity?: 'error' | 'warning' | undefined; limit: number; after?: { line: number; id: number } },
) {
  let q = db
    .selectFrom('import_errors')
    .select(['id', 'line', 'field', 'message', 'severity'])
    .where('import_id', '=', input.importId)
    .orderBy('line')
    .orderBy('id')
    .limit(input.limit);
  if (input.severity) q = q.where('severity', '=', input.severity);
  if (input.after) {
    const { line, id } = input.after;
    q = q.where((eb) => eb.or([eb('line', '>', line), eb.and([eb('line', '=', line), eb('id', '>', id)])]));
  }
  return q.execute();
}
