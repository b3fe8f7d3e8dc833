import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { createMessagingRuntime } from '../../server/modules/messaging/runtime.ts';
import { TEST_APP_SECRET, type TestApp } from './app.ts';

// What the browser tests that follow texts end to end share: the job worker and the dispatcher beside the test app
// (as `npm start` runs them), the simulator as the workspace's SMS sender, and a dashboard page that records errors.

/** A call to the workspace's API that expects a status and returns the JSON body. */
export type ApiCall = <T>(method: 'GET' | 'POST' | 'PATCH', path: string, status: number, payload?: object) => Promise<T>;

/** Starts the job worker (workflows, expansion, inbound texts) and the SMS dispatcher; `stop` ends both. */
export function startBackground(t: TestApp): { stop: () => Promise<void> } {
  const logger = createLogger({ level: 'silent' });
  const worker = createWorker({
    db: t.database.db,
    registry: createAppJobRegistry({ db: t.database.db, clock: t.clock, appSecret: TEST_APP_SECRET, config: t.config }),
    clock: t.clock,
    logger,
    concurrency: 2,
    pollMs: 50,
    leaseMs: 60_000,
  });
  worker.start();
  const runtime = createMessagingRuntime({
    db: t.database.db,
    clock: t.clock,
    logger,
    appSecret: TEST_APP_SECRET,
    publicUrl: t.config.publicUrl,
  });
  const dispatcher = runtime.createDispatcher({ pollMs: 50 });
  dispatcher.start();
  return {
    stop: async () => {
      await dispatcher.stop(5_000);
      await runtime.close();
      await worker.stop(5_000);
    },
  };
}

/** Makes the simulator the default SMS sender (+15125550100) with these settings (failure and reply rates, delays). */
export async function useSimulator(call: ApiCall, settings: Record<string, number>): Promise<void> {
  const { accounts } = await call<{ accounts: { id: number; provider: string }[] }>('GET', '/channel-accounts', 200);
  const existing = accounts.find((account) => account.provider === 'simulator');
  const account = existing
    ? await call<{ id: number }>('PATCH', `/channel-accounts/${existing.id}`, 200, { settings })
    : await call<{ id: number }>('POST', '/channel-accounts', 201, { provider: 'simulator', name: 'Simulator', credentials: {}, settings });
  const { senders } = await call<{ senders: { channel: string; isDefault: boolean }[] }>('GET', '/senders', 200);
  if (!senders.some((sender) => sender.channel === 'sms' && sender.isDefault)) {
    await call('POST', '/senders', 201, { channelAccountId: account.id, kind: 'long_code', address: '+15125550100', isDefault: true });
  }
}

/** A desktop page whose uncaught errors and console errors (other than failed loads) land in `errors`. */
export async function openDashboardPage(
  browser: Browser,
  viewport: { width: number; height: number },
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  return { context, page };
}

/** Signs the demo organizer in on the login page and waits for the workspace's home (`home`). */
export async function signInOnPage(page: Page, origin: string, demo: { email: string; password: string }, home: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.getByRole('textbox', { name: 'Email' }).fill(demo.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(home);
}
