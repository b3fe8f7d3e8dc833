import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { ActionStatus } from '../../db/schema.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { type ActionRow, actionPath, findAction, uniqueActionSlug } from '../actions/actions.repo.ts';
import { safeCell } from '../imports/export.ts';
import type { Executor } from '../members/members.repo.ts';
import { findAccount } from '../messaging/channels.repo.ts';
import { placesCalls, voiceNumbersOf } from './call-patch.repo.ts';
import { scriptProblem } from './call-script.ts';
import { type ImportKind, importFile } from './calls.import.ts';
import { districtsOf, fixedTargetsOf, normalizePostalCode, officialsFor } from './calls.repo.ts';
import { CALL_OUTCOMES, type CallInput, type CallPatch, type PatchThroughInput, type TargetMode } from './calls.schema.ts';

// Call-your-representative actions for staff: create, edit, publish, close, results; and the targets dataset
// (officials, postal code → district) imported from CSV.

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

export type CallSettings = {
  targetMode: TargetMode;
  offices: string[];
  script: string;
  /** Patch-through: the account that places calls to members and the number they see; null when off. */
  patchThrough: PatchThroughInput | null;
};

/** An action's call settings, with defaults for anything missing. */
export function callSettings(action: Pick<ActionRow, 'settings'>): CallSettings {
  let raw: Partial<CallSettings> = {};
  try {
    raw = JSON.parse(action.settings) as Partial<CallSettings>;
  } catch {
    raw = {};
  }
  const patch = raw.patchThrough;
  return {
    targetMode: raw.targetMode === 'fixed' ? 'fixed' : 'postal_code',
    offices: Array.isArray(raw.offices) ? raw.offices.filter((o): o is string => typeof o === 'string') : [],
    script: typeof raw.script === 'string' ? raw.script : '',
    patchThrough:
      patch && typeof patch === 'object' && Number.isSafeInteger(patch.accountId) && typeof patch.from === 'string'
        ? { accountId: patch.accountId, from: patch.from }
        : null,
  };
}

const CSV_PAGE = 1_000;

/** One CSV line: formulas defused (a phone number's + is kept), quoted when needed. */
const csvLine = (values: (string | null)[]) =>
  `${values
    .map((value) => {
      const text = safeCell(value ?? '');
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',')}\n`;

const notFound = () => new AppError({ code: 'action.not_found', status: 404, message: 'No call action with this id in this workspace.' });
const invalid = (message: string, fields: FieldError[]) => new AppError({ code: 'action.invalid', status: 400, message, fields });

export type CallsService = ReturnType<typeof createCallsService>;

