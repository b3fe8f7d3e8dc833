import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemNotFound } from './error-handler.ts';

const SERVER_PREFIXES = ['/api/', '/p/', '/l/', '/metrics', '/healthz', '/readyz'];

/**
 * Serves the built dashboard (web/dist) with a single-page-app fallback: any GET for an HTML page that is not an
 * API, public page or probe path answers index.html. Without a build, a page explains how to build it.
 */
export async function registerDashboard(app: FastifyInstance, distDir: string) {
  const root = resolve(distDir);
  const indexFile = resolve(root, 'index.html');
  const built = existsSync(indexFile);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      maxAge: '1h',
      setHeaders: (res, path) => {
        if (path.includes('/assets/')) res.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const indexHtml = built ? readFileSync(indexFile, 'utf8') : null;

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (!wantsPage || SERVER_PREFIXES.some((prefix) => path.startsWith(prefix))) return problemNotFound(request, reply);
    reply.header('cache-control', 'no-cache');
    if (indexHtml) return reply.type('text/html').send(indexHtml);
    return reply
      .status(503)
      .type('text/html')
      .send(
        '<!doctype html><meta charset="utf-8"><title>Groundswell</title><p>The dashboard has not been built yet. ' +
          'Run <code>npm run build</code> and restart. The API is available at <a href="/api/docs">/api/docs</a>.</p>',
      );
  });
}
