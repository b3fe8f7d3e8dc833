import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import {
  type AdapterContext,
  type DeliveryStatus,
  type InboundSms,
  type OutboundSms,
  ProviderError,
  type SendResult,
  type SmsAdapter,
  type StatusUpdate,
  type WebhookRequest,
} from './contract.ts';
import { type Answer, messageIdOf, parseJson, postToProvider, retryAfterMs, withoutNumbers } from './http.ts';

// Telnyx Messaging API v2: POST /v2/messages (JSON, bearer key); delivery events and inbound texts arrive as JSON
// webhooks signed with Ed25519 over `${telnyx-timestamp}|${raw body}`.

export const TELNYX_BASE_URL = 'https://api.telnyx.com';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const isEd25519PublicKey = (value: string) => /^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32;

export const telnyxCredentials = z.object({
  apiKey: z.string().trim().min(10, 'must be an API key from Mission Control → Keys & Credentials → API Keys'),
  publicKey: z
    .string()
    .trim()
    .refine(isEd25519PublicKey, 'must be the webhook public key from Mission Control → Keys & Credentials → Public Key (base64, 32 bytes)'),
  messagingProfileId: z.string().trim().max(100).optional(),
});

export type TelnyxCredentials = z.infer<typeof telnyxCredentials>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** Telnyx signs each webhook with the time it was sent; older (or future) ones are replays. */
const WEBHOOK_TOLERANCE_MS = 5 * 60_000;
/** 40300: "Blocked due to STOP message": the recipient opted out of this sender. */
const OPTED_OUT_CODE = '40300';
/** 10009: authentication failed; 10010: not authorized. */
const AUTH_CODES = new Set(['10009', '10010']);
/** 10011: too many requests. */
const THROTTLE_CODES = new Set(['10011']);

/**
 * Final recipient statuses of message.finalized. `delivery_unconfirmed` (the carrier accepted the message but sent no
 * receipt, common with some carriers) stays "sent": counting it as failed would raise a broadcast's error rate and
 * pause it for messages that most likely arrived.
 */
const FINAL_STATUSES = new Map<string, DeliveryStatus>([
  ['delivered', 'delivered'],
  ['delivery_unconfirmed', 'sent'],
  ['sending_failed', 'failed'],
  ['delivery_failed', 'failed'],
  ['expired', 'failed'],
]);

const telnyxErrors = z.object({
  errors: z.array(z.object({ code: z.union([z.string(), z.number()]).optional(), title: z.string().optional() }).loose()),
});
const telnyxMessage = z.object({
  data: z.object({ id: z.string().min(1), cost: z.object({ amount: z.string().nullish() }).loose().nullish() }).loose(),
});
const webhook = z.object({
  data: z
    .object({
      event_type: z.string(),
      occurred_at: z.string().optional(),
      payload: z
        .object({
          id: z.string().min(1),
          text: z.string().nullish(),
          received_at: z.string().nullish(),
          from: z.object({ phone_number: z.string() }).loose().nullish(),
          to: z.array(z.object({ phone_number: z.string(), status: z.string().nullish() }).loose()).nullish(),
          media: z.array(z.object({ url: z.string() }).loose()).nullish(),
          errors: z.array(z.object({ code: z.union([z.string(), z.number()]) }).loose()).nullish(),
        })
        .loose(),
    })
    .loose(),
});
type Webhook = z.infer<typeof webhook>;

