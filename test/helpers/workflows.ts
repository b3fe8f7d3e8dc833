import type { WorkflowDefinition } from '../../common/workflows.ts';
import { storeInbound } from '../../server/modules/messaging/ingest.ts';
import type { Client, TestApp } from './app.ts';
import { defaultSender } from './messaging.ts';

// Driving workflows in tests: creating and publishing through the API, texting in through the real inbound pipeline,
// and letting the job runner work with the test clock moved on (recurring ticks and triggers come due every few
// seconds).

export type WorkflowsDriver = {
  api: (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown, client?: Client) => ReturnType<Client['request']>;
  /** Creates and publishes a workflow; returns its id. */
  publish: (definition: WorkflowDefinition, name?: string) => Promise<number>;
  /** A text from this number, stored as the provider webhook would store it. */
  text: (phone: string, body: string) => Promise<number>;
  /**
   * Runs what is due, moves the clock on (default 10 s: past the next tick and triggers slot) and runs what came due.
   */
  settle: (ms?: number) => Promise<void>;
  /** Outbound texts to a number, oldest first. */
  textsTo: (phone: string) => Promise<string[]>;
};

export function workflowsDriver(t: TestApp, owner: () => Client): WorkflowsDriver {
  const ws = t.demo.workspaceId;
  const db = () => t.database.db;
  let seq = 0;
  const api: WorkflowsDriver['api'] = (method, path, payload, client) =>
    (client ?? owner()).request({
      method,
      url: `/api/workspaces/${ws}${path}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    api,
    async publish(definition, name = 'Welcome') {
      const created = await api('POST', '/workflows', { name, definition });
      if (created.statusCode !== 201) throw new Error(`create failed: ${created.statusCode} ${created.body}`);
      const id = (created.json() as { id: number }).id;
      const published = await api('POST', `/workflows/${id}/publish`);
      if (published.statusCode !== 200) throw new Error(`publish failed: ${published.statusCode} ${published.body}`);
      return id;
    },
    async text(phone, body) {
      const sender = await defaultSender(db(), ws);
      const account = await db()
        .selectFrom('channel_accounts')
        .select(['id', 'workspace_id', 'provider'])
        .where('id', '=', sender.channel_account_id)
        .executeTakeFirstOrThrow();
      seq += 1;
      const ids = await db()
        .transaction()
        .execute((trx) =>
          storeInbound(
            trx,
            account,
            [{ providerId: `WF${seq}`, from: phone, to: sender.address, body, mediaUrls: [], receivedAt: t.clock.now() }],
            t.clock.now(),
          ),
        );
      await t.runJobs();
      return ids[0] as number;
    },
    async settle(ms = 10_000) {
      await t.runJobs();
      t.clock.advance(ms);
      await t.runJobs();
    },
    async textsTo(phone) {
      const rows = await db()
        .selectFrom('messages')
        .select('body')
        .where('workspace_id', '=', ws)
        .where('to_address', '=', phone)
        .where('direction', '=', 'out')
        .where('kind', '=', 'automation')
        .orderBy('id')
        .execute();
      return rows.map((r) => r.body);
    },
  };
}
