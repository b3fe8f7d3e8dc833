import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTwilio } from '../../../test/fakes/twilio.ts';
import { buildTestApp, signIn, TEST_APP_SECRET, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { eventually, queueMessages, sendingBroadcast, statsOf } from '../../../test/helpers/messaging.ts';
import { freePort } from '../../../test/helpers/net.ts';
import { PRIORITY } from '../../jobs/define.ts';

// Killing the sending worker at random points during a 10,000-message broadcast: every message ends sent exactly once
// or marked unknown (never sent twice, never lost).

const CHILD = fileURLToPath(new URL('../../../test/fixtures/processes/dispatcher.ts', import.meta.url));
const TOTAL = 10_000;

describe.each(testDialects())('a sending worker killed mid-broadcast on %s', (dialect) => {
  let t: TestApp | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await t?.close();
  });

  function startChild(publicUrl: string): Promise<ChildProcess> {
    if (!t) throw new Error('no app');
    const child = spawn(process.execPath, [CHILD], {
      env: {
        ...process.env,
        GS_DATABASE_URL: t.database.url,
        GS_SEARCH_PATH: t.database.searchPath ?? '',
        GS_APP_SECRET: TEST_APP_SECRET,
        GS_PUBLIC_URL: publicUrl,
        GS_LEASE_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.stdout?.once('data', () => resolve(child));
    });
  }

  it('ends with every message sent exactly once or marked unknown, none lost', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { PUBLIC_URL: publicUrl } });
    await t.app.listen({ host: '127.0.0.1', port });
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const twilio = await startFakeTwilio({ latencyMs: 5, keep: TOTAL * 2 });
    try {
      const account = await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/channel-accounts`,
        payload: {
          provider: 'twilio',
          name: 'Twilio',
          baseUrl: twilio.url,
          credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
        },
      });
      expect(account.statusCode, account.body).toBe(201);
      const sender = await owner.request({
        method: 'POST',
        url: `/api/workspaces/${ws}/senders`,
        payload: { channelAccountId: account.json().id, kind: 'long_code', address: '+15125550299', throughput: 5_000, isDefault: true },
      });
      expect(sender.statusCode, sender.body).toBe(201);
      const senderId = sender.json().id as number;
      // The dispatcher processes run on the real clock; the outbox rows are due now in real time.
      const now = Date.now();
      const db = t.database.db;
      const broadcastId = await sendingBroadcast(db, { workspaceId: ws, senderId, now });
      const recipients = Array.from({ length: TOTAL }, (_, i) => ({
        memberId: null,
        to: `+1512${String(2_000_000 + i).padStart(7, '0')}`,
      }));
      await queueMessages(db, { workspaceId: ws, senderId, from: '+15125550299', broadcastId, recipients, kind: 'test', now });
      await db.updateTable('messages').set({ priority: PRIORITY.bulk }).where('broadcast_id', '=', broadcastId).execute();

      const pending = async () => {
        const row = await db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('broadcast_id', '=', broadcastId)
          .where('state', 'in', ['queued', 'sending'])
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };
      // Kill the dispatcher at random points while it works through the outbox.
      let kills = 0;
      while (kills < 6 && (await pending()) > 0) {
        const child = await startChild(publicUrl);
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(Math.random() * 600)));
        child.kill('SIGKILL');
        kills += 1;
      }
      // A last dispatcher reconciles the expired leases and finishes.
      await startChild(publicUrl);
      await eventually(async () => (await pending()) === 0, 'the outbox to drain', 120_000);
      await twilio.idle();
      await eventually(async () => (await statsOf(db, broadcastId)).finished === TOTAL, 'every message to be settled', 30_000);

      const rows = await db.selectFrom('messages').select(['id', 'state']).where('broadcast_id', '=', broadcastId).execute();
      const received = new Map<number, number>();
      for (const m of twilio.messages) {
        const id = Number(new URL(m.statusCallback ?? 'http://x/').searchParams.get('m'));
        received.set(id, (received.get(id) ?? 0) + 1);
      }
      expect(rows).toHaveLength(TOTAL);
      expect(twilio.stats.accepted).toBe(twilio.messages.length);
      // Never twice.
      expect([...received.values()].filter((n) => n > 1)).toEqual([]);
      const unknown = rows.filter((r) => r.state === 'unknown');
      for (const row of rows) {
        // Never lost: settled as sent/delivered (the provider got it once) or unknown (it may have).
        expect(['sent', 'delivered', 'unknown']).toContain(row.state);
        if (row.state !== 'unknown') expect(received.get(row.id)).toBe(1);
      }
      expect(kills).toBeGreaterThan(0);
      const stats = await statsOf(db, broadcastId);
      expect(stats.queued).toBe(TOTAL);
      expect(stats.finished).toBe(TOTAL);
      expect((stats.unknown ?? 0) + (stats.sent ?? 0)).toBeGreaterThanOrEqual(TOTAL - unknown.length);
    } finally {
      await twilio.close();
    }
  });
});
