import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFakeServer } from './http-server.ts';

// A localhost stand-in for the Telnyx Messaging API v2, speaking its wire protocol: JSON sends with a bearer key,
// {data} answers and {errors} refusals, and message.sent / message.finalized / message.received webhooks signed with
// an Ed25519 key pair of its own. It keeps counters and only the last `keep` messages.

export type TelnyxFailure = {
  status: number;
  /** Telnyx's error code: 40300 opted out (STOP), 40310 invalid 'to', 10009 authentication failed, … */
  code?: string;
  title?: string;
  detail?: string;
  /** Sent as Retry-After (seconds). */
  retryAfterSeconds?: number;
};

/** What happens to a message after Telnyx accepted it. */
export type TelnyxOutcome =
  | 'delivered'
  | { status: 'sending_failed' | 'delivery_failed' | 'delivery_unconfirmed' | 'expired'; errorCode?: string; title?: string };

export type FakeTelnyxMessage = {
  id: string;
  /** The JSON body as sent, to check exact field names. */
  request: Record<string, unknown>;
  to: string;
  from: string | null;
  messagingProfileId: string | null;
  text: string;
  mediaUrls: string[];
  webhookUrl: string | null;
  authorization: string | null;
  receivedAt: number;
};

export type CallbackRecord = { kind: 'status' | 'inbound'; url: string; eventType: string; status: number | null };

export type FakeTelnyxOptions = {
  apiKey?: string;
  latencyMs?: number;
  /** How many messages and callbacks to remember (the counters keep counting). Default 1,000. */
  keep?: number;
  /** Post message.sent and message.finalized after every send. */
  autoDeliver?: boolean;
  /** The messaging profile's webhook URL, where sendInbound posts by default. */
  inboundUrl?: string;
  /** The clock that stamps telnyx-timestamp (epoch ms). */
  now?: () => number;
};

