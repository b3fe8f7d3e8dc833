import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordActivities } from '../../server/modules/activities/activities.repo.ts';
import { buildTestApp, type Client, signIn, type TestApp } from '../helpers/app.ts';
import { builtDashboard, capture, launchChromium } from '../helpers/browser.ts';
import { testDialects } from '../helpers/db.ts';

// The segment builder in headless Chromium against the real app: an organizer builds "signed the oaks petition AND
// NOT (did any other action since 2 November)" by clicking, sees the live count (the same number the API counts) and
// a sample, sees a condition that still needs an answer flagged on its row, saves the segment, finds it in the list
// with its count, reopens it as saved, reads its members, renames and deletes it; pages through a bigger segment; and
// sees the server's objection to a rule (an action deleted since) on the row it is about.

const POLL = { timeout: 15_000 };
const DAY = 86_400_000;
/** The day the petition was signed; "since" in the segment is this day. */
const SIGNED_AT = Date.UTC(2026, 10, 2, 15);
const SINCE = '2026-11-02';

let distDir: string;
let browser: Browser;

beforeAll(async () => {
  distDir = await builtDashboard();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(testDialects())('the segment builder in a browser (%s)', (dialect) => {
  let t: TestApp;
  let api: Client;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let base: string;
  let oaks = 0;
  let forest = 0;
  let ticking: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  const url = (path: string) => `/api/workspaces/${t.demo.workspaceId}${path}`;
  const call = async <T>(method: 'GET' | 'POST', path: string, status: number, payload?: object): Promise<T> => {
    const response = await api.request({ method, url: url(path), ...(payload ? { payload } : {}) });
    expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(status);
    return response.json() as T;
  };
  const screenshot = (name: string) => (dialect === 'sqlite' ? capture(page, name) : Promise.resolve());

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { WEB_DIST: distDir } });
    t.clock.set(Date.now());
    ticking = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    origin = `http://127.0.0.1:${address.port}`;
    base = `${origin}/w/${t.demo.workspaceId}`;
    api = await signIn(t.app, t.demo.email, t.demo.password);

    // Two published petitions, and five members whose history tells them apart.
    oaks = (await call<{ id: number }>('POST', '/petitions', 201, { title: 'Save the Oak Street trees', summary: 'Forty old oaks.' })).id;
    await call('POST', `/petitions/${oaks}/publish`, 200);
    forest = (await call<{ id: number }>('POST', '/petitions', 201, { title: 'Fund the urban forest', summary: 'One more ask.' })).id;
    await call('POST', `/petitions/${forest}/publish`, 200);
    const member = async (firstName: string, phone: string) =>
      (await call<{ id: number }>('POST', '/members', 201, { firstName, lastName: 'Example', phone })).id;
    const ana = await member('Ana', '+15125550101');
    const ben = await member('Ben', '+15125550102');
    const cara = await member('Cara', '+15125550103');
    const dev = await member('Dev', '+15125550104');
    const eli = await member('Eli', '+15125550105');
    // Members enough for two pages of a segment; they did nothing, so the counts above are theirs alone.
    for (let i = 1; i <= 55; i++) {
      await call('POST', '/members', 201, {
        firstName: `Pat ${String(i).padStart(2, '0')}`,
        lastName: 'Pager',
        email: `pager${i}@example.org`,
        ...(i <= 3 ? { tags: ['donor'] } : {}),
      });
    }
    const did = (memberId: number, type: 'signed' | 'shared', actionId: number, occurredAt: number) => ({
      workspaceId: t.demo.workspaceId,
      memberId,
      type,
      subjectType: 'action',
      subjectId: actionId,
      occurredAt,
    });
    await recordActivities(
      t.database.db,
      [
        did(ana, 'signed', oaks, SIGNED_AT), // signed, nothing since: in
        did(ben, 'signed', oaks, SIGNED_AT),
        did(ben, 'signed', forest, SIGNED_AT + 3 * DAY), // another action since: out
        did(cara, 'signed', forest, SIGNED_AT - 10 * DAY), // another action, but before: in
        did(cara, 'signed', oaks, SIGNED_AT),
        did(dev, 'signed', forest, SIGNED_AT), // never signed the oaks: out
        did(eli, 'signed', oaks, SIGNED_AT),
        did(eli, 'shared', oaks, SIGNED_AT + 2 * DAY), // shared the same petition: still in
      ],
      Date.now(),
    );

    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/login`);
    await page.getByRole('textbox', { name: 'Email' }).fill(t.demo.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(t.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(base);
  });

  afterAll(async () => {
    await context?.close();
    clearInterval(ticking);
    await t?.close();
  });

  it('builds "signed the petition and not any other action since" by clicking and counts it live', async () => {
    await page.goto(`${base}/members`);
    await page.getByRole('tab', { name: 'Segments' }).click();
    await page.waitForURL(/\/members\/segments$/);
    await page.getByText('No segments yet').waitFor();
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.waitForURL(/\/members\/segments\/new$/);

    // A new segment starts as "signed anything": everyone who signed either petition.
    const count = page.locator('[data-segment-count]');
    await expect.poll(() => count.textContent(), POLL).toBe('5 members');

    // Condition 1: signed the oaks petition.
    const first = page.getByRole('group', { name: 'Condition 1' });
    await first.getByRole('combobox', { name: 'Which action' }).selectOption('only');
    await first.getByRole('combobox', { name: 'Action', exact: true }).click();
    await page.getByRole('option', { name: /Save the Oak Street trees/ }).click();
    await expect.poll(() => count.textContent(), POLL).toBe('4 members');

    // Group 2, negated: any kind of action on another action since the day of the signature.
    await page.getByRole('button', { name: 'Add a group', exact: true }).click();
    const group = page.getByRole('group', { name: 'Group 2' });
    await group.getByRole('switch', { name: /^NOT/ }).check({ force: true });
    const second = group.getByRole('group', { name: 'Condition 2.1' });
    await second.getByRole('combobox', { name: 'Condition type' }).selectOption('activity');
    // Until a date is set the row is complete, so the count moves on as each input changes.
    await second.getByRole('button', { name: 'Any kind of action' }).click();
    await second.getByRole('combobox', { name: 'Which action' }).selectOption('except');
    await second.getByRole('combobox', { name: 'Action', exact: true }).click();
    await page.getByRole('option', { name: /Save the Oak Street trees/ }).click();
    await second.getByRole('combobox', { name: 'When' }).selectOption('since');
    await second.getByLabel('Date').fill(SINCE);

    await expect.poll(() => count.textContent(), POLL).toBe('3 members');
    const sample = page.getByRole('table', { name: 'Sample of matching members' });
    for (const name of ['Ana Example', 'Cara Example', 'Eli Example']) await sample.getByRole('link', { name }).waitFor();
    await expect(sample.getByRole('link', { name: 'Ben Example' }).count()).resolves.toBe(0);
    expect(await page.locator('[data-segment-sentence]').textContent()).toBe(
      'In words: signed Save the Oak Street trees and not signed, called, RSVPed, attended, answered a survey or shared any action other than Save the Oak Street trees since 2026-11-02',
    );

    // The number on screen is the number the API counts for the same tree.
    const rules = {
      kind: 'group',
      op: 'and',
      rules: [
        { kind: 'activity', did: true, types: ['signed'], actionId: oaks },
        {
          kind: 'group',
          op: 'and',
          not: true,
          rules: [
            {
              kind: 'activity',
              did: true,
              types: ['signed', 'called', 'rsvped', 'attended', 'answered', 'shared'],
              excludeActionId: oaks,
              when: { kind: 'since', at: Date.UTC(2026, 10, 2) },
            },
          ],
        },
      ],
    };
    expect((await call<{ count: number }>('POST', '/segments/preview', 200, { rules })).count).toBe(3);
    await screenshot('segment-builder.png');
    expect(pageErrors).toEqual([]);
  });

  it('flags a condition that still needs an answer on its row and counts again once it is removed', async () => {
    const count = page.locator('[data-segment-count]');
    await page.getByRole('button', { name: 'Add a condition', exact: true }).click();
    const third = page.getByRole('group', { name: 'Condition 3' });
    await third.getByRole('combobox', { name: 'Condition type' }).selectOption('community');
    await third.getByText('Choose at least one').waitFor();
    await page.getByText('Finish the highlighted conditions to count who matches.').waitFor();
    expect(await count.textContent()).toBe('—');
    await expect(page.getByRole('button', { name: 'Save segment' }).isDisabled()).resolves.toBe(true);
    await screenshot('segment-builder-incomplete.png');
    await page.getByRole('button', { name: 'Remove condition 3' }).click();
    await expect.poll(() => count.textContent(), POLL).toBe('3 members');

    // A tag condition suggests the tags members carry.
    await page.getByRole('button', { name: 'Add a condition', exact: true }).click();
    const tagRow = page.getByRole('group', { name: 'Condition 3' });
    await tagRow.getByRole('combobox', { name: 'Condition type' }).selectOption('tag');
    await tagRow.getByLabel('Tags').fill('don');
    await page.getByRole('option', { name: 'donor' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Remove condition 3' }).click();
    await expect.poll(() => count.textContent(), POLL).toBe('3 members');
  });

  it('saves the segment, lists it with its count and reopens it as it was built', async () => {
    // A segment needs a name.
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Give the segment a name').waitFor();
    expect(page.url()).toMatch(/\/members\/segments\/new$/);
    await page.getByRole('textbox', { name: 'Name' }).fill('Signed the oaks, nothing since');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/\/members\/segments\/\d+$/);
    const segmentId = Number(page.url().split('/').pop());
    await page.getByRole('heading', { name: 'Signed the oaks, nothing since' }).waitFor();

    await page.getByRole('tab', { name: 'Segments' }).click();
    await page.waitForURL(/\/members\/segments$/);
    const row = page.locator(`[data-segment="${segmentId}"]`);
    await row.getByRole('link', { name: 'Signed the oaks, nothing since' }).waitFor();
    await expect.poll(() => row.locator('[data-count="members"]').textContent(), POLL).toBe('3');
    await screenshot('segments-list.png');

    // Reopened, the builder holds the same tree and counts the same members.
    await row.getByRole('link', { name: 'Signed the oaks, nothing since' }).click();
    await page.waitForURL(new RegExp(`/members/segments/${segmentId}$`));
    const first = page.getByRole('group', { name: 'Condition 1' });
    expect(await first.getByRole('combobox', { name: 'Which action' }).inputValue()).toBe('only');
    expect(await first.getByRole('combobox', { name: 'Action', exact: true }).inputValue()).toBe('Save the Oak Street trees (petition)');
    const group = page.getByRole('group', { name: 'Group 2' });
    expect(await group.getByRole('switch', { name: /^NOT/ }).isChecked()).toBe(true);
    expect(await group.getByLabel('Date').inputValue()).toBe(SINCE);
    await expect.poll(() => page.locator('[data-segment-count]').textContent(), POLL).toBe('3 members');

    // Its members, a page at a time.
    await page.getByRole('main').getByRole('link', { name: 'Members', exact: true }).click();
    await page.waitForURL(new RegExp(`/members/segments/${segmentId}/members$`));
    const table = page.getByRole('table', { name: 'Segment members' });
    for (const name of ['Ana Example', 'Cara Example', 'Eli Example']) await table.getByRole('link', { name }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    await screenshot('segment-members.png');
    expect(pageErrors).toEqual([]);
  });

  it('renames the segment and deletes it after confirming', async () => {
    await page.getByRole('link', { name: 'Edit segment' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Oak signers to re-engage');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Oak signers to re-engage' }).waitFor();

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this segment?' }).getByRole('button', { name: 'Delete segment' }).click();
    await page.waitForURL(/\/members\/segments$/);
    await page.getByText('No segments yet').waitFor();
    expect((await call<{ segments: unknown[] }>('GET', '/segments', 200)).segments).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
  it('pages through the members of a bigger segment', async () => {
    const rules = { kind: 'group', op: 'and', rules: [{ kind: 'field', field: 'last_name', op: 'eq', value: 'Pager' }] };
    const segment = await call<{ id: number }>('POST', '/segments', 201, { name: 'Everyone called Pager', rules });
    await page.goto(`${base}/members/segments/${segment.id}/members`);
    const table = page.getByRole('table', { name: 'Segment members' });
    await page.getByText('1–50 of 55 members').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(50);
    await table.getByRole('link', { name: 'Pat 55 Pager' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('51–55 of 55 members').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(5);
    await table.getByRole('link', { name: 'Pat 01 Pager' }).waitFor();
    await expect(page.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('1–50 of 55 members').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("shows the server's objection to a rule on the row it is about", async () => {
    // A segment about a draft petition that is deleted afterwards: its rule now names an action that is gone.
    const draft = (await call<{ id: number }>('POST', '/petitions', 201, { title: 'A draft ask', summary: 'Never published.' })).id;
    const rules = {
      kind: 'group',
      op: 'and',
      rules: [
        { kind: 'tag', has: false, tags: ['staff'] },
        { kind: 'activity', did: true, types: ['signed'], actionId: draft },
      ],
    };
    const segment = await call<{ id: number }>('POST', '/segments', 201, { name: 'Signed the draft', rules });
    const deleted = await api.request({ method: 'DELETE', url: url(`/petitions/${draft}`) });
    expect(deleted.statusCode).toBe(204);

    await page.goto(`${base}/members/segments/${segment.id}`);
    const row = page.getByRole('group', { name: 'Condition 2' });
    await row.getByText(new RegExp(`^Is not an? action of this workspace \\(${draft}\\)$`)).waitFor();
    expect(
      await page
        .getByRole('group', { name: 'Condition 1' })
        .getByText(/of this workspace/)
        .count(),
    ).toBe(0);
    await page.getByText('Some conditions need fixing: see the messages on them.').waitFor();
    await screenshot('segment-server-error.png');

    // Pointing the rule at a live action clears it and counts again.
    await row.getByRole('combobox', { name: 'Action', exact: true }).click();
    await page.getByRole('option', { name: /Save the Oak Street trees/ }).click();
    await expect.poll(() => page.locator('[data-segment-count]').textContent(), POLL).toBe('4 members');
    expect(await row.getByText(/of this workspace/).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
  it('fits a phone screen: the list, the builder and the members', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const segments = await call<{ segments: { id: number; name: string }[] }>('GET', '/segments', 200);
      const draft = segments.segments.find((s) => s.name === 'Signed the draft');
      expect(draft).toBeDefined();
      for (const path of [
        '/members/segments',
        '/members/segments/new',
        `/members/segments/${draft?.id}`,
        `/members/segments/${draft?.id}/members`,
      ]) {
        await page.goto(`${base}${path}`);
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
      }
      await page.goto(`${base}/members/segments/${draft?.id}`);
      await page.getByRole('group', { name: 'Condition 2' }).waitFor();
      await screenshot('segment-builder-phone.png');
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    expect(pageErrors).toEqual([]);
  });
});
