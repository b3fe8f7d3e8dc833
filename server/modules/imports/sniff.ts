import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { fieldForHeader, headerKey } from './column-mapping.ts';

// What kind of file was uploaded, checked while it streams in: its encoding (UTF-8 with or without a BOM, UTF-16
// with a BOM or by its zero bytes), binary files people upload by mistake (images, PDFs, Excel workbooks), invalid
// UTF-8 (with the line it is on), the delimiter and the header row. Everything is stored as UTF-8 without a BOM.
//
// Windows-1252 ("CSV" from older Excel) is refused rather than guessed: any byte sequence is valid Windows-1252, so
// a guess can silently turn names into mojibake, and the invalid byte may only show up deep in a file we have
// already stored. The message tells the person how to save the file as UTF-8 instead.

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';
export type Delimiter = ',' | ';' | '\t';

/** A file we refuse, with a sentence the person can act on. */
export class FileProblem extends Error {
  override name = 'FileProblem';
}

const SAVE_AS_CSV = "open it in your spreadsheet program, choose File → Save As → 'CSV UTF-8', and upload the .csv file";

const MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'an Excel workbook or another zipped file (.xlsx, .zip)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel workbook (.xls)' },
  { bytes: [0x1f, 0x8b], what: 'a compressed (gzip) file' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], what: 'UTF-32 text, which we do not read' },
];

const startsWith = (buf: Buffer, bytes: number[]) => bytes.length <= buf.length && bytes.every((b, i) => buf[i] === b);

