import { CsvError, Parser } from 'csv-parse';
import type { NormalizeContext } from '../members/member-fields.ts';
import type { ColumnPlan } from './column-mapping.ts';
import { createRowPreparer, type PreparedRow, type RowProblem } from './import-rows.ts';

// The CPU half of an import: the stored file's text through csv-parse, physical line numbers, the checkpoint skip,
// and each record prepared (import-rows.ts). Pure of the database, so it runs in the job's thread for small files and
// in a worker thread for large ones (import-worker.ts), overlapping with the batch writes.

/**
 * A record this long means a quote that never closes is swallowing the file; csv-parse stops there. (Long fields
 * below it are reported on their own line by the field rules: at most 1,000 characters.)
 */
export const MAX_RECORD_BYTES = 1_000_000;

export type ParseSettings = {
  headers: string[];
  plan: ColumnPlan;
  consent: { smsColumn?: string | undefined; emailColumn?: string | undefined } | undefined;
  source: string | null;
  context: NormalizeContext;
  delimiter: ',' | ';' | '\t';
  /** Data records already imported (the checkpoint): read and counted, not prepared again. */
  skip: number;
  /** Records per segment. */
  segmentRecords: number;
};

/**
 * Consecutive records after the checkpoint: `records` counts them all (blank rows included: the checkpoint's unit),
 * `rows` holds the prepared ones. The last segment may carry the fatal error that ended the reading.
 */
export type Segment = { records: number; rows: PreparedRow[]; fatal: RowProblem | null };

type ParsedItem = { record: string[]; info: { empty_lines: number } } | { fatal: CsvError };

/**
 * csv-parse as a stream whose fatal errors (a quote that never closes, a record over max_record_size) arrive as a
 * last item instead of destroying the stream, so the records parsed before them in the same chunk are not lost.
 */
class TolerantParser extends Parser {
  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    super._transform(chunk, encoding, (error?: Error | null) => this.settle(error, callback));
  }
  override _flush(callback: (error?: Error | null) => void) {
    super._flush((error?: Error | null) => this.settle(error, callback));
  }
  private settle(error: Error | null | undefined, callback: (error?: Error | null) => void) {
    if (error instanceof CsvError) {
      this.push({ fatal: error });
      this.push(null);
      callback();
    } else callback(error);
  }
}

const breakPattern = /\r\n|\r|\n/g;

/** Line breaks inside a record's quoted fields (csv-parse counts "\r\n" inside quotes as two lines; this does not). */
function breaksInside(record: readonly string[]): number {
  let n = 0;
  for (const field of record) {
    if (field.indexOf('\n') === -1 && field.indexOf('\r') === -1) continue;
    n += field.match(breakPattern)?.length ?? 0;
  }
  return n;
}

function fatalProblem(error: CsvError, line: number): RowProblem {
  const message =
    error.code === 'CSV_MAX_RECORD_SIZE'
      ? `is longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} characters, most likely because a quoted value (") never closes; this row and the rest of the file could not be read`
      : error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'opens a quoted value (") that never closes, so this row and the rest of the file could not be read; close the quote (or remove it) and import the rest again'
        : `could not be read as CSV (${error.message}); this row and the rest of the file were not imported`;
  return { line, field: null, message, severity: 'error' };
}

function drainedOrClosed(parser: Parser): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      parser.off('drain', done);
      parser.off('close', done);
      resolve();
    };
    parser.once('drain', done);
    parser.once('close', done);
  });
}

/** Parses and prepares the file's records after the checkpoint, in segments. */
export async function* parseSegments(chunks: AsyncIterable<Buffer>, settings: ParseSettings): AsyncGenerator<Segment> {
  const prepare = createRowPreparer(settings);
  const parser = new TolerantParser({
    delimiter: settings.delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const feed = (async () => {
    try {
      for await (const chunk of chunks) {
        if (!parser.write(chunk)) await drainedOrClosed(parser);
        if (parser.destroyed) return;
      }
      parser.end();
    } catch (error) {
      parser.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  let headerSeen = false;
  let lastLine = 0;
  let lastEmpty = 0;
  let index = 0;
  let segment: Segment = { records: 0, rows: [], fatal: null };
  try {
    for await (const item of parser as AsyncIterable<ParsedItem>) {
      if ('fatal' in item) {
        // The rest of the file cannot be read: one error on the line where the broken row starts. It counts as a
        // record, so a retried run that has already reported it does not report it again.
        index++;
        if (index > settings.skip) {
          segment.records++;
          segment.fatal = fatalProblem(item.fatal, lastLine + 1);
        }
        break;
      }
      const { record, info } = item;
      const line = lastLine + 1 + (info.empty_lines - lastEmpty);
      lastLine = line + breaksInside(record);
      lastEmpty = info.empty_lines;
      if (!headerSeen) {
        headerSeen = true;
        continue;
      }
      index++;
      if (index <= settings.skip) continue;
      segment.records++;
      const prepared = prepare(record, line);
      if (prepared) segment.rows.push(prepared);
      if (segment.records >= settings.segmentRecords) {
        yield segment;
        segment = { records: 0, rows: [], fatal: null };
      }
    }
    if (segment.records > 0 || segment.fatal) yield segment;
  } finally {
    parser.destroy();
    await feed;
  }
}
