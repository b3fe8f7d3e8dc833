import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';
import { listMembersQuery, tag } from '../members/members.schema.ts';

// Request and response shapes of the import and export API. The mapping's values are checked by planColumns
// (column-mapping.ts) so each problem names its column; zod checks shapes.

export const importStatus = z.enum(['uploaded', 'validating', 'validated', 'running', 'done', 'failed', 'cancelled']);

const wording = z
  .string()
  .trim()
  .min(1, 'is required: the exact words the members agreed to')
  .max(2000, 'must be at most 2,000 characters');

export const importOptions = z.object({
  dryRun: z.boolean().optional(),
  communityIds: z.array(z.number().int().positive()).max(20, 'must list at most 20 communities').optional(),
  tags: z.array(tag).max(20, 'must list at most 20 tags').optional(),
  source: z.string().trim().min(1, 'is required when given').max(100, 'must be at most 100 characters').optional(),
  dedupe: z.enum(['update', 'skip'], { error: 'must be update or skip' }).optional(),
  consent: z
    .object({
      smsColumn: z.string().min(1).max(500).optional(),
      emailColumn: z.string().min(1).max(500).optional(),
      wording,
    })
    .optional(),
});
export type ImportOptions = z.infer<typeof importOptions>;

export const startImportBody = z.object({
  mapping: z.record(z.string().max(500), z.string().max(100), { error: 'must be an object of column name → field' }),
  options: importOptions.default({}),
});

/** The options as stored and shown (no transforms: response schemas only describe). */
const importOptionsView = z.object({
  dryRun: z.boolean().optional(),
  communityIds: z.array(z.number()).optional(),
  tags: z.array(z.string()).optional(),
  source: z.string().optional(),
  dedupe: z.enum(['update', 'skip']).optional(),
  consent: z.object({ smsColumn: z.string().optional(), emailColumn: z.string().optional(), wording: z.string() }).optional(),
});

export const importView = z.object({
  id: z.number(),
  filename: z.string(),
  sizeBytes: z.number(),
  status: importStatus,
  dryRun: z.boolean(),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.string()).nullable(),
  options: importOptionsView.nullable(),
  /** Rows of members in the file: estimated from its lines at upload, exact once the import has read it all. */
  totalRows: z.number().nullable(),
  processedRows: z.number(),
  createdCount: z.number(),
  updatedCount: z.number(),
  duplicateCount: z.number(),
  /** Rows not imported (each has at least one entry of severity error in the report). */
  errorCount: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportView = z.infer<typeof importView>;

export const uploadQuery = z.object({
  filename: z
    .string()
    .trim()
    .min(1, 'is required: the name of the uploaded file')
    .max(255, 'must be at most 255 characters')
    .default('upload.csv'),
});

export const uploadResponse = z.object({
  import: importView,
  headers: z.array(z.string()),
  suggestedMapping: z.record(z.string(), z.string().nullable()),
  /** Columns that look like consent answers; the person confirms them and gives the wording. */
  suggestedConsent: z.object({ smsColumn: z.string().optional(), emailColumn: z.string().optional() }),
  sampleRows: z.array(z.array(z.string())),
  encoding: z.enum(['utf-8', 'utf-16le', 'utf-16be']),
  delimiter: z.enum([',', ';', '\t']),
  notes: z.array(z.string()),
});

export const importParams = workspaceParams.extend({ importId: idParam });

export const errorsQuery = z.object({
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json'),
  severity: z.enum(['error', 'warning'], { error: 'must be error or warning' }).optional(),
});

export const importProblem = z.object({
  line: z.number(),
  field: z.string().nullable(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

export const errorsResponse = z.object({ errors: z.array(importProblem), total: z.number() });

/** The members list's filters (q, tag, communityId, consent, …) without its paging, and a saved segment. */
export const exportQuery = listMembersQuery.omit({ cursor: true, limit: true }).extend({
  segmentId: z.coerce
    .number({ error: 'must be a segment id' })
    .int()
    .positive()
    .optional()
    .describe('Only members of this saved segment, frozen when the export starts (with the other filters on top)'),
});
export type ExportQuery = z.infer<typeof exportQuery>;
