import { type FakeServer, startFakeServer } from './http-server.ts';

// A receiver of outbound webhooks (workflow webhook steps) on 127.0.0.1: it records each POST (headers and raw body)
// and answers with the next status a test queued (200 once the queue is empty), as a partner's endpoint would.

export type ReceivedHook = { path: string; headers: Record<string, string | string[] | undefined>; body: string };

export type FakeWebhookReceiver = {
  readonly url: string;
  readonly received: ReceivedHook[];
  /** Answers the next requests with these statuses, in order. */
  answerWith: (...statuses: number[]) => void;
  close: () => Promise<void>;
};

export async function startWebhookReceiver(): Promise<FakeWebhookReceiver> {
  const received: ReceivedHook[] = [];
  const statuses: number[] = [];
  const server: FakeServer = await startFakeServer({
    latencyMs: () => 0,
    handle: (req, res, raw) => {
      received.push({ path: req.url ?? '/', headers: req.headers, body: raw });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? { ok: true } : { error: 'try later' }));
    },
  });
  return {
    url: server.url,
    received,
    answerWith: (...next) => statuses.push(...next),
    close: () => server.close(),
  };
}
