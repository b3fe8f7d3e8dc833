import type { FastifyInstance, FastifyRequest } from 'fastify';
import { embedDocument } from './html.ts';

// Embeddable forms: any public page under /p/ asked for with `?embed=1` (or a form posted from an embedded page,
// which carries `embed=1`) answers in its compact variant and may be framed by any site. Every other page keeps the
// app's headers, which refuse framing (frame-ancestors 'none', X-Frame-Options).

const flag = (bag: unknown) => typeof bag === 'object' && bag !== null && (bag as Record<string, unknown>).embed === '1';

/** Whether a request asks for the embeddable variant of a public page. */
const wantsEmbed = (request: FastifyRequest) => request.url.startsWith('/p/') && (flag(request.query) || flag(request.body));

export function registerEmbedMode(app: FastifyInstance) {
  // A callback hook, not an async one: it runs on every response, and most pass straight through.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (typeof payload !== 'string' || !wantsEmbed(request)) return done(null, payload);
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return done(null, payload);
    const policy = reply.raw.getHeader('content-security-policy');
    reply.header(
      'content-security-policy',
      typeof policy === 'string' ? policy.replace(/frame-ancestors [^;]*/, 'frame-ancestors *') : 'frame-ancestors *',
    );
    reply.raw.removeHeader('x-frame-options');
    done(null, embedDocument(payload));
  });
}
