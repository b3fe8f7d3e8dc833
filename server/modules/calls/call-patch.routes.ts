import type { FastifyPluginAsync, FastifyReply, FastifyRequest, LogLevel } from 'fastify';
import type { VoiceWebhook } from '../../channels/voice/contract.ts';
import type { Config } from '../../config.ts';
import type { CallPatchService, WebhookAnswer } from './call-patch.service.ts';

// The voice provider's webhooks for patch-through calls, public and without a session: POST /webhooks/voice/<token>/
// answer (the member picked up: what to say and whom to dial), /dial (the dial result: the outcome) and /status (the
// call ended). The token is random per call; the provider's signature is checked against the public URL it called
// (PUBLIC_URL + path, so it holds behind a reverse proxy) with the account's credentials, before anything is written.

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function callPatchWebhooks(deps: { patches: CallPatchService; config: Pick<Config, 'publicUrl' | 'logLevel'> }): FastifyPluginAsync {
  const { patches, config } = deps;
  return async (app) => {
    // Form fields as sent, each once (the signature covers them): read the body as text (local to these routes).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

    const webhookOf = (request: FastifyRequest): VoiceWebhook => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const contentType = String(request.headers['content-type'] ?? '');
      const form = contentType.includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(raw)) : {};
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers))
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      return { url: `${config.publicUrl}${request.url}`, headers, form };
    };

    const answer = (request: FastifyRequest, reply: FastifyReply, result: WebhookAnswer) => {
      reply.header('cache-control', 'no-store');
      if (result.status === 403) {
        request.log.warn('voice webhook refused: the signature does not match');
        return reply.status(403).send({ detail: 'The request signature is not valid for this call.' });
      }
      if (result.status === 404) return reply.status(404).send({ detail: 'No call has this address.' });
      if (result.status === 400) return reply.status(400).send({ detail: 'The request carries no result we understand.' });
      return reply
        .status(result.status)
        .type(result.document?.contentType ?? 'text/xml; charset=utf-8')
        .send(result.document?.body ?? EMPTY_TWIML);
    };

    const logLevel: LogLevel = config.logLevel === 'silent' ? 'silent' : 'warn';
    const options = { logLevel, schema: { hide: true }, config: { access: 'public' as const } };
    type Params = { Params: { token: string } };

    app.post<Params>('/webhooks/voice/:token/answer', options, async (request, reply) =>
      answer(request, reply, await patches.answer(request.params.token, webhookOf(request))),
    );
    app.post<Params>('/webhooks/voice/:token/dial', options, async (request, reply) =>
      answer(request, reply, await patches.dialResult(request.params.token, webhookOf(request))),
    );
    app.post<Params>('/webhooks/voice/:token/status', options, async (request, reply) =>
      answer(request, reply, await patches.callEnded(request.params.token, webhookOf(request))),
    );
  };
}
