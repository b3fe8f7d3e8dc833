import { z } from 'zod';
import { PROVIDERS, type Provider, providerOf } from '../../channels/registry.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { ChannelAccountStatus, ProviderName, SenderKind } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type ErrorCode, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { isUniqueViolation } from '../members/members.repo.ts';
import {
  type AccountRow,
  clearDefaultSenders,
  findAccount,
  getSender,
  hasDefaultSender,
  insertAccount,
  listAccountRows,
  listSenderRows,
  openCredentials,
  parseSettings,
  type SenderListRow,
  sealCredentials,
  senderAddressTaken,
} from './channels.repo.ts';
import type { AccountInput, AccountPatch, AccountView, SenderInput, SenderPatch, SenderView } from './channels.schema.ts';

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> };

export type ChannelsService = ReturnType<typeof createChannelsService>;

const CODES = {
  invalid: 'request.invalid',
  accountNotFound: 'channel_account.not_found',
  senderNotFound: 'sender.not_found',
  conflict: 'sender.address_taken',
} as const satisfies Record<string, ErrorCode>;

const invalid = (message: string, fields: FieldError[]) => new AppError({ code: CODES.invalid, status: 400, message, fields });
const fieldError = (path: string, message: string) => invalid(`${path.replace(/^body\./, '')} ${message}.`, [{ path, message }]);

const accountNotFound = () =>
  new AppError({ code: CODES.accountNotFound, status: 404, message: 'There is no channel account with this id in the workspace.' });
const senderNotFound = () =>
  new AppError({ code: CODES.senderNotFound, status: 404, message: 'There is no sender with this id in the workspace.' });

const SMS_KINDS: readonly SenderKind[] = ['long_code', 'toll_free', 'short_code', 'messaging_service', 'alphanumeric'];
/** The sender kinds each provider can send from. */
const KINDS_OF: Record<ProviderName, readonly SenderKind[]> = {
  simulator: SMS_KINDS,
  twilio: SMS_KINDS,
  telnyx: SMS_KINDS,
  smpp: ['long_code', 'toll_free', 'short_code', 'alphanumeric'],
  smtp: ['email'],
};

const TWILIO_SERVICE = /^MG[0-9a-fA-F]{32}$/;
const TELNYX_PROFILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const emailAddress = z.email();

/**
 * The canonical form of a sender address, or why it is not one: numbers become E.164 (national numbers read in the
 * workspace's country), short codes are 3–8 digits, alphanumeric ids 1–11 letters/digits/spaces with a letter,
 * messaging services a Twilio MG… id or a Telnyx profile UUID, email senders an address with an optional display name.
 */
