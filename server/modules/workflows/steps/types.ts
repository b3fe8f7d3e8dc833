import type { StepKind, StepOf, WorkflowDefinition } from '../../../../common/workflows.ts';
import type { ConsentState, PhoneType } from '../../../db/schema.ts';
import type { EnqueueInput } from '../../../jobs/queue.ts';
import type { Executor } from '../../members/members.repo.ts';
import type { EngineCache } from '../engine-cache.ts';

// The contract of a step kind (STYLE.md §9): one file per kind exporting an executor whose `execute` acts for one run
// inside the tick's transaction and says where the run goes. The engine stores the returned outcome as the step's
// result row in the same transaction, so what a step wrote (an outbox row, a tag) and the record that it did so commit
// together; a retried tick finds the row and follows its exit instead of calling `execute` again.

export type RunFacts = {
  id: number;
  workspaceId: number;
  workflowId: number;
  versionId: number;
  memberId: number;
  visit: number;
  enrolledAt: number;
  goalDeadline: number | null;
  goalReachedAt: number | null;
};

export type MemberFacts = {
  id: number;
  phone: string | null;
  phoneType: PhoneType;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  postalCode: string | null;
  language: string;
  timezone: string;
  custom: Record<string, unknown>;
  smsConsent: ConsentState;
  emailConsent: ConsentState;
};

export type WorkspaceFacts = {
  id: number;
  name: string;
  /** For the addresses of its action pages. */
  slug: string;
  /** Its own short-link domain, if any (links are built on the public URL otherwise). */
  shortLinkBase: string | null;
  timezone: string;
  quietHoursStart: string;
  quietHoursEnd: string;
  frequencyCap: number;
  frequencyWindowDays: number;
  helpText: string;
  optOutText: string;
  optInText: string;
  firstMessageFooter: string;
};

/** JSON stored in workflow_step_results.outcome; `exit` is set once the run has left the step. */
export type StepOutcome = { [key: string]: unknown; exit?: string; skipped?: string };

export type StepContext = {
  trx: Executor;
  now: number;
  appSecret: string;
  /** The site's public URL, for members' links to action pages (`{{ links.action_<id> }}`). */
  publicUrl: string | undefined;
  run: RunFacts;
  member: MemberFacts;
  workspace: WorkspaceFacts;
  workflow: { id: number; name: string };
  definition: WorkflowDefinition;
  /** What this visit of the step stored before (a wait being woken up), or null on entering it. */
  stored: StepOutcome | null;
  /** [0, 1), for random splits. */
  random: () => number;
  cache: EngineCache;
  /** Enqueues a job in the tick's transaction (webhook deliveries). */
  enqueue: (input: EnqueueInput) => Promise<void>;
};

export type StepResult =
  /** Done: leave by this exit (a key of stepExits()). */
  | { kind: 'next'; exit: string; outcome: StepOutcome }
  /** Stay on the step until `until` (or until a reply wakes the run, with `reply`). */
  | { kind: 'wait'; until: number; outcome: StepOutcome; reply?: boolean }
  /** The run ends here as completed. */
  | { kind: 'end'; reason: 'goal_reached'; outcome: StepOutcome };

export type StepExecutor<K extends StepKind> = {
  kind: K;
  execute: (step: StepOf<K>, ctx: StepContext) => Promise<StepResult>;
};

export type StepExecutors = { [K in StepKind]: StepExecutor<K> };
