import type { Insertable } from 'kysely';
import { analyzeSms } from '../../../common/sms-encoding.ts';
import type { WorkflowGoal } from '../../../common/workflows.ts';
import { describeProviderError } from '../../channels/registry.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { BroadcastStatus, BroadcastsTable } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type ErrorCode, type FieldError } from '../../http/errors.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { newLinkCode, replaceLinks, shortLinkBase, shortLinkUrl, withUtm } from '../links/link-rewrite.ts';
import { ensureLinkTargets, insertLinks } from '../links/links.repo.ts';
import { isSuppressed } from '../members/consent.repo.ts';
import { findLiveMembersByPhones } from '../members/members.repo.ts';
import { audienceBatch, resolveAudience } from './audience.ts';
import { type Draftable, evaluateBroadcast, parseCustom } from './broadcasts.preview.ts';
import {
  type BroadcastRow,
  cancelPending,
  EXPANSION_DONE,
  type Executor,
  findBroadcast,
  insertBroadcast,
  listBroadcastRows,
  pauseBroadcast,
  releaseHeld,
  statsOf,
  storedAudience,
  storedTemplates,
  storedUtm,
  transitionBroadcast,
} from './broadcasts.repo.ts';
import type {
  BroadcastInput,
  BroadcastPatch,
  BroadcastView,
  GoalInput,
  LiftView,
  PreviewInput,
  PreviewView,
  Problem,
  ScheduleInput,
  StatsView,
} from './broadcasts.schema.ts';
import { getDefaultSender, listSenderRows } from './channels.repo.ts';
import { complianceTexts, withFirstMessageFooter } from './compliance-texts.ts';
import { BROADCAST_EXPAND_JOB } from './expand.job.ts';
import { parseLocalTime, sampleContext, utmOf } from './expand.ts';
import { broadcastLift, DEFAULT_GOAL, newHoldoutSeed, storedGoal } from './holdouts.ts';
import { createQuietHours, isValidTimezone } from './quiet-hours.ts';
import { bumpStats } from './stats.repo.ts';
import { compileTemplates, validateTemplates } from './templates.ts';

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'>; appSecret: string };

export type BroadcastsService = ReturnType<typeof createBroadcastsService>;

// Until errors.ts has broadcast codes of its own (broadcast.not_found, broadcast.invalid_state, broadcast.not_ready).
const CODES = {
  invalid: 'broadcast.invalid',
  notFound: 'broadcast.not_found',
  state: 'broadcast.invalid_transition',
  notReady: 'broadcast.not_launchable',
} as const satisfies Record<string, ErrorCode>;

const notFound = () => new AppError({ code: CODES.notFound, status: 404, message: 'There is no broadcast with this id in the workspace.' });
const invalid = (fields: FieldError[]) =>
  new AppError({
    code: CODES.invalid,
    status: 400,
    message: fields.map((f) => `${f.path.replace(/^body\./, '')} ${f.message}`).join('; '),
    fields,
  });
const wrongState = (status: BroadcastStatus, action: string) =>
  new AppError({ code: CODES.state, status: 409, message: `A broadcast that is ${status} cannot be ${action}.` });

const EDITABLE: readonly BroadcastStatus[] = ['draft', 'scheduled'];
const PAUSABLE: readonly BroadcastStatus[] = ['expanding', 'sending'];
const CANCELLABLE: readonly BroadcastStatus[] = ['draft', 'scheduled', 'expanding', 'sending', 'paused'];

export function statsView(stats: Map<string, number> | undefined): StatsView {
  const get = (key: string) => stats?.get(key) ?? 0;
  return {
    queued: get('queued'),
    sent: get('sent'),
    delivered: get('delivered'),
    failed: get('failed'),
    unknown: get('unknown'),
    cancelled: get('cancelled'),
    clicked: get('clicked'),
    clicks: get('clicks'),
    replied: get('replied'),
    optedOut: get('opted_out'),
    costMicros: get('cost_micros'),
    skipped: {
      noConsent: get('skipped_no_consent'),
      optedOut: get('skipped_opted_out'),
      noAddress: get('skipped_no_address'),
      landline: get('skipped_landline'),
      frequencyCap: get('skipped_frequency_cap'),
    },
    heldOut: get('held_out'),
    finished: get('finished'),
  };
}

