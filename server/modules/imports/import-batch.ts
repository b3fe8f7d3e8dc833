import type { Channel, ConsentState, ConsentStatus, PhoneType, TimezoneSource } from '../../db/schema.ts';
import { addressHash } from '../../lib/tokens.ts';
import { joinCommunities } from '../communities/communities.repo.ts';
import type { CustomFieldValue, NormalizedMember } from '../members/member-fields.ts';
import { nameKeyOf } from '../members/member-fields.ts';
import { customFieldsJson, parseCustomFields } from '../members/members.repo.ts';
import { insertRows, MAX_IN, padIn } from './bulk.ts';
import type { PreparedRow, RowProblem } from './import-rows.ts';
import type { Executor } from './imports.repo.ts';

// One batch of prepared rows (about 1,000) written in the caller's transaction, set-based: one lookup of existing
// members by phone and one by email, one multi-row insert of new members, then tags, community joins, consent events
// (with the members' consent projection and suppressions, as appendConsent would), 'imported' activities and the
// report. Nothing here runs per row against the database except filling empty fields of existing members.
//
// Dedupe: a row matches a member by phone first, then by email. Within the import, a member counts once: the first
// row that creates it counts as created, the first that matches a member who was there before counts as updated, and
// every later row for the same member counts as a duplicate. Across batches (and across a crash and a retry) "this
// import already touched this member" is its 'imported' activity (subject = the import), written in the same
// transaction as the member, so the answer survives restarts without any state in memory.

export type DedupeMode = 'update' | 'skip';

export type BatchSettings = {
  workspaceId: number;
  importId: number;
  at: number;
  dedupe: DedupeMode;
  communityIds: readonly number[];
  tags: readonly string[];
  wording: string | null;
  /** The consent columns' names, to point warnings at them. */
  consentColumns: { sms: string | null; email: string | null };
  appSecret: string;
  /** Set for a dry run: nothing but the report and counters is written; what the import has seen is kept here. */
  dryRun: DryRunMemory | null;
};

/** A dry run's memory of the file so far: 53-bit hashes of phones and emails, and ids of existing members matched. */
export type DryRunMemory = { phones: Set<number>; emails: Set<number>; memberIds: Set<number> };

export const newDryRunMemory = (): DryRunMemory => ({ phones: new Set(), emails: new Set(), memberIds: new Set() });

export type BatchResult = {
  created: number;
  updated: number;
  duplicates: number;
  /** Rows not imported (they have an error). */
  rejected: number;
  problems: RowProblem[];
};

type MemberState = {
  phone: string | null;
  phone_type: PhoneType;
  phone_raw: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  postal_code: string | null;
  language: string;
  timezone: string;
  timezone_source: TimezoneSource;
  custom_fields: Record<string, CustomFieldValue>;
  source: string | null;
};

type ConsentEvent = { channel: Channel; status: ConsentStatus; line: number };

type Target = {
  id: number | null;
  isNew: boolean;
  /** Created by this import (now or in an earlier batch): its empty fields are filled whatever the dedupe mode. */
  createdHere: boolean;
  /** A row of this import already counted for this member (in this batch or an earlier one). */
  seen: boolean;
  /** First counted in this batch: gets the 'imported' activity. */
  firstTouchHere: boolean;
  state: MemberState;
  changed: Set<keyof MemberState>;
  tags: Set<string>;
  consent: { sms: ConsentState; email: ConsentState };
  consentChanged: { sms: boolean; email: boolean };
  events: ConsentEvent[];
};

type ExistingRow = {
  id: number;
  phone: string | null;
  phone_type: PhoneType;
  phone_raw: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  postal_code: string | null;
  language: string;
  timezone: string;
  timezone_source: TimezoneSource;
  custom_fields: string;
  source: string | null;
  sms_consent: ConsentState;
  email_consent: ConsentState;
  merged_into: number | null;
  erased_at: number | null;
};

const EXISTING_COLUMNS = [
  'id',
  'phone',
  'phone_type',
  'phone_raw',
  'email',
  'first_name',
  'last_name',
  'postal_code',
  'language',
  'timezone',
  'timezone_source',
  'custom_fields',
  'source',
  'sms_consent',
  'email_consent',
  'merged_into',
  'erased_at',
] as const;

const LOOKUP_CHUNK = MAX_IN;

