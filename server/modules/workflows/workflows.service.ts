import { keywordProblem, normalizeKeyword } from '../../../common/keywords.ts';
import { buildPlaybook, PLAYBOOKS } from '../../../common/playbooks.ts';
import {
  actionLinkIds,
  STEP_KIND_META,
  stepExits,
  TRIGGER_KINDS,
  type TriggerKind,
  type WorkflowDefinition,
  type WorkflowStatus,
  workflowDefinition,
} from '../../../common/workflows.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { openSecret, sealSecret } from '../../lib/secrets.ts';
import { randomToken, sha256 } from '../../lib/tokens.ts';
import { displayName, type Executor, findLiveMembersByEmails, findLiveMembersByPhones } from '../members/members.repo.ts';
import { validateTemplates } from '../messaging/templates.ts';
import { resolveSegment, selectSegment } from '../segments/segment-sql.ts';
import { findSegment, storedRules } from '../segments/segments.repo.ts';
import { ruleIdProblems } from '../segments/segments.service.ts';
import { linkOutsideSms, smsTemplateProblems } from './action-links.ts';
import { type EnrollResult, enrollMembers, kickTick } from './enroll.ts';
import { checkPlaybook, createInactiveSegment } from './playbooks.ts';
import { differenceOfProportions, Z_95 } from './report.ts';
import { ensureTriggerCursor } from './triggers.job.ts';
import { SIGNATURE_HEADER } from './webhook.job.ts';
import { WORKFLOW_STEP } from './workflow-stats.ts';
import {
  createVersionCache,
  exitLiveRuns,
  findWorkflow,
  type RunRow,
  readDefinition,
  statsRows,
  type WorkflowRow,
} from './workflows.repo.ts';
import type {
  EnrollInput,
  PlaybookInput,
  ReportView,
  WorkflowInput,
  WorkflowPatch,
  WorkflowSummary,
  WorkflowView,
} from './workflows.schema.ts';

// Workflows as staff manage them: drafts (also from a playbook), versions, the status switches, enrolling members, the
// runs and the report.
// A draft is saved only when valid (the zod definition, its templates, and ids that are this workspace's); publishing
// freezes it into a new version that new enrollments use, while runs already under way finish on theirs.

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> };

const SEGMENT_BATCH = 1_000;

const notFound = () => new AppError({ code: 'workflow.not_found', status: 404, message: 'There is no such workflow in this workspace.' });
const invalid = (fields: FieldError[]) =>
  new AppError({ code: 'workflow.invalid', status: 400, message: 'The workflow has problems to fix.', fields });
const transition = (message: string) => new AppError({ code: 'workflow.invalid_transition', status: 409, message });

type Counts = WorkflowSummary['counts'];

function countsOf(rows: { step_id: string; key: string; value: number }[]): Counts {
  const sum = (test: (key: string) => boolean) =>
    rows.filter((r) => r.step_id === WORKFLOW_STEP && test(r.key)).reduce((n, r) => n + Number(r.value), 0);
  const enrolled = sum((k) => k === 'enrolled');
  const completed = sum((k) => k === 'completed');
  const exited = sum((k) => k.startsWith('exited:'));
  const exitReasons: Record<string, number> = {};
  for (const r of rows)
    if (r.step_id === WORKFLOW_STEP && r.key.startsWith('exited:'))
      exitReasons[r.key.slice(7)] = (exitReasons[r.key.slice(7)] ?? 0) + Number(r.value);
  return {
    enrolled,
    heldOut: sum((k) => k === 'held_out'),
    inProgress: Math.max(0, enrolled - completed - exited),
    completed,
    exited,
    exitReasons,
    goalReached: sum((k) => k === 'goal:treated'),
  };
}

const triggerKindOf = (value: string | null): TriggerKind | null =>
  value !== null && (TRIGGER_KINDS as readonly string[]).includes(value) ? (value as TriggerKind) : null;

