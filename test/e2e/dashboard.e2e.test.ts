import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { builtDashboard, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';

// The dashboard in headless Chromium against the real app (fresh database, seeded demo workspace).
// The dashboard is built from the current sources into a temporary folder, so the test never runs a stale build.

const NAV = ['Members', 'Communities', 'Messages', 'Inbox', 'Actions', 'Workflows', 'Spaces', 'Social', 'Analytics', 'Settings'];

/** Visible and inside the viewport (the collapsed phone navbar is slid off-screen, not hidden). */
/** A loaded machine (CI) can take seconds to load a route's code and finish an animation. */
const POLL = { timeout: 15_000, interval: 100 };

async function onScreen(locator: Locator): Promise<boolean> {
  if (!(await locator.isVisible())) return false;
  const box = await locator.boundingBox();
  const width = locator.page().viewportSize()?.width ?? 0;
  return box !== null && box.x + box.width > 0 && box.x < width;
}

describe('dashboard in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let distDir: string;
  let workspaceName: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    distDir = await builtDashboard();
    t = await buildTestApp({ env: { WEB_DIST: distDir } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    const row = await t.database.db.selectFrom('workspaces').select('name').where('id', '=', t.demo.workspaceId).executeTakeFirstOrThrow();
    workspaceName = row.name;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses a wrong password with a message', async () => {
    await page.goto(`${origin}/login`);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Groundswell' }).isVisible(), POLL).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/login.png` });

    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'incorrect' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The email or password is incorrect.');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: `${SCREENSHOTS}/login-error.png` });
  });

  it('signs in and shows the workspace shell with every area', async () => {
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}`);
    await page.getByRole('heading', { name: workspaceName }).waitFor();
    expect(await page.getByRole('banner').getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe(workspaceName);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of NAV) {
      expect(await nav.getByRole('link', { name: label, exact: true }).isVisible(), label).toBe(true);
    }
    await page.screenshot({ path: `${SCREENSHOTS}/shell.png` });

    await nav.getByRole('link', { name: 'Messages', exact: true }).click();
    // The home page lists the areas with the same description: wait for the address first.
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}/messages`);
    await page.getByRole('heading', { name: 'Messages' }).first().waitFor();
  });

  it('lists the demo user under Settings → Users & roles', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('tab', { name: 'Users & roles' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}/settings/users`);

    const row = page.getByRole('row').filter({ hasText: t.demo.email });
    await row.waitFor();
    expect(await row.textContent()).toContain('you');
    await page.getByRole('heading', { name: 'Invitations' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/settings-users.png`, fullPage: true });
  });

  it('creates an API key, shows its secret once, and the secret works', async () => {
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('E2E sync');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const secretBox = dialog.getByTestId('api-key-secret');
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(await dialog.textContent()).toContain('will not be shown again');
    expect(await dialog.textContent()).toContain(`curl -H "Authorization: Bearer ${secret}" ${origin}/api/workspaces/`);
    await page.screenshot({ path: `${SCREENSHOTS}/api-key-created.png` });

    const viaKey = await fetch(`${origin}/api/workspaces/${t.demo.workspaceId}/users`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(viaKey.status).toBe(200);

    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: 'E2E sync' }).waitFor();
    expect(await page.getByText(secret).count()).toBe(0);

    // Opening the dialog again starts a new key: the old secret is gone for good.
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByRole('dialog').getByLabel('Name').waitFor();
    expect(await page.getByRole('dialog').getByTestId('api-key-secret').count()).toBe(0);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  it('sends a person whose session ended to sign in, then back where they were', async () => {
    await t.database.db.deleteFrom('sessions').execute();
    await page.getByRole('tab', { name: 'Audit log' }).click();

    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByText('Your session expired, sign in again.').waitFor();
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}/settings/audit`);
    await page.getByRole('row').filter({ hasText: 'api_key' }).first().waitFor();
  });

  it('invites an organizer who joins through the link and sees only what their role allows', async () => {
    await page.getByRole('tab', { name: 'Users & roles' }).click();
    await page.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('rosa@example.org');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const link = (await dialog.getByTestId('invitation-link').textContent())?.trim() ?? '';
    const { pathname } = new URL(link);
    expect(pathname).toMatch(/^\/invite\/.+/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row').filter({ hasText: 'rosa@example.org' }).filter({ hasText: 'pending' }).waitFor();

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const invitee = await context.newPage();
      invitee.setDefaultTimeout(10_000);
      invitee.on('pageerror', (error) => pageErrors.push(error.message));
      await invitee.goto(`${origin}${pathname}`);
      await invitee.getByText(`You were invited to ${workspaceName} as Organizer`).waitFor();
      await invitee.getByRole('textbox', { name: 'Your name' }).fill('Rosa Parks');
      await invitee.getByRole('textbox', { name: 'Choose a password' }).fill('montgomery-1955');
      await invitee.getByRole('button', { name: `Join ${workspaceName}` }).click();
      await invitee.waitForURL(`${origin}/w/${t.demo.workspaceId}`);

      await invitee.goto(`${origin}/w/${t.demo.workspaceId}/settings/general`);
      await invitee.getByText('Only owners and admins can change these settings.').waitFor();
      expect(await invitee.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
      expect(await invitee.getByRole('tab', { name: 'API keys' }).count()).toBe(0);
      expect(await invitee.getByRole('tab', { name: 'Users & roles' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen, with the areas behind the menu button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${origin}/w/${t.demo.workspaceId}`);
    await page.getByRole('heading', { name: workspaceName }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await onScreen(nav.getByRole('link', { name: 'Members', exact: true }))).toBe(false);
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}/shell-phone.png` });

    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await expect.poll(() => onScreen(nav.getByRole('link', { name: 'Members', exact: true })), POLL).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/shell-phone-menu.png` });
    await nav.getByRole('link', { name: 'Members', exact: true }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}/members`);
    await expect.poll(() => onScreen(nav.getByRole('link', { name: 'Members', exact: true })), POLL).toBe(false);
  });

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