async function lookup(db: Executor, workspaceId: number, column: 'phone' | 'email', values: string[]): Promise<ExistingRow[]> {
  const out: ExistingRow[] = [];
  for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('members')
      .select(EXISTING_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where(column, 'in', padIn(values.slice(i, i + LOOKUP_CHUNK)))
      .execute();
    for (const row of rows) out.push(row);
  }
  // Oldest first (sorted here: an ORDER BY id would lead SQLite to walk the whole workspace by id).
  return out.sort((a, b) => a.id - b.id);
}

/** Members this import touched in earlier batches, with whether it created them. */
async function touchedBefore(db: Executor, settings: BatchSettings, ids: number[]): Promise<Map<number, boolean>> {
  const touched = new Map<number, boolean>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    // No condition on `type` in SQL: it would lead SQLite to the (workspace, type) index and every 'imported'
    // activity of the workspace; (workspace, member) finds these members' few import activities directly.
    const rows = await db
      .selectFrom('activities')
      .select(['member_id', 'type', 'data'])
      .where('workspace_id', '=', settings.workspaceId)
      .where('member_id', 'in', padIn(ids.slice(i, i + LOOKUP_CHUNK)))
      .where('subject_type', '=', 'import')
      .where('subject_id', '=', settings.importId)
      .execute();
    for (const row of rows) if (row.type === 'imported') touched.set(row.member_id, row.data?.includes('"created":true') ?? false);
  }
  return touched;
}

function stateOf(member: NormalizedMember): MemberState {
  return {
    phone: member.phone,
    phone_type: member.phoneType,
    phone_raw: member.phoneRaw,
    email: member.email,
    first_name: member.firstName,
    last_name: member.lastName,
    postal_code: member.postalCode,
    language: member.language,
    timezone: member.timezone,
    timezone_source: member.timezoneSource,
    custom_fields: { ...member.customFields },
    source: member.source,
  };
}

