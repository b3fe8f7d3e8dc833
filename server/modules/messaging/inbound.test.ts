import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { consentingMember, defaultSender } from '../../../test/helpers/messaging.ts';
import { processInbound } from './inbound.job.ts';
import { storeInbound } from './ingest.ts';

// The inbound pipeline's order: a member's texts are taken one at a time and in the order the member sent them, even
// when the provider delivers them swapped or two workers pick them up at the same moment.

describe.each(testDialects())('inbound texts of one member on %s', (dialect) => {
  let t: TestApp;
  let ws: number;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const account = async () => {
    const sender = await defaultSender(db(), ws);
    const row = await db()
      .selectFrom('channel_accounts')
      .select(['id', 'workspace_id', 'provider'])
      .where('id', '=', sender.channel_account_id)
      .executeTakeFirstOrThrow();
    return { sender, account: row };
  };
  let seq = 0;
  const store = async (from: string, body: string, receivedAt: number) => {
    const { sender, account: acc } = await account();
    seq += 1;
    const ids = await db()
      .transaction()
      .execute((trx) =>
        storeInbound(trx, acc, [{ providerId: `ORDER${seq}`, from, to: sender.address, body, mediaUrls: [], receivedAt }], t.clock.now()),
      );
    return ids[0] as number;
  };

  it('takes a text that arrived late after the one the member sent before it', async () => {
    const phone = '+15125550181';
    const memberId = await consentingMember(db(), { workspaceId: ws, phone, now: t.clock.now() });
    const sentFirst = t.clock.now() - 5_000;
    const sentSecond = t.clock.now() - 2_000;
    // The second text reaches us first.
    const second = await store(phone, 'And what time does it start?', sentSecond);
    const first = await store(phone, 'Is the rally still on?', sentFirst);
    await t.runJobs();

    const conversation = await db()
      .selectFrom('conversations')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
    // The thread ends with the text the member sent last, and both wait for a person.
    expect(conversation.last_message_id).toBe(second);
    expect(conversation.preview).toBe('And what time does it start?');
    expect(conversation.last_inbound_at).toBe(sentSecond);
    expect(conversation.needs_response).toBe(1);
    expect(conversation.unread).toBe(2);
    const states = await db().selectFrom('messages').select(['id', 'state']).where('id', 'in', [first, second]).execute();
    expect(states.every((m) => m.state === 'processed')).toBe(true);
  });

  it('processes each text once when two workers take the same member at the same moment', async () => {
    const phone = '+15125550182';
    await consentingMember(db(), { workspaceId: ws, phone, now: t.clock.now() });
    const a = await store(phone, 'HELP', t.clock.now() - 3_000);
    const b = await store(phone, 'help', t.clock.now() - 1_000);
    const run = (messageId: number) =>
      db()
        .transaction()
        .execute((trx) => processInbound(trx, TEST_APP_SECRET, { workspaceId: ws, messageId, now: t.clock.now() }));
    const outcomes = await Promise.all([run(b), run(a)]);
    // Whichever ran first took both texts (the earlier first); the other found nothing left to do.
    expect(outcomes.filter((o) => o === 'help').length + outcomes.filter((o) => o === 'ignored').length).toBe(2);
    const replies = await db()
      .selectFrom('messages')
      .select(['body', 'kind'])
      .where('workspace_id', '=', ws)
      .where('to_address', '=', phone)
      .where('direction', '=', 'out')
      .execute();
    expect(replies).toHaveLength(2);
    expect(replies.every((m) => m.kind === 'compliance' && /STOP/.test(m.body))).toBe(true);
  });
});