function scheduleOf(row: BroadcastRow): BroadcastView['schedule'] {
  if (row.schedule_kind === 'at' && row.scheduled_at !== null) return { kind: 'at', at: row.scheduled_at };
  if (row.schedule_kind === 'local_time' && row.local_time) {
    const local = parseLocalTime(row.local_time);
    if (local) return { kind: 'local_time', ...local };
  }
  return { kind: 'now' };
}

/** The stored form of the fields a broadcast is edited through. */
function draftOf(row: BroadcastRow): Draftable {
  return {
    name: row.name,
    channel: row.channel,
    audience: storedAudience(row.audience),
    senderId: row.sender_id,
    templates: storedTemplates(row.templates),
    defaultLanguage: row.default_language,
    subject: row.subject,
    mediaUrl: row.media_url,
    trackLinks: row.track_links === 1,
    utm: storedUtm(row.utm),
    schedule: scheduleOf(row),
    throttlePerMinute: row.throttle_per_minute,
    holdoutPercent: row.holdout_percent,
    goal: storedGoal(row.goal),
  };
}

/** A goal as given (actionId may be null) in its stored form. */
function goalOf(input: GoalInput | null | undefined): WorkflowGoal | null {
  if (!input) return null;
  return { types: input.types, withinDays: input.withinDays, ...(input.actionId != null ? { actionId: input.actionId } : {}) };
}

/** A holdout always has a goal to measure: the one given, else any action within 14 days. */
function withGoal(draft: Draftable): Draftable {
  return draft.holdoutPercent > 0 && draft.goal === null ? { ...draft, goal: DEFAULT_GOAL } : draft;
}