/**
 * The runs of a version in progress, by the step they are at. The one count the report takes from the runs rather than
 * the roll-up: entered minus completed would also count runs that ended at a step (a goal reached during a wait, an
 * opt-out), and only runs still in progress are read (the list index: workspace, workflow, status).
 */
async function runsAtSteps(db: Db, workspaceId: number, workflowId: number, versionId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('workflow_runs')
    .select(['current_step_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('workflow_id', '=', workflowId)
    .where('status', 'in', ['active', 'waiting'])
    .where('version_id', '=', versionId)
    .groupBy('current_step_id')
    .execute();
  return new Map(rows.flatMap((r) => (r.current_step_id === null ? [] : [[r.current_step_id, Number(r.n)] as const])));
}

export function createWorkflowsService(deps: Deps) {
  const { db, clock, appSecret, config } = deps;

  async function load(executor: Executor, workspaceId: number, workflowId: number): Promise<WorkflowRow> {
    const row = await findWorkflow(executor, workspaceId, workflowId);
    if (!row) throw notFound();
    return row;
  }

  /** What the zod schema cannot know: templates that parse, ids of this workspace, a keyword nobody else answers to. */
  async function definitionProblems(executor: Executor, workspaceId: number, def: WorkflowDefinition, exceptWorkflowId: number | null) {
    const base = 'body.definition';
    const fields: FieldError[] = [];
    const refs: { table: 'communities' | 'actions' | 'segments'; id: number; path: string }[] = [];
    const trigger = def.trigger;
    if (trigger.kind === 'joined_community' && trigger.communityId !== undefined) {
      refs.push({ table: 'communities', id: trigger.communityId, path: `${base}.trigger.communityId` });
    }
    if ((trigger.kind === 'took_action' || trigger.kind === 'event') && trigger.actionId !== undefined) {
      refs.push({ table: 'actions', id: trigger.actionId, path: `${base}.trigger.actionId` });
    }
    if (trigger.kind === 'entered_segment') refs.push({ table: 'segments', id: trigger.segmentId, path: `${base}.trigger.segmentId` });
    if (def.goal?.actionId !== undefined) refs.push({ table: 'actions', id: def.goal.actionId, path: `${base}.goal.actionId` });
    for (const [i, step] of def.steps.entries()) {
      const path = `${base}.steps.${i}`;
      const templates: [string, string][] =
        step.kind === 'send_sms'
          ? [['body', step.body]]
          : step.kind === 'send_email'
            ? [
                ['subject', step.subject],
                ['body', step.body],
              ]
            : step.kind === 'notify_staff'
              ? [['message', step.message]]
              : [];
      for (const [field, source] of templates) {
        if (step.kind === 'send_sms') {
          const problem = smsTemplateProblems(source)[0];
          if (problem) fields.push({ path: `${path}.${field}`, message: problem });
          for (const id of actionLinkIds(source)) refs.push({ table: 'actions', id, path: `${path}.${field}` });
          continue;
        }
        const problem = linkOutsideSms(source) ?? validateTemplates({ en: source }, 'en')[0]?.message;
        if (problem) fields.push({ path: `${path}.${field}`, message: problem });
      }
      if (step.kind === 'join_community' || step.kind === 'leave_community') {
        refs.push({ table: 'communities', id: step.communityId, path: `${path}.communityId` });
      }
      if (step.kind === 'condition') {
        const c = step.condition;
        if (c.kind === 'in_community') refs.push({ table: 'communities', id: c.communityId, path: `${path}.condition.communityId` });
        if (c.kind === 'did_activity' && c.actionId !== undefined)
          refs.push({ table: 'actions', id: c.actionId, path: `${path}.condition.actionId` });
        if (c.kind === 'segment') fields.push(...(await ruleIdProblems(executor, workspaceId, c.rule, `${path}.condition.rule`)));
      }
    }
    const noun = { communities: 'a community', actions: 'an action', segments: 'a segment' } as const;
    for (const table of ['communities', 'actions', 'segments'] as const) {
      const wanted = refs.filter((r) => r.table === table);
      if (wanted.length === 0) continue;
      const found = new Set(
        (
          await executor
            .selectFrom(table)
            .select('id')
            .where('workspace_id', '=', workspaceId)
            .where('id', 'in', [...new Set(wanted.map((r) => r.id))])
            .execute()
        ).map((r) => Number(r.id)),
      );
      for (const ref of wanted)
        if (!found.has(ref.id)) fields.push({ path: ref.path, message: `is not ${noun[table]} of this workspace (${ref.id})` });
    }
    if (trigger.kind === 'keyword') {
      const keyword = normalizeKeyword(trigger.keyword);
      const problem = keywordProblem(trigger.keyword);
      const path = `${base}.trigger.keyword`;
      if (problem) fields.push({ path, message: problem });
      else {
        const held = await executor
          .selectFrom('keywords')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('keyword', '=', keyword)
          .executeTakeFirst();
        let other = executor
          .selectFrom('workflows')
          .select('name')
          .where('workspace_id', '=', workspaceId)
          .where('trigger_keyword', '=', keyword)
          .where('status', 'in', ['active', 'paused']);
        if (exceptWorkflowId !== null) other = other.where('id', '<>', exceptWorkflowId);
        const workflow = await other.executeTakeFirst();
        if (held) fields.push({ path, message: `"${keyword}" is already a keyword of this workspace` });
        else if (workflow) fields.push({ path, message: `"${keyword}" already starts the workflow "${workflow.name}"` });
      }
    }
    return fields;
  }

  async function summaries(executor: Executor, rows: WorkflowRow[]): Promise<WorkflowSummary[]> {
    if (rows.length === 0) return [];
    const stats = await executor
      .selectFrom('workflow_step_stats')
      .select(['workflow_id', 'step_id', 'key', 'value'])
      .where('workspace_id', '=', rows[0]?.workspace_id as number)
      .where(
        'workflow_id',
        'in',
        rows.map((r) => r.id),
      )
      .where('step_id', '=', WORKFLOW_STEP)
      .execute();
    const versions = await executor
      .selectFrom('workflow_versions')
      .select(['id', 'number'])
      .where('id', 'in', rows.flatMap((r) => (r.current_version_id === null ? [] : [r.current_version_id])).concat([0]))
      .execute();
    const numberOf = new Map(versions.map((v) => [v.id, v.number]));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      description: row.description,
      status: row.status,
      triggerKind: triggerKindOf(row.trigger_kind) ?? triggerKindOf(readDefinition(row.draft).trigger.kind),
      currentVersion: row.current_version_id === null ? null : (numberOf.get(row.current_version_id) ?? null),
      counts: countsOf(stats.filter((s) => s.workflow_id === row.id)),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  async function view(executor: Executor, row: WorkflowRow): Promise<WorkflowView> {
    const [summary] = await summaries(executor, [row]);
    const versions = await executor
      .selectFrom('workflow_versions')
      .select(['id', 'number', 'created_at', 'definition'])
      .where('workspace_id', '=', row.workspace_id)
      .where('workflow_id', '=', row.id)
      .orderBy('number', 'desc')
      .execute();
    const current = versions.find((v) => v.id === row.current_version_id);
    return {
      ...(summary as WorkflowSummary),
      draft: readDefinition(row.draft),
      published: current ? readDefinition(current.definition) : null,
      unpublishedChanges: current ? current.definition !== row.draft : true,
      versions: versions.map((v) => ({ id: v.id, number: v.number, createdAt: v.created_at })),
      hasHookToken: row.hook_token_hash !== null,
    };
  }

  function serialize(def: WorkflowDefinition): string {
    return JSON.stringify(def);
  }

  /** Saves a checked definition as a new draft. */
  async function insertDraft(
    executor: Executor,
    createdBy: number | null,
    workspaceId: number,
    input: WorkflowInput,
  ): Promise<WorkflowView> {
    const now = clock.now();
    const row = await executor
      .insertInto('workflows')
      .values({
        workspace_id: workspaceId,
        name: input.name,
        description: input.description ?? '',
        status: 'draft',
        draft: serialize(input.definition),
        current_version_id: null,
        trigger_kind: null,
        trigger_keyword: null,
        hook_token_hash: null,
        webhook_secret: sealSecret(appSecret, randomToken(32)),
        created_by: createdBy,
        created_at: now,
        updated_at: now,
        archived_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return view(executor, row);
  }

  return {
    async list(workspaceId: number, status?: WorkflowStatus): Promise<WorkflowSummary[]> {
      let query = db.selectFrom('workflows').selectAll().where('workspace_id', '=', workspaceId);
      query = status ? query.where('status', '=', status) : query.where('status', '<>', 'archived');
      return summaries(db, await query.orderBy('id', 'desc').execute());
    },

    async get(workspaceId: number, workflowId: number): Promise<WorkflowView> {
      return view(db, await load(db, workspaceId, workflowId));
    },

    async create(createdBy: number | null, workspaceId: number, input: WorkflowInput): Promise<WorkflowView> {
      const problems = await definitionProblems(db, workspaceId, input.definition, null);
      if (problems.length > 0) throw invalid(problems);
      return insertDraft(db, createdBy, workspaceId, input);
    },

    /** The playbooks a workflow can be started from (common/playbooks.ts). */
    playbooks() {
      return PLAYBOOKS.map(({ key, name, description, params }) => ({ key, name, description, params }));
    },

    /**
     * A draft workflow from a playbook: its parameters checked against the workspace (each problem on
     * body.params.<key>), the definition built, and, for a re-engagement without a segment, the segment it needs
     * created in the same transaction.
     */
    async fromPlaybook(createdBy: number | null, workspaceId: number, input: PlaybookInput): Promise<WorkflowView> {
      const checked = await checkPlaybook(db, workspaceId, input.playbook, input.params);
      if (!checked.ok) throw invalid(checked.fields);
      const { playbook, params, names } = checked.value;
      return db.transaction().execute(async (trx) => {
        const complete = { ...params };
        if (playbook.key === 're_engagement' && complete.segmentId === undefined) {
          const days = Number(complete.inactiveDays);
          const segment = await createInactiveSegment(trx, { workspaceId, days, createdBy, now: clock.now() });
          complete.segmentId = segment.id;
          names.segments = { ...names.segments, [segment.id]: segment.name };
        }
        const built = buildPlaybook(playbook.key, complete, names);
        const definition = workflowDefinition.parse(built.definition);
        const problems = await definitionProblems(trx, workspaceId, definition, null);
        if (problems.length > 0) {
          throw new Error(
            `playbook ${playbook.key} built a workflow with problems: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
          );
        }
        const name = input.name ?? built.name.slice(0, 120);
        return insertDraft(trx, createdBy, workspaceId, { name, description: built.description.slice(0, 1000), definition });
      });
    },

    async update(workspaceId: number, workflowId: number, patch: WorkflowPatch): Promise<WorkflowView> {
      const row = await load(db, workspaceId, workflowId);
      if (row.status === 'archived') throw transition('An archived workflow cannot be changed.');
      if (patch.definition) {
        const problems = await definitionProblems(db, workspaceId, patch.definition, workflowId);
        if (problems.length > 0) throw invalid(problems);
      }
      const updated = await db
        .updateTable('workflows')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.definition ? { draft: serialize(patch.definition) } : {}),
          updated_at: clock.now(),
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', workflowId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return view(db, updated);
    },

    async remove(workspaceId: number, workflowId: number): Promise<void> {
      const row = await load(db, workspaceId, workflowId);
      if (row.version_count > 0) throw transition('A published workflow cannot be deleted; archive it.');
      await db.deleteFrom('workflows').where('workspace_id', '=', workspaceId).where('id', '=', workflowId).execute();
    },

    /** Freezes the draft into a new version (none when it equals the published one); a draft becomes active. */
    async publish(createdBy: number | null, workspaceId: number, workflowId: number): Promise<WorkflowView> {
      return db.transaction().execute(async (trx) => {
        const row = await load(trx, workspaceId, workflowId);
        if (row.status === 'archived') throw transition('An archived workflow cannot be published.');
        const definition = readDefinition(row.draft);
        const problems = await definitionProblems(trx, workspaceId, definition, workflowId);
        if (problems.length > 0) throw invalid(problems.map((p) => ({ ...p, path: p.path.replace(/^body\.definition/, 'draft') })));
        const now = clock.now();
        const current =
          row.current_version_id === null
            ? undefined
            : await trx.selectFrom('workflow_versions').select('definition').where('id', '=', row.current_version_id).executeTakeFirst();
        let versionId = row.current_version_id;
        let versionCount = row.version_count;
        if (current?.definition !== row.draft) {
          versionCount += 1;
          const inserted = await trx
            .insertInto('workflow_versions')
            .values({
              workspace_id: workspaceId,
              workflow_id: workflowId,
              number: versionCount,
              definition: row.draft,
              created_by: createdBy,
              created_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          versionId = inserted.id;
        }
        const trigger = definition.trigger;
        const updated = await trx
          .updateTable('workflows')
          .set({
            current_version_id: versionId,
            version_count: versionCount,
            trigger_kind: trigger.kind,
            trigger_keyword: trigger.kind === 'keyword' ? normalizeKeyword(trigger.keyword) : null,
            status: row.status === 'draft' ? 'active' : row.status,
            updated_at: now,
          })
          .where('id', '=', workflowId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await ensureTriggerCursor(trx, now);
        return view(trx, updated);
      });
    },

    async setStatus(workspaceId: number, workflowId: number, action: 'pause' | 'resume' | 'archive'): Promise<WorkflowView> {
      return db.transaction().execute(async (trx) => {
        const row = await load(trx, workspaceId, workflowId);
        const now = clock.now();
        let status: WorkflowStatus;
        if (action === 'pause') {
          if (row.status !== 'active') throw transition('Only an active workflow can be paused.');
          status = 'paused';
        } else if (action === 'resume') {
          if (row.status !== 'paused') throw transition('Only a paused workflow can be resumed.');
          status = 'active';
        } else {
          if (row.status === 'archived') throw transition('The workflow is already archived.');
          status = 'archived';
          await exitLiveRuns(trx, { workspaceId, workflowId, reason: 'workflow_archived', now });
        }
        const updated = await trx
          .updateTable('workflows')
          .set({ status, updated_at: now, ...(status === 'archived' ? { archived_at: now, hook_token_hash: null } : {}) })
          .where('id', '=', workflowId)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (action === 'resume') await kickTick(trx, now);
        return view(trx, updated);
      });
    },

    /** Members by id, or every member of a saved segment (in batches, one transaction each). */
    async enroll(workspaceId: number, workflowId: number, input: EnrollInput): Promise<EnrollResult> {
      const row = await load(db, workspaceId, workflowId);
      if (row.status !== 'active') {
        throw new AppError({ code: 'workflow.not_active', status: 409, message: 'Members can only be enrolled in an active workflow.' });
      }
      const versions = createVersionCache();
      const total: EnrollResult = { enrolled: 0, heldOut: 0, skipped: 0 };
      const add = (r: EnrollResult) => {
        total.enrolled += r.enrolled;
        total.heldOut += r.heldOut;
        total.skipped += r.skipped;
      };
      const enrollBatch = (memberIds: number[]) =>
        db.transaction().execute(async (trx) => {
          const result = await enrollMembers(trx, {
            workflow: row,
            versions,
            enrollees: memberIds.map((memberId) => ({ memberId })),
            now: clock.now(),
          });
          if (result.enrolled > 0) await kickTick(trx, clock.now());
          return result;
        });
      if (input.memberIds) {
        add(await enrollBatch(input.memberIds));
        return total;
      }
      const segment = await findSegment(db, workspaceId, input.segmentId as number);
      if (!segment) throw invalid([{ path: 'body.segmentId', message: `is not a segment of this workspace (${input.segmentId})` }]);
      const seg = await resolveSegment(db, workspaceId, storedRules(segment.rules), clock.now());
      let after = 0;
      for (;;) {
        const ids = (
          await selectSegment(db, seg).select('m.id').where('m.id', '>', after).orderBy('m.id').limit(SEGMENT_BATCH).execute()
        ).map((r) => Number(r.id));
        if (ids.length === 0) break;
        add(await enrollBatch(ids));
        after = ids[ids.length - 1] as number;
        if (ids.length < SEGMENT_BATCH) break;
      }
      return total;
    },

    async runs(
      workspaceId: number,
      workflowId: number,
      query: { status?: RunRow['status'] | undefined; memberId?: number | undefined; limit: number; before?: number | undefined },
    ) {
      await load(db, workspaceId, workflowId);
      let q = db
        .selectFrom('workflow_runs as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .innerJoin('workflow_versions as v', 'v.id', 'r.version_id')
        .selectAll('r')
        .select(['m.first_name', 'm.last_name', 'v.number as version_number'])
        .where('r.workspace_id', '=', workspaceId)
        .where('r.workflow_id', '=', workflowId);
      if (query.status) q = q.where('r.status', '=', query.status);
      if (query.memberId !== undefined) q = q.where('r.member_id', '=', query.memberId);
      if (query.before !== undefined) q = q.where('r.id', '<', query.before);
      const rows = await q
        .orderBy('r.id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      return { runs: page.map(runView), nextBefore: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },

    async run(workspaceId: number, workflowId: number, runId: number) {
      const row = await db
        .selectFrom('workflow_runs as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .innerJoin('workflow_versions as v', 'v.id', 'r.version_id')
        .selectAll('r')
        .select(['m.first_name', 'm.last_name', 'v.number as version_number', 'v.definition'])
        .where('r.workspace_id', '=', workspaceId)
        .where('r.workflow_id', '=', workflowId)
        .where('r.id', '=', runId)
        .executeTakeFirst();
      if (!row) throw new AppError({ code: 'workflow.run_not_found', status: 404, message: 'There is no such run of this workflow.' });
      const steps = new Map(readDefinition(row.definition).steps.map((s) => [s.id, s]));
      const results = await db
        .selectFrom('workflow_step_results')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('run_id', '=', runId)
        .orderBy('visit')
        .execute();
      return {
        ...runView(row),
        results: results.map((r) => {
          const step = steps.get(r.step_id);
          return {
            stepId: r.step_id,
            kind: step?.kind ?? 'unknown',
            label: step ? (step.label ?? STEP_KIND_META[step.kind].label) : r.step_id,
            visit: r.visit,
            outcome: JSON.parse(r.outcome) as Record<string, unknown>,
            createdAt: r.created_at,
            completedAt: r.completed_at,
          };
        }),
      };
    },

    /**
     * Per step of one version (the published one unless told): entered, completed, each exit, skips. Runs and the goal
     * comparison cover every version, or the one asked for.
     */
    async report(workspaceId: number, workflowId: number, versionNumber?: number): Promise<ReportView> {
      const row = await load(db, workspaceId, workflowId);
      const version = await db
        .selectFrom('workflow_versions')
        .select(['id', 'number', 'definition'])
        .where('workspace_id', '=', workspaceId)
        .where('workflow_id', '=', workflowId)
        .$call((q) =>
          versionNumber !== undefined ? q.where('number', '=', versionNumber) : q.where('id', '=', row.current_version_id ?? 0),
        )
        .executeTakeFirst();
      if (versionNumber !== undefined && !version) {
        throw invalid([{ path: 'querystring.version', message: `workflow has no version ${versionNumber}` }]);
      }
      const all = (await statsRows(db, workspaceId, workflowId)).map((r) => ({ ...r, value: Number(r.value) }));
      const scoped = versionNumber !== undefined && version ? all.filter((r) => r.version_id === version.id) : all;
      const definition = version ? readDefinition(version.definition) : null;
      const ofVersion = version ? all.filter((r) => r.version_id === version.id) : [];
      const here = version ? await runsAtSteps(db, workspaceId, workflowId, version.id) : new Map<string, number>();
      const steps = (definition?.steps ?? []).map((step) => {
        const mine = ofVersion.filter((r) => r.step_id === step.id);
        const get = (key: string) => mine.find((r) => r.key === key)?.value ?? 0;
        const skipped: Record<string, number> = {};
        for (const r of mine) if (r.key.startsWith('skipped:')) skipped[r.key.slice(8)] = r.value;
        const exits = stepExits(step).map((e) => ({ key: e.key, label: e.label, next: e.next ?? null, count: get(`exit:${e.key}`) }));
        if (step.kind === 'goal') exits.push({ key: 'end', label: 'Goal reached', next: null, count: get('exit:end') });
        return {
          stepId: step.id,
          kind: step.kind,
          label: step.label ?? STEP_KIND_META[step.kind].label,
          entered: get('entered'),
          completed: get('completed'),
          here: here.get(step.id) ?? 0,
          exits,
          skipped,
        };
      });
      const runs = countsOf(scoped);
      const hasGoal = readDefinition(row.draft).goal !== undefined || definition?.goal !== undefined;
      const sum = (key: string) => scoped.filter((r) => r.step_id === WORKFLOW_STEP && r.key === key).reduce((n, r) => n + r.value, 0);
      const treated = { n: sum('enrolled'), reached: sum('goal:treated') };
      const held = { n: sum('held_out'), reached: sum('goal:held_out') };
      const rate = (p: { n: number; reached: number }) => ({ ...p, rate: p.n > 0 ? p.reached / p.n : null });
      const comparison = differenceOfProportions(treated.reached, treated.n, held.reached, held.n);
      return {
        version: version?.number ?? null,
        steps,
        runs,
        goal: hasGoal
          ? {
              treated: rate(treated),
              heldOut: rate(held),
              difference: comparison?.difference ?? null,
              interval: comparison
                ? { ...comparison.interval, level: 0.95, method: `Newcombe hybrid score (Wilson), z = ${Z_95.toFixed(4)}` }
                : null,
            }
          : null,
      };
    },

    /** A new secret URL for the inbound-webhook trigger; the token is shown once (only its hash is kept). */
    async rotateHookToken(workspaceId: number, workflowId: number) {
      const row = await load(db, workspaceId, workflowId);
      if (row.status === 'archived') throw transition('An archived workflow takes no webhooks.');
      const token = randomToken(32);
      await db
        .updateTable('workflows')
        .set({ hook_token_hash: sha256(token), updated_at: clock.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', workflowId)
        .execute();
      return { token, url: `${config.publicUrl}/api/hooks/workflows/${token}` };
    },

    /** The key the workflow's webhook steps sign with, for the receiver to check X-Groundswell-Signature. */
    async webhookSecret(workspaceId: number, workflowId: number) {
      const row = await load(db, workspaceId, workflowId);
      return {
        secret: openSecret(appSecret, row.webhook_secret),
        header: SIGNATURE_HEADER,
        algorithm: 'HMAC-SHA256 of the raw body, hex, prefixed sha256=',
      };
    },

    /** POST /api/hooks/workflows/:token: enrolls the member with this phone or email (members are not created here). */
    async hook(token: string, input: { phone?: string | undefined; email?: string | undefined }, idempotencyKey: string | undefined) {
      const row = await db.selectFrom('workflows').selectAll().where('hook_token_hash', '=', sha256(token)).executeTakeFirst();
      if (!row) throw new AppError({ code: 'workflow.hook_unknown', status: 404, message: 'This webhook URL is not known.' });
      if (row.status !== 'active' || row.trigger_kind !== 'inbound_webhook') {
        throw new AppError({ code: 'workflow.not_active', status: 409, message: 'The workflow does not take webhook enrollments now.' });
      }
      const workspace = await db
        .selectFrom('workspaces')
        .select('default_country')
        .where('id', '=', row.workspace_id)
        .executeTakeFirstOrThrow();
      let memberId: number | undefined;
      if (input.phone !== undefined) {
        const phone = normalizePhone(input.phone, workspace.default_country);
        if (!phone.ok)
          throw new AppError({
            code: 'request.invalid',
            status: 400,
            message: 'The phone number is not valid.',
            fields: [{ path: 'body.phone', message: phone.message }],
          });
        memberId = (await findLiveMembersByPhones(db, row.workspace_id, [phone.e164]))[0]?.id;
      }
      if (memberId === undefined && input.email !== undefined)
        memberId = (await findLiveMembersByEmails(db, row.workspace_id, [input.email]))[0]?.id;
      if (memberId === undefined)
        throw new AppError({ code: 'member.not_found', status: 404, message: 'No member has this phone number or email.' });
      const enrolledMember = memberId;
      return db.transaction().execute(async (trx) => {
        const key = idempotencyKey ? `h:${sha256(idempotencyKey).slice(0, 40)}` : null;
        const result = await enrollMembers(trx, {
          workflow: row,
          versions: createVersionCache(),
          enrollees: [{ memberId: enrolledMember, key }],
          now: clock.now(),
        });
        if (result.enrolled > 0) await kickTick(trx, clock.now());
        return { enrolled: result.enrolled + result.heldOut > 0 };
      });
    },

    async notifications(workspaceId: number, query: { unread?: boolean | undefined; limit: number }) {
      let q = db.selectFrom('staff_notifications').selectAll().where('workspace_id', '=', workspaceId);
      if (query.unread) q = q.where('read_at', 'is', null);
      const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
      const unread = await db
        .selectFrom('staff_notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return {
        notifications: rows.map((n) => ({
          id: n.id,
          body: n.body,
          memberId: n.member_id,
          workflowId: n.workflow_id,
          runId: n.run_id,
          createdAt: n.created_at,
          readAt: n.read_at,
        })),
        unread: Number(unread.n),
      };
    },

    async markNotificationRead(workspaceId: number, notificationId: number) {
      const done = await db
        .updateTable('staff_notifications')
        .set({ read_at: clock.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', notificationId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) {
        const exists = await db
          .selectFrom('staff_notifications')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', notificationId)
          .executeTakeFirst();
        if (!exists) throw new AppError({ code: 'notification.not_found', status: 404, message: 'There is no such notification.' });
      }
    },
  };
}

export type WorkflowsService = ReturnType<typeof createWorkflowsService>;

function runView(r: RunRow & { first_name: string | null; last_name: string | null; version_number: number }) {
  return {
    id: r.id,
    memberId: r.member_id,
    memberName: displayName({ id: r.member_id, first_name: r.first_name, last_name: r.last_name }),
    version: r.version_number,
    status: r.status,
    currentStepId: r.current_step_id,
    wakeAt: r.wake_at,
    waitingReplySince: r.waiting_reply_since,
    enrolledAt: r.enrolled_at,
    finishedAt: r.finished_at,
    exitReason: r.exit_reason,
    goalReachedAt: r.goal_reached_at,
    heldOut: r.held_out === 1,
    lastError: r.last_error,
  };
}
