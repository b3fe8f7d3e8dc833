import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type Client, signIn, type TestApp } from '../../test/helpers/app.ts';
import { testDialects } from '../../test/helpers/db.ts';

// Embeddable forms: a petition page asked for with ?embed=1 may be framed by any site and drops its outer layout;
// a signature posted from it answers embeddable too; nothing else changes its headers.

describe.each(testDialects())('embeddable pages on %s', (dialect) => {
  let t: TestApp;
  let owner: Client;

  beforeEach(async () => {
    t = await buildTestApp({ dialect });
    owner = await signIn(t.app, t.demo.email, t.demo.password);
  });
  afterEach(async () => {
    await t.close();
  });

  it('serves a petition compact and framable with ?embed=1, and keeps a signature posted from it embedded', async () => {
    const base = `/api/workspaces/${t.demo.workspaceId}/petitions`;
    const created = await owner.request({ method: 'POST', url: base, payload: { title: 'Save the Oak Street trees' } });
    expect(created.statusCode, created.body).toBe(201);
    const petition = created.json() as { id: number; url: string };
    expect((await owner.request({ method: 'POST', url: `${base}/${petition.id}/publish` })).statusCode).toBe(200);
    const path = new URL(petition.url).pathname;

    const normal = await t.app.inject({ method: 'GET', url: path });
    expect(normal.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(normal.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(normal.body).toContain('<body>');

    const embedded = await t.app.inject({ method: 'GET', url: `${path}?embed=1&lang=es` });
    expect(embedded.statusCode).toBe(200);
    expect(embedded.headers['content-security-policy']).toMatch(/frame-ancestors \*(;|$)/);
    expect(embedded.headers['x-frame-options']).toBeUndefined();
    expect(embedded.body).toContain('<html lang="es">');
    expect(embedded.body).toContain('<body class="embed">');
    expect(embedded.body).not.toContain('hreflang=');
    expect(embedded.body).toContain('<input type="hidden" name="embed" value="1">');

    const w = /name="w" value="([^"]+)"/.exec(embedded.body)?.[1] ?? '';
    const signed = await t.app.inject({
      method: 'POST',
      url: path,
      payload: { lang: 'es', w, embed: '1', firstName: 'Ana', email: 'ana@example.org', website: '' },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.body).toContain('<body class="embed">');
    expect(signed.headers['content-security-policy']).toContain('frame-ancestors *');

    // Only public pages: the API and the dashboard keep refusing to be framed.
    const health = await t.app.inject({ method: 'GET', url: '/healthz?embed=1' });
    expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
