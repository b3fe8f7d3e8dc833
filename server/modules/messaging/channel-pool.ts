import type { Kysely, Selectable } from 'kysely';
import type { EmailAdapter } from '../../channels/email/contract.ts';
import { type Provider, providerOf } from '../../channels/registry.ts';
import type { ChannelSink, SmsAdapter } from '../../channels/sms/contract.ts';
import type { ChannelAccountsTable, Database } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { accountConfig } from './channels.repo.ts';
import { type StatusWriter, storeInbound } from './ingest.ts';

export type AccountRow = Selectable<ChannelAccountsTable>;

const KEY_TTL_MS = 2_000;
export type PooledAdapter =
  | { channel: 'sms'; provider: Provider; adapter: SmsAdapter; account: AccountRow }
  | { channel: 'email'; provider: Provider; adapter: EmailAdapter; account: AccountRow };

/**
 * One adapter per channel account, built from the account's decrypted configuration and rebuilt when the account
 * changes (updated_at). SMPP adapters hold a bind, so a process keeps one per account and closes it on shutdown.
 */
export function createChannelPool(deps: { db: Kysely<Database>; appSecret: string; sink: ChannelSink; logger: Logger; clock: Clock }) {
  const adapters = new Map<number, { updatedAt: number; pooled: PooledAdapter }>();
  const byKey = new Map<string, { at: number; pooled: PooledAdapter | null }>();

  function build(account: AccountRow): PooledAdapter {
    const provider = providerOf(account.provider);
    if (!provider) throw new Error(`unknown provider ${account.provider}`);
    const context = { accountId: account.id, sink: deps.sink, logger: deps.logger, now: deps.clock.now };
    const config = accountConfig(deps.appSecret, account);
    return provider.channel === 'sms'
      ? { channel: 'sms', provider, adapter: provider.create(config, context), account }
      : { channel: 'email', provider, adapter: provider.create(config, context), account };
  }

  return {
    /** The adapter of an account row (freshly read by the caller). */
    forAccount(account: AccountRow): PooledAdapter {
      const cached = adapters.get(account.id);
      if (cached && cached.updatedAt === account.updated_at) return cached.pooled;
      if (cached) void cached.pooled.adapter.close().catch(() => undefined);
      const pooled = build(account);
      adapters.set(account.id, { updatedAt: account.updated_at, pooled });
      return pooled;
    },
    /** The account a webhook address names; looked up at most every couple of seconds per key (callback bursts). */
    async byWebhookKey(key: string): Promise<PooledAdapter | null> {
      const now = deps.clock.now();
      const cached = byKey.get(key);
      if (cached && now - cached.at < KEY_TTL_MS && now >= cached.at) return cached.pooled;
      const account = await deps.db.selectFrom('channel_accounts').selectAll().where('webhook_key', '=', key).executeTakeFirst();
      const pooled = account ? this.forAccount(account) : null;
      if (byKey.size > 1_000) byKey.clear();
      byKey.set(key, { at: now, pooled });
      return pooled;
    },
    async close() {
      await Promise.all([...adapters.values()].map((entry) => entry.pooled.adapter.close().catch(() => undefined)));
      adapters.clear();
    },
  };
}
export type ChannelPool = ReturnType<typeof createChannelPool>;

/**
 * Where connection-based providers (SMPP, the simulator) hand over what they receive: statuses through the group
 * committing writer, inbound texts in their own transaction. A receipt that matches no message yet (it can overtake
 * the recording of the send's result) throws, so an SMSC delivers it again.
 */
export function createChannelSink(deps: {
  db: Kysely<Database>;
  clock: Clock;
  appSecret: string;
  statusWriter: StatusWriter;
}): ChannelSink {
  const accountOf = async (accountId: number) =>
    deps.db.selectFrom('channel_accounts').select(['id', 'workspace_id', 'provider']).where('id', '=', accountId).executeTakeFirst();
  return {
    async status(accountId, updates) {
      const account = await accountOf(accountId);
      if (!account) return;
      // A receipt can overtake the recording of its send's result (written within a few tens of milliseconds):
      // look again a few times before asking the SMSC to deliver it later.
      let pending = updates;
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const result = await deps.statusWriter.write(account, pending);
        if (result.unmatched === 0) return;
        pending = pending.filter((update) => update.messageId === null);
        if (pending.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${pending.length} delivery receipt(s) match no message yet`);
    },
    async inbound(accountId, messages) {
      const account = await accountOf(accountId);
      if (!account) return;
      await deps.db.transaction().execute((trx) => storeInbound(trx, account, messages, deps.clock.now()));
    },
  };
}