export function createBroadcastsService({ db, clock, config, appSecret }: Deps) {
  const jobs = createJobQueue({ db, clock });

  async function workspaceOf(executor: Executor, workspaceId: number) {
    return executor.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirstOrThrow();
  }

  async function requireRow(executor: Executor, workspaceId: number, broadcastId: number) {
    const row = await findBroadcast(executor, workspaceId, broadcastId);
    if (!row) throw notFound();
    return row;
  }

  async function views(workspaceId: number, rows: BroadcastRow[]) {
    const stats = await statsOf(
      db,
      workspaceId,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({ row, stats: stats.get(row.id) }));
  }

  function summary(row: BroadcastRow, stats: Map<string, number> | undefined) {
    return {
      id: row.id,
      name: row.name,
      channel: row.channel,
      status: row.status,
      recipientCount: row.recipient_count,
      scheduledAt: row.scheduled_at,
      launchedAt: row.launched_at,
      completedAt: row.completed_at,
      createdAt: row.created_at,
      stats: statsView(stats),
    };
  }

  function fullView(row: BroadcastRow, stats: Map<string, number> | undefined): BroadcastView {
    const draft = draftOf(row);
    const failuresByCode = [...(stats?.entries() ?? [])]
      .filter(([key, count]) => key.startsWith('failed:') && count > 0)
      .map(([key, count]) => {
        const code = key.slice('failed:'.length);
        return { code, count, description: describeProviderError(code) ?? `Provider error ${code}` };
      })
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
    return {
      ...summary(row, stats),
      audience: { ...draft.audience, segmentId: draft.audience.segmentId ?? null },
      senderId: draft.senderId,
      templates: draft.templates,
      defaultLanguage: draft.defaultLanguage,
      subject: draft.subject,
      mediaUrl: draft.mediaUrl,
      trackLinks: draft.trackLinks,
      utm: draft.utm,
      schedule: draft.schedule,
      throttlePerMinute: draft.throttlePerMinute,
      pauseReason: row.pause_reason,
      updatedAt: row.updated_at,
      failuresByCode,
      holdoutPercent: draft.holdoutPercent,
      goal: draft.goal ? { types: draft.goal.types, actionId: draft.goal.actionId ?? null, withinDays: draft.goal.withinDays } : null,
    };
  }

  async function view(workspaceId: number, row: BroadcastRow) {
    const stats = await statsOf(db, workspaceId, [row.id]);
    return fullView(row, stats.get(row.id));
  }

  /** Checks that need the database; every problem is reported at once, on the request's field paths. */
  async function checkInput(workspaceId: number, input: Draftable) {
    const errors: FieldError[] = [];
    const ids = input.audience.communityIds;
    if (ids.length > 0) {
      const found = new Set(
        (await db.selectFrom('communities').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute()).map(
          (r) => Number(r.id),
        ),
      );
      ids.forEach((id, index) => {
        if (!found.has(id))
          errors.push({ path: `body.audience.communityIds.${index}`, message: `is not a community of this workspace (${id})` });
      });
    }
    const segmentId = input.audience.segmentId ?? null;
    if (segmentId !== null) {
      const segment = await db
        .selectFrom('segments')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', segmentId)
        .executeTakeFirst();
      if (!segment) errors.push({ path: 'body.audience.segmentId', message: `is not a segment of this workspace (${segmentId})` });
    }
    if (input.senderId != null) {
      const [sender] = await listSenderRows(db, workspaceId, { includeArchived: true, senderId: input.senderId });
      if (!sender) errors.push({ path: 'body.senderId', message: 'is not a sender of this workspace' });
      else if (sender.channel !== input.channel)
        errors.push({ path: 'body.senderId', message: `is an ${sender.channel} sender; this broadcast is ${input.channel}` });
      else if (sender.archived_at !== null) errors.push({ path: 'body.senderId', message: 'is archived; choose another sender' });
    }
    if (!(input.defaultLanguage in input.templates) || (input.templates[input.defaultLanguage] ?? '').trim() === '') {
      errors.push({
        path: `body.templates.${input.defaultLanguage}`,
        message: `is required: the message in the default language (${input.defaultLanguage}) is what members of other languages receive`,
      });
    } else {
      for (const problem of validateTemplates(input.templates, input.defaultLanguage)) {
        errors.push({ path: `body.templates.${problem.language}`, message: problem.message });
      }
    }
    if (input.goal?.actionId !== undefined) {
      const action = await db
        .selectFrom('actions')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', input.goal.actionId)
        .executeTakeFirst();
      if (!action) errors.push({ path: 'body.goal.actionId', message: `is not an action of this workspace (${input.goal.actionId})` });
    }
    if (input.schedule.kind === 'at' && input.schedule.at <= clock.now()) {
      errors.push({ path: 'body.schedule.at', message: 'must be in the future' });
    }
    if (errors.length > 0) throw invalid(errors);
  }

  /** The row columns of a broadcast's editable fields. */
  async function columnsOf(workspaceId: number, input: Draftable) {
    const schedule: ScheduleInput = input.schedule;
    let scheduledAt: number | null = null;
    let localTime: string | null = null;
    if (schedule.kind === 'at') scheduledAt = schedule.at;
    if (schedule.kind === 'local_time') {
      // scheduledAt shows when it is that local time in the workspace's own zone (members elsewhere get it at theirs).
      const ws = await workspaceOf(db, workspaceId);
      const quiet = createQuietHours({ start: ws.quiet_hours_start, end: ws.quiet_hours_end });
      scheduledAt = quiet.localTime(0, isValidTimezone(ws.timezone) ? ws.timezone : 'UTC', schedule.time, schedule.date);
      localTime = `${schedule.date} ${schedule.time}`;
    }
    return {
      name: input.name,
      channel: input.channel,
      audience: JSON.stringify(input.audience),
      sender_id: input.senderId ?? null,
      templates: JSON.stringify(input.templates),
      default_language: input.defaultLanguage,
      subject: input.subject?.trim() ? input.subject.trim() : null,
      media_url: input.mediaUrl ?? null,
      track_links: input.trackLinks ? 1 : 0,
      utm: input.utm ? JSON.stringify(input.utm) : null,
      schedule_kind: schedule.kind,
      scheduled_at: scheduledAt,
      local_time: localTime,
      throttle_per_minute: input.throttlePerMinute ?? null,
      holdout_percent: input.holdoutPercent,
      goal: input.goal ? JSON.stringify(input.goal) : null,
    } satisfies Partial<Insertable<BroadcastsTable>>;
  }

  function fromInput(input: BroadcastInput | PreviewInput): Draftable {
    return withGoal({
      name: input.name ?? '',
      channel: input.channel,
      audience: input.audience,
      senderId: input.senderId ?? null,
      templates: input.templates,
      defaultLanguage: input.defaultLanguage,
      subject: input.subject ?? null,
      mediaUrl: input.mediaUrl ?? null,
      trackLinks: input.trackLinks ?? true,
      utm: input.utm ?? null,
      schedule: input.schedule ?? { kind: 'now' },
      throttlePerMinute: input.throttlePerMinute ?? null,
      holdoutPercent: input.holdoutPercent ?? 0,
      goal: goalOf(input.goal),
    });
  }

  const evaluate = (workspaceId: number, draft: Draftable) => evaluateBroadcast({ db, config, now: clock.now() }, workspaceId, draft);

  async function preview(workspaceId: number, input: PreviewInput): Promise<PreviewView> {
    return evaluate(workspaceId, fromInput(input));
  }

  async function list(workspaceId: number, query: { status?: BroadcastStatus | undefined; limit: number; cursor?: number | undefined }) {
    const page = await listBroadcastRows(db, workspaceId, query);
    return { broadcasts: (await views(workspaceId, page.rows)).map((v) => summary(v.row, v.stats)), nextCursor: page.nextCursor };
  }

  async function get(workspaceId: number, broadcastId: number) {
    return view(workspaceId, await requireRow(db, workspaceId, broadcastId));
  }

  /** The goal rates of the texted and the held-out members, their difference and its 95 % interval. */
  async function lift(workspaceId: number, broadcastId: number): Promise<LiftView> {
    return broadcastLift(db, await requireRow(db, workspaceId, broadcastId), clock.now());
  }

  const auditOf = (
    executor: Executor,
    actor: Actor | null,
    workspaceId: number,
    broadcastId: number,
    action: string,
    data?: Record<string, unknown>,
  ) =>
    recordAudit(executor, {
      workspaceId,
      actor,
      action,
      targetType: 'broadcast',
      targetId: broadcastId,
      ...(data ? { data } : {}),
      at: clock.now(),
    });

  async function create(actor: Actor, workspaceId: number, input: BroadcastInput) {
    const draft = fromInput(input);
    await checkInput(workspaceId, draft);
    const columns = await columnsOf(workspaceId, draft);
    const now = clock.now();
    const row = await db.transaction().execute(async (trx) => {
      const inserted = await insertBroadcast(trx, {
        workspace_id: workspaceId,
        status: 'draft',
        ...columns,
        pause_reason: null,
        holdout_seed: newHoldoutSeed(),
        created_by: actor.type === 'user' ? actor.userId : null,
        created_at: now,
        updated_at: now,
        launched_at: null,
        completed_at: null,
      });
      await auditOf(trx, actor, workspaceId, inserted.id, 'broadcast.created', { name: inserted.name, channel: inserted.channel });
      return inserted;
    });
    return view(workspaceId, row);
  }

  /** Refuses with the preview's problems (422) when the broadcast cannot go out as it is. */
  async function requireReady(workspaceId: number, draft: Draftable) {
    const result = await evaluate(workspaceId, draft);
    const problems: Problem[] = [...result.problems];
    if (result.recipients.reachable === 0 && !problems.some((p) => p.field === 'audience')) {
      problems.push({ field: 'audience', message: 'No member of the audience can receive this broadcast.' });
    }
    if (problems.length > 0) {
      throw new AppError({
        code: CODES.notReady,
        status: 422,
        message: `The broadcast cannot be launched: ${problems.map((p) => p.message).join(' ')}`,
        fields: problems.map((p) => ({ path: p.field, message: p.message })),
      });
    }
    return result;
  }

  async function update(actor: Actor, workspaceId: number, broadcastId: number, patch: BroadcastPatch) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (!EDITABLE.includes(row.status)) throw wrongState(row.status, 'edited');
    const current = draftOf(row);
    const draft: Draftable = withGoal({
      name: patch.name ?? current.name,
      channel: patch.channel ?? current.channel,
      audience: patch.audience ?? current.audience,
      senderId: patch.senderId === undefined ? current.senderId : patch.senderId,
      templates: patch.templates ?? current.templates,
      defaultLanguage: patch.defaultLanguage ?? current.defaultLanguage,
      subject: patch.subject === undefined ? current.subject : patch.subject,
      mediaUrl: patch.mediaUrl === undefined ? current.mediaUrl : patch.mediaUrl,
      trackLinks: patch.trackLinks ?? current.trackLinks,
      utm: patch.utm === undefined ? current.utm : patch.utm,
      schedule: patch.schedule ?? current.schedule,
      throttlePerMinute: patch.throttlePerMinute === undefined ? current.throttlePerMinute : patch.throttlePerMinute,
      holdoutPercent: patch.holdoutPercent ?? current.holdoutPercent,
      goal: patch.goal === undefined ? current.goal : goalOf(patch.goal),
    });
    // A scheduled broadcast's own time may have passed since: only a new time is checked.
    const scheduleChanged = patch.schedule !== undefined && JSON.stringify(patch.schedule) !== JSON.stringify(current.schedule);
    await checkInput(workspaceId, scheduleChanged ? draft : { ...draft, schedule: { kind: 'now' } });
    const columns = await columnsOf(workspaceId, draft);
    // A scheduled broadcast stays scheduled while it has a time ahead and nothing that would stop its launch;
    // otherwise it goes back to draft to be launched again.
    let status: BroadcastStatus = row.status;
    if (row.status === 'scheduled') {
      if (draft.schedule.kind === 'at' && draft.schedule.at > clock.now()) await requireReady(workspaceId, draft);
      else status = 'draft';
    }
    const now = clock.now();
    const updated = await db.transaction().execute(async (trx) => {
      const changed = await transitionBroadcast(trx, {
        workspaceId,
        broadcastId,
        from: [row.status],
        set: { ...columns, status, updated_at: now, ...(status === 'draft' ? { launched_at: null } : {}) },
      });
      if (!changed) throw wrongState(row.status, 'edited now (it changed meanwhile)');
      if (status === 'scheduled' && changed.scheduled_at !== row.scheduled_at && changed.scheduled_at !== null) {
        await enqueueExpansion(trx, changed, changed.scheduled_at);
      }
      await auditOf(trx, actor, workspaceId, broadcastId, 'broadcast.updated', {
        fields: Object.keys(patch),
        ...(status !== row.status ? { status } : {}),
      });
      return changed;
    });
    return view(workspaceId, updated);
  }

  async function enqueueExpansion(trx: Executor, row: BroadcastRow, runAt: number) {
    await jobs.enqueue(trx, {
      type: BROADCAST_EXPAND_JOB,
      payload: { broadcastId: row.id, workspaceId: row.workspace_id },
      workspaceId: row.workspace_id,
      runAt,
      priority: PRIORITY.bulk,
    });
  }

  async function launch(actor: Actor, workspaceId: number, broadcastId: number) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (row.status !== 'draft') throw wrongState(row.status, 'launched');
    const draft = draftOf(row);
    const ready = await requireReady(workspaceId, draft);
    const now = clock.now();
    const later = draft.schedule.kind === 'at' && draft.schedule.at > now;
    const launched = await db.transaction().execute(async (trx) => {
      const changed = await transitionBroadcast(trx, {
        workspaceId,
        broadcastId,
        from: ['draft'],
        // The sender is pinned at launch: changing the default later does not move a broadcast under way.
        set: {
          status: later ? 'scheduled' : 'expanding',
          sender_id: ready.sender?.id ?? row.sender_id,
          launched_at: now,
          updated_at: now,
          pause_reason: null,
        },
      });
      if (!changed) throw wrongState(row.status, 'launched now (it changed meanwhile)');
      await enqueueExpansion(trx, changed, later && changed.scheduled_at !== null ? changed.scheduled_at : now);
      await auditOf(trx, actor, workspaceId, broadcastId, 'broadcast.launched', {
        status: changed.status,
        reachable: ready.recipients.reachable,
        costMicros: ready.costMicros,
      });
      return changed;
    });
    return view(workspaceId, launched);
  }

  async function pause(actor: Actor, workspaceId: number, broadcastId: number) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (!PAUSABLE.includes(row.status)) throw wrongState(row.status, 'paused');
    const paused = await db
      .transaction()
      .execute((trx) => pauseBroadcast(trx, { workspaceId, broadcastId, reason: null, now: clock.now(), actor }));
    if (!paused) throw wrongState((await requireRow(db, workspaceId, broadcastId)).status, 'paused');
    return get(workspaceId, broadcastId);
  }

  async function resume(actor: Actor, workspaceId: number, broadcastId: number) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (row.status !== 'paused') throw wrongState(row.status, 'resumed');
    const now = clock.now();
    const expanded = row.expand_cursor === EXPANSION_DONE;
    const resumed = await db.transaction().execute(async (trx) => {
      const changed = await transitionBroadcast(trx, {
        workspaceId,
        broadcastId,
        from: ['paused'],
        set: { status: expanded ? 'sending' : 'expanding', pause_reason: null, updated_at: now },
      });
      if (!changed) throw wrongState(row.status, 'resumed now (it changed meanwhile)');
      const released = await releaseHeld(trx, workspaceId, broadcastId, now);
      // Expansion stopped at the pause: it carries on from its cursor.
      if (!expanded) await enqueueExpansion(trx, changed, now);
      await auditOf(trx, actor, workspaceId, broadcastId, 'broadcast.resumed', { released });
      return changed;
    });
    if (resumed.status === 'sending') {
      // Everything may have left the outbox while it was paused: then there is nothing more to wait for.
      const stats = (await statsOf(db, workspaceId, [broadcastId])).get(broadcastId);
      if ((stats?.get('finished') ?? 0) >= (stats?.get('queued') ?? 0)) {
        await transitionBroadcast(db, {
          workspaceId,
          broadcastId,
          from: ['sending'],
          set: { status: 'completed', completed_at: now, updated_at: now },
        });
      }
    }
    return get(workspaceId, broadcastId);
  }

  async function cancel(actor: Actor, workspaceId: number, broadcastId: number) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (!CANCELLABLE.includes(row.status)) throw wrongState(row.status, 'cancelled');
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const changed = await transitionBroadcast(trx, {
        workspaceId,
        broadcastId,
        from: CANCELLABLE,
        set: { status: 'cancelled', updated_at: now },
      });
      if (!changed) throw wrongState(row.status, 'cancelled now (it changed meanwhile)');
      const cancelled = await cancelPending(trx, workspaceId, broadcastId, now);
      await auditOf(trx, actor, workspaceId, broadcastId, 'broadcast.cancelled', { from: row.status, cancelledMessages: cancelled });
    });
    return get(workspaceId, broadcastId);
  }

  /**
   * Sends again the messages whose outcome is unknown (the provider may or may not have them): a person's decision,
   * never the dispatcher's, because a member may then get the text twice. Consent and quiet hours are checked again
   * when they go out. A completed broadcast goes back to sending; a paused one holds them until it resumes.
   */
  async function resendUnknown(actor: Actor, workspaceId: number, broadcastId: number) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (!['sending', 'paused', 'completed'].includes(row.status)) throw wrongState(row.status, 'sent again');
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const again = await trx
        .updateTable('messages')
        .set({ state: row.status === 'paused' ? 'held' : 'queued', send_at: now, error_code: null, error_detail: null, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('broadcast_id', '=', broadcastId)
        .where('state', '=', 'unknown')
        .returning('id')
        .execute();
      if (again.length === 0) return;
      await bumpStats(trx, workspaceId, broadcastId, { unknown: -again.length, finished: -again.length });
      if (row.status === 'completed') {
        await transitionBroadcast(trx, {
          workspaceId,
          broadcastId,
          from: ['completed'],
          set: { status: 'sending', completed_at: null, updated_at: now },
        });
      }
      await auditOf(trx, actor, workspaceId, broadcastId, 'broadcast.unknown_resent', { messages: again.length });
    });
    return get(workspaceId, broadcastId);
  }

  /**
   * Sends the broadcast as the first member of its audience would get it (first-message footer included), prefixed
   * "[TEST] ", to up to five phones. Numbers that opted out are refused. Test messages belong to no broadcast, so its
   * report is untouched.
   */
  async function test(actor: Actor, workspaceId: number, broadcastId: number, phones: string[]) {
    const row = await requireRow(db, workspaceId, broadcastId);
    if (row.channel !== 'sms') throw invalid([{ path: 'body.phones', message: 'test sends are for SMS broadcasts' }]);
    const ws = await workspaceOf(db, workspaceId);
    const errors: FieldError[] = [];
    const numbers: string[] = [];
    for (const [index, raw] of phones.entries()) {
      const phone = normalizePhone(raw, ws.default_country);
      if (!phone.ok) {
        errors.push({ path: `body.phones.${index}`, message: phone.message });
        continue;
      }
      if (await isSuppressed(db, appSecret, workspaceId, 'sms', phone.e164)) {
        errors.push({ path: `body.phones.${index}`, message: 'has opted out of texts from this workspace; nothing is sent to it' });
        continue;
      }
      if (!numbers.includes(phone.e164)) numbers.push(phone.e164);
    }
    const members = await findLiveMembersByPhones(db, workspaceId, numbers);
    const memberOf = new Map(members.flatMap((m) => (m.phone ? [[m.phone, m] as const] : [])));
    for (const [index, raw] of phones.entries()) {
      const phone = normalizePhone(raw, ws.default_country);
      if (phone.ok && memberOf.get(phone.e164)?.sms_consent === 'revoked' && !errors.some((e) => e.path === `body.phones.${index}`)) {
        errors.push({ path: `body.phones.${index}`, message: 'has opted out of texts from this workspace; nothing is sent to it' });
      }
    }
    if (errors.length > 0) throw invalid(errors);
    const draft = draftOf(row);
    const sender =
      draft.senderId !== null
        ? (await listSenderRows(db, workspaceId, { includeArchived: false, senderId: draft.senderId }))[0]
        : await getDefaultSender(db, workspaceId, 'sms');
    if (!sender) throw invalid([{ path: 'body.senderId', message: 'is missing: add an SMS sender under Channels first' }]);
    const problems = validateTemplates(draft.templates, draft.defaultLanguage);
    if (problems.length > 0) throw invalid(problems.map((p) => ({ path: `body.templates.${p.language}`, message: p.message })));
    const compiled = compileTemplates(draft.templates, draft.defaultLanguage);
    const audience = await resolveAudience(db, workspaceId, draft.audience, { now: clock.now() });
    const [first] = (await audienceBatch(db, workspaceId, audience, 0, 50, { customFields: true })).filter((m) => m.skip === null);
    const language = compiled.languageFor(first?.language ?? draft.defaultLanguage);
    const community = await firstCommunity(workspaceId, draft.audience.communityIds);
    const context = first
      ? {
          member: {
            first_name: first.first_name,
            last_name: first.last_name,
            email: first.email,
            postal_code: first.postal_code,
            language: first.language,
            custom: parseCustom(first.custom_fields),
          },
          community,
          workspace: { name: ws.name },
        }
      : sampleContext(ws.name, community);
    let body = compiled.render(language, context);
    const now = clock.now();
    const base = shortLinkBase(ws.short_link_base, config.publicUrl);
    const utm = utmOf(row);
    const queued = await db.transaction().execute(async (trx) => {
      const links: { url: string; code: string }[] = [];
      if (draft.trackLinks) {
        body = replaceLinks(body, (url) => {
          const code = newLinkCode();
          links.push({ url: withUtm(url, utm), code });
          return shortLinkUrl(base, code);
        });
      }
      const text = `[TEST] ${withFirstMessageFooter(body, complianceTexts(ws, language).firstMessageFooter, ws.name)}`;
      const analysis = analyzeSms(text);
      for (const to of numbers) {
        await trx
          .insertInto('messages')
          .values({
            workspace_id: workspaceId,
            direction: 'out',
            channel: 'sms',
            kind: 'test',
            member_id: memberOf.get(to)?.id ?? null,
            broadcast_id: null,
            sender_id: sender.id,
            to_address: to,
            from_address: sender.address,
            subject: null,
            body: text,
            media_urls: draft.mediaUrl ? JSON.stringify([draft.mediaUrl]) : null,
            segments: Math.max(1, analysis.segments),
            encoding: analysis.encoding,
            priority: PRIORITY.reply,
            state: 'queued',
            send_at: now,
            expires_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      if (links.length > 0) {
        // Test links count no clicks toward the broadcast or any member.
        const targets = await ensureLinkTargets(trx, { workspaceId, broadcastId: null, urls: links.map((l) => l.url), now });
        await insertLinks(
          trx,
          links.map((l) => ({
            code: l.code,
            workspaceId,
            targetId: targets.get(l.url) as number,
            memberId: null,
            broadcastId: null,
            messageId: null,
            createdAt: now,
          })),
        );
      }
      await auditOf(trx, actor, workspaceId, broadcastId, 'broadcast.test_sent', { count: numbers.length });
      return numbers.length;
    });
    return { queued };
  }

  async function firstCommunity(workspaceId: number, ids: readonly number[]) {
    const id = ids[0];
    if (id === undefined) return null;
    return (
      (await db
        .selectFrom('communities')
        .select(['name', 'slug'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst()) ?? null
    );
  }

  return { preview, list, get, lift, create, update, launch, pause, resume, cancel, resendUnknown, test };
}

export { pauseBroadcast };