export function createTelnyxAdapter(
  options: { baseUrl: string; credentials: TelnyxCredentials; timeoutMs?: number },
  context: AdapterContext,
): SmsAdapter {
  const { apiKey, messagingProfileId } = options.credentials;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/v2/messages`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const publicKey: KeyObject = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(options.credentials.publicKey, 'base64')]),
    format: 'der',
    type: 'spki',
  });

  const parse = (request: WebhookRequest): Webhook | null => {
    try {
      const parsed = webhook.safeParse(JSON.parse(request.rawBody));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  };

  const occurredAt = (event: Webhook) => {
    const at = event.data.occurred_at ? Date.parse(event.data.occurred_at) : Number.NaN;
    return Number.isNaN(at) ? context.now() : at;
  };

  return {
    provider: 'telnyx',

    async send(message: OutboundSms): Promise<SendResult> {
      // Telnyx has no per-message validity period: the dispatcher's quiet-hours check is the only guard, so a message
      // whose window has already closed is not handed over at all.
      if (message.validUntil !== null && message.validUntil <= context.now()) {
        throw new ProviderError('retryable', 'telnyx: the delivery window has closed; not sent', { code: 'validity_expired' });
      }
      const body: Record<string, unknown> = { to: message.to };
      if (message.senderKind === 'messaging_service') {
        // A messaging profile sends from its number pool; Telnyx picks the number.
        body.messaging_profile_id = message.from;
      } else {
        body.from = message.from;
        if (message.senderKind === 'alphanumeric' && messagingProfileId) body.messaging_profile_id = messagingProfileId;
      }
      if (message.body !== '') body.text = message.body;
      if (message.mediaUrls.length > 0) body.media_urls = message.mediaUrls;
      body.webhook_url = message.statusCallbackUrl;

      const answer = await postToProvider('telnyx', {
        url: endpoint,
        signal: message.signal,
        timeoutMs,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (answer.status >= 200 && answer.status < 300) {
        const parsed = telnyxMessage.safeParse(parseJson(answer.text));
        if (!parsed.success) throw new ProviderError('unknown', `telnyx: HTTP ${answer.status} without a message id`);
        const amount = parsed.data.data.cost?.amount ? Number.parseFloat(parsed.data.data.cost.amount) : Number.NaN;
        return Number.isFinite(amount)
          ? { providerId: parsed.data.data.id, costMicros: Math.round(Math.abs(amount) * 1_000_000) }
          : { providerId: parsed.data.data.id };
      }
      const error = refusal(answer, context.now());
      if (error.kind === 'auth')
        context.logger.warn({ provider: 'telnyx', accountId: context.accountId, status: answer.status }, 'telnyx: API key rejected');
      throw error;
    },

    verifyWebhook(request: WebhookRequest): boolean {
      const signature = request.headers['telnyx-signature-ed25519'];
      const timestamp = request.headers['telnyx-timestamp'];
      if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
      if (Math.abs(context.now() - Number(timestamp) * 1000) > WEBHOOK_TOLERANCE_MS) return false;
      try {
        return verify(null, Buffer.from(`${timestamp}|${request.rawBody}`), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },

    parseStatus(request: WebhookRequest): StatusUpdate[] {
      const event = parse(request);
      if (!event) return [];
      const { event_type: type, payload } = event.data;
      const recipientStatus = payload.to?.[0]?.status ?? null;
      let status: DeliveryStatus | undefined;
      if (type === 'message.sent') status = 'sent';
      else if (type === 'message.finalized') status = recipientStatus ? FINAL_STATUSES.get(recipientStatus) : undefined;
      if (status === undefined) return [];
      const first = payload.errors?.[0];
      const errorCode = first ? String(first.code) : null;
      return [
        {
          providerId: payload.id,
          messageId: messageIdOf(request.url),
          status,
          providerStatus: recipientStatus ?? type,
          errorCode,
          optedOut: errorCode === OPTED_OUT_CODE,
          occurredAt: occurredAt(event),
        },
      ];
    },

    parseInbound(request: WebhookRequest): InboundSms[] {
      const event = parse(request);
      if (event?.data.event_type !== 'message.received') return [];
      const { payload } = event.data;
      const from = payload.from?.phone_number;
      const to = payload.to?.[0]?.phone_number;
      if (!from || !to) return [];
      const received = payload.received_at ? Date.parse(payload.received_at) : Number.NaN;
      return [
        {
          providerId: payload.id,
          from,
          to,
          body: payload.text ?? '',
          mediaUrls: (payload.media ?? []).map((media) => media.url),
          receivedAt: Number.isNaN(received) ? occurredAt(event) : received,
        },
      ];
    },

    async close() {
      // fetch pools keep-alive sockets per origin and closes idle ones itself.
    },
  };
}

function refusal(answer: Answer, now: number): ProviderError {
  const parsed = telnyxErrors.safeParse(parseJson(answer.text));
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  const code = first?.code === undefined ? null : String(first.code);
  const message = `telnyx: HTTP ${answer.status}${code ? ` (${code})` : ''}${first?.title ? `: ${withoutNumbers(first.title)}` : ''}`;
  const { status } = answer;
  if (status === 429 || (code !== null && THROTTLE_CODES.has(code))) {
    return new ProviderError('rate_limited', message, { code, retryAfterMs: retryAfterMs(answer.headers.get('retry-after'), now) });
  }
  if (status === 401 || status === 403 || (code !== null && AUTH_CODES.has(code))) return new ProviderError('auth', message, { code });
  if (code === OPTED_OUT_CODE) return new ProviderError('opted_out', message, { code });
  // A gateway timeout means something between us and Telnyx gave up waiting: the message may have been accepted.
  if (status === 504) return new ProviderError('unknown', message, { code });
  if (status >= 500) return new ProviderError('retryable', message, { code });
  // A redirect means the account's base URL is wrong: nothing was sent, and only a person can fix it.
  if (status >= 300 && status < 400) return new ProviderError('auth', `telnyx: HTTP ${status} redirect; check the account's base URL`);
  if (status >= 400) return new ProviderError('permanent', message, { code: code ?? `http_${status}` });
  return new ProviderError('unknown', message, { code });
}
