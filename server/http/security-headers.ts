import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Security headers from helmet, configured once. (@fastify/helmet rebuilds the middleware on every request, which
 * cost about 7% of an API request's CPU.)
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }) {
  const apply = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    strictTransportSecurity: options.https,
  });
  app.addHook('onRequest', (request, reply, done) => {
    // Provider webhooks are machine-to-machine: no browser ever renders their answers, and they come by the thousand.
    if (request.url.startsWith('/webhooks/')) return done();
    apply(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
}
