import { createHmac, timingSafeEqual } from 'node:crypto';
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

// Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json (form-encoded, basic auth),
// status callbacks and inbound texts as form posts signed with X-Twilio-Signature.

export const TWILIO_BASE_URL = 'https://api.twilio.com';

export const twilioCredentials = z.object({
  accountSid: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be the Account SID from the Twilio console: "AC" followed by 32 hexadecimal characters'),
  authToken: z.string().trim().min(16, 'must be the auth token from the Twilio console (32 characters)'),
});

export type TwilioCredentials = z.infer<typeof twilioCredentials>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** Twilio accepts a validity period of 1 to 36,000 seconds; 36,000 is also its default. */
const MAX_VALIDITY_SECONDS = 36_000;

/** 21610: the recipient replied STOP to this sender (Twilio blocks further messages). */
const OPTED_OUT_CODE = '21610';
/** 20429: too many requests; 21611: the sender's queue at Twilio is full. Both clear by slowing down. */
const THROTTLE_CODES = new Set(['20429', '21611']);

const STATUSES = new Map<string, DeliveryStatus>([
  ['accepted', 'sent'],
  ['scheduled', 'sent'],
  ['queued', 'sent'],
  ['sending', 'sent'],
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['read', 'delivered'],
  ['undelivered', 'failed'],
  ['failed', 'failed'],
  ['canceled', 'failed'],
]);

/** Network failures that happen before a byte of the request leaves: the message cannot have been accepted. */
const twilioError = z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).loose();
const twilioMessage = z.object({ sid: z.string().min(1), price: z.string().nullish() }).loose();

export function createTwilioAdapter(
  options: { baseUrl: string; credentials: TwilioCredentials; timeoutMs?: number },
  context: AdapterContext,
): SmsAdapter {
  const { accountSid, authToken } = options.credentials;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    provider: 'twilio',

    async send(message: OutboundSms): Promise<SendResult> {
      const form = new URLSearchParams();
      form.set('To', message.to);
      form.set(message.senderKind === 'messaging_service' ? 'MessagingServiceSid' : 'From', message.from);
      if (message.body !== '') form.set('Body', message.body);
      for (const url of message.mediaUrls) form.append('MediaUrl', url);
      form.set('StatusCallback', message.statusCallbackUrl);
      const validity = validitySeconds(message.validUntil, context.now());
      if (validity !== null) form.set('ValidityPeriod', String(validity));

      const answer = await postToProvider('twilio', {
        url: endpoint,
        signal: message.signal,
        timeoutMs,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
      if (answer.status >= 200 && answer.status < 300) {
        const parsed = twilioMessage.safeParse(parseJson(answer.text));
        if (!parsed.success) throw new ProviderError('unknown', `twilio: HTTP ${answer.status} without a message SID`);
        const price = parsed.data.price ? Number.parseFloat(parsed.data.price) : Number.NaN;
        return Number.isFinite(price)
          ? { providerId: parsed.data.sid, costMicros: Math.round(Math.abs(price) * 1_000_000) }
          : { providerId: parsed.data.sid };
      }
      const error = twilioRefusal(answer, context.now());
      if (error.kind === 'auth')
        context.logger.warn({ provider: 'twilio', accountId: context.accountId, status: answer.status }, 'twilio: credentials rejected');
      throw error;
    },

    verifyWebhook(request: WebhookRequest): boolean {
      return twilioSignatureValid(authToken, request);
    },

    parseStatus(request: WebhookRequest): StatusUpdate[] {
      const form = request.form;
      const providerStatus = form.MessageStatus ?? form.SmsStatus;
      if (providerStatus === undefined) return [];
      const status = STATUSES.get(providerStatus);
      if (status === undefined) return [];
      const errorCode = form.ErrorCode && form.ErrorCode !== '0' ? form.ErrorCode : null;
      return [
        {
          providerId: form.MessageSid || form.SmsSid || null,
          messageId: messageIdOf(request.url),
          status,
          providerStatus,
          errorCode,
          optedOut: errorCode === OPTED_OUT_CODE,
          occurredAt: context.now(),
        },
      ];
    },

    parseInbound(request: WebhookRequest): InboundSms[] {
      const form = request.form;
      const status = form.MessageStatus ?? form.SmsStatus;
      if (status !== undefined && status !== 'received') return [];
      const providerId = form.MessageSid || form.SmsMessageSid || form.SmsSid;
      if (!providerId || !form.From || !form.To) return [];
      const count = Math.min(Number.parseInt(form.NumMedia ?? '0', 10) || 0, 10);
      const mediaUrls: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const url = form[`MediaUrl${index}`];
        if (url) mediaUrls.push(url);
      }
      return [{ providerId, from: form.From, to: form.To, body: form.Body ?? '', mediaUrls, receivedAt: context.now() }];
    },

    async close() {
      // fetch pools keep-alive sockets per origin and closes idle ones itself.
    },
  };
}

