import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helpers/app.ts';
import { testDialects } from '../../test/helpers/db.ts';

describe.each(testDialects())('HTTP basics on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ dialect });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness probes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', database: dialect });
  });

  it('exposes Prometheus metrics with request durations by route', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/groundswell_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
  });

  it('publishes the OpenAPI document and a browsable reference', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.properties.email).toBeDefined();
    expect(spec.paths['/api/workspaces/{workspaceId}/api-keys'].post).toBeDefined();
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
  });

  it('answers unknown API paths with problem+json and echoes a safe request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'x-request-id': 'abc-123' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toBe('abc-123');
    expect(response.json()).toMatchObject({
      status: 404,
      code: 'request.not_found',
      instance: 'abc-123',
      detail: 'There is no GET /api/nothing-here. The API reference is at /api/docs.',
    });
    const unsafe = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': '<script>' } });
    expect(unsafe.headers['x-request-id']).not.toBe('<script>');
  });

  it('rejects malformed JSON with a clear problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('request.invalid');
    expect(response.json().detail).toMatch(/JSON/i);
  });

  it('sets security headers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('asks for sign-in on workspace routes without credentials, before looking at the body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/workspaces/${t.demo.workspaceId}/api-keys`,
      payload: { nonsense: true },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('auth.required');
  });

  it('serves the dashboard for page requests and never for API paths', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/w/1/settings', headers: { accept: 'text/html' } });
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await t.app.inject({ method: 'GET', url: '/api/unknown', headers: { accept: 'text/html' } });
    expect(api.headers['content-type']).toContain('application/problem+json');
  });
});
