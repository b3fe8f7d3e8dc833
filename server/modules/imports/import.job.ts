import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, PermanentJobError, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceOf } from '../members/members.repo.ts';
import { insertRows, refreshStatistics } from './bulk.ts';
import { planColumns } from './column-mapping.ts';
import { type BatchSettings, newDryRunMemory, writeBatch } from './import-batch.ts';
import { type ParseSettings, parseSegments, type Segment } from './import-parse.ts';
import type { RowProblem } from './import-rows.ts';
import {
  clearReport,
  countProblems,
  deleteFile,
  findImport,
  type ImportRow,
  readChunks,
  type StoredOptions,
  storedOptions,
  transition,
} from './imports.repo.ts';

// The job `imports.run`: reads the stored file through csv-parse, prepares each row (import-parse.ts, import-rows.ts)
// and writes them in batches of about 1,000 rows (import-batch.ts), several batches per transaction together with the
// import's counters. processed_rows is the checkpoint: a run that crashed or was stopped resumes after the last
// committed transaction, so no row is written twice or half-written. A dry run (status 'validating') writes only the
// report and counters, and starts over when it is retried.

export const IMPORT_JOB = 'imports.run';
export const IMPORT_MAX_ATTEMPTS = 3;
/** Rows per set-based write (one lookup by phone, one by email, one multi-row insert …) and per parsed segment. */
export const BATCH_ROWS = 1_000;
/**
 * Rows per transaction at most. Far more than a batch on purpose: a commit writes every index page the transaction
 * touched, and each member lands on random pages of four indexes (phone, email, name, last name), so at a million
 * members a commit per 1,000 rows spends three times longer writing pages than inserting rows (measured on SQLite:
 * 130 µs per row at 1,000 rows per commit, 55 µs at 20,000). See COMMIT_BUDGET_MS for the other bound.
 */
export const COMMIT_ROWS = 25_000;
/**
 * A transaction takes no new batch once it has run this long: it bounds how long the import holds SQLite's single
 * writer (and, in one process, its one connection) while other requests wait.
 */
export const COMMIT_BUDGET_MS = 1_000;
/** Warnings kept in the report per import (errors are all kept). */
const MAX_WARNINGS = 10_000;
/** Files from this size are parsed in a worker thread, in parallel with the writes. */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;

type WorkerMessage = { segment?: Segment; drained?: true; done?: true; error?: string };

/**
 * parseSegments in a worker thread: the job's thread reads the stored chunks and hands them over (at most two in
 * flight, and none while `maxQueued` parsed records wait to be written), the worker parses and prepares them.
 */