/** Reads the first bytes of a file: its encoding and BOM, or a FileProblem for binary files. */
export function detectEncoding(head: Buffer): { encoding: Encoding; bomLength: number } {
  for (const { bytes, what } of MAGIC) {
    if (startsWith(head, bytes)) throw new FileProblem(`This file is ${what}, not a CSV file; ${SAVE_AS_CSV}.`);
  }
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bomLength: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bomLength: 2 };
  // UTF-16 without a BOM: ASCII text has a zero in every other byte.
  const sample = head.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenZeros++;
      else oddZeros++;
    }
  }
  const pairs = Math.floor(sample.length / 2);
  if (pairs >= 2 && oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return { encoding: 'utf-16le', bomLength: 0 };
  if (pairs >= 2 && evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return { encoding: 'utf-16be', bomLength: 0 };
  if (evenZeros + oddZeros > 0)
    throw new FileProblem(`This file holds binary data, not text; it is not a CSV file. To import a spreadsheet, ${SAVE_AS_CSV}.`);
  return { encoding: 'utf-8', bomLength: 0 };
}

function countNewlines(buf: Buffer, end = buf.length): number {
  let n = 0;
  let i = buf.indexOf(10);
  while (i !== -1 && i < end) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

/** Length of the bytes at the end of `buf` that start a UTF-8 character not complete yet (0 to 3). */
function incompleteTail(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = buf[n - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Index of the first byte that is not valid UTF-8 (the buffer is known to be invalid). */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    const need = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need === 0) return i;
    if (need > 1 && !isUtf8(buf.subarray(i, i + need))) return i;
    i += need;
  }
  return Math.max(0, buf.length - 1);
}

/**
 * Turns the uploaded bytes into UTF-8 text chunks (transcoding UTF-16), checking them as they pass: invalid UTF-8 or
 * a zero byte throws a FileProblem naming the line. Tracks the number of lines for the row estimate.
 */
export class TextNormalizer {
  readonly encoding: Encoding;
  private skip: number;
  private carry: Buffer = Buffer.alloc(0);
  private readonly decoder: TextDecoder | null;
  /** Newlines seen so far in the output. */
  newlines = 0;
  /** Whether the output so far ends with a newline. */
  endsWithNewline = false;
  outputBytes = 0;

  constructor(encoding: Encoding, bomLength: number) {
    this.encoding = encoding;
    this.skip = bomLength;
    this.decoder = encoding === 'utf-8' ? null : new TextDecoder(encoding, { fatal: true });
  }

  /** The next bytes of the file; returns the UTF-8 text they complete. */
  push(input: Buffer): Buffer {
    let chunk = input;
    if (this.skip > 0) {
      const skipped = Math.min(this.skip, chunk.length);
      chunk = chunk.subarray(skipped);
      this.skip -= skipped;
    }
    let out: Buffer;
    if (this.decoder) {
      let text: string;
      try {
        text = this.decoder.decode(chunk, { stream: true });
      } catch (error) {
        throw new FileProblem(
          `The file is not valid UTF-16 text (near line ${this.newlines + 1}); save it as 'CSV UTF-8' and upload again.`,
          { cause: error },
        );
      }
      out = Buffer.from(text, 'utf8');
    } else {
      const joined = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
      const tail = incompleteTail(joined);
      out = tail > 0 ? joined.subarray(0, joined.length - tail) : joined;
      this.carry = tail > 0 ? Buffer.from(joined.subarray(joined.length - tail)) : Buffer.alloc(0);
      if (!isUtf8(out)) this.invalid(out, firstInvalidUtf8(out));
    }
    this.check(out);
    return out;
  }

  /** The end of the file: returns the last text, or throws when the file ends inside a character. */
  end(): Buffer {
    let out: Buffer;
    if (this.decoder) {
      try {
        out = Buffer.from(this.decoder.decode(), 'utf8');
      } catch (error) {
        throw new FileProblem("The file ends in the middle of a UTF-16 character; save it as 'CSV UTF-8' and upload again.", {
          cause: error,
        });
      }
    } else {
      out = this.carry;
      if (out.length > 0) this.invalid(out, 0);
    }
    this.check(out);
    return out;
  }

  private invalid(buf: Buffer, at: number): never {
    const line = this.newlines + countNewlines(buf, at) + 1;
    throw new FileProblem(`The file is not UTF-8 text (line ${line} has invalid bytes); save it as 'CSV UTF-8' and upload again.`);
  }

  private check(out: Buffer) {
    if (out.length === 0) return;
    const zero = out.indexOf(0);
    if (zero !== -1) {
      const line = this.newlines + countNewlines(out, zero) + 1;
      throw new FileProblem(
        `Line ${line} holds binary data (a zero byte); this is not a CSV text file. To import a spreadsheet, ${SAVE_AS_CSV}.`,
      );
    }
    this.newlines += countNewlines(out);
    this.endsWithNewline = out[out.length - 1] === 10;
    this.outputBytes += out.length;
  }

  /** Physical lines of text so far (a last line without a newline counts). */
  lines(): number {
    return this.newlines + (this.outputBytes > 0 && !this.endsWithNewline ? 1 : 0);
  }
}

// ── The header row and the delimiter ────────────────────────────────────────

export type HeadAnalysis = {
  delimiter: Delimiter;
  /** Unique, non-empty column names ("Phone", "Phone (2)", "Column 3"). */
  headers: string[];
  sampleRows: string[][];
};

const DELIMITERS: Delimiter[] = [',', ';', '\t'];
const SAMPLE_ROWS = 5;
const MAX_HEADER_LENGTH = 200;
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOOKS_LIKE_PHONE = /^\+?[\d\s().-]{7,}$/;
/** Control characters other than tab, line feed and carriage return: a sign of binary data. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return true;
  }
  return false;
}

/** The first records with this delimiter; when a broken row (a quote that never closes) stops the parse, fewer lines. */
function parseHead(text: string, delimiter: Delimiter): string[][] | null {
  for (const toLine of [60, 20, 8, 3, 2]) {
    try {
      return parse(text, {
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        to_line: toLine,
      }) as string[][];
    } catch {
      // try fewer lines
    }
  }
  return null;
}

/**
 * Reads the start of the (UTF-8) text: the delimiter that gives the most consistent columns, the header row and a
 * few sample rows. Throws a FileProblem for an empty file, a file without a header row or without data, and text that
 * has no columns at all. `complete` says whether `text` is the whole file.
 */
export function analyzeHead(text: string, complete: boolean): HeadAnalysis {
  if (text.trim() === '') throw new FileProblem('The file is empty: there is nothing to import.');
  // Only whole lines: the last one may be cut in the middle.
  const cut = complete ? text : text.slice(0, Math.max(text.lastIndexOf('\n'), 0)) || text;
  let best: { delimiter: Delimiter; records: string[][]; columns: number; consistent: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const records = parseHead(cut, delimiter);
    const header = records?.[0];
    if (!records || !header) continue;
    const columns = header.length;
    const rows = records.slice(1);
    const consistent = rows.length === 0 ? 1 : rows.filter((r) => r.length === columns).length / rows.length;
    const better =
      !best ||
      (columns > 1 && best.columns <= 1) ||
      (columns > 1 && (consistent > best.consistent || (consistent === best.consistent && columns > best.columns)));
    if (better) best = { delimiter, records, columns, consistent };
  }
  if (!best) throw new FileProblem(`We could not read this file as CSV. ${capitalize(SAVE_AS_CSV)}.`);
  const rawHeaders = (best.records[0] ?? []).map((h) => h.trim());
  const firstLine = text.split(/\r?\n/, 1)[0]?.slice(0, 80) ?? '';

  if (rawHeaders.every((h) => h === '')) {
    throw new FileProblem('The first line of the file is empty: it must name the columns (e.g. first_name,last_name,phone,email).');
  }
  if (rawHeaders.some(hasControl)) {
    throw new FileProblem(`The first line holds control characters: this is not a CSV text file. To import a spreadsheet, ${SAVE_AS_CSV}.`);
  }
  const dataLike = rawHeaders.find((h) => LOOKS_LIKE_EMAIL.test(h) || LOOKS_LIKE_PHONE.test(h));
  if (dataLike !== undefined) {
    throw new FileProblem(
      `The first line looks like a member's details ("${dataLike.slice(0, 60)}"), not column names. Add a header row naming each column (e.g. first_name,last_name,phone,email) and upload again.`,
    );
  }
  if (rawHeaders.some((h) => h.length > MAX_HEADER_LENGTH)) {
    throw new FileProblem(
      `The first line has a column name longer than ${MAX_HEADER_LENGTH} characters, so it is not a header row. Add a header row naming each column (e.g. first_name,last_name,phone,email) and upload again.`,
    );
  }
  if (best.columns <= 1) {
    const only = rawHeaders[0] ?? '';
    if (fieldForHeader(only) === null || fieldForHeader(only) === 'tags') {
      throw new FileProblem(
        `We found no columns in this file: its first line ("${firstLine}") is not separated by commas, semicolons or tabs, and "${only.slice(0, 60)}" is not a column name we know. A CSV file starts with a header row naming its columns, e.g. first_name,last_name,phone,email.`,
      );
    }
  }
  const rows = best.records.slice(1);
  if (rows.length === 0 && complete) {
    throw new FileProblem('The file has a header row but no members below it: there is nothing to import.');
  }
  return {
    delimiter: best.delimiter,
    headers: uniqueHeaders(rawHeaders),
    sampleRows: rows.slice(0, SAMPLE_ROWS).map((row) => row.map((cell) => (cell.length > 200 ? `${cell.slice(0, 199)}…` : cell))),
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Blank names become "Column N"; repeated names get " (2)", " (3)". */
export function uniqueHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((header, index) => {
    const base = header === '' ? `Column ${index + 1}` : header;
    const key = headerKey(base) || base;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}
