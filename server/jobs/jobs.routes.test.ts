import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, signIn, type TestApp } from '../../test/helpers/app.ts';
import { testDialects } from '../../test/helpers/db.ts';
import { createJobQueue } from './queue.ts';

describe.each(testDialects())('dead-letter jobs for admins on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ dialect });
  });
  afterEach(async () => {
    await t.close();
  });

  it('lists dead jobs with their error and counts, and retries one', async () => {
    const queue = createJobQueue({ db: t.database.db, clock: t.clock });
    const ws = t.demo.workspaceId;
    const dead = await queue.enqueue(t.database.db, { type: 'webhook.deliver', payload: { url: 'x' }, workspaceId: ws, maxAttempts: 1 });
    await queue.enqueue(t.database.db, { type: 'webhook.deliver', payload: {}, workspaceId: ws, delayMs: 60_000 });
    const [claimed] = await queue.claim({ workerId: 'w1', limit: 1, leaseMs: 30_000 });
    expect(claimed?.id).toBe(dead.id);
    await queue.fail({ job: claimed as NonNullable<typeof claimed>, workerId: 'w1', error: new Error('endpoint answered 500') });

    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const listed = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/jobs?state=dead` })).json();
    expect(listed.counts).toEqual({ queued: 1, running: 0, done: 0, dead: 1 });
    expect(listed.jobs).toEqual([
      expect.objectContaining({ id: dead.id, type: 'webhook.deliver', state: 'dead', attempts: 1, lastError: 'endpoint answered 500' }),
    ]);
    expect(JSON.stringify(listed)).not.toContain('"url"');

    const notDead = await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/jobs/${dead.id + 1}/retry` });
    expect(notDead.statusCode).toBe(409);
    expect(notDead.json().detail).toBe('This job is queued; only dead jobs can be retried.');
    const missing = await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/jobs/999999/retry` });
    expect(missing.json().code).toBe('job.not_found');

    expect((await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/jobs/${dead.id}/retry` })).statusCode).toBe(204);
    const after = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/jobs` })).json();
    expect(after.counts).toEqual({ queued: 2, running: 0, done: 0, dead: 0 });
    expect(after.jobs.find((j: { id: number }) => j.id === dead.id)).toMatchObject({ state: 'queued', attempts: 0 });
    const audit = (await owner.request({ method: 'GET', url: `/api/workspaces/${ws}/audit?limit=1` })).json();
    expect(audit.entries[0]).toMatchObject({ action: 'job.retried', targetId: String(dead.id) });
  });

  it('keeps the job screens to owners and admins', async () => {
    const owner = await signIn(t.app, t.demo.email, t.demo.password);
    const ws = t.demo.workspaceId;
    const { secret } = (
      await owner.request({ method: 'POST', url: `/api/workspaces/${ws}/api-keys`, payload: { name: 'org', role: 'organizer' } })
    ).json();
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/workspaces/${ws}/jobs`,
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('auth.forbidden');
  });
});