export function createCallsService({ db, clock, config }: Deps) {
  async function workspaceOf(workspaceId: number) {
    return db.selectFrom('workspaces').select(['slug', 'default_country']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
  }

  async function load(executor: Executor, workspaceId: number, callId: number) {
    const action = await findAction(executor, workspaceId, callId, 'call');
    if (!action) throw notFound();
    return action;
  }

  async function present(workspaceId: number, action: ActionRow) {
    const workspace = await workspaceOf(workspaceId);
    const settings = callSettings(action);
    const targets = await fixedTargetsOf(db, workspaceId, action.id);
    const path = actionPath(workspace.slug, action);
    const account = settings.patchThrough ? await findAccount(db, workspaceId, settings.patchThrough.accountId) : undefined;
    return {
      id: action.id,
      title: action.title,
      slug: action.slug,
      summary: action.summary,
      description: action.description,
      status: action.status,
      targetMode: settings.targetMode,
      offices: settings.offices,
      script: settings.script,
      fixedTargets: targets.map((t) => ({ id: t.id, name: t.name, title: t.title, phone: t.phone })),
      consentWording: action.consent_wording,
      nextActionId: action.next_action_id,
      goal: action.goal,
      shareText: action.share_text,
      patchThrough:
        settings.patchThrough && account ? { accountId: account.id, accountName: account.name, from: settings.patchThrough.from } : null,
      takenCount: action.taken_count,
      path,
      url: `${config.publicUrl}${path}`,
      createdAt: action.created_at,
      updatedAt: action.updated_at,
      publishedAt: action.published_at,
      closedAt: action.closed_at,
    };
  }

  /** Field problems of the patch-through choice: a voice-capable account of the workspace, and one of its numbers. */
  async function checkPatchThrough(workspaceId: number, input: PatchThroughInput, country: string, fields: FieldError[]) {
    const account = await findAccount(db, workspaceId, input.accountId);
    const accountPath = 'body.patchThrough.accountId';
    if (!account) fields.push({ path: accountPath, message: 'is not a channel account of this workspace' });
    else if (!placesCalls(account.provider))
      fields.push({ path: accountPath, message: 'must be a Twilio account: calls are placed through Twilio Programmable Voice' });
    else if (account.status === 'disabled') fields.push({ path: accountPath, message: 'is disabled; enable it under Settings → Channels' });
    if (!account || fields.some((f) => f.path === accountPath)) return null;
    const from = normalizePhone(input.from, country);
    if (!from.ok) {
      fields.push({ path: 'body.patchThrough.from', message: `"${input.from}" is not a phone number` });
      return null;
    }
    const numbers = await voiceNumbersOf(db, workspaceId, [account.id]);
    if (!numbers.some((n) => n.address === from.e164)) {
      fields.push({
        path: 'body.patchThrough.from',
        message: `must be one of this account's phone numbers (a long code or toll-free number under Settings → Channels)`,
      });
      return null;
    }
    return { accountId: account.id, from: from.e164 };
  }

  /** Field problems a save would leave (phones of the fixed list, the script, the next step, patch-through). */
  async function check(workspaceId: number, actionId: number | null, input: Partial<CallInput>, country: string) {
    const fields: FieldError[] = [];
    const phones: string[] = [];
    (input.fixedTargets ?? []).forEach((target, i) => {
      const parsed = normalizePhone(target.phone, country);
      if (!parsed.ok) fields.push({ path: `body.fixedTargets.${i}.phone`, message: `"${target.phone}" is not a phone number` });
      else phones.push(parsed.e164);
    });
    if (input.script !== undefined) {
      const problem = scriptProblem(input.script);
      if (problem) fields.push({ path: 'body.script', message: problem });
    }
    if (input.nextActionId != null) {
      const next = await findAction(db, workspaceId, input.nextActionId);
      if (input.nextActionId === actionId) fields.push({ path: 'body.nextActionId', message: 'cannot be the call itself' });
      else if (!next) fields.push({ path: 'body.nextActionId', message: 'is not an action of this workspace' });
    }
    const patchThrough = input.patchThrough ? await checkPatchThrough(workspaceId, input.patchThrough, country, fields) : null;
    if (fields.length > 0) throw invalid('Some fields need fixing.', fields);
    return { phones, patchThrough };
  }

  async function writeFixedTargets(
    executor: Executor,
    workspaceId: number,
    actionId: number,
    input: CallInput['fixedTargets'],
    phones: string[],
  ) {
    await executor.deleteFrom('call_targets').where('workspace_id', '=', workspaceId).where('action_id', '=', actionId).execute();
    if (input.length === 0) return;
    const now = clock.now();
    await executor
      .insertInto('call_targets')
      .values(
        input.map((t, i) => ({
          workspace_id: workspaceId,
          action_id: actionId,
          name: t.name,
          title: t.title,
          phone: phones[i] ?? t.phone,
          position: i + 1,
          created_at: now,
        })),
      )
      .execute();
  }

  async function create(workspaceId: number, createdBy: number | null, input: CallInput) {
    const workspace = await workspaceOf(workspaceId);
    const { phones, patchThrough } = await check(workspaceId, null, input, workspace.default_country);
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const slug = await uniqueActionSlug(trx, workspaceId, input.title);
      const row = await trx
        .insertInto('actions')
        .values({
          workspace_id: workspaceId,
          type: 'call',
          slug,
          title: input.title,
          summary: input.summary,
          description: input.description,
          status: 'draft',
          community_id: null,
          consent_wording: input.consentWording,
          next_action_id: input.nextActionId,
          share_text: input.shareText,
          image_url: null,
          settings: JSON.stringify({ targetMode: input.targetMode, offices: input.offices, script: input.script, patchThrough }),
          goal: input.goal,
          survey_id: null,
          created_by: createdBy,
          created_at: now,
          updated_at: now,
          published_at: null,
          closed_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await writeFixedTargets(trx, workspaceId, row.id, input.fixedTargets, phones);
      return row.id;
    });
    return present(workspaceId, await load(db, workspaceId, id));
  }

  async function get(workspaceId: number, callId: number) {
    return present(workspaceId, await load(db, workspaceId, callId));
  }

  async function update(workspaceId: number, callId: number, patch: CallPatch) {
    const action = await load(db, workspaceId, callId);
    const workspace = await workspaceOf(workspaceId);
    const { phones, patchThrough } = await check(workspaceId, callId, patch, workspace.default_country);
    const current = callSettings(action);
    const settings: CallSettings = {
      targetMode: patch.targetMode ?? current.targetMode,
      offices: patch.offices ?? current.offices,
      script: patch.script ?? current.script,
      patchThrough: patch.patchThrough === undefined ? current.patchThrough : patchThrough,
    };
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('actions')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.consentWording !== undefined ? { consent_wording: patch.consentWording } : {}),
          ...(patch.nextActionId !== undefined ? { next_action_id: patch.nextActionId } : {}),
          ...(patch.goal !== undefined ? { goal: patch.goal } : {}),
          ...(patch.shareText !== undefined ? { share_text: patch.shareText } : {}),
          settings: JSON.stringify(settings),
          updated_at: clock.now(),
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', callId)
        .execute();
      if (patch.fixedTargets !== undefined) await writeFixedTargets(trx, workspaceId, callId, patch.fixedTargets, phones);
    });
    if (action.status === 'published') await assertPublishable(workspaceId, await load(db, workspaceId, callId));
    return get(workspaceId, callId);
  }

  /** What a published call needs: a script, and someone to call (a fixed list, or officials and districts). */
  async function assertPublishable(workspaceId: number, action: ActionRow) {
    const settings = callSettings(action);
    const fields: FieldError[] = [];
    if (settings.script.trim() === '') fields.push({ path: 'script', message: 'write the call script members read' });
    if (settings.targetMode === 'fixed') {
      if ((await fixedTargetsOf(db, workspaceId, action.id)).length === 0)
        fields.push({ path: 'fixedTargets', message: 'add at least one person to call' });
    } else {
      const officials = await db
        .selectFrom('call_targets')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('action_id', 'is', null)
        .limit(1)
        .executeTakeFirst();
      const districts = await db
        .selectFrom('call_districts')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .limit(1)
        .executeTakeFirst();
      if (!officials || !districts)
        fields.push({ path: 'targetMode', message: 'import officials and postal codes (Calls → Targets) before publishing' });
    }
    if (fields.length > 0) throw invalid('This call is not ready to publish.', fields);
  }

  async function setStatus(workspaceId: number, callId: number, status: Exclude<ActionStatus, 'draft'>) {
    const action = await load(db, workspaceId, callId);
    if (action.status === status) return present(workspaceId, action);
    if (status === 'closed' && action.status === 'draft') {
      throw new AppError({ code: 'action.invalid_transition', status: 409, message: 'A draft is not open; publish it first.' });
    }
    if (status === 'published') await assertPublishable(workspaceId, action);
    const now = clock.now();
    await db
      .updateTable('actions')
      .set(
        status === 'published'
          ? { status, published_at: action.published_at ?? now, closed_at: null, updated_at: now }
          : { status, closed_at: now, updated_at: now },
      )
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', callId)
      .execute();
    return get(workspaceId, callId);
  }

  async function remove(workspaceId: number, callId: number) {
    const action = await load(db, workspaceId, callId);
    if (action.status !== 'draft') {
      throw new AppError({
        code: 'action.invalid_transition',
        status: 409,
        message: 'Only a draft can be deleted; close this call instead.',
      });
    }
    await db.deleteFrom('actions').where('workspace_id', '=', workspaceId).where('id', '=', callId).execute();
  }

  async function results(workspaceId: number, callId: number) {
    const action = await load(db, workspaceId, callId);
    const rows = await db
      .selectFrom('call_logs')
      .select((eb) => ['target_key', 'outcome', eb.fn.max('target_name').as('name'), eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('action_id', '=', action.id)
      .groupBy(['target_key', 'outcome'])
      .execute();
    const callers = await db
      .selectFrom('call_logs')
      .select((eb) => eb.fn.count<number>('member_id').distinct().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('action_id', '=', action.id)
      .executeTakeFirstOrThrow();
    const zero = () => ({ reached: 0, voicemail: 0, busy: 0, no_answer: 0 });
    const byOutcome = zero();
    const byTarget = new Map<string, { name: string; total: number; outcomes: ReturnType<typeof zero> }>();
    for (const row of rows) {
      const n = Number(row.n);
      if (!(CALL_OUTCOMES as readonly string[]).includes(row.outcome)) continue;
      byOutcome[row.outcome] += n;
      const entry = byTarget.get(row.target_key) ?? { name: String(row.name), total: 0, outcomes: zero() };
      entry.total += n;
      entry.outcomes[row.outcome] += n;
      byTarget.set(row.target_key, entry);
    }
    const total = Object.values(byOutcome).reduce((a, b) => a + b, 0);
    return {
      total,
      callers: Number(callers.n),
      byOutcome,
      byTarget: [...byTarget.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name)),
    };
  }

  /** The accounts that can place patch-through calls, with the numbers they can call from (the editor's choices). */
  async function voiceLines(workspaceId: number) {
    const rows = await db
      .selectFrom('channel_accounts')
      .select(['id', 'name', 'provider', 'status'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute();
    const accounts = rows.filter((a) => placesCalls(a.provider));
    const numbers = await voiceNumbersOf(
      db,
      workspaceId,
      accounts.map((a) => a.id),
    );
    return {
      accounts: accounts.map((a) => ({
        id: a.id,
        name: a.name,
        provider: a.provider,
        status: a.status,
        numbers: numbers
          .filter((n) => n.channel_account_id === a.id)
          .map((n) => ({
            address: n.address,
            label: n.label,
            kind: n.kind === 'toll_free' ? ('toll_free' as const) : ('long_code' as const),
          })),
      })),
    };
  }

  // ── The targets dataset ────────────────────────────────────────────────

  async function importTargets(workspaceId: number, kind: ImportKind, input: { csv: string; mode: 'replace' | 'append'; dryRun: boolean }) {
    const workspace = await workspaceOf(workspaceId);
    const report = await importFile(db, { workspaceId, kind, ...input, country: workspace.default_country, now: clock.now() });
    if (report.errors.length > 0 && !input.dryRun) {
      throw new AppError({
        code: 'call.invalid_file',
        status: 400,
        message: `The file has ${report.errors.length === 1 ? 'a bad line' : `${report.errors.length} bad lines`}; nothing was imported.`,
        fields: report.errors.map((e) => ({ path: `line ${e.line}`, message: e.message })),
      });
    }
    return report;
  }

  async function listOfficials(workspaceId: number, query: { q?: string | undefined; limit: number; offset: number }) {
    let base = db.selectFrom('call_targets').where('workspace_id', '=', workspaceId).where('action_id', 'is', null);
    if (query.q) {
      const like = `%${query.q.toLowerCase()}%`;
      base = base.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', like),
          eb(eb.fn('lower', ['district']), 'like', like),
          eb(eb.fn('lower', ['office']), 'like', like),
        ]),
      );
    }
    const rows = await base.selectAll().orderBy('position').orderBy('id').limit(query.limit).offset(query.offset).execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return {
      officials: rows.map((r) => ({
        id: r.id,
        name: r.name,
        title: r.title,
        office: r.office,
        district: r.district,
        phone: r.phone,
        party: r.party,
      })),
      total: Number(total.n),
    };
  }

  async function removeOfficial(workspaceId: number, officialId: number) {
    const deleted = await db
      .deleteFrom('call_targets')
      .where('workspace_id', '=', workspaceId)
      .where('action_id', 'is', null)
      .where('id', '=', officialId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) {
      throw new AppError({ code: 'call.target_not_found', status: 404, message: 'No official with this id in this workspace.' });
    }
  }

  async function listDistricts(workspaceId: number, query: { q?: string | undefined; limit: number; offset: number }) {
    let base = db.selectFrom('call_districts').where('workspace_id', '=', workspaceId);
    if (query.q) {
      const q = query.q.toUpperCase().replace(/[\s-]+/g, '');
      base = base.where((eb) =>
        eb.or([eb('postal_code', 'like', `${q}%`), eb(eb.fn('upper', ['district']), '=', query.q?.toUpperCase() ?? '')]),
      );
    }
    const rows = await base.selectAll().orderBy('postal_code').orderBy('district').limit(query.limit).offset(query.offset).execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { districts: rows.map((r) => ({ id: r.id, postalCode: r.postal_code, district: r.district })), total: Number(total.n) };
  }

  async function removeDistrict(workspaceId: number, districtId: number) {
    const deleted = await db
      .deleteFrom('call_districts')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', districtId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) {
      throw new AppError({ code: 'call.target_not_found', status: 404, message: 'No postal code mapping with this id in this workspace.' });
    }
  }

  /** Who a postal code's members would call: its districts and their officials. */
  async function lookup(workspaceId: number, postalCode: string) {
    const workspace = await workspaceOf(workspaceId);
    const normalized = normalizePostalCode(postalCode, workspace.default_country);
    if (!normalized) throw invalid('This is not a postal code.', [{ path: 'querystring.postalCode', message: 'is not a postal code' }]);
    const districts = await districtsOf(db, workspaceId, normalized);
    const officials = await officialsFor(db, workspaceId, districts);
    return {
      postalCode: normalized,
      districts,
      officials: officials.map((r) => ({
        id: r.id,
        name: r.name,
        title: r.title,
        office: r.office,
        district: r.district,
        phone: r.phone,
        party: r.party,
      })),
    };
  }

  /**
   * The call log as CSV (personal data: the route needs members.export), oldest first, read in pages so a big
   * campaign never sits in memory. The first chunk is the header line, after the call is found.
   */
  async function* exportLogCsv(workspaceId: number, callId: number): AsyncGenerator<string> {
    await load(db, workspaceId, callId);
    yield 'first_name,last_name,phone,email,target,outcome,called_at\n';
    let after = 0;
    for (;;) {
      const page = await db
        .selectFrom('call_logs as l')
        .innerJoin('members as m', 'm.id', 'l.member_id')
        .select(['l.id', 'l.target_name', 'l.outcome', 'l.created_at', 'm.first_name', 'm.last_name', 'm.phone', 'm.email'])
        .where('l.workspace_id', '=', workspaceId)
        .where('m.workspace_id', '=', workspaceId)
        .where('l.action_id', '=', callId)
        .where('l.id', '>', after)
        .orderBy('l.id')
        .limit(CSV_PAGE)
        .execute();
      if (page.length === 0) return;
      yield page
        .map((r) => csvLine([r.first_name, r.last_name, r.phone, r.email, r.target_name, r.outcome, new Date(r.created_at).toISOString()]))
        .join('');
      after = page.at(-1)?.id ?? after;
      if (page.length < CSV_PAGE) return;
    }
  }

  return {
    create,
    get,
    update,
    setStatus,
    remove,
    results,
    voiceLines,
    exportLogCsv,
    importTargets,
    listOfficials,
    removeOfficial,
    listDistricts,
    removeDistrict,
    lookup,
  };
}
