import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';
import { storeInbound } from './ingest.ts';
import type { MessagingRuntime } from './runtime.ts';

// Status callbacks and inbound texts from HTTP providers (Twilio, Telnyx): POST /webhooks/sms/<account key>.
// The signature is checked against the public URL the provider called (PUBLIC_URL + path, so it holds behind a
// reverse proxy), what the request carries is written durably, and only then is it acknowledged — a provider that
// gets no 2xx retries, and writes are idempotent on the provider's id, so a retry changes nothing.

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function webhookRoutes(deps: {
  db: Db;
  clock: Clock;
  runtime: MessagingRuntime;
  config: Pick<Config, 'publicUrl' | 'logLevel'>;
}): FastifyPluginAsync {
  return async (app) => {
    // Signatures are computed over the body as sent: keep it as text (this parser is local to these routes).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));

    // Thousands of callbacks a second: log problems, not every request (and nothing when logging is off).
    const logLevel = deps.config.logLevel === 'silent' ? 'silent' : 'warn';
    app.post<{ Params: { key: string } }>('/webhooks/sms/:key', { logLevel, schema: { hide: true } }, async (request, reply) => {
      const pooled = await deps.runtime.pool.byWebhookKey(request.params.key);
      if (pooled?.channel !== 'sms') return reply.status(404).send({ detail: 'No channel account has this webhook address.' });
      const rawBody = typeof request.body === 'string' ? request.body : '';
      const contentType = String(request.headers['content-type'] ?? '');
      const form = contentType.includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(rawBody)) : {};
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers))
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      const webhook = { url: `${deps.config.publicUrl}${request.url}`, headers, rawBody, form };
      if (!pooled.adapter.verifyWebhook(webhook)) {
        request.log.warn({ provider: pooled.provider.name, accountId: pooled.account.id }, 'webhook refused: the signature does not match');
        return reply.status(403).send({ detail: 'The request signature is not valid for this account.' });
      }
      const statuses = pooled.adapter.parseStatus(webhook);
      const inbound = pooled.adapter.parseInbound(webhook);
      const account = pooled.account;
      if (statuses.length > 0) await deps.runtime.statusWriter.write(account, statuses);
      if (inbound.length > 0) await deps.db.transaction().execute((trx) => storeInbound(trx, account, inbound, deps.clock.now()));
      if (pooled.provider.name === 'twilio') return reply.type('text/xml').send(TWIML_EMPTY);
      return reply.status(200).send({ received: statuses.length + inbound.length });
    });
  };
}
