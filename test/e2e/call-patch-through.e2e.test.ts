import { type Browser, type BrowserContext, devices, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTwilio, startFakeTwilio } from '../fakes/twilio.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';

// Patch-through in headless Chromium: an organizer switches on "Connect callers by phone" in the call editor, choosing
// the workspace's Twilio account and number; a member on a phone presses "Call me and connect me", the fake Twilio calls
// them and dials the mayor, and the call is counted from its result.

const LINE = '+15125550299';

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('patch-through in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let twilio: FakeTwilio;
  let desk: BrowserContext;
  let page: Page;
  let origin: string;
  let callId = 0;
  let publicPath = '';
  const pageErrors: string[] = [];
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());
  const request = (method: 'GET' | 'POST', path: string, payload?: object) =>
    api.request({ method, url: `/api/workspaces/${t.demo.workspaceId}${path}`, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir, PUBLIC_URL: origin } });
    t.clock.set(Date.now());
    await t.app.listen({ port, host: '127.0.0.1' });
    api = await signIn(t.app, t.demo.email, t.demo.password);
    twilio = await startFakeTwilio();
    const account = await request('POST', '/channel-accounts', {
      provider: 'twilio',
      name: 'Twilio voice',
      baseUrl: twilio.url,
      credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken },
    });
    expect(account.statusCode, account.body).toBe(201);
    const accountId = (account.json() as { id: number }).id;
    const sender = await request('POST', '/senders', {
      channelAccountId: accountId,
      kind: 'long_code',
      address: LINE,
      throughput: 1,
      isDefault: false,
    });
    expect(sender.statusCode, sender.body).toBe(201);
    const call = await request('POST', '/calls', {
      title: 'Call the mayor',
      targetMode: 'fixed',
      script: 'Hi {{ target.name }}, I am {{ member.first_name }}. Please keep the bus lanes.',
      fixedTargets: [{ name: 'Elena Ruiz', title: 'Mayor', phone: '(512) 974-2000' }],
    });
    expect(call.statusCode, call.body).toBe(201);
    callId = (call.json() as { id: number }).id;
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await desk?.close();
    await twilio?.idle();
    await twilio?.close();
    await t?.close();
  });

  it('an organizer switches on "Connect callers by phone" with the Twilio account and its number', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}`);
    await page.goto(`${origin}/w/${t.demo.workspaceId}/actions/calls/${callId}`);
    await page.getByRole('textbox', { name: 'Title', exact: true }).waitFor();
    await page.getByRole('switch', { name: 'Connect callers by phone' }).check();
    await expect.poll(() => page.getByRole('combobox', { name: 'Twilio account' }).inputValue()).toBe('Twilio voice');
    await expect.poll(() => page.getByRole('combobox', { name: 'Calls come from' }).inputValue()).toBe(LINE);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Call saved').waitFor();
    await screenshot(page, 'call-patch-through-editor.png');
    const saved = (await request('GET', `/calls/${callId}`)).json() as { patchThrough: unknown };
    expect(saved.patchThrough).toMatchObject({ accountName: 'Twilio voice', from: LINE });
    const published = await request('POST', `/calls/${callId}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    publicPath = (published.json() as { path: string }).path;
    expect(pageErrors).toEqual([]);
  });

  it('a member on a phone asks to be called and is connected to the mayor', async () => {
    const phone = await browser.newContext({ ...devices['Pixel 7'], locale: 'en-US', javaScriptEnabled: false });
    const member = await phone.newPage();
    member.setDefaultTimeout(15_000);
    await member.goto(`${origin}${publicPath}`);
    await member.getByRole('textbox', { name: 'First name' }).fill('Rosa');
    await member.getByRole('textbox', { name: 'Mobile phone' }).fill('(512) 555-0131');
    await member.getByRole('button', { name: 'Show me who to call' }).click();
    const yourNumber = member.getByRole('textbox', { name: 'Your mobile number' });
    await yourNumber.waitFor();
    expect(await yourNumber.inputValue()).toBe('(512) 555-0131');
    await screenshot(member, 'call-patch-through-offer-phone.png');
    await member.getByRole('button', { name: 'Call me and connect me' }).click();
    await member.getByRole('heading', { name: 'We’re calling you now' }).waitFor();
    await member.getByText('Hi Elena Ruiz, I am Rosa. Please keep the bus lanes.').waitFor();
    await screenshot(member, 'call-patch-through-calling-phone.png');
    await twilio.idle();
    expect(twilio.calls.map((c) => ({ to: c.to, dialed: c.dialed }))).toEqual([{ to: '+15125550131', dialed: '+15129742000' }]);
    const results = (await request('GET', `/calls/${callId}/results`)).json();
    expect(results).toMatchObject({ total: 1, byOutcome: { reached: 1 } });
    await phone.close();
  });
});
