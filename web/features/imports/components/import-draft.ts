import type { Import } from '../api/get-import.ts';
import type { ImportOptions, StartImport } from '../api/start-import.ts';
import type { UploadResult } from '../api/upload-import.ts';

/** The choices of the mapping step, kept while the person goes back and forth between mapping and check. */
export type Draft = {
  mapping: Record<string, string>;
  communityIds: string[];
  tags: string[];
  source: string;
  dedupe: 'update' | 'skip';
  smsColumn: string | null;
  emailColumn: string | null;
  wording: string;
};

export const FIELD_OPTIONS: { value: string; label: string }[] = [
  { value: 'firstName', label: 'First name' },
  { value: 'lastName', label: 'Last name' },
  { value: 'fullName', label: 'Full name (split into first and last)' },
  { value: 'phone', label: 'Phone' },
  { value: 'email', label: 'Email' },
  { value: 'postalCode', label: 'Postal / ZIP code' },
  { value: 'language', label: 'Language' },
  { value: 'timezone', label: 'Time zone' },
  { value: 'source', label: 'Source' },
  { value: 'tags', label: 'Tags (comma-separated)' },
  { value: 'ignore', label: 'Do not import' },
];

/** Fields one column at most may fill; tags, custom fields and ignored columns may repeat. */
export const SINGLE_FIELDS = new Set([
  'firstName',
  'lastName',
  'fullName',
  'phone',
  'email',
  'postalCode',
  'language',
  'timezone',
  'source',
]);

export function fieldLabel(value: string): string {
  if (value.startsWith('custom:')) return `Custom field “${value.slice('custom:'.length)}”`;
  return FIELD_OPTIONS.find((option) => option.value === value)?.label ?? value;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The first draft: the server's suggestions for a fresh upload, or what was last sent for an import reopened later. */
export function initialDraft(item: Import, upload: UploadResult | null): Draft {
  const headers = upload?.headers ?? item.headers;
  const suggested = upload?.suggestedMapping ?? {};
  const saved = item.mapping ?? {};
  const mapping: Record<string, string> = {};
  for (const header of headers) mapping[header] = saved[header] ?? suggested[header] ?? 'ignore';
  const options = record(item.options);
  const consent = record(options.consent);
  return {
    mapping,
    communityIds: (Array.isArray(options.communityIds) ? options.communityIds : [])
      .filter((id): id is number | string => typeof id === 'number' || typeof id === 'string')
      .map(String),
    tags: stringList(options.tags),
    source: typeof options.source === 'string' ? options.source : `import: ${item.filename}`,
    dedupe: options.dedupe === 'skip' ? 'skip' : 'update',
    smsColumn: typeof consent.smsColumn === 'string' ? consent.smsColumn : (upload?.suggestedConsent.smsColumn ?? null),
    emailColumn: typeof consent.emailColumn === 'string' ? consent.emailColumn : (upload?.suggestedConsent.emailColumn ?? null),
    // No default wording: the person writes the words their sign-up form actually used.
    wording: typeof consent.wording === 'string' ? consent.wording : '',
  };
}

export function toRequest(draft: Draft, dryRun: boolean): StartImport {
  const options: ImportOptions = { dryRun, dedupe: draft.dedupe };
  if (draft.communityIds.length > 0) options.communityIds = draft.communityIds.map(Number);
  if (draft.tags.length > 0) options.tags = draft.tags;
  if (draft.source.trim()) options.source = draft.source.trim();
  if (draft.smsColumn || draft.emailColumn) {
    options.consent = { wording: draft.wording.trim() };
    if (draft.smsColumn) options.consent.smsColumn = draft.smsColumn;
    if (draft.emailColumn) options.consent.emailColumn = draft.emailColumn;
  }
  const mapping = { ...draft.mapping };
  // A consent column is read through the consent options, not imported as a field.
  for (const column of [draft.smsColumn, draft.emailColumn]) if (column) mapping[column] = 'ignore';
  return { mapping, options };
}

/** What stops the check from starting, as sentences; empty when the draft can go. */
export function draftProblems(draft: Draft): string[] {
  const problems: string[] = [];
  const used = new Map<string, string[]>();
  for (const [header, field] of Object.entries(draft.mapping)) {
    if (header === draft.smsColumn || header === draft.emailColumn) continue;
    if (!SINGLE_FIELDS.has(field) && !field.startsWith('custom:')) continue;
    used.set(field, [...(used.get(field) ?? []), header]);
  }
  for (const [field, headers] of used) {
    if (headers.length > 1)
      problems.push(`${headers.map((h) => `“${h}”`).join(' and ')} are both matched to ${fieldLabel(field)}; keep one.`);
  }
  if (used.has('fullName') && (used.has('firstName') || used.has('lastName'))) {
    problems.push('A full-name column and first- or last-name columns are both matched; use one or the other.');
  }
  if (!used.has('phone') && !used.has('email')) problems.push('Match a column to Phone or Email, so each row can be recognised.');
  if ((draft.smsColumn || draft.emailColumn) && !draft.wording.trim())
    problems.push('Write the words people agreed to when they gave consent.');
  return problems;
}
