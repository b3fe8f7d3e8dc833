import type { Db } from '../../db/database.ts';
import type { Channel } from '../../db/schema.ts';
import type { Actor, Tenant } from '../../http/auth.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { addressHash } from '../../lib/tokens.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { MAX_ENGAGEMENT_SCORE } from '../activities/engagement.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { appendConsent, isSuppressed } from './consent.repo.ts';
import { type CustomFieldValue, type FieldProblem, type MemberFieldsInput, normalizeMemberFields } from './member-fields.ts';
import {
  addTags,
  countNotes,
  displayName,
  duplicateCandidates,
  endMemberships,
  findLiveMembersByEmails,
  findLiveMembersByPhones,
  findMember,
  insertMember,
  insertNote,
  isUniqueViolation,
  lastAppendedConsentEvent,
  latestConsent,
  listActivities,
  listConsentEvents,
  listMembers,
  listMembershipsOf,
  listNotes,
  type MemberRow,
  memberFilterOf,
  mergedIdsOf,
  moveMemberships,
  parseCustomFields,
  recountCommunities,
  removeTags,
  tagsOf,
  updateMemberFields,
  workspaceOf,
} from './members.repo.ts';

type Deps = { db: Db; clock: Clock; appSecret: string };

export type MembersService = ReturnType<typeof createMembersService>;

export type MemberFieldsBody = MemberFieldsInput & { tags?: string[] | undefined };
export type CreateMemberBody = MemberFieldsBody & {
  consent?: { sms?: { wording: string } | undefined; email?: { wording: string } | undefined } | undefined;
};
export type ListMembersQuery = {
  q?: string | undefined;
  tag?: string | undefined;
  communityId?: number | undefined;
  consent?: 'sms_granted' | 'sms_revoked' | 'sms_none' | undefined;
  phoneType?: 'mobile' | 'landline' | 'voip' | 'unknown' | undefined;
  language?: string | undefined;
  field?: string | undefined;
  value?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

export type Warning = { field: string; message: string };

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const FIELD_KEYS: readonly (keyof MemberFieldsInput)[] = [
  'firstName',
  'lastName',
  'phone',
  'email',
  'postalCode',
  'language',
  'timezone',
  'customFields',
  'source',
];

const SUPPRESSED_WARNING =
  'this number opted out of texts (or belonged to an erased member); it gets no texts until the member grants consent again';

const consentMethodOf = (actor: Actor) => (actor.type === 'user' ? 'staff' : 'api') as 'staff' | 'api';
const userIdOf = (actor: Actor) => (actor.type === 'user' ? actor.userId : null);
const fieldPath = (field: string) => `body.${field}`;
const toFieldErrors = (problems: FieldProblem[]): FieldError[] =>
  problems.filter((p) => p.severity === 'error').map((p) => ({ path: fieldPath(p.field), message: p.message }));
const toWarnings = (problems: FieldProblem[]): Warning[] =>
  problems.filter((p) => p.severity === 'warning').map((p) => ({ field: p.field, message: p.message }));

function invalid(fields: FieldError[]): AppError {
  return new AppError({
    code: 'member.invalid',
    status: 400,
    message: `The member could not be saved: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}.`,
    fields,
  });
}

function notFound(memberId: number): AppError {
  return new AppError({ code: 'member.not_found', status: 404, message: `There is no member ${memberId} in this workspace.` });
}

/** A merged member answers 410 Gone naming the member it was merged into (also in the Location header). */
function mergedError(workspaceId: number, row: MemberRow): AppError {
  return new AppError({
    code: 'member.merged',
    status: 410,
    message: `Member ${row.id} was merged into member ${row.merged_into}; use member ${row.merged_into} instead.`,
    headers: { location: `/api/workspaces/${workspaceId}/members/${row.merged_into}` },
  });
}

function erasedError(row: MemberRow): AppError {
  return new AppError({
    code: 'member.erased',
    status: 410,
    message: `Member ${row.id}'s personal data was erased on ${iso(row.erased_at ?? 0).slice(0, 10)}; it can no longer be changed. Add the person again as a new member if they come back.`,
  });
}

export function summaryView(row: MemberRow, tags: string[]) {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    phoneType: row.phone_type,
    email: row.email,
    postalCode: row.postal_code,
    language: row.language,
    timezone: row.timezone,
    tags,
    smsConsent: row.sms_consent,
    emailConsent: row.email_consent,
    createdAt: iso(row.created_at),
    lastActiveAt: isoOrNull(row.last_active_at),
  };
}

