import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../http/errors.ts';
import { systemClock } from '../../lib/clock.ts';
import { parseTarget } from './column-mapping.ts';
import { exportMembers } from './export.ts';
import type { ImportOptions } from './imports.schema.ts';
import { createImportsService } from './imports.service.ts';

// `groundswell import` and `groundswell export`: the same service as the API, run in this process (no worker), with
// a progress bar on stderr and a summary on stdout. A refused file or mapping exits with 1 and a sentence saying why;
// an import that ran exits with 0 even when some rows had errors (they are listed with their line numbers).

export type ImportCliOptions = {
  workspace: string;
  map: string[];
  community: string[];
  tag: string[];
  source?: string;
  consentColumn?: string;
  emailConsentColumn?: string;
  consentWording?: string;
  dedupe: string;
  dryRun?: boolean;
};

export type ExportCliOptions = { workspace: string; tag?: string; community?: string; consent?: string; search?: string; out?: string };

const SHOWN_PROBLEMS = 20;
const out = (line = '') => process.stdout.write(`${line}\n`);
const isId = (ref: string) => /^\d+$/.test(ref);

async function findWorkspace(db: Db, ref: string) {
  const ws = await db
    .selectFrom('workspaces')
    .select(['id', 'name', 'slug'])
    .where(isId(ref) ? 'id' : 'slug', '=', isId(ref) ? Number(ref) : ref)
    .executeTakeFirst();
  if (!ws) throw new InvalidArgumentError(`--workspace: there is no workspace with the id or slug "${ref}"`);
  return ws;
}

async function findCommunity(db: Db, workspaceId: number, ref: string) {
  const community = await db
    .selectFrom('communities')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where(isId(ref) ? 'id' : 'slug', '=', isId(ref) ? Number(ref) : ref)
    .executeTakeFirst();
  if (!community) throw new InvalidArgumentError(`--community: there is no community with the id or slug "${ref}" in this workspace`);
  return community;
}

