import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

export const TARGET_MODES = ['postal_code', 'fixed'] as const;
export type TargetMode = (typeof TARGET_MODES)[number];
export const CALL_OUTCOMES = ['reached', 'voicemail', 'busy', 'no_answer'] as const;
const STATUSES = ['draft', 'published', 'closed'] as const;
export const MAX_FIXED_TARGETS = 20;

export const callParams = workspaceParams.extend({ callId: idParam });
export const officialParams = workspaceParams.extend({ officialId: idParam });
export const districtParams = workspaceParams.extend({ districtId: idParam });

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

/** Patch-through: members ask to be called and are connected to the person they call, through a voice provider. */
export const patchThroughInput = z.object({
  /** A channel account of the workspace whose provider places calls (Twilio). */
  accountId: z.number({ error: 'must be the id of a channel account' }).int().positive(),
  /** The number members see calling them: one of the account's long codes or toll-free numbers. */
  from: text(40).min(1, 'is required: the number members see calling them'),
});
export type PatchThroughInput = z.infer<typeof patchThroughInput>;

export const fixedTargetInput = z.object({
  name: text(120).min(1, 'is required'),
  title: text(120).default(''),
  phone: text(40).min(1, 'is required: the number members call'),
});

const callFields = {
  summary: text(200),
  description: text(5000),
  targetMode: z.enum(TARGET_MODES, { error: 'must be postal_code or fixed' }),
  /** With targetMode postal_code: only officials whose office is one of these (none: every office). */
  offices: z.array(text(60).min(1)).max(20),
  script: text(2000),
  fixedTargets: z.array(fixedTargetInput).max(MAX_FIXED_TARGETS, `must list at most ${MAX_FIXED_TARGETS} people`),
  consentWording: text(500).nullable(),
  nextActionId: z.number().int().positive().nullable(),
  goal: z.number().int().positive().max(10_000_000).nullable(),
  shareText: text(280),
  /** null: members call from their own phone only. */
  patchThrough: patchThroughInput.nullable(),
};

export const callInput = z.object({
  title: text(160).min(1, 'is required'),
  summary: callFields.summary.default(''),
  description: callFields.description.default(''),
  targetMode: callFields.targetMode.default('postal_code'),
  offices: callFields.offices.default([]),
  script: callFields.script.default(''),
  fixedTargets: callFields.fixedTargets.default([]),
  consentWording: callFields.consentWording.default(null),
  nextActionId: callFields.nextActionId.default(null),
  goal: callFields.goal.default(null),
  shareText: callFields.shareText.default(''),
  patchThrough: callFields.patchThrough.default(null),
});
export type CallInput = z.infer<typeof callInput>;

export const callPatch = z.object({
  title: text(160).min(1, 'is required').optional(),
  summary: callFields.summary.optional(),
  description: callFields.description.optional(),
  targetMode: callFields.targetMode.optional(),
  offices: callFields.offices.optional(),
  script: callFields.script.optional(),
  /** Replaces the fixed list. */
  fixedTargets: callFields.fixedTargets.optional(),
  consentWording: callFields.consentWording.optional(),
  nextActionId: callFields.nextActionId.optional(),
  goal: callFields.goal.optional(),
  shareText: callFields.shareText.optional(),
  patchThrough: callFields.patchThrough.optional(),
});
export type CallPatch = z.infer<typeof callPatch>;

const target = z.object({ id: z.number(), name: z.string(), title: z.string(), phone: z.string() });

export const call = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  summary: z.string(),
  description: z.string(),
  status: z.enum(STATUSES),
  targetMode: z.enum(TARGET_MODES),
  offices: z.array(z.string()),
  script: z.string(),
  fixedTargets: z.array(target),
  consentWording: z.string().nullable(),
  nextActionId: z.number().nullable(),
  goal: z.number().nullable(),
  shareText: z.string(),
  /** Patch-through, when on: the account that places the calls and the number members see. */
  patchThrough: z.object({ accountId: z.number(), accountName: z.string(), from: z.string() }).nullable(),
  takenCount: z.number(),
  /** The public page, relative to the site, and in full. */
  path: z.string(),
  url: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});

const outcomeCounts = z.object({ reached: z.number(), voicemail: z.number(), busy: z.number(), no_answer: z.number() });

export const callResults = z.object({
  /** Calls logged (one per member and person called). */
  total: z.number(),
  /** Members who logged at least one call. */
  callers: z.number(),
  byOutcome: outcomeCounts,
  byTarget: z.array(z.object({ name: z.string(), total: z.number(), outcomes: outcomeCounts })),
});

/** The channel accounts that can place patch-through calls, with the numbers they can call from. */
export const voiceLines = z.object({
  accounts: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      provider: z.string(),
      status: z.enum(['active', 'auth_failed', 'disabled']),
      numbers: z.array(z.object({ address: z.string(), label: z.string(), kind: z.enum(['long_code', 'toll_free']) })),
    }),
  ),
});

export const importInput = z.object({
  csv: z.string().min(1, 'is empty: choose a CSV file').max(20_000_000, 'is too large (20 MB at most)'),
  /** replace: the file becomes the whole list; append: its rows are added. */
  mode: z.enum(['replace', 'append']).default('replace'),
  /** Check the file and report, store nothing. */
  dryRun: z.boolean().default(false),
});

export const importResult = z.object({
  /** Rows stored (or that would be, on a dry run or when the file has errors: none are). */
  imported: z.number(),
  rows: z.number(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
  mode: z.enum(['replace', 'append']),
  dryRun: z.boolean(),
});

export const official = z.object({
  id: z.number(),
  name: z.string(),
  title: z.string(),
  office: z.string(),
  district: z.string(),
  phone: z.string(),
  party: z.string().nullable(),
});

export const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const district = z.object({ id: z.number(), postalCode: z.string(), district: z.string() });

export const lookupQuery = z.object({ postalCode: z.string().trim().min(1, 'is required').max(20) });
