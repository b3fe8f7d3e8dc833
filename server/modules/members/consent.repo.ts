import type { Kysely, Transaction } from 'kysely';
import type { Channel, ConsentMethod, ConsentStatus, Database } from '../../db/schema.ts';
import { addressHash } from '../../lib/tokens.ts';
import { recordActivities } from '../activities/activities.repo.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type ConsentInput = {
  workspaceId: number;
  memberId: number;
  channel: Channel;
  status: ConsentStatus;
  method: ConsentMethod;
  /** The phone number (E.164) or email address the consent applies to; stored only as a keyed hash. */
  address: string | null;
  /** The exact words the member agreed to (or used to opt out). */
  wording?: string | null;
  sourceUrl?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  recordedByUserId?: number | null;
  importId?: number | null;
  at: number;
};

/**
 * Appends a consent event (the ledger is append-only: nothing updates or deletes its rows), moves the member's
 * current consent for the channel to match, logs opted_in / opted_out, and on a revocation suppresses the address
 * by keyed hash, so the opt-out holds even after the member is erased. Run it in the caller's transaction.
 */
export async function appendConsent(db: Executor, secret: string, input: ConsentInput): Promise<void> {
  const hash = input.address ? addressHash(secret, input.channel, input.address) : null;
  await db
    .insertInto('consent_events')
    .values({
      workspace_id: input.workspaceId,
      member_id: input.memberId,
      channel: input.channel,
      status: input.status,
      method: input.method,
      address_hash: hash,
      wording: input.wording ?? null,
      source_url: input.sourceUrl ?? null,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      recorded_by_user_id: input.recordedByUserId ?? null,
      import_id: input.importId ?? null,
      created_at: input.at,
    })
    .execute();
  await db
    .updateTable('members')
    .set(
      input.channel === 'sms' ? { sms_consent: input.status, updated_at: input.at } : { email_consent: input.status, updated_at: input.at },
    )
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.memberId)
    .execute();
  await recordActivities(
    db,
    [
      {
        workspaceId: input.workspaceId,
        memberId: input.memberId,
        type: input.status === 'granted' ? 'opted_in' : 'opted_out',
        data: { channel: input.channel, method: input.method },
        occurredAt: input.at,
      },
    ],
    input.at,
  );
  if (hash) {
    if (input.status === 'revoked') {
      await db
        .insertInto('suppressions')
        .values({
          workspace_id: input.workspaceId,
          channel: input.channel,
          address_hash: hash,
          reason: `opt-out (${input.method})`,
          created_at: input.at,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'address_hash']).doNothing())
        .execute();
    } else {
      await db
        .deleteFrom('suppressions')
        .where('workspace_id', '=', input.workspaceId)
        .where('channel', '=', input.channel)
        .where('address_hash', '=', hash)
        .execute();
    }
  }
}

/** Whether an address is suppressed (opted out, possibly by a member since erased). */
export async function isSuppressed(db: Executor, secret: string, workspaceId: number, channel: Channel, address: string): Promise<boolean> {
  const row = await db
    .selectFrom('suppressions')
    .select('reason')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('address_hash', '=', addressHash(secret, channel, address))
    .executeTakeFirst();
  return row !== undefined;
}
