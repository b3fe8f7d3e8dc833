import { z } from 'zod';
import { RUN_STATUSES, TRIGGER_KINDS, WORKFLOW_STATUSES, workflowDefinition } from '../../../common/workflows.ts';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

export const workflowParams = workspaceParams.extend({ workflowId: idParam });
export const runParams = workflowParams.extend({ runId: idParam });
export const notificationParams = workspaceParams.extend({ notificationId: idParam });
export const hookParams = z.object({ token: z.string().min(20).max(100) });

const name = z.string().trim().min(1, 'must not be empty').max(120);
const description = z.string().trim().max(1000);

export const workflowInput = z.object({ name, description: description.optional(), definition: workflowDefinition });
export type WorkflowInput = z.infer<typeof workflowInput>;

/** POST …/workflows/from-playbook: a playbook of common/playbooks.ts and its parameters (checked by the service). */
export const playbookInput = z.object({
  playbook: z.string().trim().min(1).max(60),
  name: name.optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type PlaybookInput = z.infer<typeof playbookInput>;

const playbookParamView = z.object({
  key: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean(),
  hint: z.string().optional(),
  options: z
    .array(z.object({ value: z.string(), label: z.string() }))
    .readonly()
    .optional(),
  actionTypes: z.array(z.string()).readonly().optional(),
  default: z.union([z.string(), z.number()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export const playbooksView = z.object({
  playbooks: z.array(
    z.object({ key: z.string(), name: z.string(), description: z.string(), params: z.array(playbookParamView).readonly() }),
  ),
});

export const workflowPatch = z
  .object({ name: name.optional(), description: description.optional(), definition: workflowDefinition.optional() })
  .refine((p) => p.name !== undefined || p.description !== undefined || p.definition !== undefined, { message: 'nothing to change' });
export type WorkflowPatch = z.infer<typeof workflowPatch>;

export const enrollInput = z
  .object({
    memberIds: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
    segmentId: z.number().int().positive().optional(),
  })
  .refine((e) => (e.memberIds === undefined) !== (e.segmentId === undefined), { message: 'give memberIds or segmentId (one of them)' });
export type EnrollInput = z.infer<typeof enrollInput>;

export const hookInput = z
  .object({ phone: z.string().trim().min(3).max(40).optional(), email: z.email().max(320).optional() })
  .refine((h) => h.phone !== undefined || h.email !== undefined, { message: 'give phone or email' });

export const listQuery = z.object({ status: z.enum(WORKFLOW_STATUSES).optional() });

export const runsQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  memberId: idParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: idParam.optional(),
});

export const reportQuery = z.object({ version: z.coerce.number().int().positive().optional() });

const counts = z.object({
  enrolled: z.number(),
  heldOut: z.number(),
  inProgress: z.number(),
  completed: z.number(),
  exited: z.number(),
  /** Runs that ended early, by reason (opted_out, workflow_archived, member_deleted, failed). */
  exitReasons: z.record(z.string(), z.number()),
  goalReached: z.number(),
});

export const workflowSummary = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  triggerKind: z.enum(TRIGGER_KINDS).nullable(),
  currentVersion: z.number().nullable(),
  counts,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WorkflowSummary = z.infer<typeof workflowSummary>;

export const workflowView = workflowSummary.extend({
  /** The definition being edited. */
  draft: workflowDefinition,
  /** The published one new enrollments use (null before the first publish). */
  published: workflowDefinition.nullable(),
  /** The draft differs from the published version. */
  unpublishedChanges: z.boolean(),
  versions: z.array(z.object({ id: z.number(), number: z.number(), createdAt: z.number() })),
  hasHookToken: z.boolean(),
});
export type WorkflowView = z.infer<typeof workflowView>;

export const enrollResult = z.object({ enrolled: z.number(), heldOut: z.number(), skipped: z.number() });

export const runView = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  version: z.number(),
  status: z.enum(RUN_STATUSES),
  currentStepId: z.string().nullable(),
  wakeAt: z.number().nullable(),
  waitingReplySince: z.number().nullable(),
  enrolledAt: z.number(),
  finishedAt: z.number().nullable(),
  exitReason: z.string().nullable(),
  goalReachedAt: z.number().nullable(),
  heldOut: z.boolean(),
  lastError: z.string().nullable(),
});

export const runDetail = runView.extend({
  results: z.array(
    z.object({
      stepId: z.string(),
      kind: z.string(),
      label: z.string(),
      visit: z.number(),
      outcome: z.record(z.string(), z.unknown()),
      createdAt: z.number(),
      completedAt: z.number().nullable(),
    }),
  ),
});

export const runsPage = z.object({ runs: z.array(runView), nextBefore: z.number().nullable() });

const proportion = z.object({ n: z.number(), reached: z.number(), rate: z.number().nullable() });

export const reportView = z.object({
  version: z.number().nullable(),
  steps: z.array(
    z.object({
      stepId: z.string(),
      kind: z.string(),
      label: z.string(),
      entered: z.number(),
      completed: z.number(),
      /** Runs in progress that are at this step now (waiting, or due). */
      here: z.number(),
      exits: z.array(z.object({ key: z.string(), label: z.string(), next: z.string().nullable(), count: z.number() })),
      skipped: z.record(z.string(), z.number()),
    }),
  ),
  runs: counts,
  goal: z
    .object({
      treated: proportion,
      heldOut: proportion,
      /** treated rate − held-out rate, with its 95% interval (Newcombe's hybrid score interval, method 10). */
      difference: z.number().nullable(),
      interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable(),
    })
    .nullable(),
});
export type ReportView = z.infer<typeof reportView>;

export const hookTokenView = z.object({ token: z.string(), url: z.string() });
export const secretView = z.object({ secret: z.string(), header: z.string(), algorithm: z.string() });

export const notificationView = z.object({
  id: z.number(),
  body: z.string(),
  memberId: z.number().nullable(),
  workflowId: z.number().nullable(),
  runId: z.number().nullable(),
  createdAt: z.number(),
  readAt: z.number().nullable(),
});
export const notificationsPage = z.object({ notifications: z.array(notificationView), unread: z.number() });
export const notificationsQuery = z.object({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