/** An AppError from the service as a CLI message (field errors one per line). */
function cliError(error: unknown): never {
  if (error instanceof AppError) {
    const lines = error.fields?.map((f) => `  ${f.path.replace(/^body\./, '')}: ${f.message}`) ?? [];
    throw new InvalidArgumentError(lines.length > 0 ? `${error.message.split(':')[0]}:\n${lines.join('\n')}` : error.message);
  }
  throw error;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export async function importCommand(deps: { db: Db; appSecret: string }, file: string, options: ImportCliOptions) {
  const { db } = deps;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new InvalidArgumentError(`${file}: there is no such file`);
  }
  if (options.dedupe !== 'update' && options.dedupe !== 'skip') throw new InvalidArgumentError('--dedupe must be update or skip');
  if ((options.consentColumn || options.emailConsentColumn) && !options.consentWording) {
    throw new InvalidArgumentError('--consent-wording is required with a consent column: the exact words the members agreed to');
  }
  const workspace = await findWorkspace(db, options.workspace);
  const communities = [];
  for (const ref of options.community) communities.push(await findCommunity(db, workspace.id, ref));

  const imports = createImportsService({ db, clock: systemClock, appSecret: deps.appSecret });
  const uploaded = await imports
    .upload({ workspaceId: workspace.id, actor: null, filename: basename(file), body: createReadStream(file) })
    .catch((error: unknown) => cliError(error));
  const importId = uploaded.import.id;

  const mapping: Record<string, string> = {};
  for (const [header, field] of Object.entries(uploaded.suggestedMapping)) if (field !== null) mapping[header] = field;
  for (const entry of options.map) {
    const at = entry.lastIndexOf('=');
    const header = at > 0 ? entry.slice(0, at).trim() : '';
    const field = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!header || !field)
      throw new InvalidArgumentError(`--map "${entry}": write it as "Column name=field", e.g. --map "Cell Phone=phone"`);
    if (!uploaded.headers.includes(header))
      throw new InvalidArgumentError(`--map "${entry}": the file has no column "${header}" (its columns: ${uploaded.headers.join(', ')})`);
    if (parseTarget(field) === null)
      throw new InvalidArgumentError(
        `--map "${entry}": "${field}" is not a field (use firstName, lastName, fullName, phone, email, postalCode, language, timezone, source, tags, custom:<key> or ignore)`,
      );
    if (field === 'ignore') delete mapping[header];
    else mapping[header] = field;
  }

  out(
    `${basename(file)}: about ${plural(uploaded.import.totalRows ?? 0, 'row')} in ${plural(uploaded.headers.length, 'column')} (${uploaded.encoding.toUpperCase()}, separated by ${uploaded.delimiter === '\t' ? 'tabs' : `"${uploaded.delimiter}"`}).`,
  );
  for (const note of uploaded.notes) out(`  note: ${note}`);
  out('Columns:');
  const width = Math.min(32, Math.max(...uploaded.headers.map((h) => h.length)));
  for (const header of uploaded.headers) {
    const consent = header === options.consentColumn ? '  (SMS consent)' : header === options.emailConsentColumn ? '  (email consent)' : '';
    out(`  ${header.padEnd(width)}  → ${mapping[header] ?? '(ignored)'}${consent}`);
  }

  const importOptions: ImportOptions = {
    dryRun: options.dryRun ?? false,
    dedupe: options.dedupe,
    ...(communities.length > 0 ? { communityIds: communities.map((c) => c.id) } : {}),
    ...(options.tag.length > 0 ? { tags: options.tag.map((t) => t.trim().toLowerCase()) } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(options.consentColumn || options.emailConsentColumn
      ? {
          consent: {
            ...(options.consentColumn ? { smsColumn: options.consentColumn } : {}),
            ...(options.emailConsentColumn ? { emailColumn: options.emailConsentColumn } : {}),
            wording: options.consentWording ?? '',
          },
        }
      : {}),
  };
  try {
    await imports.start({ workspaceId: workspace.id, actor: null, importId, mapping, options: importOptions, inline: true });
  } catch (error) {
    await imports.cancel({ workspaceId: workspace.id, importId }).catch(() => {});
    cliError(error);
  }
  if (communities.length > 0) out(`Everyone imported joins: ${communities.map((c) => c.name).join(', ')}.`);

  const bar = new SingleBar({
    format: '  {bar} {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}',
    etaBuffer: 20,
    hideCursor: true,
  });
  const startedAt = Date.now();
  bar.start(Math.max(1, uploaded.import.totalRows ?? 1), 0, { speed: 0 });
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', interrupt);
  let outcome: string;
  try {
    outcome = await imports.runInProcess({
      workspaceId: workspace.id,
      importId,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.totalRows !== null && p.totalRows !== bar.getTotal()) bar.setTotal(Math.max(p.totalRows, p.processedRows));
        const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
        bar.update(p.processedRows, { speed: Math.round(p.processedRows / seconds).toLocaleString('en-US') });
      },
    });
  } catch (error) {
    bar.stop();
    if (controller.signal.aborted) {
      const stopped = await imports.cancel({ workspaceId: workspace.id, importId });
      throw new InvalidArgumentError(
        `Stopped. ${plural(stopped.processedRows, 'row')} were imported before the stop and stay; import ${stopped.id} is cancelled.`,
      );
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
  bar.stop();

  const result = await imports.get(workspace.id, importId);
  const seconds = (Date.now() - startedAt) / 1000;
  const dry = result.dryRun;
  out();
  if (outcome === 'cancelled') out(`Import ${importId} was cancelled while it ran; the rows imported before stay.`);
  out(
    `${dry ? 'Dry run (nothing was imported)' : 'Imported'}: ${plural(result.processedRows, 'row')} in ${seconds.toFixed(1)} s — ` +
      `${plural(result.createdCount, dry ? 'new member to create' : 'new member', dry ? 'new members to create' : 'new members')}, ` +
      `${plural(result.updatedCount, dry ? 'existing member to update' : 'existing member updated', dry ? 'existing members to update' : 'existing members updated')}, ` +
      `${plural(result.duplicateCount, 'duplicate row')}, ${plural(result.errorCount, 'row')} with errors (not imported).`,
  );
  const report = await imports.report({ workspaceId: workspace.id, importId });
  if (report.total > 0) {
    out();
    out(`Problems (${report.total.toLocaleString('en-US')}; line numbers are the file's, header = line 1):`);
    for (const problem of report.errors.slice(0, SHOWN_PROBLEMS)) {
      const value = problem.message.length > 160 ? `${problem.message.slice(0, 159)}…` : problem.message;
      out(
        `  line ${String(problem.line).padEnd(6)} ${problem.severity === 'error' ? 'error  ' : 'warning'} ${problem.field ? `${problem.field}: ` : ''}${value}`,
      );
    }
    if (report.total > SHOWN_PROBLEMS) out(`  … and ${(report.total - SHOWN_PROBLEMS).toLocaleString('en-US')} more.`);
    out(`The full report: the dashboard's Imports page, or GET /api/workspaces/${workspace.id}/imports/${importId}/errors?format=csv`);
  }
  if (dry) out(`To import for real: run the same command without --dry-run.`);
}

export async function exportCommand(deps: { db: Db }, options: ExportCliOptions) {
  const { db } = deps;
  const workspace = await findWorkspace(db, options.workspace);
  const community = options.community ? await findCommunity(db, workspace.id, options.community) : null;
  const consent = options.consent;
  if (consent !== undefined && consent !== 'sms_granted' && consent !== 'sms_revoked' && consent !== 'sms_none') {
    throw new InvalidArgumentError('--consent must be sms_granted, sms_revoked or sms_none');
  }
  let rows = 0;
  const stream = await exportMembers(
    { db, clock: systemClock },
    {
      workspaceId: workspace.id,
      actor: null,
      query: {
        ...(options.tag ? { tag: options.tag } : {}),
        ...(community ? { communityId: community.id } : {}),
        ...(consent ? { consent } : {}),
        ...(options.search ? { q: options.search } : {}),
      },
      onRecord: () => {
        rows++;
      },
    },
  );
  if (options.out) {
    await pipeline(stream, createWriteStream(options.out));
    process.stderr.write(`Exported ${plural(rows, 'member')} to ${options.out}.\n`);
  } else {
    await pipeline(stream, process.stdout);
    process.stderr.write(`Exported ${plural(rows, 'member')}.\n`);
  }
}