const parseData = (data: string | null): Record<string, unknown> | null => {
  if (data === null) return null;
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { value: data };
  }
};

/** Tags listed by GET …/members/tags at the most. */
const TAG_LIST_LIMIT = 500;

export function createMembersService({ db, clock, appSecret }: Deps) {
  async function contextOf(workspaceId: number) {
    const ws = await workspaceOf(db, workspaceId);
    return { ws, ctx: { defaultCountry: ws.default_country, workspaceTimezone: ws.timezone } };
  }

  /** The member, or the error a caller should see: 404 (not in this workspace), 410 (merged, or erased for writes). */
  async function load(workspaceId: number, memberId: number, options: { allowErased: boolean }): Promise<MemberRow> {
    const row = await findMember(db, workspaceId, memberId);
    if (!row) throw notFound(memberId);
    if (row.merged_into !== null) throw mergedError(workspaceId, row);
    if (row.erased_at !== null && !options.allowErased) throw erasedError(row);
    return row;
  }

  async function view(workspaceId: number, row: MemberRow) {
    const [tags, memberships, notesCount, mergedIds, referrer] = await Promise.all([
      tagsOf(db, workspaceId, [row.id]),
      listMembershipsOf(db, workspaceId, row.id),
      countNotes(db, workspaceId, row.id),
      mergedIdsOf(db, workspaceId, row.id),
      row.referred_by === null ? Promise.resolve(undefined) : findMember(db, workspaceId, row.referred_by),
    ]);
    const [smsSuppressed, emailSuppressed] = await Promise.all([
      row.phone ? isSuppressed(db, appSecret, workspaceId, 'sms', row.phone) : false,
      row.email ? isSuppressed(db, appSecret, workspaceId, 'email', row.email) : false,
    ]);
    return {
      ...summaryView(row, tags.get(row.id) ?? []),
      phoneRaw: row.phone_raw,
      timezoneSource: row.timezone_source,
      customFields: parseCustomFields(row.custom_fields),
      source: row.source,
      referredBy: referrer ? { id: referrer.id, name: displayName(referrer) } : null,
      communities: memberships.map((m) => ({
        id: m.community_id,
        name: m.name,
        role: m.role,
        status: m.status,
        joinedAt: iso(m.joined_at),
      })),
      notesCount,
      mergedIds,
      suppressed: { sms: smsSuppressed, email: emailSuppressed },
      erasedAt: isoOrNull(row.erased_at),
    };
  }

  async function viewById(workspaceId: number, memberId: number) {
    const row = await findMember(db, workspaceId, memberId);
    if (!row) throw notFound(memberId);
    return view(workspaceId, row);
  }

  function duplicatePhone(existing: { id: number; first_name: string | null; last_name: string | null }): AppError {
    return new AppError({
      code: 'member.duplicate',
      status: 409,
      message: `This phone number already belongs to ${displayName(existing)} (member ${existing.id}); edit that member, or merge the two.`,
      fields: [{ path: 'body.phone', message: `already belongs to member ${existing.id}` }],
    });
  }

  async function assertPhoneFree(workspaceId: number, phone: string | null, exceptId: number | null) {
    if (phone === null) return;
    const holder = (await findLiveMembersByPhones(db, workspaceId, [phone])).find((m) => m.id !== exceptId);
    if (holder) throw duplicatePhone(holder);
  }

  /** A unique-index violation on insert or update means another request took the number first. */
  async function rethrowDuplicate(error: unknown, workspaceId: number, phone: string | null, exceptId: number | null): Promise<never> {
    if (isUniqueViolation(error) && phone !== null) {
      await assertPhoneFree(workspaceId, phone, exceptId);
    }
    throw error;
  }

  async function contactWarnings(workspaceId: number, memberId: number | null, fields: { phone: string | null; email: string | null }) {
    const warnings: Warning[] = [];
    if (fields.phone && (await isSuppressed(db, appSecret, workspaceId, 'sms', fields.phone))) {
      warnings.push({
        field: 'phone',
        message: SUPPRESSED_WARNING,
      });
    }
    if (fields.email) {
      const others = (await findLiveMembersByEmails(db, workspaceId, [fields.email])).filter((m) => m.id !== memberId);
      if (others[0])
        warnings.push({ field: 'email', message: `member ${others[0].id} has the same email address; they may be the same person` });
    }
    return warnings;
  }

  async function create(tenant: Tenant, body: CreateMemberBody) {
    const { workspaceId, actor } = tenant;
    const { ctx } = await contextOf(workspaceId);
    const { value, problems } = normalizeMemberFields(body, ctx);
    const errors = toFieldErrors(problems);
    if (body.consent?.sms && (value.phone === null || value.phoneType === 'landline')) {
      errors.push({
        path: 'body.consent.sms',
        message: value.phone === null ? 'needs a valid mobile phone number to record SMS consent' : 'cannot be recorded for a landline',
      });
    }
    if (body.consent?.email && value.email === null) {
      errors.push({ path: 'body.consent.email', message: 'needs a valid email address to record email consent' });
    }
    if (errors.length > 0) throw invalid(errors);
    await assertPhoneFree(workspaceId, value.phone, null);
    // Consent given now lifts the suppression of the number, so the warning about it would be stale.
    const warnings = [...toWarnings(problems), ...(await contactWarnings(workspaceId, null, value))].filter(
      (w) => !(body.consent?.sms && w.message === SUPPRESSED_WARNING),
    );

    const now = clock.now();
    const memberId = await db
      .transaction()
      .execute(async (trx) => {
        const id = await insertMember(trx, { workspaceId, fields: value, at: now });
        const tags = await addTags(trx, workspaceId, id, body.tags ?? [], now);
        await recordActivities(
          trx,
          [
            { workspaceId, memberId: id, type: 'created', data: { source: value.source, by: actor.type }, occurredAt: now },
            ...tags.map((tag) => ({ workspaceId, memberId: id, type: 'tagged' as const, data: { tag }, occurredAt: now })),
          ],
          now,
        );
        const method = consentMethodOf(actor);
        const grants: [Channel, string | null, { wording: string } | undefined][] = [
          ['sms', value.phone, body.consent?.sms],
          ['email', value.email, body.consent?.email],
        ];
        for (const [channel, address, grant] of grants) {
          if (!grant) continue;
          await appendConsent(trx, appSecret, {
            workspaceId,
            memberId: id,
            channel,
            status: 'granted',
            method,
            address,
            wording: grant.wording,
            recordedByUserId: userIdOf(actor),
            at: now,
          });
        }
        return id;
      })
      .catch((error: unknown) => rethrowDuplicate(error, workspaceId, value.phone, null));
    return { ...(await viewById(workspaceId, memberId)), warnings };
  }

  async function update(tenant: Tenant, memberId: number, patch: MemberFieldsBody) {
    const { workspaceId } = tenant;
    const row = await load(workspaceId, memberId, { allowErased: false });
    const { ctx } = await contextOf(workspaceId);
    const customFields: Record<string, CustomFieldValue> = parseCustomFields(row.custom_fields);
    for (const [key, v] of Object.entries(patch.customFields ?? {})) {
      customFields[key.trim().toLowerCase()] = v;
    }
    const pick = <K extends keyof MemberFieldsInput>(key: K, current: MemberFieldsInput[K]) =>
      patch[key] === undefined ? current : patch[key];
    const input: MemberFieldsInput = {
      firstName: pick('firstName', row.first_name),
      lastName: pick('lastName', row.last_name),
      phone: pick('phone', row.phone ?? row.phone_raw),
      email: pick('email', row.email),
      postalCode: pick('postalCode', row.postal_code),
      language: pick('language', row.language),
      timezone: pick('timezone', row.timezone_source === 'explicit' ? row.timezone : null),
      customFields,
      source: pick('source', row.source),
    };
    const { value, problems } = normalizeMemberFields(input, ctx);
    const errors = toFieldErrors(problems);
    if (errors.length > 0) throw invalid(errors);
    const touched = new Set(FIELD_KEYS.filter((k) => patch[k] !== undefined));
    const warnings = toWarnings(problems).filter((w) => touched.has(w.field.split('.')[0] as keyof MemberFieldsInput));
    const phoneChanged = value.phone !== row.phone;
    if (phoneChanged) await assertPhoneFree(workspaceId, value.phone, memberId);
    if (phoneChanged && row.sms_consent === 'granted') {
      warnings.push({ field: 'phone', message: 'the SMS consent on record was given for the previous number; confirm it for the new one' });
    }
    if (touched.has('phone') || touched.has('email')) {
      warnings.push(
        ...(await contactWarnings(workspaceId, memberId, {
          phone: touched.has('phone') ? value.phone : null,
          email: touched.has('email') && value.email !== row.email ? value.email : null,
        })),
      );
    }
    const now = clock.now();
    await db
      .transaction()
      .execute(async (trx) => {
        await updateMemberFields(trx, workspaceId, memberId, value, now);
        if (patch.tags !== undefined) {
          const current = (await tagsOf(trx, workspaceId, [memberId])).get(memberId) ?? [];
          const wanted = new Set(patch.tags);
          await removeTags(
            trx,
            workspaceId,
            memberId,
            current.filter((t) => !wanted.has(t)),
          );
          const added = await addTags(trx, workspaceId, memberId, [...wanted], now);
          await recordActivities(
            trx,
            added.map((tag) => ({ workspaceId, memberId, type: 'tagged' as const, data: { tag }, occurredAt: now })),
            now,
          );
        }
      })
      .catch((error: unknown) => rethrowDuplicate(error, workspaceId, value.phone, memberId));
    return { ...(await viewById(workspaceId, memberId)), warnings };
  }

  async function list(tenant: Tenant, query: ListMembersQuery) {
    const { workspaceId } = tenant;
    if (query.field && query.value === undefined) throw invalid([{ path: 'querystring.value', message: 'is required with field' }]);
    const filter = await memberFilterOf(workspaceId, query, async () => (await contextOf(workspaceId)).ctx.defaultCountry);
    if (!filter) return { members: [], nextCursor: null, total: 0, totalCapped: false };
    const page = await listMembers(db, filter, {
      limit: query.limit,
      ...(query.cursor !== undefined ? { cursor: Number(query.cursor) } : {}),
    });
    const tags = await tagsOf(
      db,
      workspaceId,
      page.rows.map((r) => r.id),
    );
    return {
      members: page.rows.map((r) => summaryView(r, tags.get(r.id) ?? [])),
      nextCursor: page.nextCursor,
      total: page.total,
      totalCapped: page.totalCapped,
    };
  }

  async function get(tenant: Tenant, memberId: number) {
    const row = await load(tenant.workspaceId, memberId, { allowErased: true });
    return view(tenant.workspaceId, row);
  }

  async function addTag(tenant: Tenant, memberId: number, tag: string) {
    const { workspaceId } = tenant;
    await load(workspaceId, memberId, { allowErased: false });
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const added = await addTags(trx, workspaceId, memberId, [tag], now);
      if (added.length > 0) await recordActivities(trx, [{ workspaceId, memberId, type: 'tagged', data: { tag }, occurredAt: now }], now);
    });
  }

  async function removeTag(tenant: Tenant, memberId: number, tag: string) {
    await load(tenant.workspaceId, memberId, { allowErased: false });
    await removeTags(db, tenant.workspaceId, memberId, [tag.trim().toLowerCase()]);
  }

  const noteView = (n: { id: number; body: string; author_user_id: number | null; author_name: string | null; created_at: number }) => ({
    id: n.id,
    body: n.body,
    author: n.author_user_id !== null && n.author_name !== null ? { id: n.author_user_id, name: n.author_name } : null,
    createdAt: iso(n.created_at),
  });

  /** The workspace's tags, most used first, with how many live members carry each (pickers suggest them). */
  async function tags(tenant: Tenant) {
    const rows = await db
      .selectFrom('member_tags as t')
      .innerJoin('members as m', (join) => join.onRef('m.workspace_id', '=', 't.workspace_id').onRef('m.id', '=', 't.member_id'))
      .select(['t.tag', (eb) => eb.fn.countAll<number>().as('members')])
      .where('t.workspace_id', '=', tenant.workspaceId)
      .where('m.merged_into', 'is', null)
      .where('m.erased_at', 'is', null)
      .groupBy('t.tag')
      .orderBy('members', 'desc')
      .orderBy('t.tag')
      .limit(TAG_LIST_LIMIT)
      .execute();
    return { tags: rows.map((r) => ({ tag: r.tag, members: Number(r.members) })) };
  }

  async function notes(tenant: Tenant, memberId: number) {
    await load(tenant.workspaceId, memberId, { allowErased: true });
    return { notes: (await listNotes(db, tenant.workspaceId, memberId)).map(noteView) };
  }

  async function addNote(tenant: Tenant, memberId: number, body: string) {
    const { workspaceId, actor } = tenant;
    await load(workspaceId, memberId, { allowErased: false });
    const id = await insertNote(db, { workspaceId, memberId, authorUserId: userIdOf(actor), body, at: clock.now() });
    const [created] = await listNotes(db, workspaceId, memberId, id);
    if (!created) throw new Error(`note ${id} vanished after insert`);
    return noteView(created);
  }

  const consentEventView = (e: Awaited<ReturnType<typeof listConsentEvents>>[number]) => ({
    id: e.id,
    channel: e.channel,
    status: e.status,
    method: e.method,
    wording: e.wording,
    sourceUrl: e.source_url,
    ip: e.ip,
    userAgent: e.user_agent,
    recordedBy:
      e.recorded_by_user_id !== null && e.recorded_by_name !== null ? { id: e.recorded_by_user_id, name: e.recorded_by_name } : null,
    importId: e.import_id,
    createdAt: iso(e.created_at),
  });

  async function consent(tenant: Tenant, memberId: number) {
    const { workspaceId } = tenant;
    const row = await load(workspaceId, memberId, { allowErased: true });
    const ids = [memberId, ...(await mergedIdsOf(db, workspaceId, memberId))];
    const events = await listConsentEvents(db, workspaceId, ids);
    return { current: { sms: row.sms_consent, email: row.email_consent }, events: events.map(consentEventView) };
  }

  async function recordConsent(
    tenant: Tenant,
    memberId: number,
    input: { channel: Channel; status: 'granted' | 'revoked'; wording: string },
  ) {
    const { workspaceId, actor } = tenant;
    const row = await load(workspaceId, memberId, { allowErased: false });
    if (input.status === 'granted' && input.channel === 'sms' && (row.phone === null || row.phone_type === 'landline')) {
      throw invalid([
        {
          path: 'body.channel',
          message:
            row.phone === null
              ? 'this member has no valid phone number; add a mobile number before recording SMS consent'
              : 'this member’s number is a landline, which cannot receive texts',
        },
      ]);
    }
    if (input.status === 'granted' && input.channel === 'email' && row.email === null) {
      throw invalid([{ path: 'body.channel', message: 'this member has no email address; add one before recording email consent' }]);
    }
    const now = clock.now();
    const event = await db.transaction().execute(async (trx) => {
      await appendConsent(trx, appSecret, {
        workspaceId,
        memberId,
        channel: input.channel,
        status: input.status,
        method: consentMethodOf(actor),
        address: input.channel === 'sms' ? row.phone : row.email,
        wording: input.wording,
        recordedByUserId: userIdOf(actor),
        at: now,
      });
      return lastAppendedConsentEvent(trx, workspaceId, memberId);
    });
    if (!event) throw new Error('consent event vanished after insert');
    return consentEventView(event);
  }

  async function timeline(tenant: Tenant, memberId: number, query: { before?: string | undefined; limit: number }) {
    const { workspaceId } = tenant;
    await load(workspaceId, memberId, { allowErased: true });
    const ids = [memberId, ...(await mergedIdsOf(db, workspaceId, memberId))];
    const [at, id] = (query.before ?? '').split(':').map(Number);
    const rows = await listActivities(db, {
      workspaceId,
      memberIds: ids,
      limit: query.limit,
      ...(at !== undefined && id !== undefined && query.before ? { before: { at, id } } : {}),
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      activities: page.map(activityView),
      nextBefore: rows.length > query.limit && last ? `${last.occurred_at}:${last.id}` : null,
    };
  }

  async function duplicates(tenant: Tenant, memberId: number) {
    const { workspaceId } = tenant;
    const row = await load(workspaceId, memberId, { allowErased: false });
    const found = await duplicateCandidates(db, workspaceId, row);
    const tags = await tagsOf(
      db,
      workspaceId,
      found.map((c) => c.row.id),
    );
    return { candidates: found.map((c) => ({ member: summaryView(c.row, tags.get(c.row.id) ?? []), reasons: [...c.reasons] })) };
  }

  async function merge(tenant: Tenant, survivorId: number, duplicateId: number, meta: { ip: string | null }) {
    const { workspaceId, actor } = tenant;
    const survivor = await load(workspaceId, survivorId, { allowErased: false });
    if (survivorId === duplicateId) {
      throw new AppError({
        code: 'member.merge_invalid',
        status: 400,
        message: 'A member cannot be merged into itself; pick the duplicate to merge into this member.',
        fields: [{ path: 'body.duplicateId', message: 'is this member itself' }],
      });
    }
    const dup = await findMember(db, workspaceId, duplicateId);
    if (!dup) {
      throw new AppError({
        code: 'member.not_found',
        status: 404,
        message: `There is no member ${duplicateId} in this workspace to merge.`,
        fields: [{ path: 'body.duplicateId', message: 'is not a member of this workspace' }],
      });
    }
    if (dup.merged_into !== null || dup.erased_at !== null) {
      throw new AppError({
        code: 'member.merge_invalid',
        status: 409,
        message:
          dup.merged_into !== null
            ? `Member ${duplicateId} was already merged into member ${dup.merged_into}.`
            : `Member ${duplicateId} was erased; there is nothing left to merge.`,
        fields: [{ path: 'body.duplicateId', message: dup.merged_into !== null ? 'was already merged' : 'was erased' }],
      });
    }
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      // The duplicate keeps its row (history), gives up its number so the unique index frees it, and points at the survivor.
      await trx
        .updateTable('members')
        .set({ phone: null, phone_raw: dup.phone ?? dup.phone_raw, merged_into: survivorId, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', duplicateId)
        .execute();
      await trx
        .updateTable('members')
        .set({ merged_into: survivorId, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('merged_into', '=', duplicateId)
        .execute();

      // The survivor fills its blanks from the duplicate.
      const custom = { ...parseCustomFields(dup.custom_fields), ...parseCustomFields(survivor.custom_fields) };
      const takeName = survivor.first_name === null && survivor.last_name === null;
      const takePhone = survivor.phone === null && dup.phone !== null;
      const takeZone = survivor.timezone_source === 'workspace' && dup.timezone_source !== 'workspace';
      await trx
        .updateTable('members')
        .set({
          ...(takePhone ? { phone: dup.phone, phone_type: dup.phone_type, phone_raw: null } : {}),
          ...(survivor.phone === null && !takePhone && survivor.phone_raw === null ? { phone_raw: dup.phone_raw } : {}),
          ...(survivor.email === null ? { email: dup.email } : {}),
          ...(takeName
            ? { first_name: dup.first_name, last_name: dup.last_name, name_key: dup.name_key, last_name_key: dup.last_name_key }
            : {}),
          ...(survivor.postal_code === null ? { postal_code: dup.postal_code } : {}),
          ...(takeZone ? { timezone: dup.timezone, timezone_source: dup.timezone_source } : {}),
          ...(survivor.source === null ? { source: dup.source } : {}),
          ...(survivor.referred_by === null && dup.referred_by !== survivorId ? { referred_by: dup.referred_by } : {}),
          ...(survivor.referred_by === duplicateId ? { referred_by: null } : {}),
          custom_fields: JSON.stringify(custom),
          last_active_at: Math.max(survivor.last_active_at ?? 0, dup.last_active_at ?? 0) || null,
          // What the duplicate did counts for the survivor (activities/engagement.ts).
          engagement_score: Math.min(MAX_ENGAGEMENT_SCORE, survivor.engagement_score + dup.engagement_score),
          referral_count: survivor.referral_count + dup.referral_count,
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', survivorId)
        .execute();
      await trx
        .updateTable('members')
        .set({ referred_by: survivorId })
        .where('workspace_id', '=', workspaceId)
        .where('referred_by', '=', duplicateId)
        .where('id', '!=', survivorId)
        .execute();

      // Tags, memberships and notes move; activities and consent events stay where they are (queries include merged ids).
      const dupTags = (await tagsOf(trx, workspaceId, [duplicateId])).get(duplicateId) ?? [];
      await addTags(trx, workspaceId, survivorId, dupTags, now);
      await removeTags(trx, workspaceId, duplicateId, dupTags);
      const touched = await moveMemberships(trx, workspaceId, survivorId, duplicateId, now);
      await recountCommunities(trx, workspaceId, touched, now);
      await trx
        .updateTable('member_notes')
        .set({ member_id: survivorId })
        .where('workspace_id', '=', workspaceId)
        .where('member_id', '=', duplicateId)
        .execute();

      const allIds = [survivorId, ...(await mergedIdsOf(trx, workspaceId, survivorId))];
      const current = await latestConsent(trx, workspaceId, allIds);
      await trx
        .updateTable('members')
        .set({ sms_consent: current.sms, email_consent: current.email })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', survivorId)
        .execute();
      await recordActivities(trx, [{ workspaceId, memberId: survivorId, type: 'merged', data: { duplicateId }, occurredAt: now }], now);
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'member.merged',
        targetType: 'member',
        targetId: survivorId,
        ip: meta.ip,
        data: { duplicateId },
        at: now,
      });
    });
    return viewById(workspaceId, survivorId);
  }

  async function exportMember(tenant: Tenant, memberId: number, meta: { ip: string | null }) {
    const { workspaceId, actor } = tenant;
    const row = await load(workspaceId, memberId, { allowErased: true });
    const { ws } = await contextOf(workspaceId);
    const mergedIds = await mergedIdsOf(db, workspaceId, memberId);
    const ids = [memberId, ...mergedIds];
    const mergedRows =
      mergedIds.length === 0
        ? []
        : await db.selectFrom('members').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', mergedIds).execute();
    const [member, noteRows, memberships, events, activities] = await Promise.all([
      view(workspaceId, row),
      listNotes(db, workspaceId, memberId),
      listMembershipsOf(db, workspaceId, memberId),
      listConsentEvents(db, workspaceId, ids),
      listActivities(db, { workspaceId, memberIds: ids }),
    ]);
    const now = clock.now();
    await recordAudit(db, {
      workspaceId,
      actor,
      action: 'member.exported',
      targetType: 'member',
      targetId: memberId,
      ip: meta.ip,
      at: now,
    });
    return {
      exportedAt: iso(now),
      workspace: { id: ws.id, name: ws.name },
      member,
      mergedMembers: mergedRows.map((m) => ({
        id: m.id,
        firstName: m.first_name,
        lastName: m.last_name,
        phone: m.phone_raw,
        email: m.email,
        postalCode: m.postal_code,
        language: m.language,
        timezone: m.timezone,
        customFields: parseCustomFields(m.custom_fields),
        source: m.source,
        createdAt: iso(m.created_at),
        mergedAt: iso(m.updated_at),
      })),
      notes: noteRows.map(noteView),
      memberships: memberships.map((m) => ({
        community: { id: m.community_id, name: m.name },
        role: m.role,
        status: m.status,
        source: m.source,
        joinedAt: iso(m.joined_at),
        leftAt: isoOrNull(m.left_at),
      })),
      consentEvents: events.map(consentEventView),
      activities: activities.map(activityView),
    };
  }

  async function erase(tenant: Tenant, memberId: number, meta: { ip: string | null }) {
    const { workspaceId, actor } = tenant;
    const row = await load(workspaceId, memberId, { allowErased: true });
    if (row.erased_at !== null) return;
    const { ws } = await contextOf(workspaceId);
    const mergedIds = await mergedIdsOf(db, workspaceId, memberId);
    const ids = [memberId, ...mergedIds];
    const rows = await db.selectFrom('members').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
    const addresses: { channel: Channel; address: string }[] = [];
    for (const r of rows) {
      const phone = r.phone ?? (r.phone_raw ? normalizePhone(r.phone_raw, ws.default_country) : null);
      if (typeof phone === 'string') addresses.push({ channel: 'sms', address: phone });
      else if (phone?.ok) addresses.push({ channel: 'sms', address: phone.e164 });
      if (r.email) addresses.push({ channel: 'email', address: r.email });
    }
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      // Keyed hashes only: the number and address can be recognised (an opt-out keeps holding) but not read back.
      for (const { channel, address } of addresses) {
        await trx
          .insertInto('suppressions')
          .values({
            workspace_id: workspaceId,
            channel,
            address_hash: addressHash(appSecret, channel, address),
            reason: 'erased',
            created_at: now,
          })
          .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'address_hash']).doNothing())
          .execute();
      }
      await trx
        .updateTable('members')
        .set({
          phone: null,
          phone_type: 'unknown',
          phone_raw: null,
          email: null,
          first_name: null,
          last_name: null,
          name_key: null,
          last_name_key: null,
          postal_code: null,
          timezone: ws.timezone,
          timezone_source: 'workspace',
          custom_fields: '{}',
          source: null,
          referred_by: null,
          erased_at: now,
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', ids)
        .execute();
      await trx.deleteFrom('member_notes').where('workspace_id', '=', workspaceId).where('member_id', 'in', ids).execute();
      await trx.deleteFrom('member_tags').where('workspace_id', '=', workspaceId).where('member_id', 'in', ids).execute();
      const communities = await endMemberships(trx, workspaceId, ids, now);
      await recountCommunities(trx, workspaceId, communities, now);
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'member.erased',
        targetType: 'member',
        targetId: memberId,
        ip: meta.ip,
        data: { mergedIds, suppressed: addresses.length },
        at: now,
      });
    });
  }

  return {
    create,
    update,
    list,
    get,
    addTag,
    removeTag,
    tags,
    notes,
    addNote,
    consent,
    recordConsent,
    timeline,
    duplicates,
    merge,
    exportMember,
    erase,
  };
}

function activityView(a: Awaited<ReturnType<typeof listActivities>>[number]) {
  return {
    id: a.id,
    type: a.type,
    community: a.community_id !== null && a.community_name !== null ? { id: a.community_id, name: a.community_name } : null,
    subjectType: a.subject_type,
    subjectId: a.subject_id,
    data: parseData(a.data),
    occurredAt: iso(a.occurred_at),
  };
}
