import { can, ROLES } from '../../../common/roles.ts';
import { analyzeSms } from '../../../common/sms-encoding.ts';
import type { Db } from '../../db/database.ts';
import type { P2pCampaignStatus } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { noteOutbound } from '../inbox/conversations.repo.ts';
import { addTags, type Executor } from '../members/members.repo.ts';
import { audienceBatch, countAudience } from '../messaging/audience.ts';
import { alreadyContacted, storedAudience } from '../messaging/broadcasts.repo.ts';
import { getDefaultSender, getSender } from '../messaging/channels.repo.ts';
import { complianceTexts, withFirstMessageFooter } from '../messaging/compliance-texts.ts';
import { createQuietHours, isValidTimezone } from '../messaging/quiet-hours.ts';
import { compileTemplates, validateTemplates } from '../messaging/templates.ts';
import {
  bumpCampaign,
  type CampaignRow,
  claimContacts,
  contactBreakdown,
  countPending,
  findCampaign,
  insertCampaign,
  LOAD_DONE,
  latestBatch,
  listCampaignRows,
  pendingCounts,
  recentTexts,
  storedScript,
  texterCounts,
  transitionCampaign,
} from './p2p.repo.ts';
import {
  type AssignInput,
  type CampaignInput,
  type CampaignPatch,
  type CampaignView,
  DEFAULT_BATCH_SIZE,
  type PreviewInput,
  type PreviewView,
  type Script,
  type StatsView,
} from './p2p.schema.ts';
import { P2P_LOAD_JOB } from './p2p-load.job.ts';

// Peer-to-peer campaigns, Spoke/ThruText style. An organizer writes a script and picks an audience; launching loads
// the members who agreed to texts as contacts (p2p-load.job.ts). Texters take batches of contacts and send each
// initial by hand — one request per click or keypress, never a bulk send — with consent, the member's sending window
// and the frequency cap checked at that moment. The initial opens the member's conversation assigned to its texter,
// so replies come back to the person who wrote; the texter records the answer, which tags the member and is logged
// as an 'answered' activity.

type Deps = { db: Db; clock: Clock };

/** The staff member texting; API keys have no person behind them. */
export type Texter = { userId: number; canManage: boolean };

const DAY = 86_400_000;
const TEXTING: readonly P2pCampaignStatus[] = ['loading', 'active'];
/** An organizer may hand contacts over while a campaign is paused too (to rebalance texters before resuming). */
const ASSIGNABLE: readonly P2pCampaignStatus[] = ['loading', 'active', 'paused'];
/** Roles whose members can text, so can be handed contacts. */
const TEXTER_ROLES = ROLES.filter((role) => can(role, 'p2p.text'));

const notFound = () =>
  new AppError({ code: 'p2p.not_found', status: 404, message: 'There is no P2P campaign with this id in the workspace.' });
const contactNotFound = () =>
  new AppError({ code: 'p2p.contact_not_found', status: 404, message: 'There is no such contact in this campaign.' });
const notYours = () => new AppError({ code: 'p2p.contact_not_yours', status: 409, message: 'This contact is assigned to another texter.' });
const invalid = (fields: FieldError[], status = 400) =>
  new AppError({
    code: 'p2p.invalid',
    status,
    message: fields.map((f) => `${f.path.replace(/^body\./, '')}: ${f.message}`).join('; '),
    fields,
  });
const wrongState = (status: P2pCampaignStatus, action: string) =>
  new AppError({ code: 'p2p.invalid_transition', status: 409, message: `A campaign that is ${status} cannot be ${action}.` });

/** The texter's own first name goes into the script as text: Liquid only knows member, community and workspace. */
function withTexter(source: string, texterFirstName: string): string {
  const literal = `"${texterFirstName.replace(/["{}%]/g, '')}"`;
  return source.replace(/{{[\s\S]*?}}|{%[\s\S]*?%}/g, (markup) => markup.replace(/\btexter\.first_name\b/g, literal));
}

const firstNameOf = (name: string) => name.trim().split(/\s+/)[0] ?? '';

/** Every text of a script that is sent (initial, follow-ups, saved responses), by its field path. */
function scriptTexts(script: Script): { path: string; source: string }[] {
  return [
    { path: 'script.initial', source: script.initial },
    ...script.answers.flatMap((a, i) => (a.reply ? [{ path: `script.answers.${i}.reply`, source: a.reply }] : [])),
    ...script.responses.map((r, i) => ({ path: `script.responses.${i}.body`, source: r.body })),
  ];
}

function scriptProblems(script: Script): FieldError[] {
  const problems: FieldError[] = [];
  for (const { path, source } of scriptTexts(script)) {
    for (const problem of validateTemplates({ en: withTexter(source, 'Sam') }, 'en')) {
      problems.push({
        path: `body.${path}`,
        message: problem.message.replace('member.*, community.* or workspace.*', 'member.*, texter.first_name, community.* or workspace.*'),
      });
    }
  }
  return problems;
}

