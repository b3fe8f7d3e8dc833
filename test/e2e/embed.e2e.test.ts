import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';

// Embeddable forms and the next step in headless Chromium: an organizer copies the "Embed on your website" snippet of
// an event; another site (another origin) frames it; a member RSVPs inside the frame and sees the next step, while the
// same page without ?embed=1 is refused by the browser. SQLite only: the headers and markup do not depend on the
// database, which the store tests cover on both.

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('embeddable event form in a browser (sqlite)', () => {
  let t: TestApp;
  let api: Client;
  let origin: string;
  let host: Server;
  let hostOrigin: string;
  let hostPage = '';
  let event: { id: number; path: string; url: string };
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };

  beforeAll(async () => {
    t = await buildTestApp({ dialect: 'sqlite', env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);
    const petition = await call<{ id: number }>('POST', '/petitions', 201, {
      title: 'Fund the urban forest',
      summary: 'One more ask of the council.',
    });
    await call('POST', `/petitions/${petition.id}/publish`, 200);
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const created = await call<{ id: number }>('POST', '/events', 201, {
      title: 'Tree planting morning',
      location: 'Oak Street park',
      nextActionId: petition.id,
      shifts: [{ date, start: '09:00', end: '12:00', capacity: 40 }],
    });
    event = await call('POST', `/events/${created.id}/publish`, 200);
    // The organization's own website, on another origin, serving whatever the test pastes into it.
    host = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(hostPage));
    await new Promise<void>((resolve) => host.listen(0, 'localhost', resolve));
    hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => host?.close(resolve));
    await t?.close();
  });

  it('an organizer copies the embed snippet; another site frames the form, a member RSVPs in it and sees the next step', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/w/${t.demo.workspaceId}`);
    await page.goto(`${origin}/w/${t.demo.workspaceId}/actions/events/${event.id}`);
    await page.getByRole('link', { name: 'Export CSV' }).waitFor();
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(
      `/api/workspaces/${t.demo.workspaceId}/events/${event.id}/rsvps.csv`,
    );
    await page.getByRole('tab', { name: 'Details and shifts' }).click();
    await page.getByText('Embed on your website').waitFor();
    const nextStep = page.getByRole('textbox', { name: 'Next step' }).or(page.getByRole('combobox', { name: 'Next step' }));
    expect(await nextStep.first().inputValue()).toBe('Fund the urban forest (petition)');
    const snippet = (await page.getByTestId('embed-code').textContent()) ?? '';
    expect(snippet).toContain(`src="${event.url}?embed=1"`);
    await page.getByText('Embed on your website').scrollIntoViewIfNeeded();
    await capture(page, 'embed-dashboard-snippet.png');
    await context.close();

    // The snippet pasted into another site, beside a frame of the plain page (which must stay refused).
    // (PUBLIC_URL of the test app is not where it listens: the snippet's address is pointed at the running server.)
    const pasted = snippet.replace('<iframe', '<iframe id="embedded"').replace(new URL(event.url).origin, origin);
    hostPage = `<!doctype html><title>Friends of Oak Street</title><h1>Friends of Oak Street</h1>${pasted}<iframe id="plain" src="${origin}${event.path}" title="plain" width="300" height="200"></iframe>`;
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const site = await phone.newPage();
    site.setDefaultTimeout(15_000);
    await site.goto(hostOrigin);
    const frame = site.frameLocator('#embedded');
    await frame.getByRole('heading', { level: 1, name: 'Tree planting morning' }).waitFor();
    expect(await frame.getByRole('link', { name: 'Español' }).count()).toBe(0);
    await capture(site, 'embed-host-form.png');
    // The plain page never renders inside another site.
    await site.waitForTimeout(300);
    expect(await site.frameLocator('#plain').getByRole('heading', { name: 'Tree planting morning' }).count()).toBe(0);

    await frame.getByRole('textbox', { name: 'First name' }).fill('Marisol');
    await frame.getByRole('textbox', { name: 'Mobile phone', exact: true }).fill('(512) 555-0177');
    await frame.getByRole('button', { name: 'RSVP' }).click();
    await frame.getByRole('heading', { level: 1, name: 'You’re going!' }).waitFor();
    const next = frame.getByRole('link', { name: 'Take the next step' });
    expect(await next.getAttribute('href')).toMatch(/\/petition\/fund-the-urban-forest\?lang=en&gsm=/);
    await capture(site, 'embed-host-confirmation.png');
    expect(site.url()).toBe(`${hostOrigin}/`); // the member never left the organization's site

    // The next step opens outside the frame, prefilled.
    const [opened] = await Promise.all([phone.waitForEvent('page'), next.click()]);
    await opened.getByRole('heading', { level: 1, name: 'Fund the urban forest' }).waitFor();
    expect(await opened.getByRole('textbox', { name: 'First name' }).inputValue()).toBe('Marisol');
    await capture(opened, 'embed-next-step-prefilled.png');
    await phone.close();
    expect(pageErrors).toEqual([]);
  });
});
