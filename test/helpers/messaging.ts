import type { Kysely } from 'kysely';
import type { Database, MessageKind } from '../../server/db/schema.ts';
import { PRIORITY } from '../../server/jobs/define.ts';
import { appendConsent } from '../../server/modules/members/consent.repo.ts';
import { normalizeMemberFields } from '../../server/modules/members/member-fields.ts';
import { insertMember } from '../../server/modules/members/members.repo.ts';
import { TEST_APP_SECRET } from './app.ts';

/** A member with SMS consent granted on a web form (the usual way members arrive). */
export async function consentingMember(
  db: Kysely<Database>,
  input: { workspaceId: number; phone: string; firstName?: string; timezone?: string; language?: string; now: number; consent?: boolean },
): Promise<number> {
  const { value } = normalizeMemberFields(
    { phone: input.phone, firstName: input.firstName ?? 'Test', timezone: input.timezone ?? null, language: input.language ?? null },
    { defaultCountry: 'US', workspaceTimezone: 'America/Chicago' },
  );
  const memberId = await insertMember(db, { workspaceId: input.workspaceId, fields: value, at: input.now });
  if (input.consent ?? true) {
    await appendConsent(db, TEST_APP_SECRET, {
      workspaceId: input.workspaceId,
      memberId,
      channel: 'sms',
      status: 'granted',
      method: 'web_form',
      address: value.phone,
      wording: 'Yes, text me about the campaign. Reply STOP to opt out.',
      at: input.now,
    });
  }
  return memberId;
}

/** The workspace's default SMS sender. */
export async function defaultSender(db: Kysely<Database>, workspaceId: number) {
  return db
    .selectFrom('senders')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', 'sms')
    .where('is_default', '=', 1)
    .executeTakeFirstOrThrow();
}

/** A broadcast row in 'sending' state, for outbox tests that do not go through the composer. */
export async function sendingBroadcast(db: Kysely<Database>, input: { workspaceId: number; senderId: number; now: number; name?: string }) {
  const row = await db
    .insertInto('broadcasts')
    .values({
      workspace_id: input.workspaceId,
      name: input.name ?? 'Outbox test',
      channel: 'sms',
      status: 'sending',
      audience: JSON.stringify({ communityIds: [], tags: [] }),
      sender_id: input.senderId,
      templates: JSON.stringify({ en: 'Hello' }),
      default_language: 'en',
      schedule_kind: 'now',
      created_at: input.now,
      updated_at: input.now,
      launched_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes outbox rows (and the broadcast's queued counter) the way the broadcast expansion does. */
export async function queueMessages(
  db: Kysely<Database>,
  input: {
    workspaceId: number;
    senderId: number;
    from: string;
    broadcastId: number | null;
    recipients: { memberId: number | null; to: string }[];
    body?: string;
    segments?: number;
    kind?: MessageKind;
    now: number;
    sendAt?: number;
    expiresAt?: number | null;
  },
) {
  const rows = input.recipients.map((r) => ({
    workspace_id: input.workspaceId,
    direction: 'out' as const,
    channel: 'sms' as const,
    kind: input.kind ?? ('broadcast' as const),
    member_id: r.memberId,
    broadcast_id: input.broadcastId,
    sender_id: input.senderId,
    to_address: r.to,
    from_address: input.from,
    subject: null,
    body: input.body ?? 'Rally Saturday at 10. Reply STOP to opt out',
    media_urls: null,
    segments: input.segments ?? 1,
    encoding: 'gsm7' as const,
    priority: PRIORITY.bulk,
    state: 'queued' as const,
    send_at: input.sendAt ?? input.now,
    expires_at: input.expiresAt ?? null,
    created_at: input.now,
    updated_at: input.now,
  }));
  for (let i = 0; i < rows.length; i += 1_000)
    await db
      .insertInto('messages')
      .values(rows.slice(i, i + 1_000))
      .execute();
  if (input.broadcastId !== null) {
    await db
      .insertInto('broadcast_stats')
      .values({ broadcast_id: input.broadcastId, workspace_id: input.workspaceId, key: 'queued', value: rows.length })
      .onConflict((oc) =>
        oc.columns(['broadcast_id', 'key']).doUpdateSet((eb) => ({ value: eb('broadcast_stats.value', '+', eb.ref('excluded.value')) })),
      )
      .execute();
  }
}

/** Waits (up to `timeoutMs`) until `check` returns true: for work that lands asynchronously (provider callbacks). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function statsOf(db: Kysely<Database>, broadcastId: number): Promise<Record<string, number>> {
  const rows = await db.selectFrom('broadcast_stats').select(['key', 'value']).where('broadcast_id', '=', broadcastId).execute();
  return Object.fromEntries(rows.map((row) => [row.key, Number(row.value)]));
}