/** cyrb53: a fast 53-bit string hash, for the dry run's memory of phones and emails. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Processes one batch of rows; writes everything (or, for a dry run, nothing) in the caller's transaction. */
export async function writeBatch(db: Executor, settings: BatchSettings, rows: readonly PreparedRow[]): Promise<BatchResult> {
  const { workspaceId, at } = settings;
  const result: BatchResult = { created: 0, updated: 0, duplicates: 0, rejected: 0, problems: [] };
  const warn = (line: number, field: string | null, message: string) => result.problems.push({ line, field, message, severity: 'warning' });

  const phones = new Set<string>();
  const emails = new Set<string>();
  for (const row of rows) {
    if (row.member?.phone) phones.add(row.member.phone);
    if (row.member?.email) emails.add(row.member.email);
  }
  const byPhone = new Map<string, ExistingRow>();
  for (const row of await lookup(db, workspaceId, 'phone', [...phones])) if (row.phone) byPhone.set(row.phone, row);
  const byEmail = new Map<string, ExistingRow>();
  for (const row of await lookup(db, workspaceId, 'email', [...emails])) {
    // Several members may share an email: the oldest live one is the match.
    if (row.email && row.merged_into === null && row.erased_at === null && !byEmail.has(row.email)) byEmail.set(row.email, row);
  }
  const matchedIds = [...new Set([...byPhone.values(), ...byEmail.values()].map((m) => m.id))];
  const before = settings.dryRun || matchedIds.length === 0 ? new Map<number, boolean>() : await touchedBefore(db, settings, matchedIds);

  const existing = new Map<number, Target>();
  const targets: Target[] = [];
  const batchPhone = new Map<string, Target>();
  const batchEmail = new Map<string, Target>();

  const existingTarget = (row: ExistingRow): Target => {
    let target = existing.get(row.id);
    if (target) return target;
    const touched = before.get(row.id);
    const seen = touched !== undefined || (settings.dryRun?.memberIds.has(row.id) ?? false);
    target = {
      id: row.id,
      isNew: false,
      createdHere: touched === true,
      seen,
      firstTouchHere: false,
      state: {
        phone: row.phone,
        phone_type: row.phone_type,
        phone_raw: row.phone_raw,
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        postal_code: row.postal_code,
        language: row.language,
        timezone: row.timezone,
        timezone_source: row.timezone_source,
        custom_fields: parseCustomFields(row.custom_fields),
        source: row.source,
      },
      changed: new Set(),
      tags: new Set(),
      consent: { sms: row.sms_consent, email: row.email_consent },
      consentChanged: { sms: false, email: false },
      events: [],
    };
    existing.set(row.id, target);
    targets.push(target);
    return target;
  };

  /** Whether a phone or email may be given to `target` (no other member holds it). */
  const phoneFree = (phone: string, target: Target) => {
    const other = batchPhone.get(phone);
    const stored = byPhone.get(phone);
    return (other === undefined || other === target) && (stored === undefined || stored.id === target.id);
  };
  const emailFree = (email: string, target: Target) => {
    const other = batchEmail.get(email);
    const stored = byEmail.get(email);
    return (other === undefined || other === target) && (stored === undefined || stored.id === target.id);
  };

  const fill = (target: Target, member: NormalizedMember) => {
    if (!target.isNew && !target.createdHere && settings.dedupe === 'skip') return;
    const s = target.state;
    const set = <K extends keyof MemberState>(key: K, value: MemberState[K]) => {
      s[key] = value;
      target.changed.add(key);
    };
    if (s.first_name === null && s.last_name === null) {
      if (member.firstName !== null) set('first_name', member.firstName);
      if (member.lastName !== null) set('last_name', member.lastName);
    } else {
      if (s.first_name === null && member.firstName !== null) set('first_name', member.firstName);
      if (s.last_name === null && member.lastName !== null) set('last_name', member.lastName);
    }
    if (s.phone === null && member.phone !== null && phoneFree(member.phone, target)) {
      set('phone', member.phone);
      set('phone_type', member.phoneType);
      if (s.phone_raw !== null) set('phone_raw', null);
    } else if (s.phone === null && s.phone_raw === null && member.phoneRaw !== null) {
      set('phone_raw', member.phoneRaw);
    }
    if (s.email === null && member.email !== null && emailFree(member.email, target)) set('email', member.email);
    if (s.postal_code === null && member.postalCode !== null) set('postal_code', member.postalCode);
    if (s.timezone_source === 'workspace' && member.timezoneSource !== 'workspace') {
      set('timezone', member.timezone);
      set('timezone_source', member.timezoneSource);
    }
    if (s.source === null && member.source !== null) set('source', member.source);
    let customChanged = false;
    for (const [key, value] of Object.entries(member.customFields)) {
      if (value !== null && (s.custom_fields[key] === undefined || s.custom_fields[key] === null)) {
        s.custom_fields[key] = value;
        customChanged = true;
      }
    }
    if (customChanged) target.changed.add('custom_fields');
  };

  const dry = settings.dryRun;
  for (const row of rows) {
    for (const problem of row.problems) result.problems.push(problem);
    const member = row.member;
    if (member === null) {
      result.rejected++;
      continue;
    }
    let target: Target | undefined;
    if (member.phone !== null) {
      target = batchPhone.get(member.phone);
      const stored = target ? undefined : byPhone.get(member.phone);
      if (stored && (stored.merged_into !== null || stored.erased_at !== null)) {
        // Merged and erased members give their number up; one still holding it cannot take new data.
        result.rejected++;
        result.problems.push({
          line: row.line,
          field: null,
          message: 'the phone number belongs to a member who was merged or erased; the row was not imported',
          severity: 'error',
        });
        continue;
      }
      if (stored) target = existingTarget(stored);
    }
    if (!target && member.email !== null) {
      target = batchEmail.get(member.email);
      const stored = target ? undefined : byEmail.get(member.email);
      if (stored) target = existingTarget(stored);
    }
    // A dry run remembers the file's phones and emails itself: nothing it "creates" is in the database.
    const phoneHash = dry && member.phone !== null ? hash53(member.phone) : 0;
    const emailHash = dry && member.email !== null ? hash53(member.email) : 0;
    const seenInDryRun =
      dry !== null && ((member.phone !== null && dry.phones.has(phoneHash)) || (member.email !== null && dry.emails.has(emailHash)));

    if (target) {
      if (target.seen || seenInDryRun) {
        result.duplicates++;
      } else {
        result.updated++;
        target.seen = true;
        target.firstTouchHere = true;
      }
      fill(target, member);
    } else if (seenInDryRun) {
      result.duplicates++;
      continue;
    } else {
      target = {
        id: null,
        isNew: true,
        createdHere: true,
        seen: true,
        firstTouchHere: true,
        state: stateOf(member),
        changed: new Set(),
        tags: new Set(),
        consent: { sms: 'none', email: 'none' },
        consentChanged: { sms: false, email: false },
        events: [],
      };
      targets.push(target);
      result.created++;
    }
    if (dry) {
      if (member.phone !== null) dry.phones.add(phoneHash);
      if (member.email !== null) dry.emails.add(emailHash);
      if (target.id !== null) dry.memberIds.add(target.id);
    }
    if (member.phone !== null && target.state.phone === member.phone) batchPhone.set(member.phone, target);
    if (member.email !== null && target.state.email === member.email) batchEmail.set(member.email, target);
    for (const tag of settings.tags) target.tags.add(tag);
    for (const tag of row.tags) target.tags.add(tag);
    if (row.sms !== null) target.events.push({ channel: 'sms', status: row.sms, line: row.line });
    if (row.email !== null) target.events.push({ channel: 'email', status: row.email, line: row.line });
  }

  // Consent: decided before anything is written (new members get their projection in the INSERT).
  const grantHashes = new Map<string, string>();
  for (const target of targets) {
    for (const event of target.events) {
      const address = event.channel === 'sms' ? target.state.phone : target.state.email;
      if (event.status === 'granted' && address !== null)
        grantHashes.set(`${event.channel}:${address}`, addressHash(settings.appSecret, event.channel, address));
    }
  }
  const suppressed = await suppressedHashes(db, workspaceId, grantHashes);
  const recorded: { target: Target; channel: Channel; status: ConsentStatus; hash: string }[] = [];
  for (const target of targets) {
    for (const event of target.events) {
      const column = event.channel === 'sms' ? settings.consentColumns.sms : settings.consentColumns.email;
      const address = event.channel === 'sms' ? target.state.phone : target.state.email;
      const label = event.channel === 'sms' ? 'SMS' : 'email';
      if (address === null) {
        warn(
          event.line,
          column,
          `there is no valid ${event.channel === 'sms' ? 'phone number' : 'email address'} to record the ${label} consent for, so none was recorded`,
        );
        continue;
      }
      const current = target.consent[event.channel];
      if (current === event.status) continue;
      const hash = grantHashes.get(`${event.channel}:${address}`) ?? addressHash(settings.appSecret, event.channel, address);
      if (event.status === 'granted' && (current === 'revoked' || suppressed.has(hash))) {
        warn(
          event.line,
          column,
          `${label} consent was not recorded: this ${event.channel === 'sms' ? 'number' : 'address'} opted out before, and an import cannot opt it back in${event.channel === 'sms' ? ' (the member can text START)' : ''}`,
        );
        continue;
      }
      target.consent[event.channel] = event.status;
      target.consentChanged[event.channel] = true;
      if (event.status === 'revoked') suppressed.add(hash);
      recorded.push({ target, channel: event.channel, status: event.status, hash });
    }
  }

  if (dry) return result;

  // New members: one multi-row insert; ids are matched back by phone (unique) or else by email (unique in the batch).
  const fresh = targets.filter((t) => t.isNew);
  if (fresh.length > 0) {
    const inserted = await insertRows<{ id: number; phone: string | null; email: string | null }>(
      db,
      'members',
      MEMBER_INSERT_COLUMNS,
      fresh.map((t) => memberValues(workspaceId, t, at)),
      'returning id, phone, email',
    );
    const idByKey = new Map<string, number>();
    for (const row of inserted) idByKey.set(row.phone !== null ? `p:${row.phone}` : `e:${row.email}`, Number(row.id));
    for (const t of fresh) {
      const id = idByKey.get(t.state.phone !== null ? `p:${t.state.phone}` : `e:${t.state.email}`);
      if (id === undefined) throw new Error('import: an inserted member could not be matched to its row');
      t.id = id;
    }
  }

  // Existing members: fill the empty fields found above (rare; one statement per member changed).
  for (const t of targets) {
    if (t.isNew || t.changed.size === 0 || t.id === null) continue;
    const s = t.state;
    const patch: Record<string, unknown> = { updated_at: at };
    for (const key of t.changed) patch[key] = key === 'custom_fields' ? customFieldsJson(s.custom_fields) : s[key];
    if (t.changed.has('first_name') || t.changed.has('last_name')) {
      patch.name_key = nameKeyOf(s.first_name, s.last_name);
      patch.last_name_key = s.last_name === null ? null : s.last_name.toLowerCase();
    }
    await db.updateTable('members').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', t.id).execute();
  }

  const idOf = (t: Target) => t.id as number;

  // Tags.
  const tagRows: unknown[][] = [];
  for (const t of targets) for (const tag of t.tags) tagRows.push([workspaceId, idOf(t), tag, at]);
  await insertRows(
    db,
    'member_tags',
    ['workspace_id', 'member_id', 'tag', 'created_at'],
    tagRows,
    'on conflict (member_id, tag) do nothing',
  );

  // Communities (set-based; writes 'joined' activities and keeps member_count in step).
  if (settings.communityIds.length > 0 && targets.length > 0) {
    await joinCommunities(db, {
      workspaceId,
      memberIds: targets.map(idOf),
      communityIds: settings.communityIds,
      role: 'member',
      source: 'import',
      at,
    });
  }

  // Consent ledger (append-only), the members' projection, suppressions.
  await insertRows(
    db,
    'consent_events',
    ['workspace_id', 'member_id', 'channel', 'status', 'method', 'address_hash', 'wording', 'import_id', 'created_at'],
    recorded.map((e) => [workspaceId, idOf(e.target), e.channel, e.status, 'import', e.hash, settings.wording, settings.importId, at]),
  );
  for (const channel of ['sms', 'email'] as const) {
    for (const status of ['granted', 'revoked'] as const) {
      const ids = targets.filter((t) => !t.isNew && t.consentChanged[channel] && t.consent[channel] === status).map(idOf);
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        await db
          .updateTable('members')
          .set(channel === 'sms' ? { sms_consent: status, updated_at: at } : { email_consent: status, updated_at: at })
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', padIn(ids.slice(i, i + LOOKUP_CHUNK)))
          .execute();
      }
    }
  }
  await insertRows(
    db,
    'suppressions',
    ['workspace_id', 'channel', 'address_hash', 'reason', 'created_at'],
    recorded.filter((e) => e.status === 'revoked').map((e) => [workspaceId, e.channel, e.hash, 'opt-out (import)', at]),
    'on conflict (workspace_id, channel, address_hash) do nothing',
  );

  // Activities: one 'imported' per member this batch counted first, and opted_in / opted_out per consent event.
  const activityRows: unknown[][] = [];
  for (const t of targets) {
    if (t.firstTouchHere) {
      activityRows.push([
        workspaceId,
        idOf(t),
        'imported',
        'import',
        settings.importId,
        t.isNew ? '{"created":true}' : '{"created":false}',
        at,
        at,
      ]);
    }
  }
  for (const e of recorded) {
    activityRows.push([
      workspaceId,
      idOf(e.target),
      e.status === 'granted' ? 'opted_in' : 'opted_out',
      null,
      null,
      `{"channel":"${e.channel}","method":"import"}`,
      at,
      at,
    ]);
  }
  await insertRows(
    db,
    'activities',
    ['workspace_id', 'member_id', 'type', 'subject_type', 'subject_id', 'data', 'occurred_at', 'created_at'],
    activityRows,
  );
  return result;
}

