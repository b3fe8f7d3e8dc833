import type { ConsentStatus } from '../../db/schema.ts';
import {
  type CustomFieldValue,
  type MemberFieldsInput,
  type NormalizeContext,
  type NormalizedMember,
  normalizeMemberFields,
} from '../members/member-fields.ts';
import { type ColumnPlan, isOptOutColumn, readConsentCell, splitFullName, splitTags } from './column-mapping.ts';

// One CSV record → the member it describes, or the problems that keep it out. Pure and allocation-light: it runs a
// million times per large import, so no zod and no database here (member-fields.ts holds the field rules).

export type RowProblem = { line: number; field: string | null; message: string; severity: 'error' | 'warning' };

export type PreparedRow = {
  line: number;
  /** null when the row has an error and is not imported. */
  member: NormalizedMember | null;
  tags: string[];
  sms: ConsentStatus | null;
  email: ConsentStatus | null;
  problems: RowProblem[];
};

export type RowPreparerOptions = {
  headers: readonly string[];
  plan: ColumnPlan;
  consent: { smsColumn?: string | undefined; emailColumn?: string | undefined } | undefined;
  /** The member source when the file has no source column. */
  source: string | null;
  context: NormalizeContext;
};

type FieldKey = keyof MemberFieldsInput;
const SIMPLE_FIELDS = new Set<string>(['firstName', 'lastName', 'phone', 'email', 'postalCode', 'language', 'timezone', 'source']);

/** Builds the function that prepares each record; the column plan is resolved once, not per row. */
export function createRowPreparer(options: RowPreparerOptions): (record: readonly string[], line: number) => PreparedRow | null {
  const { headers, plan, context } = options;
  const width = headers.length;
  const simple: { index: number; field: FieldKey }[] = [];
  const custom: { index: number; key: string }[] = [];
  const tagColumns: number[] = [];
  let fullNameIndex = -1;
  /** The column that fed each member field, to name it in problems. */
  const columnOf = new Map<string, string>();
  plan.targets.forEach((target, index) => {
    const header = headers[index] ?? `Column ${index + 1}`;
    if (target === 'ignore') return;
    if (target === 'tags') tagColumns.push(index);
    else if (target === 'fullName') {
      fullNameIndex = index;
      columnOf.set('firstName', header);
      columnOf.set('lastName', header);
    } else if (target.startsWith('custom:')) {
      const key = target.slice('custom:'.length);
      custom.push({ index, key });
      columnOf.set(`customFields.${key}`, header);
    } else if (SIMPLE_FIELDS.has(target)) {
      simple.push({ index, field: target as FieldKey });
      columnOf.set(target, header);
    }
  });
  const smsIndex = options.consent?.smsColumn ? headers.indexOf(options.consent.smsColumn) : -1;
  const emailIndex = options.consent?.emailColumn ? headers.indexOf(options.consent.emailColumn) : -1;
  const smsOptOut = smsIndex >= 0 && isOptOutColumn(headers[smsIndex] ?? '');
  const emailOptOut = emailIndex >= 0 && isOptOutColumn(headers[emailIndex] ?? '');
  const hasSourceColumn = simple.some((s) => s.field === 'source');
  const phoneColumn = columnOf.get('phone') ?? null;

  return (record, line) => {
    let blank = true;
    for (const cell of record) {
      if (cell.trim() !== '') {
        blank = false;
        break;
      }
    }
    if (blank) return null;

    const problems: RowProblem[] = [];
    if (record.length > width) {
      let extra = 0;
      for (let i = width; i < record.length; i++) if ((record[i] ?? '').trim() !== '') extra++;
      if (extra > 0) {
        problems.push({
          line,
          field: null,
          message: `has ${record.length} values but the header has ${width} columns (a value with an unquoted comma, or a stray delimiter?); fix the row and import it again`,
          severity: 'error',
        });
        return { line, member: null, tags: [], sms: null, email: null, problems };
      }
    } else if (record.length < width) {
      problems.push({
        line,
        field: null,
        message: `has ${record.length} values but the header has ${width} columns; the missing ones were taken as blank`,
        severity: 'warning',
      });
    }

    const input: MemberFieldsInput = {};
    for (const { index, field } of simple) {
      const cell = record[index];
      if (cell !== undefined && cell !== '') (input as Record<string, string>)[field] = cell;
    }
    if (fullNameIndex >= 0) {
      const { firstName, lastName } = splitFullName(record[fullNameIndex] ?? '');
      input.firstName = firstName;
      input.lastName = lastName;
    }
    if (custom.length > 0) {
      const fields: Record<string, CustomFieldValue> = {};
      for (const { index, key } of custom) {
        const cell = record[index];
        if (cell !== undefined && cell.trim() !== '') fields[key] = cell;
      }
      input.customFields = fields;
    }
    if (!hasSourceColumn || input.source === undefined) input.source = options.source;

    const { value, problems: fieldProblems } = normalizeMemberFields(input, context);
    let rejected = false;
    for (const problem of fieldProblems) {
      if (problem.severity === 'error') rejected = true;
      const column = columnOf.get(problem.field) ?? (problem.field === 'phone' ? phoneColumn : null);
      problems.push({
        line,
        field: column ?? (problem.field === 'phone' ? null : problem.field),
        message: problem.message,
        severity: problem.severity,
      });
    }

    let tags: string[] = [];
    for (const index of tagColumns) {
      const cell = record[index];
      if (!cell) continue;
      const split = splitTags(cell);
      tags = tags.length === 0 ? split.tags : [...new Set([...tags, ...split.tags])];
      for (const tooLong of split.tooLong) {
        problems.push({
          line,
          field: headers[index] ?? null,
          message: `the tag "${tooLong.slice(0, 60)}…" is longer than 50 characters and was left out`,
          severity: 'warning',
        });
      }
    }

    const sms = smsIndex >= 0 ? consentOf(record[smsIndex] ?? '', smsOptOut, headers[smsIndex] ?? '', 'SMS', line, problems) : null;
    const email =
      emailIndex >= 0 ? consentOf(record[emailIndex] ?? '', emailOptOut, headers[emailIndex] ?? '', 'email', line, problems) : null;
    return { line, member: rejected ? null : value, tags, sms, email, problems };
  };
}

function consentOf(
  cell: string,
  optOut: boolean,
  header: string,
  label: string,
  line: number,
  problems: RowProblem[],
): ConsentStatus | null {
  const answer = readConsentCell(cell, optOut);
  if (answer !== 'unknown') return answer;
  problems.push({
    line,
    field: header,
    message: `"${cell.trim().slice(0, 60)}" is not a yes/no answer (yes, no, subscribed, unsubscribed, opted in, opted out, …), so no ${label} consent was recorded`,
    severity: 'warning',
  });
  return null;
}