/**
 * Whether a webhook carries Twilio's X-Twilio-Signature for this auth token: base64(HMAC-SHA1(token, the URL Twilio
 * called + each form field, sorted by name, followed by its value)). Messaging and Voice webhooks sign alike.
 */
export function twilioSignatureValid(authToken: string, request: Pick<WebhookRequest, 'url' | 'headers' | 'form'>): boolean {
  const signature = request.headers['x-twilio-signature'];
  if (!signature) return false;
  const expected = Buffer.from(signature);
  const fields = Object.keys(request.form)
    .sort()
    .map((key) => `${key}${request.form[key] ?? ''}`)
    .join('');
  // Twilio signs the URL it called; a proxy may add or drop the default port, so both spellings are tried.
  return urlSpellings(request.url).some((url) => {
    const actual = Buffer.from(
      createHmac('sha1', authToken)
        .update(url + fields)
        .digest('base64'),
    );
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}

/** A refused request as the ProviderError its status and Twilio error code call for. */
export function twilioRefusal(answer: Answer, now: number): ProviderError {
  const parsed = twilioError.safeParse(parseJson(answer.text));
  const code = parsed.success && parsed.data.code !== undefined ? String(parsed.data.code) : null;
  const detail = parsed.success && parsed.data.message ? `: ${withoutNumbers(parsed.data.message)}` : '';
  const message = `twilio: HTTP ${answer.status}${code ? ` (${code})` : ''}${detail}`;
  const { status } = answer;
  if (status === 429 || (code !== null && THROTTLE_CODES.has(code))) {
    return new ProviderError('rate_limited', message, { code, retryAfterMs: retryAfterMs(answer.headers.get('retry-after'), now) });
  }
  if (status === 401 || status === 403) return new ProviderError('auth', message, { code });
  if (code === OPTED_OUT_CODE) return new ProviderError('opted_out', message, { code });
  // A gateway timeout means something between us and Twilio gave up waiting: the message may have been accepted.
  if (status === 504) return new ProviderError('unknown', message, { code });
  if (status >= 500) return new ProviderError('retryable', message, { code });
  // A redirect means the account's base URL is wrong: nothing was sent, and only a person can fix it.
  if (status >= 300 && status < 400) return new ProviderError('auth', `twilio: HTTP ${status} redirect; check the account's base URL`);
  if (status >= 400) return new ProviderError('permanent', message, { code: code ?? `http_${status}` });
  return new ProviderError('unknown', message, { code });
}

/** Seconds until `validUntil`, capped at Twilio's maximum; refuses to send once the window has closed. */
function validitySeconds(validUntil: number | null, now: number): number | null {
  if (validUntil === null) return null;
  const seconds = Math.floor((validUntil - now) / 1000);
  if (seconds < 1) throw new ProviderError('retryable', 'twilio: the delivery window has closed; not sent', { code: 'validity_expired' });
  return Math.min(seconds, MAX_VALIDITY_SECONDS);
}

/** The URL as given, plus the same URL with its default port written out or left out. */
function urlSpellings(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]+)(.*)$/s.exec(url);
  if (!match) return [url];
  const [, scheme, authority = '', rest = ''] = match;
  const defaultPort = scheme === 'https' ? '443' : '80';
  const portMatch = /^(.*):(\d+)$/.exec(authority);
  if (!portMatch) return [url, `${scheme}://${authority}:${defaultPort}${rest}`];
  if (portMatch[2] === defaultPort) return [url, `${scheme}://${portMatch[1]}${rest}`];
  return [url];
}