/** The members columns an import inserts, in order (the import benchmark's raw insert uses the same). */
export const MEMBER_INSERT_COLUMNS = [
  'workspace_id',
  'phone',
  'phone_type',
  'phone_raw',
  'email',
  'first_name',
  'last_name',
  'name_key',
  'last_name_key',
  'postal_code',
  'language',
  'timezone',
  'timezone_source',
  'custom_fields',
  'source',
  'sms_consent',
  'email_consent',
  'created_at',
  'updated_at',
] as const;

function memberValues(workspaceId: number, t: Target, at: number): unknown[] {
  const s = t.state;
  return [
    workspaceId,
    s.phone,
    s.phone_type,
    s.phone_raw,
    s.email,
    s.first_name,
    s.last_name,
    nameKeyOf(s.first_name, s.last_name),
    s.last_name === null ? null : s.last_name.toLowerCase(),
    s.postal_code,
    s.language,
    s.timezone,
    s.timezone_source,
    customFieldsJson(s.custom_fields),
    s.source,
    t.consent.sms,
    t.consent.email,
    at,
    at,
  ];
}

async function suppressedHashes(db: Executor, workspaceId: number, hashes: Map<string, string>): Promise<Set<string>> {
  const found = new Set<string>();
  for (const channel of ['sms', 'email'] as const) {
    const wanted = [...hashes].filter(([key]) => key.startsWith(`${channel}:`)).map(([, hash]) => hash);
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const rows = await db
        .selectFrom('suppressions')
        .select('address_hash')
        .where('workspace_id', '=', workspaceId)
        .where('channel', '=', channel)
        .where('address_hash', 'in', padIn(wanted.slice(i, i + LOOKUP_CHUNK)))
        .execute();
      for (const row of rows) found.add(row.address_hash);
    }
  }
  return found;
}