type MemberForText = { first_name: string | null; last_name: string | null; language: string };

/** Renders one text of the script for a member, as the given texter. */
function renderFor(
  source: string,
  member: MemberForText,
  context: { texterFirstName: string; workspaceName: string; community: { name: string; slug: string } | null },
): string {
  const compiled = compileTemplates({ en: withTexter(source, context.texterFirstName) }, 'en');
  return compiled.render(member.language, {
    member: {
      first_name: member.first_name,
      last_name: member.last_name,
      email: null,
      postal_code: null,
      language: member.language,
      custom: {},
    },
    community: context.community,
    workspace: { name: context.workspaceName },
  });
}

export function createP2pService({ db, clock }: Deps) {
  const jobs = createJobQueue({ db, clock });

  async function requireRow(executor: Executor, workspaceId: number, campaignId: number) {
    const row = await findCampaign(executor, workspaceId, campaignId);
    if (!row) throw notFound();
    return row;
  }

  const workspaceOf = (executor: Executor, workspaceId: number) =>
    executor.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirstOrThrow();

  async function communityOf(executor: Executor, workspaceId: number, communityIds: readonly number[]) {
    const first = communityIds[0];
    if (first === undefined) return null;
    return (
      (await executor
        .selectFrom('communities')
        .select(['name', 'slug'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', first)
        .executeTakeFirst()) ?? null
    );
  }

  async function userFirstName(executor: Executor, userId: number) {
    const user = await executor.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
    return firstNameOf(user?.name ?? '');
  }

  /** What a script's texts need besides the member: the texter's first name, the workspace name, the community. */
  async function textContext(workspaceId: number, row: CampaignRow, texterUserId: number) {
    const ws = await workspaceOf(db, workspaceId);
    return {
      texterFirstName: await userFirstName(db, texterUserId),
      workspaceName: ws.name,
      community: await communityOf(db, workspaceId, storedAudience(row.audience).communityIds),
    };
  }

  const auditOf = (executor: Executor, actor: Actor, row: CampaignRow, action: string, data?: Record<string, unknown>) =>
    recordAudit(executor, {
      workspaceId: row.workspace_id,
      actor,
      action,
      targetType: 'p2p_campaign',
      targetId: row.id,
      ...(data ? { data } : {}),
      at: clock.now(),
    });

  // ── Views ──────────────────────────────────────────────────────────────────

  function summary(row: CampaignRow) {
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      contactCount: row.contact_count,
      sentCount: row.sent_count,
      skippedCount: row.skipped_count,
      repliedCount: row.replied_count,
      optedOutCount: row.opted_out_count,
      createdAt: row.created_at,
      launchedAt: row.launched_at,
      closedAt: row.closed_at,
    };
  }

  async function statsOf(row: CampaignRow): Promise<StatsView> {
    const breakdown = await contactBreakdown(db, row.workspace_id, row.id);
    const texters = new Map<number, { assigned: number; sent: number }>();
    let pending = 0;
    let assigned = 0;
    for (const r of breakdown.rows) {
      if (r.status === 'pending') pending += r.count;
      if (r.texterId === null) continue;
      assigned += r.count;
      const entry = texters.get(r.texterId) ?? { assigned: 0, sent: 0 };
      entry.assigned += r.count;
      if (r.status === 'sent') entry.sent += r.count;
      texters.set(r.texterId, entry);
    }
    return {
      contacts: row.contact_count,
      pending,
      assigned,
      sent: row.sent_count,
      skipped: row.skipped_count,
      replied: row.replied_count,
      optedOut: row.opted_out_count,
      answers: breakdown.answers,
      texters: [...texters.entries()]
        .map(([userId, counts]) => ({ userId, name: breakdown.names.get(userId) ?? 'Former staff', ...counts }))
        .sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name)),
    };
  }

  async function view(row: CampaignRow): Promise<CampaignView> {
    const script = storedScript(row.script);
    return {
      ...summary(row),
      audience: storedAudience(row.audience),
      senderId: row.sender_id,
      script: {
        initial: script.initial,
        question: script.question,
        answers: script.answers.map((a) => ({ key: a.key, label: a.label, tag: a.tag ?? null, reply: a.reply ?? null })),
        responses: script.responses,
      },
      batchSize: row.batch_size,
      updatedAt: row.updated_at,
      stats: await statsOf(row),
    };
  }

  // ── The organizer ──────────────────────────────────────────────────────────

  /** Checks that need the database (communities and sender of the workspace) and the script's templates. */
  async function checkInput(
    workspaceId: number,
    input: { audience?: CampaignInput['audience']; senderId?: number | null; script?: Script },
  ) {
    const errors: FieldError[] = [];
    const ids = input.audience?.communityIds ?? [];
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
    if (input.senderId != null) {
      const sender = await getSender(db, workspaceId, input.senderId);
      if (!sender) errors.push({ path: 'body.senderId', message: 'is not a sender of this workspace' });
      else if (sender.channel !== 'sms')
        errors.push({ path: 'body.senderId', message: 'is an email sender; P2P texts need an SMS number' });
      else if (sender.archived_at !== null) errors.push({ path: 'body.senderId', message: 'is archived; choose another sender' });
    }
    if (input.script) errors.push(...scriptProblems(input.script));
    if (errors.length > 0) throw invalid(errors);
  }

  async function list(workspaceId: number) {
    return { campaigns: (await listCampaignRows(db, workspaceId)).map(summary) };
  }

  async function get(workspaceId: number, campaignId: number) {
    return view(await requireRow(db, workspaceId, campaignId));
  }

  async function create(actor: Actor, workspaceId: number, input: CampaignInput) {
    await checkInput(workspaceId, input);
    const now = clock.now();
    const row = await db.transaction().execute(async (trx) => {
      const inserted = await insertCampaign(trx, {
        workspace_id: workspaceId,
        name: input.name,
        status: 'draft',
        audience: JSON.stringify(input.audience),
        sender_id: input.senderId ?? null,
        script: JSON.stringify(input.script),
        batch_size: input.batchSize ?? DEFAULT_BATCH_SIZE,
        created_by: actor.type === 'user' ? actor.userId : null,
        created_at: now,
        updated_at: now,
      });
      await auditOf(trx, actor, inserted, 'p2p.created', { name: inserted.name });
      return inserted;
    });
    return view(row);
  }

  /**
   * Name, script and batch size change at any time before the campaign closes (texters see the new script on their
   * next contact); the audience and the sender only while it is a draft.
   */
  async function update(actor: Actor, workspaceId: number, campaignId: number, patch: CampaignPatch) {
    const row = await requireRow(db, workspaceId, campaignId);
    if (row.status === 'closed') throw wrongState(row.status, 'edited');
    if (row.status !== 'draft') {
      const locked: FieldError[] = [];
      if (patch.audience !== undefined) locked.push({ path: 'body.audience', message: 'cannot change once the campaign is launched' });
      if (patch.senderId !== undefined) locked.push({ path: 'body.senderId', message: 'cannot change once the campaign is launched' });
      if (locked.length > 0) throw invalid(locked, 409);
    }
    await checkInput(workspaceId, patch);
    const now = clock.now();
    const updated = await db.transaction().execute(async (trx) => {
      const changed = await transitionCampaign(trx, {
        workspaceId,
        campaignId,
        from: [row.status],
        set: {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.audience !== undefined ? { audience: JSON.stringify(patch.audience) } : {}),
          ...(patch.senderId !== undefined ? { sender_id: patch.senderId } : {}),
          ...(patch.script !== undefined ? { script: JSON.stringify(patch.script) } : {}),
          ...(patch.batchSize !== undefined ? { batch_size: patch.batchSize } : {}),
          updated_at: now,
        },
      });
      if (!changed) throw wrongState(row.status, 'edited now (it changed meanwhile)');
      await auditOf(trx, actor, changed, 'p2p.updated', { fields: Object.keys(patch) });
      return changed;
    });
    return view(updated);
  }

  /** Who the campaign would reach, the initial as the first of them would get it, and what would stop a launch. */
  async function preview(workspaceId: number, input: PreviewInput, texterUserId: number | null): Promise<PreviewView> {
    const problems: { field: string; message: string }[] = scriptProblems(input.script).map((p) => ({
      field: p.path.replace(/^body\./, ''),
      message: p.message,
    }));
    const sender =
      input.senderId != null ? await getSender(db, workspaceId, input.senderId) : await getDefaultSender(db, workspaceId, 'sms');
    if (sender?.channel !== 'sms' || sender.archived_at !== null) {
      problems.push({
        field: 'senderId',
        message:
          input.senderId != null ? 'The chosen sender is not a usable SMS number.' : 'There is no SMS sender: add one under Channels.',
      });
    }
    const recipients = await countAudience(db, workspaceId, input.audience, 'sms');
    if (recipients.total === 0)
      problems.push({ field: 'audience', message: 'The audience is empty: choose communities or tags with members.' });
    else if (recipients.reachable === 0)
      problems.push({ field: 'audience', message: 'No member of the audience agreed to texts, so nobody can be texted.' });
    let sample: string | null = null;
    if (problems.every((p) => !p.field.startsWith('script.initial'))) {
      const ws = await workspaceOf(db, workspaceId);
      const members = recipients.reachable > 0 ? await audienceBatch(db, workspaceId, input.audience, 0, 25) : [];
      const member = members.find((m) => m.skip === null) ?? { id: 0, first_name: 'Alex', last_name: 'Rivera', language: 'en' };
      const texterFirstName = texterUserId === null ? 'Sam' : (await userFirstName(db, texterUserId)) || 'Sam';
      const body = renderFor(input.script.initial, member, {
        texterFirstName,
        workspaceName: ws.name,
        community: await communityOf(db, workspaceId, input.audience.communityIds),
      });
      // The footer shows when the sample member was never texted, as their initial will carry it.
      const contacted = member.id > 0 && (await alreadyContacted(db, { workspaceId, broadcastId: 0 }, [member.id])).has(member.id);
      sample = contacted ? body : withFirstMessageFooter(body, complianceTexts(ws, member.language).firstMessageFooter, ws.name);
    }
    return { recipients, sample, problems };
  }

  async function launch(actor: Actor, workspaceId: number, campaignId: number) {
    const row = await requireRow(db, workspaceId, campaignId);
    if (row.status !== 'draft') throw wrongState(row.status, 'launched');
    const script = storedScript(row.script);
    const audience = storedAudience(row.audience);
    const ready = await preview(workspaceId, { audience, senderId: row.sender_id, script }, null);
    if (ready.problems.length > 0) {
      throw new AppError({
        code: 'p2p.invalid',
        status: 422,
        message: `The campaign cannot be launched: ${ready.problems.map((p) => p.message).join(' ')}`,
        fields: ready.problems.map((p) => ({ path: p.field, message: p.message })),
      });
    }
    const sender = row.sender_id ?? (await getDefaultSender(db, workspaceId, 'sms'))?.id ?? null;
    const now = clock.now();
    const launched = await db.transaction().execute(async (trx) => {
      const changed = await transitionCampaign(trx, {
        workspaceId,
        campaignId,
        from: ['draft'],
        // The sender is pinned at launch: changing the workspace's default later does not move a campaign under way.
        set: { status: 'loading', sender_id: sender, launched_at: now, updated_at: now, load_cursor: 0 },
      });
      if (!changed) throw wrongState(row.status, 'launched now (it changed meanwhile)');
      await enqueueLoad(trx, changed);
      await auditOf(trx, actor, changed, 'p2p.launched', { reachable: ready.recipients.reachable });
      return changed;
    });
    return view(launched);
  }

  async function enqueueLoad(trx: Executor, row: CampaignRow) {
    await jobs.enqueue(trx, {
      type: P2P_LOAD_JOB,
      payload: { workspaceId: row.workspace_id, campaignId: row.id },
      workspaceId: row.workspace_id,
      priority: PRIORITY.bulk,
    });
  }

  async function move(actor: Actor, workspaceId: number, campaignId: number, action: 'pause' | 'resume' | 'close') {
    const row = await requireRow(db, workspaceId, campaignId);
    const from: readonly P2pCampaignStatus[] =
      action === 'pause' ? ['loading', 'active'] : action === 'resume' ? ['paused'] : ['draft', 'loading', 'active', 'paused'];
    const verb = action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'closed';
    if (!from.includes(row.status)) throw wrongState(row.status, verb);
    const now = clock.now();
    const loaded = row.load_cursor === LOAD_DONE;
    const status: P2pCampaignStatus = action === 'pause' ? 'paused' : action === 'close' ? 'closed' : loaded ? 'active' : 'loading';
    const moved = await db.transaction().execute(async (trx) => {
      const changed = await transitionCampaign(trx, {
        workspaceId,
        campaignId,
        from,
        set: { status, updated_at: now, ...(action === 'close' ? { closed_at: now } : {}) },
      });
      if (!changed) throw wrongState(row.status, `${verb} now (it changed meanwhile)`);
      // Paused while its contacts were loading: the load carries on from its cursor.
      if (status === 'loading') await enqueueLoad(trx, changed);
      await auditOf(trx, actor, changed, `p2p.${verb}`);
      return changed;
    });
    return view(moved);
  }

  // ── The texter ─────────────────────────────────────────────────────────────

  const notTexting = (status: P2pCampaignStatus) =>
    new AppError({
      code: 'p2p.invalid_transition',
      status: 409,
      message:
        status === 'paused'
          ? 'The campaign is paused: no texts go out until an organizer resumes it.'
          : `The campaign is ${status}: it is not open for texting.`,
    });

  async function requireTexting(workspaceId: number, campaignId: number) {
    const row = await requireRow(db, workspaceId, campaignId);
    if (!TEXTING.includes(row.status)) throw notTexting(row.status);
    return row;
  }

  /** Campaigns open for texting, with what I hold, what I sent and what is left to take. */
  async function assignments(workspaceId: number, texter: Texter) {
    const rows = await listCampaignRows(db, workspaceId, TEXTING);
    const ids = rows.map((r) => r.id);
    const mine = await texterCounts(db, workspaceId, ids, texter.userId);
    const pending = await pendingCounts(db, workspaceId, ids);
    return {
      campaigns: rows.map((row) => ({
        id: row.id,
        name: row.name,
        status: row.status,
        batchSize: row.batch_size,
        assigned: mine.get(row.id)?.assigned ?? 0,
        sent: mine.get(row.id)?.sent ?? 0,
        available: pending.get(row.id) ?? 0,
      })),
    };
  }

  /** Takes up to a batch of pending contacts: a texter holds at most `batch_size` unsent ones at a time. */
  async function take(workspaceId: number, campaignId: number, texter: Texter) {
    const row = await requireTexting(workspaceId, campaignId);
    return db.transaction().execute(async (trx) => {
      // One take at a time per texter (a double click): this write holds the texter's row until commit (PostgreSQL;
      // SQLite has one writer), so the second take counts the batch the first one claimed.
      await trx
        .updateTable('workspace_users')
        .set((eb) => ({ role: eb.ref('role') }))
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', texter.userId)
        .execute();
      const held = (await texterCounts(trx, workspaceId, [campaignId], texter.userId)).get(campaignId)?.assigned ?? 0;
      const taken = await claimContacts(trx, {
        workspaceId,
        campaignId,
        texterId: texter.userId,
        limit: row.batch_size - held,
        now: clock.now(),
      });
      return { taken, assigned: held + taken, available: await countPending(trx, workspaceId, campaignId) };
    });
  }

  /** The member and workspace facts a send or a queue needs, for a set of contacts. */
  async function contactsWithMembers(
    executor: Executor,
    workspaceId: number,
    campaignId: number,
    where: { texterId: number; contactId?: number; memberId?: number },
  ) {
    let query = executor
      .selectFrom('p2p_contacts as c')
      .innerJoin('members as m', (join) => join.onRef('m.id', '=', 'c.member_id').on('m.workspace_id', '=', workspaceId))
      .select([
        'c.id',
        'c.member_id',
        'c.texter_id',
        'c.status',
        'c.skip_reason',
        'c.message_id',
        'c.answer',
        'm.first_name',
        'm.last_name',
        'm.phone',
        'm.phone_type',
        'm.language',
        'm.timezone',
        'm.sms_consent',
        'm.merged_into',
        'm.erased_at',
      ])
      .where('c.workspace_id', '=', workspaceId)
      .where('c.campaign_id', '=', campaignId);
    if (where.contactId !== undefined) query = query.where('c.id', '=', where.contactId);
    else if (where.memberId !== undefined) query = query.where('c.member_id', '=', where.memberId);
    else query = query.where('c.texter_id', '=', where.texterId).where('c.status', '=', 'assigned');
    return query.orderBy('c.id').limit(500).execute();
  }

  /** My unsent contacts whose sending window is open now, with the initial each will get; the others wait. */
  async function queue(workspaceId: number, campaignId: number, texter: Texter) {
    const row = await requireRow(db, workspaceId, campaignId);
    const ws = await workspaceOf(db, workspaceId);
    const quiet = createQuietHours({ start: ws.quiet_hours_start, end: ws.quiet_hours_end });
    const fallbackTz = isValidTimezone(ws.timezone) ? ws.timezone : 'UTC';
    const now = clock.now();
    const script = storedScript(row.script);
    const rows = await contactsWithMembers(db, workspaceId, campaignId, { texterId: texter.userId });
    const open = [];
    let waiting = 0;
    let nextWindowAt: number | null = null;
    for (const contact of rows) {
      const tz = isValidTimezone(contact.timezone) ? contact.timezone : fallbackTz;
      if (quiet.allowedAt(now, tz)) open.push(contact);
      else {
        waiting += 1;
        const at = quiet.nextAllowed(now, tz);
        nextWindowAt = nextWindowAt === null ? at : Math.min(nextWindowAt, at);
      }
    }
    const contacted = await alreadyContacted(
      db,
      { workspaceId, broadcastId: 0 },
      open.map((c) => c.member_id),
    );
    const context = {
      texterFirstName: await userFirstName(db, texter.userId),
      workspaceName: ws.name,
      community: await communityOf(db, workspaceId, storedAudience(row.audience).communityIds),
    };
    const compiled = compileTemplates({ en: withTexter(script.initial, context.texterFirstName) }, 'en');
    return {
      campaign: { id: row.id, name: row.name, status: row.status },
      contacts: open.map((c) => {
        const body = compiled.render(c.language, {
          member: { first_name: c.first_name, last_name: c.last_name, email: null, postal_code: null, language: c.language, custom: {} },
          community: context.community,
          workspace: { name: ws.name },
        });
        return {
          id: c.id,
          memberId: c.member_id,
          firstName: c.first_name,
          lastName: c.last_name,
          body: contacted.has(c.member_id)
            ? body
            : withFirstMessageFooter(body, complianceTexts(ws, c.language).firstMessageFooter, ws.name),
        };
      }),
      waiting,
      nextWindowAt,
      batch: await latestBatch(db, workspaceId, campaignId, texter.userId),
      available: await countPending(db, workspaceId, campaignId),
      answers: script.answers.map((a) => ({ key: a.key, label: a.label })),
    };
  }

  type SendResult = { contactId: number; outcome: 'sent' | 'skipped'; reason: string | null; messageId: number | null };

  /**
   * Sends ONE initial: the texter's click or keypress. Consent, the member's sending window and the frequency cap are
   * checked now; a member who cannot be texted is skipped with the reason. Sending a contact already sent or skipped
   * answers what happened (a double keypress sends nothing twice).
   */
  async function send(workspaceId: number, campaignId: number, contactId: number, texter: Texter): Promise<SendResult> {
    const row = await requireRow(db, workspaceId, campaignId);
    const ws = await workspaceOf(db, workspaceId);
    const script = storedScript(row.script);
    const texterFirstName = await userFirstName(db, texter.userId);
    const community = await communityOf(db, workspaceId, storedAudience(row.audience).communityIds);
    return db.transaction().execute(async (trx) => {
      const [contact] = await contactsWithMembers(trx, workspaceId, campaignId, { texterId: texter.userId, contactId });
      if (!contact) throw contactNotFound();
      if (contact.texter_id !== texter.userId) throw notYours();
      if (contact.status === 'sent' || contact.status === 'skipped') {
        return { contactId, outcome: contact.status, reason: contact.skip_reason, messageId: contact.message_id };
      }
      if (!TEXTING.includes(row.status)) throw notTexting(row.status);
      const now = clock.now();
      const skip = async (reason: string): Promise<SendResult> => {
        const moved = await trx
          .updateTable('p2p_contacts')
          .set({ status: 'skipped', skip_reason: reason })
          .where('id', '=', contactId)
          .where('status', '=', 'assigned')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) > 0) await bumpCampaign(trx, workspaceId, campaignId, 'skipped_count', 1, now);
        return { contactId, outcome: 'skipped', reason, messageId: null };
      };
      if (contact.merged_into !== null || contact.erased_at !== null || contact.phone === null) return skip('no_address');
      if (contact.sms_consent === 'revoked') return skip('opted_out');
      if (contact.sms_consent !== 'granted') return skip('no_consent');
      const quiet = createQuietHours({ start: ws.quiet_hours_start, end: ws.quiet_hours_end });
      const tz = isValidTimezone(contact.timezone) ? contact.timezone : isValidTimezone(ws.timezone) ? ws.timezone : 'UTC';
      if (!quiet.allowedAt(now, tz)) {
        const opens = quiet.nextAllowed(now, tz);
        throw new AppError({
          code: 'p2p.outside_hours',
          status: 409,
          message: `It is outside ${contact.first_name ?? 'this member'}'s texting hours; their window opens at ${new Date(opens).toISOString()}.`,
        });
      }
      if ((await recentTexts(trx, workspaceId, contact.member_id, now - ws.frequency_window_days * DAY)) >= ws.frequency_cap) {
        return skip('frequency_cap');
      }
      const sender =
        row.sender_id !== null ? await getSender(trx, workspaceId, row.sender_id) : await getDefaultSender(trx, workspaceId, 'sms');
      if (!sender || sender.archived_at !== null) {
        throw new AppError({
          code: 'p2p.invalid',
          status: 409,
          message: "The campaign's SMS number is gone: ask an organizer to fix the sender.",
        });
      }
      let body = renderFor(script.initial, contact, { texterFirstName, workspaceName: ws.name, community });
      const contacted = await alreadyContacted(trx, { workspaceId, broadcastId: 0 }, [contact.member_id]);
      if (!contacted.has(contact.member_id))
        body = withFirstMessageFooter(body, complianceTexts(ws, contact.language).firstMessageFooter, ws.name);
      // The contact first: of two keypresses racing, only one moves it and only that one queues a text.
      const claimed = await trx
        .updateTable('p2p_contacts')
        .set({ status: 'sent', sent_at: now })
        .where('id', '=', contactId)
        .where('texter_id', '=', texter.userId)
        .where('status', '=', 'assigned')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) {
        const current = await trx
          .selectFrom('p2p_contacts')
          .select(['status', 'skip_reason', 'message_id'])
          .where('id', '=', contactId)
          .executeTakeFirstOrThrow();
        return {
          contactId,
          outcome: current.status === 'skipped' ? 'skipped' : 'sent',
          reason: current.skip_reason,
          messageId: current.message_id,
        };
      }
      const analysis = analyzeSms(body);
      const message = await trx
        .insertInto('messages')
        .values({
          workspace_id: workspaceId,
          direction: 'out',
          channel: 'sms',
          kind: 'p2p',
          member_id: contact.member_id,
          broadcast_id: null,
          sender_id: sender.id,
          to_address: contact.phone,
          from_address: sender.address,
          subject: null,
          body,
          media_urls: null,
          segments: Math.max(1, analysis.segments),
          encoding: analysis.encoding,
          priority: PRIORITY.automation,
          state: 'queued',
          send_at: now,
          // Nothing lands at night: a text still waiting when the member's window closes is not sent.
          expires_at: quiet.windowEnd(now, tz),
          created_at: now,
          updated_at: now,
          sent_by: texter.userId,
          campaign_id: campaignId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('p2p_contacts').set({ message_id: message.id }).where('id', '=', contactId).execute();
      await bumpCampaign(trx, workspaceId, campaignId, 'sent_count', 1, now);
      // Replies come back to the texter who sent the initial.
      await noteOutbound(trx, {
        workspaceId,
        memberId: contact.member_id,
        messageId: message.id,
        body,
        at: now,
        byPerson: true,
        create: true,
        assigneeId: texter.userId,
        campaignId,
      });
      return { contactId, outcome: 'sent', reason: null, messageId: message.id };
    });
  }

  /** The texter passes on a contact: it is not texted in this campaign. */
  async function skip(workspaceId: number, campaignId: number, contactId: number, texter: Texter): Promise<SendResult> {
    await requireRow(db, workspaceId, campaignId);
    return db.transaction().execute(async (trx) => {
      const contact = await trx
        .selectFrom('p2p_contacts')
        .select(['id', 'texter_id', 'status', 'skip_reason', 'message_id'])
        .where('workspace_id', '=', workspaceId)
        .where('campaign_id', '=', campaignId)
        .where('id', '=', contactId)
        .executeTakeFirst();
      if (!contact) throw contactNotFound();
      if (contact.texter_id !== texter.userId) throw notYours();
      if (contact.status !== 'assigned') {
        return {
          contactId,
          outcome: contact.status === 'sent' ? 'sent' : 'skipped',
          reason: contact.skip_reason,
          messageId: contact.message_id,
        };
      }
      await trx.updateTable('p2p_contacts').set({ status: 'skipped', skip_reason: 'texter' }).where('id', '=', contactId).execute();
      await bumpCampaign(trx, workspaceId, campaignId, 'skipped_count', 1, clock.now());
      return { contactId, outcome: 'skipped', reason: 'texter', messageId: null };
    });
  }

  /**
   * Records the member's answer (the script's survey question): an 'answered' activity, the answer's member tag, and
   * the follow-up text for the texter to send from the inbox. The contact's texter, or an organizer, may answer.
   */
  async function answer(workspaceId: number, campaignId: number, contactId: number, key: string, texter: Texter) {
    const row = await requireRow(db, workspaceId, campaignId);
    const script = storedScript(row.script);
    const chosen = script.answers.find((a) => a.key === key);
    const context = await textContext(workspaceId, row, texter.userId);
    return db.transaction().execute(async (trx) => {
      const [contact] = await contactsWithMembers(trx, workspaceId, campaignId, { texterId: texter.userId, contactId });
      if (!contact) throw contactNotFound();
      if (contact.texter_id !== texter.userId && !texter.canManage) throw notYours();
      if (!chosen) {
        const keys = script.answers.map((a) => a.key);
        throw invalid([
          {
            path: 'body.key',
            message: keys.length === 0 ? 'this campaign has no answers in its script' : `must be one of ${keys.join(', ')}`,
          },
        ]);
      }
      if (contact.status !== 'sent') {
        throw new AppError({ code: 'p2p.invalid_transition', status: 409, message: 'Only a contact who was texted can have an answer.' });
      }
      const now = clock.now();
      let tagsAdded: string[] = [];
      if (contact.answer !== chosen.key) {
        await trx.updateTable('p2p_contacts').set({ answer: chosen.key }).where('id', '=', contactId).execute();
        await recordActivities(
          trx,
          [
            {
              workspaceId,
              memberId: contact.member_id,
              type: 'answered',
              subjectType: 'p2p_campaign',
              subjectId: campaignId,
              data: { key: chosen.key, label: chosen.label, contactId, question: script.question },
              occurredAt: now,
            },
          ],
          now,
        );
        if (chosen.tag) tagsAdded = await addTags(trx, workspaceId, contact.member_id, [chosen.tag], now);
      }
      return {
        contactId,
        answer: { key: chosen.key, label: chosen.label },
        tagsAdded,
        followUp: chosen.reply ? renderFor(chosen.reply, contact, context) : null,
      };
    });
  }

  /**
   * The contact of a campaign for a member (the inbox knows members, not contacts): its texter's, or an organizer's.
   * None in this campaign (a member of another workspace included) is a 404; another texter's is refused.
   */
  async function memberContact(executor: Executor, workspaceId: number, campaignId: number, memberId: number, texter: Texter) {
    const [contact] = await contactsWithMembers(executor, workspaceId, campaignId, { texterId: texter.userId, memberId });
    if (!contact) throw contactNotFound();
    if (contact.texter_id !== texter.userId && !texter.canManage) throw notYours();
    return contact;
  }

  /** What the texter needs in the member's conversation: the question, its answers with their follow-ups, the answer so far. */
  async function memberScript(workspaceId: number, campaignId: number, memberId: number, texter: Texter) {
    const row = await requireRow(db, workspaceId, campaignId);
    const contact = await memberContact(db, workspaceId, campaignId, memberId, texter);
    const script = storedScript(row.script);
    const context = await textContext(workspaceId, row, texter.userId);
    return {
      campaign: { id: row.id, name: row.name, status: row.status },
      contactId: contact.id,
      question: script.question,
      answers: script.answers.map((a) => ({
        key: a.key,
        label: a.label,
        tag: a.tag ?? null,
        reply: a.reply ? renderFor(a.reply, contact, context) : null,
      })),
      answer: contact.answer,
    };
  }

  /** Records the member's answer from their conversation: the contact is found by member, then answered as usual. */
  async function answerMember(workspaceId: number, campaignId: number, memberId: number, key: string, texter: Texter) {
    await requireRow(db, workspaceId, campaignId);
    const contact = await memberContact(db, workspaceId, campaignId, memberId, texter);
    return answer(workspaceId, campaignId, contact.id, key, texter);
  }

  /** People of the workspace whose role can text, who an organizer can hand contacts to. */
  async function texters(workspaceId: number) {
    const rows = await db
      .selectFrom('workspace_users as wu')
      .innerJoin('users as u', 'u.id', 'wu.user_id')
      .select(['u.id', 'u.name', 'wu.role'])
      .where('wu.workspace_id', '=', workspaceId)
      .where('wu.role', 'in', TEXTER_ROLES)
      .orderBy('u.name')
      .execute();
    return { users: rows.map((r) => ({ id: Number(r.id), name: r.name, role: r.role })) };
  }

  /**
   * An organizer hands up to `count` pending contacts to a texter, atomically (the claim a texter's take makes, without
   * the batch-size cap): two assignments or takes at once never hand out the same contact.
   */
  async function assign(actor: Actor, workspaceId: number, campaignId: number, input: AssignInput) {
    const row = await requireRow(db, workspaceId, campaignId);
    if (!ASSIGNABLE.includes(row.status)) throw wrongState(row.status, 'handed to texters');
    const staff = await db
      .selectFrom('workspace_users')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', input.texterId)
      .executeTakeFirst();
    if (!staff) throw invalid([{ path: 'body.texterId', message: 'is not a user of this workspace' }]);
    if (!can(staff.role, 'p2p.text')) {
      throw invalid([{ path: 'body.texterId', message: `has the ${staff.role} role, which cannot text: choose a texter` }]);
    }
    return db.transaction().execute(async (trx) => {
      const now = clock.now();
      const moved = await claimContacts(trx, { workspaceId, campaignId, texterId: input.texterId, limit: input.count, now });
      await auditOf(trx, actor, row, 'p2p.assigned', { texterId: input.texterId, asked: input.count, moved });
      const held = (await texterCounts(trx, workspaceId, [campaignId], input.texterId)).get(campaignId)?.assigned ?? 0;
      return { texterId: input.texterId, moved, assigned: held, available: await countPending(trx, workspaceId, campaignId) };
    });
  }

  return {
    list,
    get,
    create,
    update,
    preview,
    launch,
    pause: (actor: Actor, workspaceId: number, campaignId: number) => move(actor, workspaceId, campaignId, 'pause'),
    resume: (actor: Actor, workspaceId: number, campaignId: number) => move(actor, workspaceId, campaignId, 'resume'),
    close: (actor: Actor, workspaceId: number, campaignId: number) => move(actor, workspaceId, campaignId, 'close'),
    assignments,
    take,
    queue,
    send,
    skip,
    answer,
    memberScript,
    answerMember,
    texters,
    assign,
  };
}
