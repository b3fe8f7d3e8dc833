import type { Db } from '../../db/database.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { createJobQueue, type JobQueue } from '../../jobs/queue.ts';
import type { Clock } from '../../lib/clock.ts';
import { iso, isoOrNull } from '../accounts/accounts.schema.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { planColumns, suggestConsentColumns, suggestMapping } from './column-mapping.ts';
import { IMPORT_JOB, type ImportProgress, type RunOutcome, runImport } from './import.job.ts';
import {
  clearReport,
  completeUpload,
  countProblems,
  createImportRow,
  deleteFile,
  deleteImport,
  findImport,
  type ImportRow,
  insertChunk,
  listImports,
  listProblems,
  storedOptions,
  transition,
} from './imports.repo.ts';
import type { ImportOptions, ImportView } from './imports.schema.ts';
import { analyzeHead, type Delimiter, detectEncoding, type Encoding, FileProblem, TextNormalizer } from './sniff.ts';

// Imports: the upload (streamed into import_chunks while it is checked), starting a run with a mapping (checked up
// front, so mistakes are field errors and not a thousand row errors), cancelling, and the report.

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** The stored file is cut into chunks of about this size. */
const CHUNK_BYTES = 1024 * 1024;
/** Bytes read before the encoding, delimiter and header are decided. */
const HEAD_BYTES = 64 * 1024;
/** Entries of the report returned as JSON (the CSV download has them all). */
export const REPORT_JSON_LIMIT = 1_000;

export type ImportsServiceDeps = { db: Db; clock: Clock; appSecret: string; jobs?: Pick<JobQueue, 'enqueue'> };

export type UploadResult = {
  import: ImportView;
  headers: string[];
  suggestedMapping: Record<string, string | null>;
  suggestedConsent: { smsColumn?: string; emailColumn?: string };
  sampleRows: string[][];
  encoding: Encoding;
  delimiter: Delimiter;
  notes: string[];
};

const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

const notFound = () =>
  new AppError({ code: 'import.not_found', status: 404, message: 'There is no import with this id in the workspace.' });

