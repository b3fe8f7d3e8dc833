import { type Browser, type BrowserContext, devices, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// Call your representative in headless Chromium against the real app: an organizer imports officials and postal codes
// (a bad file is refused line by line), writes a call (the phone preview shows the script as last saved) and publishes
// it; a member on a phone opens the page, enters a ZIP code, gets tap-to-call buttons with the script, logs how each
// call went and lands on the thank-you; the results page counts the calls.

const POLL = { timeout: 15_000 };
const OFFICIALS = `name,title,office,district,phone,party
Maria Lopez,Representative,federal,TX-25,(202) 225-4865,D
Sam Carter,Senator,federal,TX,202-224-5922,R
`;
const BAD_DISTRICTS = 'zip,district\n78701,TX-25\n787,TX\n';
const DISTRICTS = 'zip,district\n78701,TX-25\n78701,TX\n';

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('calls in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let desk: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let publicPath = '';
  let callId = '';
  const pageErrors: string[] = [];
  const screenshot = (p: Page, name: string) => (dialect === 'sqlite' ? capture(p, name) : Promise.resolve());

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await desk.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await desk?.close();
    await t?.close();
  });

  const upload = (name: string, csv: string) =>
    page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });

  it('imports officials and postal codes, refusing a bad file by line number', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
    await page.goto(`${base}/actions/calls`);
    await page.getByText('No call campaigns yet').waitFor();
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.waitForURL(/\/actions\/calls\/targets$/);

    await upload('officials.csv', OFFICIALS);
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('The file is fine').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('table', { name: 'Officials' }).getByText('Maria Lopez').waitFor();

    await page.getByRole('tab', { name: 'Postal codes' }).click();
    await upload('zips.csv', BAD_DISTRICTS);
    await page.getByRole('button', { name: 'Check file' }).click();
    const problems = page.getByRole('table', { name: 'Problems in the file' });
    await problems.getByText('"787" is not a postal code').waitFor();
    expect(await problems.locator('tbody tr td').first().textContent()).toBe('3');
    await expect.poll(() => page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'call-targets-bad-file.png');
    await upload('zips.csv', DISTRICTS);
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('2 of 2 rows will be imported').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('2 postal code mappings', { exact: true }).waitFor();
    await screenshot(page, 'call-targets.png');
  });

  it('writes a call with a script and publishes it', async () => {
    await page.goto(`${base}/actions/calls/new`);
    await page.getByRole('textbox', { name: 'Title' }).fill('Fund the bus lanes');
    await page.getByRole('textbox', { name: 'Summary' }).fill('Two minutes to save the bus lanes.');
    await page
      .getByRole('textbox', { name: 'Call script' })
      .fill(
        'Hi {{ target.title }} {{ target.name }}, I am {{ member.first_name }} from {{ member.postal_code }}. Please fund the bus lanes.',
      );
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/actions\/calls\/\d+$/);
    callId = new URL(page.url()).pathname.split('/').pop() ?? '';
    // Beside the editor, the page on a phone: the officials of a sample ZIP code with the script filled in.
    const preview = page.frameLocator('iframe[data-preview]');
    await preview.getByRole('heading', { level: 1, name: 'Fund the bus lanes' }).waitFor();
    await preview.getByText('Hi Representative Maria Lopez, I am [first name] from 78701. Please fund the bus lanes.').waitFor();
    // Saving shows the change there.
    const script = page.getByRole('textbox', { name: 'Call script' });
    await script.fill(`${await script.inputValue()} Thank you for your time.`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Call saved').waitFor();
    await preview
      .getByText('Hi Senator Sam Carter, I am [first name] from 78701. Please fund the bus lanes. Thank you for your time.')
      .waitFor();
    const frame = await (await page.locator('iframe[data-preview]').elementHandle())?.contentFrame();
    expect(await frame?.evaluate(() => window.innerWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'call-draft-preview.png');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('button', { name: 'Close' }).waitFor();
    publicPath = (await page.getByRole('link', { name: /\/p\/groundswell-demo\/call\// }).textContent())?.trim() ?? '';
    expect(publicPath).toBe('/p/groundswell-demo/call/fund-the-bus-lanes');
    await screenshot(page, 'call-editor.png');
  });

  it('a member on a phone enters a ZIP code, taps to call, and logs how each call went', async () => {
    const phone = await browser.newContext({ ...devices['Pixel 7'], locale: 'en-US' });
    const member = await phone.newPage();
    member.setDefaultTimeout(15_000);
    await member.goto(`${origin}${publicPath}`);
    await member.getByRole('heading', { name: 'Fund the bus lanes' }).waitFor();
    await member.getByRole('textbox', { name: 'First name' }).fill('Rosa');
    await member.getByRole('textbox', { name: 'Mobile phone' }).fill('(512) 555-0131');
    await member.getByRole('textbox', { name: 'ZIP code' }).fill('78701');
    await screenshot(member, 'call-page-form-phone.png');
    await member.getByRole('button', { name: 'Find who to call' }).click();

    const callMaria = member.getByRole('link', { name: /Call Maria Lopez/ });
    await callMaria.waitFor();
    expect(await callMaria.getAttribute('href')).toBe('tel:+12022254865');
    expect(await member.getByRole('link', { name: /Call Sam Carter/ }).getAttribute('href')).toBe('tel:+12022245922');
    await member.getByText('Hi Representative Maria Lopez, I am Rosa from 78701. Please fund the bus lanes.').waitFor();
    // A big button: most of the phone's width, comfortably tall.
    const box = await callMaria.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(300);
    expect(box?.height ?? 0).toBeGreaterThan(48);
    await screenshot(member, 'call-page-targets-phone.png');

    await member
      .getByRole('group', { name: 'How did your call to Maria Lopez go?' })
      .getByRole('button', { name: 'I left a voicemail' })
      .click();
    await member.getByText('We logged your call to Maria Lopez: I left a voicemail.').waitFor();
    await member
      .getByRole('group', { name: 'How did your call to Sam Carter go?' })
      .getByRole('button', { name: 'I talked to someone' })
      .click();
    await member.getByRole('heading', { name: 'Thank you, Rosa!' }).waitFor();
    await screenshot(member, 'call-page-thanks-phone.png');
    await phone.close();

    const results = (await api.request({ method: 'GET', url: `/api/workspaces/${t.demo.workspaceId}/calls/${callId}/results` })).json();
    expect(results).toMatchObject({ total: 2, callers: 1, byOutcome: { reached: 1, voicemail: 1 } });
  });

  it('shows the calls on the results panel', async () => {
    await page.reload();
    await expect.poll(() => page.locator('[data-count="calls"]').textContent(), POLL).toBe('2');
    await page.getByRole('table', { name: 'Calls by person called' }).getByText('Maria Lopez').waitFor();
    await screenshot(page, 'call-results.png');
    expect(pageErrors).toEqual([]);
  });
});
