import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker, type Worker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { buildTestApp, signIn, TEST_APP_SECRET, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// Members, imports and communities in headless Chromium against the real app (fresh database, demo workspace, a job
// worker for the import): import a CSV through the wizard, find a member, read their timeline and consent ledger,
// and see the community tree with its counts. The dashboard is built from the current sources into a temp folder.

const FIXTURE = fileURLToPath(new URL('../fixtures/imports/action-network.csv', import.meta.url));
/** How long a poll waits for the screen to catch up (vitest's default second is short on a busy machine). */
const POLL = { timeout: 15_000 };
const WORDING = 'I agree to receive recurring texts from Climate Austin. Msg & data rates may apply. Reply STOP to opt out.';

// Built once, shared by the runs on each database.
let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('members, imports and communities in a browser (%s)', (dialect) => {
  let t: TestApp;
  let worker: Worker;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let api: Awaited<ReturnType<typeof signIn>>;
  let importId = '';
  const pageErrors: string[] = [];
  /** GET a JSON document of the demo workspace's API, as the signed-in owner. */
  const read = async <T>(path: string): Promise<T> => {
    const response = await api.request({ method: 'GET', url: `/api/workspaces/${t.demo.workspaceId}${path}` });
    expect(response.statusCode, path).toBe(200);
    return response.json() as T;
  };
  type ImportCounts = { status: string; totalRows: number; errorCount: number; createdCount: number };
  // The screenshots come from the SQLite run; the PostgreSQL run checks the same behaviour.
  const screenshot = (page: Page, name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    // Dates on screen read as "just now" rather than hours off.
    t.clock.set(Date.now());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    base = `${origin}/w/${t.demo.workspaceId}`;

    // A network with one chapter, created through the API as an organizer would.
    api = await signIn(t.app, t.demo.email, t.demo.password);
    const client = api;
    const communitiesUrl = `/api/workspaces/${t.demo.workspaceId}/communities`;
    const network = await client.request({
      method: 'POST',
      url: communitiesUrl,
      payload: { name: 'Climate Network', visibility: 'public' },
    });
    expect(network.statusCode).toBe(201);
    const chapter = await client.request({
      method: 'POST',
      url: communitiesUrl,
      payload: { name: 'Climate – Austin', visibility: 'request', parentId: network.json().id, keywords: ['CLIMATEATX'] },
    });
    expect(chapter.statusCode).toBe(201);

    worker = createWorker({
      db: t.database.db,
      registry: createAppJobRegistry({ db: t.database.db, clock: t.clock, appSecret: TEST_APP_SECRET, config: t.config }),
      clock: t.clock,
      logger: createLogger({ level: 'silent' }),
      concurrency: 1,
      pollMs: 50,
      leaseMs: 60_000,
    });
    worker.start();

    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await worker?.stop(5_000);
    await t?.close();
  });

  it('signs in and finds no members yet', async () => {
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members', exact: true }).click();
    await page.waitForURL(`${base}/members`);
    await page.getByText('No members yet').waitFor();
  });

  it('imports a CSV file through the wizard: upload, match columns, check, run', async () => {
    await page.getByRole('link', { name: 'Import' }).click();
    await page.waitForURL(`${base}/members/import`);
    await page.getByRole('heading', { name: 'Import members' }).waitFor();

    await page.getByLabel('CSV file').setInputFiles(FIXTURE);
    await page.waitForURL(/\/members\/import\/\d+$/);
    importId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.getByRole('table', { name: 'Column mapping' }).waitFor();

    // The server's suggestions are filled in (Action Network's column names); an unknown column becomes a custom field.
    expect(await page.getByRole('combobox', { name: 'Import can2_phone as' }).inputValue()).toBe('Phone');
    expect(await page.getByRole('combobox', { name: 'Import zip_code as' }).inputValue()).toBe('Postal / ZIP code');
    await page.getByRole('combobox', { name: 'Import uuid as' }).click();
    await page.getByRole('option', { name: 'Custom field “uuid”' }).click();
    expect(await page.getByRole('combobox', { name: 'Column with SMS consent' }).inputValue()).toBe('can2_sms_status');
    expect(await page.getByRole('combobox', { name: 'Column with email consent' }).inputValue()).toBe('can2_subscription_status');
    // Consent needs the words people agreed to; there is no made-up default.
    await expect.poll(() => page.getByRole('button', { name: 'Check the file' }).isDisabled(), POLL).toBe(true);
    await page.getByLabel('The exact words they agreed to').fill(WORDING);

    await page.getByRole('combobox', { name: 'Add to communities' }).click();
    await page.getByRole('option', { name: 'Climate – Austin' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('combobox', { name: 'Tag them' }).fill('spring-drive');
    await page.keyboard.press('Enter');
    await screenshot(page, 'import-mapping.png');

    await page.getByRole('button', { name: 'Check the file' }).click();
    const importButton = page.getByRole('button', { name: /^Import [\d,]+ rows?$/ });
    await importButton.waitFor({ timeout: 30_000 });
    const checked = await read<ImportCounts>(`/imports/${importId}`);
    expect(checked.status).toBe('validated');
    // The fixture has rows without any way to reach the person: they are reported with their line, and skipped.
    expect(checked.errorCount).toBeGreaterThan(0);
    await page.getByText(`${checked.errorCount} ${checked.errorCount === 1 ? 'row' : 'rows'} cannot be imported`).waitFor();
    expect(await importButton.textContent()).toBe(`Import ${checked.totalRows - checked.errorCount} rows`);
    const skipped = page.getByRole('table', { name: 'Problems found' }).getByRole('row').filter({ hasText: 'skipped' });
    expect(await skipped.count()).toBeGreaterThan(0);
    expect(await skipped.first().textContent()).toMatch(/^\d+skipped/);

    await importButton.click();
    await page.getByText('Import finished').waitFor({ timeout: 30_000 });
    const done = await read<ImportCounts>(`/imports/${importId}`);
    expect(done.status).toBe('done');
    expect(done.createdCount).toBeGreaterThan(0);
    expect(await page.getByTestId('import-progress').textContent()).toContain('100%');
    expect(await page.locator('[data-count="New members"]').textContent()).toBe(`New members${done.createdCount}`);
    expect(await page.getByRole('link', { name: /Error report/ }).getAttribute('href')).toBe(
      `/api/workspaces/${t.demo.workspaceId}/imports/${importId}/errors?format=csv`,
    );
    await screenshot(page, 'import-done.png');

    const past = page.getByRole('table', { name: 'Past imports' });
    expect(await past.getByRole('row').filter({ hasText: 'action-network.csv' }).filter({ hasText: 'done' }).count()).toBe(1);
  });

  it('lists the imported members and finds one by phone number', async () => {
    const { createdCount } = await read<ImportCounts>(`/imports/${importId}`);
    await page.getByRole('link', { name: 'See the members' }).click();
    await page.waitForURL(`${base}/members`);
    await page.getByRole('link', { name: 'Maria Garcia' }).waitFor();
    // The workspace was empty: everyone listed came from the import.
    await page.getByText(`${createdCount} members`, { exact: true }).waitFor();
    expect(await page.getByRole('table').getByRole('row').count()).toBe(Math.min(createdCount, 50) + 1);
    const aisha = page.getByRole('row').filter({ hasText: 'Aisha Johnson' });
    expect(await aisha.textContent()).toContain('+1 512 555 0103');
    expect(await aisha.textContent()).toContain('opted out');
    await screenshot(page, 'members-list.png');

    await page.getByRole('searchbox', { name: 'Search members' }).fill('512-555-0102');
    await page.waitForURL(/q=512-555-0102/);
    await expect.poll(() => page.getByRole('table').getByRole('row').count(), POLL).toBe(2);
    await page.getByRole('link', { name: 'James Smith' }).waitFor();
  });

  it('opens the profile with the timeline and the consent ledger', async () => {
    await page.getByRole('row').filter({ hasText: 'James Smith' }).click();
    await page.waitForURL(/\/members\/\d+$/);
    await page.getByRole('heading', { name: 'James Smith' }).waitFor();
    expect(await page.getByText('SMS subscribed').count()).toBe(1);
    await page.getByRole('group', { name: 'Tags' }).getByText('spring-drive').waitFor();

    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Added by an import').waitFor();
    await timeline
      .getByRole('link', { name: `import #${importId}` })
      .first()
      .waitFor();
    await timeline.locator('[data-activity="joined"]').getByRole('link', { name: 'Climate – Austin' }).waitFor();
    await timeline.getByText('Agreed to receive text messages (import)').waitFor();
    await screenshot(page, 'member-profile.png');

    await page.getByRole('tab', { name: 'Consent' }).click();
    const ledger = page.getByRole('list', { name: 'Consent history' });
    const sms = ledger.getByRole('listitem').filter({ hasText: 'SMS' }).filter({ hasText: 'Opted in' });
    await sms.first().waitFor();
    expect(await sms.first().textContent()).toContain(WORDING);
    expect(await sms.first().textContent()).toContain(`Import: #${importId}`);
    await screenshot(page, 'member-consent.png');

    await page.getByRole('tab', { name: 'Details' }).click();
    expect(await page.getByRole('textbox', { name: 'Value of uuid' }).inputValue()).toBe('action_network:0c1d2e3f-0002');
  });

  it('shows the community tree with direct and total member counts', async () => {
    const { communities } = await read<{ communities: { name: string; memberCount: number }[] }>('/communities');
    const direct = communities.find((c) => c.name === 'Climate – Austin')?.memberCount ?? 0;
    expect(direct).toBeGreaterThan(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities', exact: true }).click();
    await page.waitForURL(`${base}/communities`);
    const tree = page.getByRole('table', { name: 'Communities' });
    const chapter = tree.getByRole('row').filter({ hasText: 'Climate – Austin' });
    await chapter.waitFor();
    expect(await chapter.getByLabel(`${direct} direct members`).count()).toBe(1);
    expect(await chapter.textContent()).toContain('CLIMATEATX');
    const network = tree.getByRole('row').filter({ hasText: 'Climate Network' });
    expect(await network.getByLabel('0 direct members').count()).toBe(1);
    expect(await network.getByLabel(`${direct} members in total`).count()).toBe(1);
    await screenshot(page, 'communities.png');

    await chapter.getByRole('link', { name: 'Climate – Austin' }).click();
    await page.getByRole('table', { name: 'Community members' }).getByRole('link', { name: 'James Smith' }).waitFor();
    expect(await page.getByTestId('join-url').textContent()).toContain('/p/');
  });

  it('creates a micro-community under the chapter and adds a member to it as a leader', async () => {
    await page.goto(`${base}/communities`);
    await page.getByRole('button', { name: 'New community' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Fearful flyers');
    await dialog.getByRole('combobox', { name: 'Part of' }).click();
    await page.getByRole('option', { name: 'Climate – Austin' }).click();
    await dialog.getByRole('combobox', { name: 'Join keywords' }).fill('stop');
    await page.keyboard.press('Enter');
    await dialog.getByText('STOP is reserved for opt-out, opt-in and help').waitFor();
    expect(await dialog.getByRole('button', { name: 'Create community' }).isDisabled()).toBe(true);
    await dialog.getByRole('combobox', { name: 'Join keywords' }).press('Backspace');
    await dialog.getByRole('combobox', { name: 'Join keywords' }).fill('flyers');
    await page.keyboard.press('Enter');
    await screenshot(page, 'community-modal.png');
    await dialog.getByRole('button', { name: 'Create community' }).click();
    await page.waitForURL(/\/communities\/\d+$/);
    await page.getByRole('heading', { name: 'Fearful flyers' }).waitFor();
    await page.getByRole('link', { name: 'Climate – Austin' }).first().waitFor();

    await page.getByRole('button', { name: 'Add members' }).click();
    const picker = page.getByRole('dialog');
    await picker.getByRole('textbox', { name: 'Find members' }).fill('Maria');
    await picker.getByRole('checkbox', { name: /Maria Garcia/ }).check();
    await picker.getByRole('button', { name: 'Add member' }).click();
    await picker.waitFor({ state: 'hidden' });
    const members = page.getByRole('table', { name: 'Community members' });
    await members.getByRole('link', { name: 'Maria Garcia' }).waitFor();

    await members.getByRole('combobox', { name: 'Role of Maria Garcia' }).click();
    await page.getByRole('option', { name: 'Leader' }).click();
    await page.getByText('Maria Garcia is now leader of Fearful flyers.').waitFor();
    await expect.poll(async () => page.locator('[data-stat="Leaders"]').textContent(), POLL).toContain('Maria Garcia');
    await screenshot(page, 'community-page.png');
  });

  it('refuses a member whose number is taken, naming who has it', async () => {
    await page.goto(`${base}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'First name' }).fill('Rosie');
    await dialog.getByRole('textbox', { name: 'Mobile phone' }).fill('512 555 0101');
    await dialog.getByRole('checkbox', { name: 'This person agreed to receive text messages' }).check();
    await dialog.getByRole('button', { name: 'Add member' }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText('Already a member').waitFor();
    expect(await alert.textContent()).toContain('Maria Garcia');
    await screenshot(page, 'member-duplicate.png');
    await alert.getByRole('link', { name: /Open member/ }).click();
    await page.getByRole('heading', { name: 'Maria Garcia' }).waitFor();
  });

  it('records an opt-out and a note on a profile', async () => {
    await page.getByRole('tab', { name: 'Consent' }).click();
    const ledger = page.getByRole('list', { name: 'Consent history' });
    await ledger.getByRole('listitem').first().waitFor();
    const before = await ledger.getByRole('listitem').count();
    await page.getByRole('button', { name: 'Record consent / opt-out' }).click();
    await page.getByText('Opted out', { exact: true }).click();
    await page.getByRole('textbox', { name: 'How they asked to stop' }).fill('Asked at the May 3 rally to stop receiving texts.');
    await page.getByRole('button', { name: 'Record opt-out' }).click();
    // Appended, newest first; the earlier entries stay as they were.
    await expect.poll(() => ledger.getByRole('listitem').count(), POLL).toBe(before + 1);
    const newest = await ledger.getByRole('listitem').first().textContent();
    expect(newest).toContain('Opted out');
    expect(newest).toContain('SMS');
    expect(newest).toContain('Asked at the May 3 rally to stop receiving texts.');
    expect(newest).toContain('Demo Organizer');
    await page.getByText('SMS opted out').first().waitFor();

    await page.getByRole('tab', { name: 'Notes' }).click();
    await page.getByRole('textbox', { name: 'New note' }).fill('Prefers email after the rally.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('list', { name: 'Notes' }).getByText('Prefers email after the rally.').waitFor();
    await expect.poll(() => page.getByRole('tab', { name: /Notes/ }).textContent(), POLL).toContain('1');
  });

  it('edits details and tags on a profile', async () => {
    await page.getByRole('textbox', { name: 'Add a tag' }).fill('Speaker');
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Tags' }).getByText('speaker').waitFor();
    await page.getByRole('button', { name: 'Remove tag austin' }).click();
    await expect.poll(() => page.getByRole('group', { name: 'Tags' }).getByText('austin').count(), POLL).toBe(0);

    await page.getByRole('tab', { name: 'Details' }).click();
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('textbox', { name: 'Field name' }).last().fill('ward');
    await page.getByRole('textbox', { name: 'Value of ward' }).fill('9');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Member details saved.').waitFor();
    const stored = await t.database.db
      .selectFrom('members')
      .select('custom_fields')
      .where('workspace_id', '=', t.demo.workspaceId)
      .where('email', '=', 'maria.garcia@example.org')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.custom_fields)).toEqual({ uuid: 'action_network:0c1d2e3f-0001', ward: '9' });
  });

  it('merges a duplicate into a profile, then erases a member with a typed confirmation', async () => {
    const client = await signIn(t.app, t.demo.email, t.demo.password);
    const created = await client.request({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/members`,
      payload: { firstName: 'M.', lastName: 'Garcia', email: 'maria.garcia@example.org', postalCode: '78701' },
    });
    expect(created.statusCode).toBe(201);
    const duplicateId: number = created.json().id;

    await page.goto(`${base}/members`);
    await page.getByRole('link', { name: 'Maria Garcia' }).click();
    await page.getByText('1 possible duplicate').waitFor();
    await page.getByRole('button', { name: 'Review' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('same email').waitFor();
    await screenshot(page, 'member-duplicates.png');
    await dialog.getByRole('button', { name: 'Merge…' }).click();
    await dialog.getByRole('button', { name: 'Merge into this profile' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('list', { name: 'Timeline' }).getByText(`Merged with member #${duplicateId}`).waitFor();
    await expect.poll(() => page.getByText('possible duplicate').count(), POLL).toBe(0);

    // The merged record's old address says where it went.
    await page.goto(`${base}/members/${duplicateId}`);
    await page.getByText('This member was merged').waitFor();

    await page.goto(`${base}/members`);
    await page.getByRole('link', { name: 'Noah Wilson' }).click();
    await page.getByRole('tab', { name: 'Details' }).click();
    await page.getByRole('button', { name: 'Erase member' }).click();
    const erase = page.getByRole('dialog');
    expect(await erase.getByRole('button', { name: 'Erase for good' }).isDisabled()).toBe(true);
    await erase.getByRole('textbox', { name: 'Type ERASE to confirm' }).fill('erase');
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    await page.waitForURL(`${base}/members`);
    await page.getByRole('link', { name: 'Maria Garcia' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Noah Wilson' }).count(), POLL).toBe(0);
  });

  it('fits a phone screen: list, profile and import wizard', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of ['/members', '/members/import', '/communities']) {
        await page.goto(`${base}${path}`);
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, path).toBeLessThanOrEqual(390);
      }
      await page.goto(`${base}/members`);
      await page.getByRole('link', { name: 'Maria Garcia' }).waitFor();
      await screenshot(page, 'members-phone.png');
      await page.getByRole('link', { name: 'Maria Garcia' }).click();
      await page.getByRole('heading', { name: 'Maria Garcia' }).waitFor();
      await page.getByRole('list', { name: 'Timeline' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'member-profile-phone.png');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
