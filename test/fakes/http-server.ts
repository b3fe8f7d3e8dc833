import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The plumbing the HTTP provider fakes (Twilio, Telnyx) share: a keep-alive server on 127.0.0.1 that reads each
// body, waits the configured latency, then hands the request to the fake; stopping and starting to listen on the
// same port (connections refused); and the callbacks the fake posts, tracked so a test can wait for them.

export type FakeServer = {
  readonly url: string;
  /** Stop listening (new connections are refused) or listen again on the same port. */
  refuseConnections(refuse: boolean): Promise<void>;
  /** Remembers a callback in flight until it settles. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Resolves when every tracked callback has settled. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export async function startFakeServer(options: {
  /** Read on every request, so a test can change it while the fake runs. */
  latencyMs: () => number;
  handle: (req: IncomingMessage, res: ServerResponse, raw: string) => void;
}): Promise<FakeServer> {
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let refusing = false;
  let port = 0;

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const latency = options.latencyMs();
      if (latency <= 0) return options.handle(req, res, raw);
      const timer = setTimeout(() => {
        timers.delete(timer);
        options.handle(req, res, raw);
      }, latency);
      timers.add(timer);
    });
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();

  const fake: FakeServer = {
    url: `http://127.0.0.1:${port}`,
    async refuseConnections(on) {
      if (on === refusing) return;
      refusing = on;
      if (on) {
        server.close();
        server.closeAllConnections();
      } else {
        await listen();
      }
    },
    track(promise) {
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise)).catch(() => {});
      return promise;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await fake.idle();
      if (refusing) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
