import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { testDialects } from '../../../test/helpers/db.ts';
import { defaultComplianceTexts } from './compliance-texts.ts';

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

describe.each(testDialects())('messaging settings on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ws: number;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    ws = t.demo.workspaceId;
    owner = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  const url = () => `/api/workspaces/${ws}/messaging-settings`;
  const get = async (client = owner) => (await client.request({ method: 'GET', url: url() })).json();
  const patch = (payload: object, client = owner) => client.request({ method: 'PATCH', url: url(), payload });

  async function invite(role: 'texter' | 'analyst' | 'organizer', email: string): Promise<Client> {
    const inv = (await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/invitations`, payload: { email, role } })).json();
    const token = new URL(inv.acceptUrl).pathname.split('/').pop();
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/invitations/${token}/accept`,
      payload: { name: 'Staff', password: 'staff-password-1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return signIn(t.app, email, 'staff-password-1');
  }

  it('starts from the product defaults, with the default wording shown beside the empty texts', async () => {
    const defaults = defaultComplianceTexts('Groundswell Demo', 'en');
    expect(defaults.helpText).not.toBe('');
    expect(await get()).toEqual({
      quietHoursStart: '08:00',
      quietHoursEnd: '21:00',
      timezone: 'America/Chicago',
      frequencyCap: 6,
      frequencyWindowDays: 7,
      failurePausePercent: 20,
      helpText: '',
      optOutText: '',
      optInText: '',
      firstMessageFooter: '',
      shortLinkBase: null,
      defaults,
    });
  });

  it('saves changes, and an emptied text goes back to the default wording', async () => {
    const response = await patch({
      quietHoursStart: '09:30',
      quietHoursEnd: '20:00',
      timezone: 'America/Denver',
      frequencyCap: 3,
      frequencyWindowDays: 30,
      failurePausePercent: 10,
      helpText: '  Climate Austin: reply STOP to opt out. Questions? hello@example.org  ',
      optOutText: 'You are unsubscribed from Climate Austin. Reply START to come back.',
      optInText: 'Welcome back to Climate Austin!',
      firstMessageFooter: 'Climate Austin. Reply STOP to opt out.',
      shortLinkBase: 'https://gs.example.org/',
    });
    expect(response.statusCode, response.body).toBe(200);
    const saved = await get();
    expect(response.json()).toEqual(saved);
    expect(saved).toMatchObject({
      quietHoursStart: '09:30',
      quietHoursEnd: '20:00',
      timezone: 'America/Denver',
      frequencyCap: 3,
      frequencyWindowDays: 30,
      failurePausePercent: 10,
      helpText: 'Climate Austin: reply STOP to opt out. Questions? hello@example.org',
      shortLinkBase: 'https://gs.example.org',
    });

    const reset = (await patch({ helpText: '', shortLinkBase: null })).json();
    expect(reset).toMatchObject({ helpText: '', shortLinkBase: null, optInText: 'Welcome back to Climate Austin!' });
    expect(reset.defaults.helpText).toBe(defaultComplianceTexts('Groundswell Demo', 'en').helpText);

    const audit = await t.database.db
      .selectFrom('audit_entries')
      .select(['action', 'data'])
      .where('action', '=', 'messaging_settings.updated')
      .execute();
    expect(audit).toHaveLength(2);
    const first = JSON.parse(audit[0]?.data ?? '{}');
    expect(first.changed).toContain('helpText');
    expect(first.values).toMatchObject({ frequencyCap: 3, quietHoursStart: '09:30' });
    // Free wording is not copied into the audit log.
    expect(audit[0]?.data).not.toContain('hello@example.org');
  });

  it('refuses invalid values with field-level errors and changes nothing', async () => {
    const cases: [object, string][] = [
      [{ quietHoursStart: '24:00' }, 'body.quietHoursStart'],
      [{ quietHoursEnd: '9:00' }, 'body.quietHoursEnd'],
      [{ quietHoursStart: '21:00' }, 'body.quietHoursStart'],
      [{ quietHoursStart: '07:00', quietHoursEnd: '07:00' }, 'body.quietHoursEnd'],
      [{ timezone: 'Mars/Olympus' }, 'body.timezone'],
      [{ frequencyCap: 0 }, 'body.frequencyCap'],
      [{ frequencyCap: 101 }, 'body.frequencyCap'],
      [{ frequencyCap: 2.5 }, 'body.frequencyCap'],
      [{ frequencyWindowDays: 0 }, 'body.frequencyWindowDays'],
      [{ frequencyWindowDays: 91 }, 'body.frequencyWindowDays'],
      [{ failurePausePercent: 0 }, 'body.failurePausePercent'],
      [{ failurePausePercent: 101 }, 'body.failurePausePercent'],
      [{ helpText: 'x'.repeat(321) }, 'body.helpText'],
      [{ optOutText: 'x'.repeat(321) }, 'body.optOutText'],
      [{ optInText: 'x'.repeat(321) }, 'body.optInText'],
      [{ firstMessageFooter: 'x'.repeat(321) }, 'body.firstMessageFooter'],
      [{ shortLinkBase: 'https://gs.example.org/go' }, 'body.shortLinkBase'],
      [{ shortLinkBase: 'https://gs.example.org/?x=1' }, 'body.shortLinkBase'],
      [{ shortLinkBase: 'ftp://gs.example.org' }, 'body.shortLinkBase'],
      [{ shortLinkBase: 'gs.example.org' }, 'body.shortLinkBase'],
    ];
    const before = await get();
    for (const [payload, path] of cases) {
      const response = await patch(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(
        (response.json() as Problem).errors?.map((e) => e.path),
        JSON.stringify(payload),
      ).toEqual([path]);
    }
    expect(await get()).toEqual(before);
    const ok = await patch({
      quietHoursStart: '00:00',
      quietHoursEnd: '23:59',
      frequencyCap: 100,
      frequencyWindowDays: 90,
      helpText: 'x'.repeat(320),
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('lets everyone who reads messaging see the settings and only managers change them', async () => {
    const analyst = await invite('analyst', 'analyst@example.org');
    const texter = await invite('texter', 'texter@example.org');
    const organizer = await invite('organizer', 'chapter-lead@example.org');
    expect((await get(analyst)).frequencyCap).toBe(6);
    expect((await get(texter)).frequencyCap).toBe(6);
    for (const client of [analyst, texter, organizer]) {
      const response = await patch({ frequencyCap: 1 }, client);
      expect([response.statusCode, response.json().code]).toEqual([403, 'auth.forbidden']);
    }
    expect((await get()).frequencyCap).toBe(6);
  });
});