export function senderAddress(
  kind: SenderKind,
  raw: string,
  options: { provider: ProviderName; defaultCountry: string },
): { ok: true; address: string } | { ok: false; message: string } {
  const value = raw.trim();
  switch (kind) {
    case 'long_code':
    case 'toll_free': {
      const phone = normalizePhone(value, options.defaultCountry);
      return phone.ok ? { ok: true, address: phone.e164 } : { ok: false, message: `must be a phone number: ${phone.message}` };
    }
    case 'short_code':
      return /^\d{3,8}$/.test(value) ? { ok: true, address: value } : { ok: false, message: 'must be a short code of 3 to 8 digits' };
    case 'messaging_service': {
      const twilio = TWILIO_SERVICE.test(value) && options.provider !== 'telnyx';
      const telnyx = TELNYX_PROFILE.test(value) && options.provider !== 'twilio';
      if (twilio || telnyx) return { ok: true, address: telnyx ? value.toLowerCase() : value };
      const expected =
        options.provider === 'twilio'
          ? 'a Twilio messaging service SID (MG followed by 32 hex digits)'
          : options.provider === 'telnyx'
            ? 'a Telnyx messaging profile id (a UUID)'
            : 'a Twilio messaging service SID (MG…) or a Telnyx messaging profile id (UUID)';
      return { ok: false, message: `must be ${expected}` };
    }
    case 'alphanumeric':
      return /^[A-Za-z0-9 ]{1,11}$/.test(value) && /[A-Za-z]/.test(value)
        ? { ok: true, address: value }
        : { ok: false, message: 'must be 1 to 11 letters, digits or spaces, with at least one letter' };
    case 'email': {
      const named = /^(.*?)\s*<([^<>\s]+)>$/.exec(value);
      const name = (named?.[1] ?? '').trim().replace(/^"(.*)"$/, '$1');
      const address = named?.[2] ?? value;
      if (!emailAddress.safeParse(address).success || /[<>"\r\n]/.test(name))
        return { ok: false, message: 'must be an email address, optionally with a name: Climate Austin <team@example.org>' };
      return { ok: true, address: name ? `${name} <${address}>` : address };
    }
  }
}

type CredentialValue = string | number | boolean;

/** Applies a credentials change: '' for a secret keeps it, '' for anything else clears it; unknown keys are refused. */
function mergeCredentials(provider: Provider, current: Record<string, unknown>, given: Record<string, CredentialValue>) {
  const fields = new Map(provider.credentialFields.map((f) => [f.key, f]));
  const merged: Record<string, unknown> = { ...current };
  const unknown: FieldError[] = [];
  const changed: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    const field = fields.get(key);
    if (!field) {
      unknown.push({ path: `body.credentials.${key}`, message: `is not a credential of ${provider.label}` });
      continue;
    }
    if (value === '' && field.secret) continue;
    if (value === '') delete merged[key];
    else merged[key] = value;
    changed.push(key);
  }
  if (unknown.length > 0) throw invalid(`Unknown credentials: ${unknown.map((f) => f.path.slice(5)).join(', ')}.`, unknown);
  const parsed = provider.credentials.safeParse(merged);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: ['body', 'credentials', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw invalid(
      `The ${provider.label} credentials are incomplete or invalid: ${errors.map((e) => `${e.path.slice(5)} ${e.message}`).join('; ')}.`,
      errors,
    );
  }
  return { credentials: parsed.data, changed };
}

function requireProvider(name: string): Provider {
  const provider = providerOf(name);
  if (!provider) throw fieldError('body.provider', `must be one of ${PROVIDERS.map((p) => p.name).join(', ')}`);
  return provider;
}

/** A sender as the API shows it (also the sender a broadcast preview names). */
export function senderViewOf(row: SenderListRow): SenderView {
  return {
    id: row.id,
    channelAccountId: row.channel_account_id,
    provider: row.provider,
    accountName: row.account_name,
    channel: row.channel,
    kind: row.kind,
    address: row.address,
    label: row.label,
    throughput: row.throughput,
    supportsMms: row.supports_mms === 1,
    isDefault: row.is_default === 1,
    priceMicros: row.price_micros,
    mmsPriceMicros: row.mms_price_micros,
    status: row.archived_at !== null ? 'archived' : row.account_status,
    createdAt: row.created_at,
  };
}

export function createChannelsService({ db, clock, appSecret, config }: Deps) {
  function providers() {
    return PROVIDERS.map((p) => ({
      name: p.name,
      label: p.label,
      description: p.description,
      channel: p.channel,
      credentialFields: p.credentialFields,
      defaultBaseUrl: p.defaultBaseUrl,
      webhooks: p.webhooks,
      mms: p.mms,
      defaultPriceMicros: p.defaultPriceMicros,
      defaultMmsPriceMicros: p.defaultMmsPriceMicros,
      defaultThroughput: p.defaultThroughput,
    }));
  }

  /** The stored credentials, or none when they were sealed with another app secret (they must then be entered again). */
  function readCredentials(row: AccountRow): { values: Record<string, unknown>; readable: boolean } {
    try {
      return { values: openCredentials(appSecret, row), readable: true };
    } catch {
      return { values: {}, readable: false };
    }
  }

  function accountView(row: AccountRow, senderCount: number): AccountView {
    const provider = providerOf(row.provider);
    const { values, readable } = readCredentials(row);
    return {
      id: row.id,
      provider: row.provider,
      name: row.name,
      baseUrl: row.base_url,
      status: row.status,
      statusDetail: readable ? row.status_detail : "The credentials cannot be read with this server's APP_SECRET; enter them again.",
      webhookUrl: provider?.webhooks ? `${config.publicUrl}/webhooks/sms/${row.webhook_key}` : null,
      credentials: (provider?.credentialFields ?? []).map((field) => {
        const value = values[field.key];
        const shown = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
        return { key: field.key, set: shown !== null && shown !== '', value: field.secret ? null : shown };
      }),
      settings: parseSettings(row.settings),
      senderCount,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function listAccounts(workspaceId: number) {
    const rows = await listAccountRows(db, workspaceId);
    return rows.map((row) => accountView(row, Number(row.sender_count ?? 0)));
  }

  async function getAccount(workspaceId: number, accountId: number) {
    const view = (await listAccounts(workspaceId)).find((a) => a.id === accountId);
    if (!view) throw accountNotFound();
    return view;
  }

  async function createAccount(actor: Actor, workspaceId: number, input: AccountInput) {
    const provider = requireProvider(input.provider);
    const { credentials } = mergeCredentials(provider, {}, input.credentials);
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const accountId = await insertAccount(trx, {
        workspaceId,
        provider: provider.name,
        name: input.name,
        baseUrl: input.baseUrl ?? null,
        credentials,
        settings: input.settings ?? {},
        appSecret,
        now,
      });
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'channel_account.created',
        targetType: 'channel_account',
        targetId: accountId,
        data: { provider: provider.name, name: input.name },
        at: now,
      });
      return accountId;
    });
    return getAccount(workspaceId, id);
  }

  async function updateAccount(actor: Actor, workspaceId: number, accountId: number, patch: AccountPatch) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await findAccount(trx, workspaceId, accountId);
      if (!current) throw accountNotFound();
      const provider = requireProvider(current.provider);
      const merged = patch.credentials ? mergeCredentials(provider, readCredentials(current).values, patch.credentials) : null;
      // New credentials deserve a new try: an account refused by the provider becomes active again.
      let status: ChannelAccountStatus | undefined = patch.status;
      if (status === undefined && merged && current.status === 'auth_failed') status = 'active';
      const set = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.baseUrl !== undefined ? { base_url: patch.baseUrl } : {}),
        ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
        ...(merged ? { credentials: sealCredentials(appSecret, merged.credentials) } : {}),
        ...(status !== undefined && status !== current.status ? { status, status_detail: null } : {}),
      };
      await trx
        .updateTable('channel_accounts')
        .set({ ...set, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', accountId)
        .execute();
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'channel_account.updated',
        targetType: 'channel_account',
        targetId: accountId,
        // Names of the credentials that changed, never their values.
        data: {
          changed: Object.keys(set).filter((k) => k !== 'credentials' && k !== 'status_detail'),
          ...(merged ? { credentialsChanged: merged.changed } : {}),
          ...(set.status ? { status: set.status } : {}),
        },
        at: now,
      });
    });
    return getAccount(workspaceId, accountId);
  }

  async function listSenders(workspaceId: number, options: { includeArchived: boolean }) {
    return (await listSenderRows(db, workspaceId, options)).map(senderViewOf);
  }

  async function getSenderView(workspaceId: number, senderId: number) {
    const [row] = await listSenderRows(db, workspaceId, { includeArchived: true, senderId });
    if (!row) throw senderNotFound();
    return senderViewOf(row);
  }

  function checkMms(provider: Provider, supportsMms: boolean | undefined) {
    if (supportsMms && !provider.mms) throw fieldError('body.supportsMms', `cannot be true: ${provider.label} does not send MMS`);
  }

  /** Turns a race on the (workspace, channel, address) constraint into the same 409 as the check before the insert. */
  async function uniqueAddress<T>(address: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw addressTaken(address);
    }
  }

  const addressTaken = (address: string) =>
    new AppError({
      code: CODES.conflict,
      status: 409,
      message: `Another sender of this workspace already uses ${address} (archived senders count too: restore it instead).`,
      fields: [{ path: 'body.address', message: 'is already used by another sender of this workspace' }],
    });

  async function createSender(actor: Actor, workspaceId: number, input: SenderInput) {
    const now = clock.now();
    const id = await uniqueAddress(input.address, () =>
      db.transaction().execute(async (trx) => {
        const account = await findAccount(trx, workspaceId, input.channelAccountId);
        if (!account) throw fieldError('body.channelAccountId', 'is not a channel account of this workspace');
        const provider = requireProvider(account.provider);
        if (!KINDS_OF[provider.name].includes(input.kind)) {
          throw fieldError('body.kind', `must be one of ${KINDS_OF[provider.name].join(', ')} for a ${provider.label} account`);
        }
        const workspace = await trx
          .selectFrom('workspaces')
          .select('default_country')
          .where('id', '=', workspaceId)
          .executeTakeFirstOrThrow();
        const parsed = senderAddress(input.kind, input.address, { provider: provider.name, defaultCountry: workspace.default_country });
        if (!parsed.ok) throw fieldError('body.address', parsed.message);
        checkMms(provider, input.supportsMms);
        const channel = provider.channel;
        if (await senderAddressTaken(trx, workspaceId, channel, parsed.address)) throw addressTaken(parsed.address);
        // The first sender of a channel becomes its default unless told otherwise.
        const isDefault = input.isDefault ?? !(await hasDefaultSender(trx, workspaceId, channel));
        if (isDefault) await clearDefaultSenders(trx, workspaceId, channel, null, now);
        const row = await trx
          .insertInto('senders')
          .values({
            workspace_id: workspaceId,
            channel_account_id: account.id,
            channel,
            kind: input.kind,
            address: parsed.address,
            label: input.label || parsed.address,
            throughput: input.throughput ?? provider.defaultThroughput,
            supports_mms: (input.supportsMms ?? (provider.mms && input.kind !== 'alphanumeric')) ? 1 : 0,
            is_default: isDefault ? 1 : 0,
            price_micros: input.priceMicros ?? provider.defaultPriceMicros,
            mms_price_micros: input.mmsPriceMicros ?? provider.defaultMmsPriceMicros,
            paused_until: null,
            archived_at: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'sender.created',
          targetType: 'sender',
          targetId: row.id,
          data: { channelAccountId: account.id, channel, kind: input.kind, isDefault },
          at: now,
        });
        return row.id;
      }),
    );
    return getSenderView(workspaceId, id);
  }

  async function updateSender(actor: Actor, workspaceId: number, senderId: number, patch: SenderPatch) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await getSender(trx, workspaceId, senderId);
      if (!current) throw senderNotFound();
      const account = await findAccount(trx, workspaceId, current.channel_account_id);
      if (!account) throw senderNotFound();
      checkMms(requireProvider(account.provider), patch.supportsMms);
      const archived = patch.archived ?? current.archived_at !== null;
      if (patch.isDefault === true && archived) {
        throw fieldError('body.isDefault', 'cannot be true for an archived sender; restore it first (archived: false)');
      }
      // An archived sender is never the default.
      const isDefault = archived ? false : (patch.isDefault ?? current.is_default === 1);
      if (isDefault && current.is_default !== 1) await clearDefaultSenders(trx, workspaceId, current.channel, senderId, now);
      const set = {
        ...(patch.label !== undefined ? { label: patch.label || current.address } : {}),
        ...(patch.throughput !== undefined ? { throughput: patch.throughput } : {}),
        ...(patch.supportsMms !== undefined ? { supports_mms: patch.supportsMms ? 1 : 0 } : {}),
        ...(patch.priceMicros !== undefined ? { price_micros: patch.priceMicros } : {}),
        ...(patch.mmsPriceMicros !== undefined ? { mms_price_micros: patch.mmsPriceMicros } : {}),
        ...(isDefault !== (current.is_default === 1) ? { is_default: isDefault ? 1 : 0 } : {}),
        ...(archived !== (current.archived_at !== null) ? { archived_at: archived ? now : null } : {}),
      };
      await trx
        .updateTable('senders')
        .set({ ...set, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', senderId)
        .execute();
      await recordAudit(trx, {
        workspaceId,
        actor,
        action: 'sender.updated',
        targetType: 'sender',
        targetId: senderId,
        data: { changed: Object.keys(set) },
        at: now,
      });
    });
    return getSenderView(workspaceId, senderId);
  }

  return { providers, listAccounts, createAccount, updateAccount, listSenders, createSender, updateSender };
}