export function importView(row: ImportRow): ImportView {
  const { file: _file, ...options } = storedOptions(row);
  return {
    id: row.id,
    filename: row.filename,
    sizeBytes: row.size_bytes,
    status: row.status,
    dryRun: row.dry_run === 1,
    headers: row.headers ? (JSON.parse(row.headers) as string[]) : [],
    mapping: row.mapping ? (JSON.parse(row.mapping) as Record<string, string>) : null,
    options: row.mapping ? (options as ImportOptions) : null,
    totalRows: row.total_rows,
    processedRows: row.processed_rows,
    createdCount: row.created_count,
    updatedCount: row.updated_count,
    duplicateCount: row.duplicate_count,
    errorCount: row.error_count,
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

export function createImportsService(deps: ImportsServiceDeps) {
  const { db, clock } = deps;
  const jobs = deps.jobs ?? createJobQueue({ db, clock });

  async function load(workspaceId: number, importId: number): Promise<ImportRow> {
    const row = await findImport(db, workspaceId, importId);
    if (!row) throw notFound();
    return row;
  }

  /**
   * Stores an uploaded file while checking it: nothing is kept when it is refused (binary, wrong encoding, empty,
   * no header row, too large) or when the upload breaks off.
   */
  async function upload(input: {
    workspaceId: number;
    actor: Actor | null;
    filename: string;
    body: AsyncIterable<Buffer | string>;
    maxBytes?: number;
  }): Promise<UploadResult> {
    const maxBytes = input.maxBytes ?? MAX_UPLOAD_BYTES;
    const iterator = input.body[Symbol.asyncIterator]();
    let size = 0;
    const take = async (): Promise<Buffer | null> => {
      const next = await iterator.next();
      if (next.done) return null;
      const buf = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      size += buf.length;
      if (size > maxBytes) {
        throw new AppError({
          code: 'import.too_large',
          status: 413,
          message: `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it into smaller files and import each.`,
        });
      }
      return buf;
    };
    const stop = () => void iterator.return?.().catch(() => {});

    let importId: number | null = null;
    try {
      const headParts: Buffer[] = [];
      let headLength = 0;
      let ended = false;
      while (headLength < HEAD_BYTES) {
        const part = await take();
        if (part === null) {
          ended = true;
          break;
        }
        headParts.push(part);
        headLength += part.length;
      }
      const head = Buffer.concat(headParts);
      if (head.length === 0) throw new FileProblem('The file is empty: there is nothing to import.');
      const { encoding, bomLength } = detectEncoding(head);
      const normalizer = new TextNormalizer(encoding, bomLength);
      const headText = ended ? Buffer.concat([normalizer.push(head), normalizer.end()]) : normalizer.push(head);
      const analysis = analyzeHead(headText.toString('utf8'), ended);

      const at = clock.now();
      importId = await createImportRow(db, {
        workspaceId: input.workspaceId,
        createdBy: input.actor?.type === 'user' ? input.actor.userId : null,
        filename: input.filename,
        at,
      });
      const id = importId;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingLength = 0;
      const flush = async () => {
        if (pendingLength === 0) return;
        await insertChunk(db, id, seq++, Buffer.concat(pending, pendingLength));
        pending = [];
        pendingLength = 0;
      };
      const add = async (text: Buffer) => {
        if (text.length === 0) return;
        pending.push(text);
        pendingLength += text.length;
        if (pendingLength >= CHUNK_BYTES) await flush();
      };
      await add(headText);
      if (!ended) {
        for (;;) {
          const part = await take();
          if (part === null) break;
          await add(normalizer.push(part));
        }
        await add(normalizer.end());
      }
      await flush();
      const totalRows = Math.max(0, normalizer.lines() - 1);
      await completeUpload(db, {
        workspaceId: input.workspaceId,
        importId: id,
        sizeBytes: size,
        headers: analysis.headers,
        totalRows,
        format: { delimiter: analysis.delimiter, encoding },
      });
      const row = await load(input.workspaceId, id);
      const suggestedMapping = suggestMapping(analysis.headers);
      const unknown = analysis.headers.filter((h) => suggestedMapping[h] === null);
      const notes: string[] = [];
      if (encoding !== 'utf-8') notes.push(`The file is ${encoding.toUpperCase()} text; it was converted to UTF-8.`);
      if (analysis.delimiter !== ',') notes.push(`The columns are separated by ${DELIMITER_NAMES[analysis.delimiter]}.`);
      if (unknown.length > 0) {
        notes.push(
          `${unknown.length === 1 ? 'One column is' : `${unknown.length} columns are`} not a member field we recognise and will be ignored unless you map ${unknown.length === 1 ? 'it' : 'them'} (to a field or to custom:<name>): ${unknown.join(', ')}.`,
        );
      }
      return {
        import: importView(row),
        headers: analysis.headers,
        suggestedMapping,
        suggestedConsent: suggestConsentColumns(analysis.headers),
        sampleRows: analysis.sampleRows,
        encoding,
        delimiter: analysis.delimiter,
        notes,
      };
    } catch (error) {
      stop();
      if (importId !== null) await deleteImport(db, input.workspaceId, importId);
      if (error instanceof FileProblem) throw new AppError({ code: 'import.invalid_file', status: 400, message: error.message });
      throw error;
    }
  }

  /** Checks a mapping and options against the import's file and workspace; returns field errors. */
  async function checkStart(
    row: ImportRow,
    workspaceId: number,
    mapping: Record<string, string>,
    options: ImportOptions,
  ): Promise<FieldError[]> {
    const headers = row.headers ? (JSON.parse(row.headers) as string[]) : [];
    const problems: FieldError[] = planColumns(headers, mapping).problems;
    const consent = options.consent;
    if (consent) {
      if (!consent.smsColumn && !consent.emailColumn) {
        problems.push({ path: 'body.options.consent', message: 'names no column: give smsColumn or emailColumn (or leave consent out)' });
      }
      for (const key of ['smsColumn', 'emailColumn'] as const) {
        const column = consent[key];
        if (column !== undefined && !headers.includes(column)) {
          problems.push({ path: `body.options.consent.${key}`, message: `"${column}" is not a column of the file` });
        }
      }
      if (consent.smsColumn && consent.smsColumn === consent.emailColumn) {
        problems.push({
          path: 'body.options.consent.emailColumn',
          message: 'is the same column as smsColumn; each channel needs its own answer',
        });
      }
    }
    const communityIds = options.communityIds ?? [];
    if (communityIds.length > 0) {
      const found = await db
        .selectFrom('communities')
        .select(['id', 'name', 'archived_at'])
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', communityIds)
        .execute();
      const byId = new Map(found.map((c) => [c.id, c]));
      communityIds.forEach((id, index) => {
        const community = byId.get(id);
        if (!community)
          problems.push({ path: `body.options.communityIds.${index}`, message: `there is no community ${id} in this workspace` });
        else if (community.archived_at !== null) {
          problems.push({ path: `body.options.communityIds.${index}`, message: `"${community.name}" is archived; members cannot join it` });
        }
      });
    }
    return problems;
  }

  /**
   * Starts a run (or a dry run) with a mapping. The job is enqueued in the transaction that sets the status, unless
   * `inline` (the CLI runs it in its own process).
   */
  async function start(input: {
    workspaceId: number;
    actor: Actor | null;
    importId: number;
    mapping: Record<string, string>;
    options: ImportOptions;
    inline?: boolean;
  }): Promise<ImportView> {
    const { workspaceId, importId } = input;
    const row = await load(workspaceId, importId);
    const dryRun = input.options.dryRun ?? false;
    const startable = dryRun ? row.status === 'uploaded' : row.status === 'uploaded' || row.status === 'validated';
    if (!startable) throw notStartable(row, dryRun);
    const problems = await checkStart(row, workspaceId, input.mapping, input.options);
    if (problems.length > 0) {
      throw new AppError({
        code: 'import.invalid_mapping',
        status: 400,
        message: `The mapping or options cannot be used: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        fields: problems,
      });
    }
    const at = clock.now();
    const { file } = storedOptions(row);
    const { dryRun: _dry, ...rest } = input.options;
    const moved = await db.transaction().execute(async (trx) => {
      const ok = await transition(trx, {
        workspaceId,
        importId,
        from: dryRun ? ['uploaded'] : ['uploaded', 'validated'],
        set: {
          status: dryRun ? 'validating' : 'running',
          dry_run: dryRun ? 1 : 0,
          mapping: JSON.stringify(input.mapping),
          options: JSON.stringify({ ...rest, dryRun, file }),
          processed_rows: 0,
          created_count: 0,
          updated_count: 0,
          duplicate_count: 0,
          error_count: 0,
          last_error: null,
          started_at: at,
          finished_at: null,
        },
      });
      if (!ok) return false;
      await clearReport(trx, importId);
      if (!input.inline) {
        await jobs.enqueue(trx, {
          type: IMPORT_JOB,
          payload: { importId, workspaceId, dryRun },
          workspaceId,
          idempotencyKey: `import:${importId}:${dryRun}`,
        });
      }
      await recordAudit(trx, {
        workspaceId,
        actor: input.actor,
        action: dryRun ? 'import.checked' : 'import.started',
        targetType: 'import',
        targetId: importId,
        data: {
          filename: row.filename,
          rows: row.total_rows,
          communities: input.options.communityIds ?? [],
          consent: input.options.consent !== undefined,
        },
        at,
      });
      return true;
    });
    const after = await load(workspaceId, importId);
    if (!moved) throw notStartable(after, dryRun);
    return importView(after);
  }

  function notStartable(row: ImportRow, dryRun: boolean) {
    const why: Record<ImportRow['status'], string> = {
      uploaded: 'it has not started',
      validating: 'it is being checked (a dry run is running)',
      validated: 'it was already checked with a dry run; start it for real, or upload the file again to check another mapping',
      running: 'it is already running',
      done: 'it has finished; upload the file again to import it again',
      failed: 'it failed; upload the file again',
      cancelled: 'it was cancelled; upload the file again',
    };
    return new AppError({
      code: 'import.not_startable',
      status: 409,
      message: `This import cannot ${dryRun ? 'be checked' : 'start'}: ${why[row.status]}.`,
    });
  }

  /** Cancels an import: a running job stops at its next batch; rows already written stay. */
  async function cancel(input: { workspaceId: number; importId: number }): Promise<ImportView> {
    const { workspaceId, importId } = input;
    await load(workspaceId, importId);
    const moved = await db.transaction().execute(async (trx) => {
      const ok = await transition(trx, {
        workspaceId,
        importId,
        from: ['uploaded', 'validating', 'validated', 'running'],
        set: { status: 'cancelled', finished_at: clock.now() },
      });
      if (ok) await deleteFile(trx, importId);
      return ok;
    });
    const row = await load(workspaceId, importId);
    if (!moved) {
      throw new AppError({
        code: 'import.not_cancellable',
        status: 409,
        message: `This import is ${row.status}; only imports that have not finished can be cancelled.`,
      });
    }
    return importView(row);
  }

  async function get(workspaceId: number, importId: number): Promise<ImportView> {
    return importView(await load(workspaceId, importId));
  }

  async function list(workspaceId: number): Promise<ImportView[]> {
    return (await listImports(db, workspaceId)).map(importView);
  }

  /** The first entries of the report, in file order, and how many there are. */
  async function report(input: { workspaceId: number; importId: number; severity?: 'error' | 'warning' | undefined }) {
    await load(input.workspaceId, input.importId);
    const rows = await listProblems(db, { importId: input.importId, severity: input.severity, limit: REPORT_JSON_LIMIT });
    return {
      errors: rows.map((r) => ({ line: r.line, field: r.field, message: r.message, severity: r.severity })),
      total: await countProblems(db, input.importId, input.severity),
    };
  }

  /** The whole report, page by page, for the CSV download. */
  async function* reportRows(input: { workspaceId: number; importId: number; severity?: 'error' | 'warning' | undefined }) {
    await load(input.workspaceId, input.importId);
    let after: { line: number; id: number } | undefined;
    for (;;) {
      const rows = await listProblems(db, {
        importId: input.importId,
        severity: input.severity,
        limit: 5_000,
        ...(after ? { after } : {}),
      });
      for (const r of rows) yield { line: r.line, field: r.field, severity: r.severity, message: r.message };
      const last = rows.at(-1);
      if (!last || rows.length < 5_000) return;
      after = { line: last.line, id: last.id };
    }
  }

  /** Runs a started import in this process (the CLI), reporting progress after each batch. */
  async function runInProcess(input: {
    workspaceId: number;
    importId: number;
    onProgress?: (progress: ImportProgress) => void;
    signal?: AbortSignal;
  }): Promise<RunOutcome> {
    return runImport(deps, input);
  }

  return { upload, start, cancel, get, list, report, reportRows, runInProcess };
}

export type ImportsService = ReturnType<typeof createImportsService>;