export type FakeTelnyx = {
  url: string;
  apiKey: string;
  /** Base64 of the raw 32-byte Ed25519 public key, as Mission Control shows it. */
  publicKey: string;
  privateKey: KeyObject;
  messages: FakeTelnyxMessage[];
  callbacks: CallbackRecord[];
  stats: { requests: number; accepted: number; refused: number; dropped: number; callbacks: number; acknowledged: number };
  latencyMs: number;
  autoDeliver: boolean;
  inboundUrl: string | null;
  failNext(count: number, failure: TelnyxFailure): void;
  failTo(to: string, failure: TelnyxFailure | null): void;
  throttleNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` sends are read, then the connection is destroyed without an answer. */
  dropNext(count: number): void;
  /** Stop listening (connections are refused) or listen again on the same port. */
  refuseConnections(refuse: boolean): Promise<void>;
  outcomeFor(to: string, outcome: TelnyxOutcome): void;
  /** Posts the signed delivery webhooks of a message to its webhook_url; resolves to our endpoint's answers. */
  deliver(id: string, outcome?: TelnyxOutcome): Promise<Array<number | null>>;
  sendInbound(
    from: string,
    to: string,
    text: string,
    options?: { mediaUrls?: string[]; url?: string },
  ): Promise<{ id: string; status: number | null }>;
  /** Signs a body as Telnyx would (for hand-made webhooks). */
  signatureHeaders(rawBody: string, timestampSeconds?: number): Record<string, string>;
  idle(): Promise<void>;
  close(): Promise<void>;
};

type Plan = { kind: 'fail'; failure: TelnyxFailure } | { kind: 'drop' };

const POOL_NUMBER = '+15005550006';

export async function startFakeTelnyx(options: FakeTelnyxOptions = {}): Promise<FakeTelnyx> {
  const apiKey = options.apiKey ?? `KEY${randomBytes(16).toString('hex').toUpperCase()}_fake`;
  const keep = options.keep ?? 1_000;
  const now = options.now ?? Date.now;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const rawPublicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  const plans: Plan[] = [];
  const failuresByTo = new Map<string, TelnyxFailure>();
  const outcomes = new Map<string, TelnyxOutcome>();
  const byId = new Map<string, FakeTelnyxMessage>();

  const remember = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > keep) list.shift();
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const refuse = (res: ServerResponse, failure: TelnyxFailure) => {
    fake.stats.refused += 1;
    const code = failure.code ?? (failure.status === 429 ? '10011' : failure.status >= 500 ? '10007' : '10015');
    const headers: Record<string, string> =
      failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    json(
      res,
      failure.status,
      { errors: [{ code, title: failure.title ?? `Error ${code}`, detail: failure.detail ?? failure.title ?? '' }] },
      headers,
    );
  };

  const signatureHeaders = (rawBody: string, timestampSeconds = Math.floor(now() / 1000)) => ({
    'telnyx-timestamp': String(timestampSeconds),
    'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestampSeconds}|${rawBody}`), privateKey).toString('base64'),
  });

  const postEvent = async (kind: CallbackRecord['kind'], url: string, eventType: string, payload: Record<string, unknown>) => {
    fake.stats.callbacks += 1;
    const rawBody = JSON.stringify({
      data: { event_type: eventType, id: randomUUID(), occurred_at: new Date(now()).toISOString(), payload, record_type: 'event' },
      meta: { attempt: 1, delivered_to: url },
    });
    let status: number | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(rawBody) },
        body: rawBody,
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      status = response.status;
      if (status >= 200 && status < 300) fake.stats.acknowledged += 1;
    } catch {
      status = null;
    }
    remember(fake.callbacks, { kind, url, eventType, status });
    return status;
  };

  const track = <T>(promise: Promise<T>): Promise<T> => http.track(promise);

  const payloadOf = (message: FakeTelnyxMessage, status: string, errors: Array<{ code: string; title: string }>) => ({
    id: message.id,
    record_type: 'message',
    direction: 'outbound',
    type: message.mediaUrls.length > 0 ? 'MMS' : 'SMS',
    messaging_profile_id: message.messagingProfileId,
    from: { phone_number: message.from ?? POOL_NUMBER, carrier: 'Telnyx', line_type: 'Wireless' },
    to: [{ phone_number: message.to, status, carrier: 'T-Mobile USA', line_type: 'Wireless' }],
    text: message.text,
    media: message.mediaUrls.map((url) => ({ url, content_type: null, sha256: null, size: null })),
    errors,
    parts: 1,
    encoding: 'GSM-7',
    webhook_url: message.webhookUrl,
    cost: { amount: '0.0040', currency: 'USD' },
    sent_at: new Date(now()).toISOString(),
    completed_at: null,
  });

  const deliverMessage = async (message: FakeTelnyxMessage, outcome: TelnyxOutcome) => {
    const url = message.webhookUrl;
    if (!url) return [];
    const answers: Array<number | null> = [];
    const final = outcome === 'delivered' ? 'delivered' : outcome.status;
    if (final !== 'sending_failed') answers.push(await postEvent('status', url, 'message.sent', payloadOf(message, 'sent', [])));
    const errors =
      outcome !== 'delivered' && outcome.errorCode
        ? [{ code: outcome.errorCode, title: outcome.title ?? `Error ${outcome.errorCode}` }]
        : [];
    answers.push(await postEvent('status', url, 'message.finalized', payloadOf(message, final, errors)));
    return answers;
  };

  const accept = (req: IncomingMessage, res: ServerResponse, request: Record<string, unknown>) => {
    const text = (field: string) => (typeof request[field] === 'string' ? (request[field] as string) : null);
    const to = text('to');
    const from = text('from');
    const messagingProfileId = text('messaging_profile_id');
    const body = text('text') ?? '';
    const mediaUrls = Array.isArray(request.media_urls) ? request.media_urls.filter((url): url is string => typeof url === 'string') : [];
    const webhookUrl = text('webhook_url');
    if (!to) return refuse(res, { status: 422, code: '40310', title: "Invalid 'to' address", detail: 'The to field is required.' });
    if (!from && !messagingProfileId) return refuse(res, { status: 422, code: '40305', title: "Invalid 'from' address" });
    if (body === '' && mediaUrls.length === 0)
      return refuse(res, { status: 422, code: '40005', title: 'Message text or media is required' });
    if (webhookUrl !== null && !URL.canParse(webhookUrl)) return refuse(res, { status: 422, code: '10015', title: 'Invalid webhook_url' });
    const failure = failuresByTo.get(to);
    if (failure) return refuse(res, failure);

    const message: FakeTelnyxMessage = {
      id: randomUUID(),
      request,
      to,
      from,
      messagingProfileId,
      text: body,
      mediaUrls,
      webhookUrl,
      authorization: req.headers.authorization ?? null,
      receivedAt: now(),
    };
    fake.stats.accepted += 1;
    remember(fake.messages, message);
    byId.set(message.id, message);
    if (byId.size > keep) byId.delete(byId.keys().next().value as string);
    json(res, 200, {
      data: {
        ...payloadOf(message, 'queued', []),
        received_at: new Date(now()).toISOString(),
        sent_at: null,
        cost: null,
        valid_until: null,
        tags: [],
      },
    });
    if (fake.autoDeliver) void track(deliverMessage(message, outcomes.get(to) ?? 'delivered'));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    fake.stats.requests += 1;
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v2/messages') {
      return json(res, 404, { errors: [{ code: '10005', title: 'Resource not found' }] });
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return refuse(res, { status: 401, code: '10009', title: 'Authentication failed', detail: 'The API key is invalid.' });
    }
    const plan = plans.shift();
    if (plan?.kind === 'drop') {
      fake.stats.dropped += 1;
      req.socket.destroy();
      return;
    }
    if (plan?.kind === 'fail') return refuse(res, plan.failure);
    let request: unknown;
    try {
      request = JSON.parse(raw);
    } catch {
      return refuse(res, { status: 400, code: '10015', title: 'Bad Request', detail: 'The body is not valid JSON.' });
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request))
      return refuse(res, { status: 400, code: '10015', title: 'Bad Request' });
    accept(req, res, request as Record<string, unknown>);
  };

  const http = await startFakeServer({ latencyMs: () => fake.latencyMs, handle });

  const fake: FakeTelnyx = {
    url: http.url,
    apiKey,
    publicKey: rawPublicKey,
    privateKey,
    messages: [],
    callbacks: [],
    stats: { requests: 0, accepted: 0, refused: 0, dropped: 0, callbacks: 0, acknowledged: 0 },
    latencyMs: options.latencyMs ?? 0,
    autoDeliver: options.autoDeliver ?? false,
    inboundUrl: options.inboundUrl ?? null,
    failNext(count, failure) {
      for (let index = 0; index < count; index += 1) plans.push({ kind: 'fail', failure });
    },
    failTo(to, failure) {
      if (failure) failuresByTo.set(to, failure);
      else failuresByTo.delete(to);
    },
    throttleNext(count, retryAfterSeconds = 1) {
      fake.failNext(count, { status: 429, code: '10011', title: 'Too many requests', retryAfterSeconds });
    },
    dropNext(count) {
      for (let index = 0; index < count; index += 1) plans.push({ kind: 'drop' });
    },
    refuseConnections: (on) => http.refuseConnections(on),
    outcomeFor(to, outcome) {
      outcomes.set(to, outcome);
    },
    deliver(id, outcome) {
      const message = byId.get(id);
      if (!message) return Promise.reject(new Error(`fake Telnyx: no message ${id} (only the last ${keep} are kept)`));
      return track(deliverMessage(message, outcome ?? outcomes.get(message.to) ?? 'delivered'));
    },
    async sendInbound(from, to, text, extra = {}) {
      const url = extra.url ?? fake.inboundUrl;
      if (!url) throw new Error('fake Telnyx: no inbound URL (pass options.url or set inboundUrl)');
      const id = randomUUID();
      const at = new Date(now()).toISOString();
      const payload = {
        id,
        record_type: 'message',
        direction: 'inbound',
        type: (extra.mediaUrls ?? []).length > 0 ? 'MMS' : 'SMS',
        from: { phone_number: from, carrier: 'T-Mobile USA', line_type: 'Wireless' },
        to: [{ phone_number: to, status: 'webhook_delivered', carrier: 'Telnyx', line_type: 'Wireless' }],
        text,
        media: (extra.mediaUrls ?? []).map((mediaUrl) => ({ url: mediaUrl, content_type: 'image/jpeg', hash_sha256: null, size: null })),
        errors: [],
        parts: 1,
        encoding: 'GSM-7',
        received_at: at,
        cost: null,
      };
      return { id, status: await track(postEvent('inbound', url, 'message.received', payload)) };
    },
    signatureHeaders,
    idle: () => http.idle(),
    close: () => http.close(),
  };
  return fake;
}