async function* parseInWorker(chunks: AsyncIterable<Buffer>, settings: ParseSettings, maxQueued: number): AsyncGenerator<Segment> {
  // Its live data is one chunk and one segment: a small heap keeps the process's memory flat on large files.
  const worker = new Worker(new URL('./import-worker.ts', import.meta.url), {
    workerData: settings,
    resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
  });
  const queue: Segment[] = [];
  let queued = 0;
  let inFlight = 0;
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.segment) {
      queue.push(message.segment);
      queued += message.segment.records;
    } else if (message.drained) inFlight--;
    else if (message.done) finished = true;
    else if (message.error !== undefined) failure = new Error(message.error);
    notify();
  });
  worker.on('error', (error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error));
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new Error(`the import's parser thread stopped (exit code ${code})`);
    notify();
  });
  const source = chunks[Symbol.asyncIterator]();
  let sourceDone = false;
  try {
    for (;;) {
      while (!sourceDone && inFlight < 2 && queued < maxQueued) {
        const next = await source.next();
        if (next.done) {
          sourceDone = true;
          worker.postMessage({ end: true });
          break;
        }
        const copy = new ArrayBuffer(next.value.length);
        new Uint8Array(copy).set(next.value);
        worker.postMessage({ chunk: copy }, [copy]);
        inFlight++;
      }
      const segment = queue.shift();
      if (segment) {
        queued -= segment.records;
        yield segment;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    await worker.terminate();
    await source.return?.();
  }
}

export type ImportRunDeps = { db: Db; clock: Clock; appSecret: string };

export type ImportProgress = {
  processedRows: number;
  totalRows: number | null;
  createdCount: number;
  updatedCount: number;
  duplicateCount: number;
  errorCount: number;
};

export type RunImportOptions = {
  workspaceId: number;
  importId: number;
  /** Checked after each transaction: an aborted run stops once the transaction it is writing has committed. */
  signal?: AbortSignal;
  /** Called after each committed transaction (awaited). */
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  batchRows?: number;
  commitRows?: number;
  /** Parse in a worker thread (default: for files of 4 MB and more). */
  worker?: boolean;
  /** The job's payload says which run it is for; a job for the other kind of run does nothing. */
  dryRun?: boolean;
};

export type RunOutcome = 'done' | 'validated' | 'cancelled' | 'not_running';

/** Thrown inside a transaction when the import was cancelled meanwhile: the transaction rolls back. */
class ImportStopped extends Error {
  override name = 'ImportStopped';
}

function parseStored(row: ImportRow): { headers: string[]; mapping: Record<string, string>; options: StoredOptions } {
  const headers = JSON.parse(row.headers ?? '[]') as string[];
  const mapping = JSON.parse(row.mapping ?? '{}') as Record<string, string>;
  return { headers, mapping, options: storedOptions(row) };
}

/** Runs (or resumes) an import that was started: status 'running', or 'validating' for a dry run. */
export async function runImport(deps: ImportRunDeps, options: RunImportOptions): Promise<RunOutcome> {
  const { db, clock } = deps;
  const { workspaceId, importId } = options;
  const batchRows = options.batchRows ?? BATCH_ROWS;
  const commitRows = Math.max(batchRows, options.commitRows ?? COMMIT_ROWS);
  const row = await findImport(db, workspaceId, importId);
  if (!row) throw new PermanentJobError(`import ${importId} does not exist in workspace ${workspaceId}`);
  if (row.status !== 'running' && row.status !== 'validating') return 'not_running';
  const dryRun = row.status === 'validating';
  if (options.dryRun !== undefined && options.dryRun !== dryRun) return 'not_running';
  const status = row.status;
  const { headers, mapping, options: stored } = parseStored(row);
  const { plan, problems: mappingProblems } = planColumns(headers, mapping);
  if (mappingProblems.length > 0)
    throw new PermanentJobError(`the mapping is invalid: ${mappingProblems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  const workspace = await workspaceOf(db, workspaceId);
  const totals: ImportProgress = {
    processedRows: row.processed_rows,
    totalRows: row.total_rows,
    createdCount: row.created_count,
    updatedCount: row.updated_count,
    duplicateCount: row.duplicate_count,
    errorCount: row.error_count,
  };
  if (dryRun && row.processed_rows > 0) {
    // A dry run keeps its memory of the file in this process: a retried one starts over.
    await db.transaction().execute(async (trx) => {
      await clearReport(trx, importId);
      await trx
        .updateTable('imports')
        .set({ processed_rows: 0, created_count: 0, updated_count: 0, duplicate_count: 0, error_count: 0 })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', importId)
        .execute();
    });
    Object.assign(totals, { processedRows: 0, createdCount: 0, updatedCount: 0, duplicateCount: 0, errorCount: 0 });
  }
  const checkpoint = totals.processedRows;
  let warnings = await countProblems(db, importId, 'warning');
  const memory = dryRun ? newDryRunMemory() : null;
  const settings = (at: number): BatchSettings => ({
    workspaceId,
    importId,
    at,
    dedupe: stored.dedupe ?? 'update',
    communityIds: stored.communityIds ?? [],
    tags: stored.tags ?? [],
    wording: stored.consent?.wording ?? null,
    consentColumns: { sms: stored.consent?.smsColumn ?? null, email: stored.consent?.emailColumn ?? null },
    appSecret: deps.appSecret,
    dryRun: memory,
  });

  // Planner statistics (PostgreSQL) are refreshed when the import has grown the tables it reads by half since.
  let analyzedAt = 0;
  const refreshWhenGrown = async () => {
    const written = totals.createdCount;
    if (written >= Math.max(5_000, analyzedAt * 1.5)) {
      await refreshStatistics(db, ['members', 'activities']);
      analyzedAt = written;
    }
  };

  /** Parsed segments not written yet, in file order; each is written whole (the checkpoint never splits one). */
  const pending: Segment[] = [];
  let pendingRecords = 0;
  /** Data records up to the end of the last committed segment (blank rows included): the checkpoint. */
  let committed = checkpoint;

  /** Writes pending segments in one transaction, as many as fit in the row and time bounds; false when none was. */
  const flush = async (): Promise<boolean> => {
    if (pending.length === 0) return false;
    const at = clock.now();
    const started = performance.now();
    let taken = 0;
    let takenRecords = 0;
    await db.transaction().execute(async (trx) => {
      const result = { created: 0, updated: 0, duplicates: 0, rejected: 0, problems: [] as RowProblem[] };
      for (const segment of pending) {
        if (taken > 0 && (takenRecords + segment.records > commitRows || performance.now() - started >= COMMIT_BUDGET_MS)) break;
        const part = await writeBatch(trx, settings(at), segment.rows);
        result.created += part.created;
        result.updated += part.updated;
        result.duplicates += part.duplicates;
        result.rejected += part.rejected;
        for (const problem of part.problems) result.problems.push(problem);
        if (segment.fatal) {
          result.rejected++;
          result.problems.push(segment.fatal);
        }
        taken++;
        takenRecords += segment.records;
      }
      const kept: RowProblem[] = [];
      for (const problem of result.problems) {
        if (problem.severity === 'warning') {
          if (warnings >= MAX_WARNINGS) continue;
          warnings++;
        }
        kept.push(problem);
      }
      await insertRows(
        trx,
        'import_errors',
        ['import_id', 'line', 'field', 'message', 'severity'],
        kept.map((p) => [importId, p.line, p.field?.slice(0, 500) ?? null, p.message.slice(0, 2000), p.severity]),
      );
      const updated = await trx
        .updateTable('imports')
        .set((eb) => ({
          processed_rows: committed + takenRecords,
          created_count: eb('created_count', '+', result.created),
          updated_count: eb('updated_count', '+', result.updated),
          duplicate_count: eb('duplicate_count', '+', result.duplicates),
          error_count: eb('error_count', '+', result.rejected),
        }))
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', importId)
        .where('status', '=', status)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw new ImportStopped();
      totals.createdCount += result.created;
      totals.updatedCount += result.updated;
      totals.duplicateCount += result.duplicates;
      totals.errorCount += result.rejected;
    });
    pending.splice(0, taken);
    pendingRecords -= takenRecords;
    committed += takenRecords;
    totals.processedRows = committed;
    if (!dryRun) await refreshWhenGrown();
    await options.onProgress?.({ ...totals });
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('the import was stopped');
    return true;
  };

  const parseSettings: ParseSettings = {
    headers,
    plan,
    consent: stored.consent,
    source: stored.source ?? `import: ${row.filename}`.slice(0, 100),
    context: { defaultCountry: workspace.default_country, workspaceTimezone: workspace.timezone },
    delimiter: stored.file.delimiter,
    skip: checkpoint,
    segmentRecords: batchRows,
  };
  const useWorker = options.worker ?? row.size_bytes >= WORKER_MIN_BYTES;
  const segments = useWorker
    ? parseInWorker(readChunks(db, importId), parseSettings, commitRows)
    : parseSegments(readChunks(db, importId), parseSettings);
  try {
    for await (const segment of segments) {
      pending.push(segment);
      pendingRecords += segment.records;
      while (pendingRecords >= commitRows) await flush();
    }
    while (await flush()) {
      // the rest, in as many transactions as the bounds ask for
    }
    const finished = await transition(db, {
      workspaceId,
      importId,
      from: [status],
      set: { status: dryRun ? 'validated' : 'done', total_rows: committed, finished_at: clock.now(), last_error: null },
    });
    if (!finished) return 'cancelled';
    if (!dryRun) await deleteFile(db, importId);
    await options.onProgress?.({ ...totals, totalRows: committed });
    return dryRun ? 'validated' : 'done';
  } catch (error) {
    if (error instanceof ImportStopped) return 'cancelled';
    throw error;
  } finally {
    await segments.return(undefined);
  }
}

/** Records a failed run on the import: its message, and status 'failed' when no retry is left. */
export async function recordRunFailure(
  deps: Pick<ImportRunDeps, 'db' | 'clock'>,
  input: { workspaceId: number; importId: number; error: unknown; final: boolean; attempt: number },
) {
  const reason = input.error instanceof Error ? input.error.message : String(input.error);
  const message = input.final
    ? `The import stopped: ${reason}. Rows already imported stay; start a new import for the rest.`
    : `Attempt ${input.attempt} of ${IMPORT_MAX_ATTEMPTS} stopped (${reason}); it is retried automatically and resumes where it stopped.`;
  const moved = await transition(deps.db, {
    workspaceId: input.workspaceId,
    importId: input.importId,
    from: ['running', 'validating'],
    set: input.final
      ? { status: 'failed', last_error: message.slice(0, 2000), finished_at: deps.clock.now() }
      : { last_error: message.slice(0, 2000) },
  });
  if (moved && input.final) await deleteFile(deps.db, input.importId);
}

export const importJobPayload = z.object({
  importId: z.number().int().positive(),
  workspaceId: z.number().int().positive(),
  dryRun: z.boolean(),
});

/** `imports.run`: the worker's side of POST /imports/:id/start. */
export function createImportRunJob(deps: ImportRunDeps & { batchRows?: number; commitRows?: number }) {
  return defineJob({
    type: IMPORT_JOB,
    payload: importJobPayload,
    priority: PRIORITY.bulk,
    maxAttempts: IMPORT_MAX_ATTEMPTS,
    timeoutMs: 6 * 60 * 60_000,
    backoff: { baseMs: 5_000, capMs: 5 * 60_000 },
    handler: async (payload, context) => {
      try {
        await runImport(deps, {
          workspaceId: payload.workspaceId,
          importId: payload.importId,
          dryRun: payload.dryRun,
          signal: context.signal,
          ...(deps.batchRows ? { batchRows: deps.batchRows } : {}),
          ...(deps.commitRows ? { commitRows: deps.commitRows } : {}),
        });
      } catch (error) {
        // Stopped by the worker (shutdown, lost lease): the next run resumes; nothing to record.
        if (context.signal.aborted) throw error;
        const final = error instanceof PermanentJobError || context.attempt >= IMPORT_MAX_ATTEMPTS;
        await recordRunFailure(deps, {
          workspaceId: payload.workspaceId,
          importId: payload.importId,
          error,
          final,
          attempt: context.attempt,
        });
        throw error;
      }
    },
  });
}
