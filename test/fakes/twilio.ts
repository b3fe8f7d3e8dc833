import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFakeServer } from './http-server.ts';

// A localhost stand-in for Twilio's Messages API, speaking its wire protocol: form-encoded sends with basic auth,
// JSON answers and errors, and status callbacks / inbound texts signed with X-Twilio-Signature. It keeps counters
// and only the last `keep` messages, so a benchmark can push thousands of sends per second through it.
//
// It also plays Twilio Programmable Voice's Calls resource: POST Calls.json is answered 201 (status "queued"), then
// the call runs by itself as Twilio runs it: the member answers, the fake fetches the call's Url (signed POST), reads
// the TwiML (what <Say> says, which <Number> <Dial> dials), posts the <Dial> action URL with the result the test chose
// (DialCallStatus, DialCallDuration), reads that TwiML too, and posts the StatusCallback when the call has ended.

export type TwilioFailure = {
  /** HTTP status of the refusal (400, 401, 429, 500, 503, …). */
  status: number;
  /** Twilio's error code: 21211 invalid number, 21610 unsubscribed recipient, 21614 not a mobile number, … */
  code?: number;
  message?: string;
  /** Sent as Retry-After (seconds). */
  retryAfterSeconds?: number;
};

/** What happens to a message after Twilio accepted it. */
export type TwilioOutcome = 'delivered' | { status: 'undelivered' | 'failed'; errorCode: number };

export type FakeTwilioMessage = {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
  validityPeriod: number | null;
  authorization: string | null;
  receivedAt: number;
};

export type CallbackRecord = { kind: 'status' | 'inbound' | 'voice'; url: string; messageStatus: string | null; status: number | null };

/** How the leg to the number <Dial> dials ends (DialCallStatus), and how long it talked (DialCallDuration, seconds). */
export type FakeDialOutcome = { status: 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled'; durationSeconds?: number };

/** A call placed through POST Calls.json, and what happened on it so far. */
export type FakeTwilioCall = {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  url: string;
  method: 'GET' | 'POST';
  statusCallback: string | null;
  statusCallbackEvents: string[];
  authorization: string | null;
  receivedAt: number;
  /** Our answer webhook's HTTP status (null: no answer, or the member did not pick up). */
  answerStatus: number | null;
  /** What <Say> said to the member, in order, across every TwiML document of the call. */
  said: string[];
  /** The number <Dial> dialed, and the attributes it was dialed with. */
  dialed: string | null;
  dialCallerId: string | null;
  dialAction: string | null;
  /** The dial result the fake reported to the action URL, and our endpoint's HTTP status. */
  dialResult: { status: FakeDialOutcome['status']; durationSeconds: number } | null;
  dialActionStatus: number | null;
  /** The StatusCallback's CallStatus and our endpoint's HTTP status. */
  endStatus: string | null;
  statusCallbackStatus: number | null;
  /** The call has run to its end. */
  done: boolean;
};

export type FakeTwilioOptions = {
  accountSid?: string;
  authToken?: string;
  /** Delay before answering each send, in ms. */
  latencyMs?: number;
  /** How many messages and callbacks to remember (the counters keep counting). Default 1,000. */
  keep?: number;
  /** Post status callbacks (queued → sent → delivered, or the outcome set with outcomeFor) after every send. */
  autoDeliver?: boolean;
  /** Where sendInbound posts by default (the number's "A message comes in" webhook). */
  inboundUrl?: string;
};

export type FakeTwilio = {
  url: string;
  accountSid: string;
  authToken: string;
  /** The last `keep` accepted sends, oldest first. */
  messages: FakeTwilioMessage[];
  /** The last `keep` callbacks posted, with the status code our endpoint answered (null: no answer). */
  callbacks: CallbackRecord[];
  /** The last `keep` calls placed, oldest first. */
  calls: FakeTwilioCall[];
  stats: { requests: number; accepted: number; refused: number; dropped: number; callbacks: number; acknowledged: number };
  latencyMs: number;
  autoDeliver: boolean;
  inboundUrl: string | null;
  /** The next `count` sends are refused with `failure`. */
  failNext(count: number, failure: TwilioFailure): void;
  /** Every send to `to` is refused with `failure` (null clears it). */
  failTo(to: string, failure: TwilioFailure | null): void;
  /** The next `count` sends get 429 with Retry-After. */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` sends are read, then the connection is destroyed without an answer. */
  dropNext(count: number): void;
  /** Stop listening (connections are refused) or listen again on the same port. */
  refuseConnections(refuse: boolean): Promise<void>;
  /** The outcome autoDeliver and deliver() report for messages to `to`. */
  outcomeFor(to: string, outcome: TwilioOutcome): void;
  /** Posts the signed status callbacks of a message to its StatusCallback; resolves to our endpoint's answers. */
  deliver(sid: string, outcome?: TwilioOutcome): Promise<Array<number | null>>;
  sendInbound(
    from: string,
    to: string,
    body: string,
    options?: { mediaUrls?: string[]; url?: string },
  ): Promise<{ sid: string; status: number | null }>;
  /** The result <Dial> reports for calls to `number` (null: the default, completed after 42 seconds). */
  dialOutcomeFor(number: string, outcome: FakeDialOutcome | null): void;
  /** Calls to `to` are not picked up by the member: no TwiML is fetched; the StatusCallback reports this status. */
  memberOutcomeFor(to: string, status: 'busy' | 'no-answer' | 'failed' | null): void;
  /** Posts a call's <Dial> action request again, exactly as before (a Twilio retry); resolves to our endpoint's status. */
  replayDialAction(sid: string): Promise<number | null>;
  /** Resolves when every callback in flight has been answered (calls run to their end). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

type Plan = { kind: 'fail'; failure: TwilioFailure } | { kind: 'drop' };

/** X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + each sorted key followed by its value)). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const keep = options.keep ?? 1_000;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const sidPrefix = randomBytes(6).toString('hex');
  let sequence = 0;
  const plans: Plan[] = [];
  const failuresByTo = new Map<string, TwilioFailure>();
  const outcomes = new Map<string, TwilioOutcome>();
  const bySid = new Map<string, FakeTwilioMessage>();

  const remember = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > keep) list.shift();
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const refuse = (res: ServerResponse, failure: TwilioFailure) => {
    fake.stats.refused += 1;
    const code = failure.code ?? (failure.status === 429 ? 20429 : failure.status >= 500 ? 20500 : 21211);
    const headers: Record<string, string> =
      failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    json(
      res,
      failure.status,
      {
        code,
        message: failure.message ?? `Error ${code}`,
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status: failure.status,
      },
      headers,
    );
  };

  const postCallback = async (kind: CallbackRecord['kind'], url: string, params: Record<string, string>): Promise<number | null> => {
    fake.stats.callbacks += 1;
    let status: number | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, url, params) },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      status = response.status;
      if (status >= 200 && status < 300) fake.stats.acknowledged += 1;
    } catch {
      status = null;
    }
    remember(fake.callbacks, { kind, url, messageStatus: params.MessageStatus ?? null, status });
    return status;
  };

  const track = <T>(promise: Promise<T>): Promise<T> => http.track(promise);

  const deliverMessage = async (message: FakeTwilioMessage, outcome: TwilioOutcome): Promise<Array<number | null>> => {
    if (!message.statusCallback) return [];
    const steps: Array<{ status: string; errorCode?: number }> =
      outcome === 'delivered'
        ? [{ status: 'queued' }, { status: 'sent' }, { status: 'delivered' }]
        : outcome.status === 'failed'
          ? [{ status: 'queued' }, { status: 'failed', errorCode: outcome.errorCode }]
          : [{ status: 'queued' }, { status: 'sent' }, { status: 'undelivered', errorCode: outcome.errorCode }];
    const answers: Array<number | null> = [];
    for (const step of steps) {
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: message.from ?? '+15005550006',
        MessageSid: message.sid,
        MessageStatus: step.status,
        SmsSid: message.sid,
        SmsStatus: step.status,
        To: message.to,
      };
      if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
      if (step.errorCode !== undefined) params.ErrorCode = String(step.errorCode);
      answers.push(await postCallback('status', message.statusCallback, params));
    }
    return answers;
  };

  const accept = (req: IncomingMessage, res: ServerResponse, form: URLSearchParams, pathSid: string) => {
    const to = form.get('To');
    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    const validity = form.get('ValidityPeriod');
    const statusCallback = form.get('StatusCallback');
    if (!to) return refuse(res, { status: 400, code: 21604, message: "A 'To' phone number is required." });
    if (!from && !messagingServiceSid) return refuse(res, { status: 400, code: 21603, message: "A 'From' phone number is required." });
    if (body === '' && mediaUrls.length === 0) return refuse(res, { status: 400, code: 21602, message: 'Message body is required.' });
    const validityPeriod = validity === null ? null : Number(validity);
    if (validityPeriod !== null && !(Number.isInteger(validityPeriod) && validityPeriod >= 1 && validityPeriod <= 36_000)) {
      return refuse(res, { status: 400, code: 90007, message: 'Invalid validity period value' });
    }
    if (statusCallback !== null && !URL.canParse(statusCallback))
      return refuse(res, { status: 400, code: 21609, message: 'Invalid StatusCallback url' });
    const failure = failuresByTo.get(to);
    if (failure) return refuse(res, failure);

    sequence += 1;
    const sid = `SM${sidPrefix}${sequence.toString(16).padStart(20, '0')}`;
    const message: FakeTwilioMessage = {
      sid,
      accountSid: pathSid,
      to,
      from,
      messagingServiceSid,
      body,
      mediaUrls,
      statusCallback,
      validityPeriod,
      authorization: req.headers.authorization ?? null,
      receivedAt: Date.now(),
    };
    fake.stats.accepted += 1;
    remember(fake.messages, message);
    bySid.set(sid, message);
    if (bySid.size > keep) bySid.delete(bySid.keys().next().value as string);
    const now = new Date().toUTCString();
    json(res, 201, {
      account_sid: pathSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: messagingServiceSid,
      num_media: String(mediaUrls.length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: messagingServiceSid && !from ? 'accepted' : 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${pathSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${pathSid}/Messages/${sid}.json`,
    });
    if (fake.autoDeliver) void track(deliverMessage(message, outcomes.get(to) ?? 'delivered'));
  };

  // ── Programmable Voice ──────────────────────────────────────────────────

  const dialOutcomes = new Map<string, FakeDialOutcome>();
  const memberOutcomes = new Map<string, 'busy' | 'no-answer' | 'failed'>();
  const callsBySid = new Map<string, FakeTwilioCall>();
  const dialRequests = new Map<string, { url: string; method: 'GET' | 'POST'; params: Record<string, string> }>();
  const newCallSid = () => {
    sequence += 1;
    return `CA${sidPrefix}${sequence.toString(16).padStart(20, '0')}`;
  };

  /** Posts (or GETs) a signed voice webhook as Twilio does; resolves to our status and the TwiML we answered. */
  const voiceRequest = async (
    url: string,
    method: 'GET' | 'POST',
    params: Record<string, string>,
  ): Promise<{ status: number | null; body: string }> => {
    fake.stats.callbacks += 1;
    let status: number | null = null;
    let body = '';
    try {
      // A GET is signed over the full URL with its query and no body parameters.
      const target = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}` : url;
      const response = await fetch(target, {
        method,
        headers: {
          'x-twilio-signature': twilioSignature(authToken, target, method === 'GET' ? {} : params),
          ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(method === 'POST' ? { body: new URLSearchParams(params).toString() } : {}),
        signal: AbortSignal.timeout(15_000),
      });
      body = await response.text();
      status = response.status;
      if (status >= 200 && status < 300) fake.stats.acknowledged += 1;
    } catch {
      status = null;
    }
    remember(fake.callbacks, { kind: 'voice', url, messageStatus: params.CallStatus ?? null, status });
    return { status, body };
  };

  const unescapeXml = (text: string) =>
    text
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  const attributesOf = (tag: string) =>
    Object.fromEntries([...tag.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', unescapeXml(m[2] ?? '')]));

  /** What a TwiML document asks for: the <Say> texts in order, and the <Dial> (its attributes and the number). */
  const readTwiml = (body: string) => {
    const document = body.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
    if (!/^<Response\s*(\/>|>[\s\S]*<\/Response>)\s*$/.test(document)) return null;
    const said = [...document.matchAll(/<Say\b[^>]*>([\s\S]*?)<\/Say>/g)].map((m) => unescapeXml(m[1] ?? '').trim());
    const dial = /<Dial\b([^>]*)>([\s\S]*?)<\/Dial>/.exec(document);
    if (!dial) return { said, dial: null };
    const inner = dial[2] ?? '';
    const number = /<Number\b[^>]*>([\s\S]*?)<\/Number>/.exec(inner)?.[1] ?? inner;
    return { said, dial: { attributes: attributesOf(dial[1] ?? ''), number: unescapeXml(number).trim() } };
  };

  /** The call as Twilio runs it once the API has queued it. */
  const runCall = async (call: FakeTwilioCall) => {
    const base: Record<string, string> = {
      AccountSid: call.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      Called: call.to,
      Caller: call.from,
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
    };
    let talked = 0;
    const memberOutcome = memberOutcomes.get(call.to);
    if (memberOutcome) {
      call.endStatus = memberOutcome;
    } else {
      const answered = await voiceRequest(call.url, call.method, { ...base, CallStatus: 'in-progress' });
      call.answerStatus = answered.status;
      const twiml = answered.status !== null && answered.status < 300 ? readTwiml(answered.body) : null;
      if (twiml) {
        call.said.push(...twiml.said);
        if (twiml.dial) {
          call.dialed = twiml.dial.number;
          call.dialCallerId = twiml.dial.attributes.callerId ?? null;
          call.dialAction = twiml.dial.attributes.action ?? null;
          const outcome = dialOutcomes.get(twiml.dial.number) ?? { status: 'completed', durationSeconds: 42 };
          const talkedToTarget = outcome.status === 'completed' || outcome.status === 'answered';
          const durationSeconds = talkedToTarget ? (outcome.durationSeconds ?? 42) : 0;
          call.dialResult = { status: outcome.status, durationSeconds };
          talked = durationSeconds;
          if (call.dialAction) {
            const url = new URL(call.dialAction, call.url).toString();
            const method = twiml.dial.attributes.method === 'GET' ? 'GET' : 'POST';
            const params: Record<string, string> = {
              ...base,
              CallStatus: 'in-progress',
              DialBridged: String(talkedToTarget),
              DialCallSid: newCallSid(),
              DialCallStatus: outcome.status,
            };
            if (talkedToTarget) params.DialCallDuration = String(durationSeconds);
            dialRequests.set(call.sid, { url, method, params });
            const after = await voiceRequest(url, method, params);
            call.dialActionStatus = after.status;
            const next = after.status !== null && after.status < 300 ? readTwiml(after.body) : null;
            if (next) call.said.push(...next.said);
          }
        }
      }
      call.endStatus = 'completed';
    }
    if (call.statusCallback && (call.statusCallbackEvents.length === 0 || call.statusCallbackEvents.includes('completed'))) {
      const ended = await voiceRequest(call.statusCallback, 'POST', {
        ...base,
        CallDuration: String(memberOutcome ? 0 : talked + 5),
        CallStatus: call.endStatus,
        CallbackSource: 'call-progress-events',
        SequenceNumber: '0',
        Timestamp: new Date().toUTCString(),
      });
      call.statusCallbackStatus = ended.status;
    }
    call.done = true;
  };

  const placeCall = (req: IncomingMessage, res: ServerResponse, form: URLSearchParams, pathSid: string) => {
    const to = form.get('To');
    const from = form.get('From');
    const url = form.get('Url');
    const method = (form.get('Method') ?? 'POST').toUpperCase();
    const statusCallback = form.get('StatusCallback');
    if (!to) return refuse(res, { status: 400, code: 21201, message: "No 'To' number is specified" });
    if (!from) return refuse(res, { status: 400, code: 21213, message: "No 'From' number is specified" });
    if (!url) return refuse(res, { status: 400, code: 21205, message: "A 'Url' is required (this fake plays no Twiml or ApplicationSid)" });
    if (!URL.canParse(url) || !/^https?:/.test(url)) return refuse(res, { status: 400, code: 21205, message: 'Url is not a valid URL' });
    if (method !== 'GET' && method !== 'POST') return refuse(res, { status: 400, code: 21209, message: 'Method must be GET or POST' });
    if (statusCallback !== null && !URL.canParse(statusCallback))
      return refuse(res, { status: 400, code: 21609, message: 'Invalid StatusCallback url' });
    const failure = failuresByTo.get(to);
    if (failure) return refuse(res, failure);

    const call: FakeTwilioCall = {
      sid: newCallSid(),
      accountSid: pathSid,
      to,
      from,
      url,
      method,
      statusCallback,
      statusCallbackEvents: form.getAll('StatusCallbackEvent').flatMap((value) => value.split(/[\s,]+/).filter(Boolean)),
      authorization: req.headers.authorization ?? null,
      receivedAt: Date.now(),
      answerStatus: null,
      said: [],
      dialed: null,
      dialCallerId: null,
      dialAction: null,
      dialResult: null,
      dialActionStatus: null,
      endStatus: null,
      statusCallbackStatus: null,
      done: false,
    };
    fake.stats.accepted += 1;
    remember(fake.calls, call);
    callsBySid.set(call.sid, call);
    if (callsBySid.size > keep) callsBySid.delete(callsBySid.keys().next().value as string);
    const now = new Date().toUTCString();
    json(res, 201, {
      account_sid: pathSid,
      annotation: null,
      answered_by: null,
      api_version: '2010-04-01',
      caller_name: null,
      date_created: now,
      date_updated: now,
      direction: 'outbound-api',
      duration: null,
      end_time: null,
      forwarded_from: null,
      from,
      from_formatted: from,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: null,
      price: null,
      price_unit: 'USD',
      queue_time: '0',
      sid: call.sid,
      start_time: null,
      status: 'queued',
      subresource_uris: {
        notifications: `/2010-04-01/Accounts/${pathSid}/Calls/${call.sid}/Notifications.json`,
        recordings: `/2010-04-01/Accounts/${pathSid}/Calls/${call.sid}/Recordings.json`,
      },
      to,
      to_formatted: to,
      trunk_sid: null,
      uri: `/2010-04-01/Accounts/${pathSid}/Calls/${call.sid}.json`,
    });
    // Twilio dials once the API has answered: the call runs on its own, tracked so a test can wait for its end.
    void track(runCall(call));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    fake.stats.requests += 1;
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (req.method !== 'POST' || !match?.[1])
      return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (req.headers.authorization !== expectedAuth || match[1] !== accountSid) {
      return refuse(res, { status: 401, code: 20003, message: 'Authenticate' });
    }
    const plan = plans.shift();
    if (plan?.kind === 'drop') {
      fake.stats.dropped += 1;
      req.socket.destroy();
      return;
    }
    if (plan?.kind === 'fail') return refuse(res, plan.failure);
    if (match[2] === 'Calls') return placeCall(req, res, new URLSearchParams(raw), match[1]);
    accept(req, res, new URLSearchParams(raw), match[1]);
  };

  const http = await startFakeServer({ latencyMs: () => fake.latencyMs, handle });

  const fake: FakeTwilio = {
    url: http.url,
    accountSid,
    authToken,
    messages: [],
    callbacks: [],
    calls: [],
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
      fake.failNext(count, { status: 429, code: 20429, message: 'Too Many Requests', retryAfterSeconds });
    },
    dropNext(count) {
      for (let index = 0; index < count; index += 1) plans.push({ kind: 'drop' });
    },
    refuseConnections: (on) => http.refuseConnections(on),
    outcomeFor(to, outcome) {
      outcomes.set(to, outcome);
    },
    deliver(sid, outcome) {
      const message = bySid.get(sid);
      if (!message) return Promise.reject(new Error(`fake Twilio: no message ${sid} (only the last ${keep} are kept)`));
      return track(deliverMessage(message, outcome ?? outcomes.get(message.to) ?? 'delivered'));
    },
    async sendInbound(from, to, body, extra = {}) {
      const url = extra.url ?? fake.inboundUrl;
      if (!url) throw new Error('fake Twilio: no inbound URL (pass options.url or set inboundUrl)');
      sequence += 1;
      const sid = `SM${sidPrefix}${sequence.toString(16).padStart(20, '0')}`;
      const mediaUrls = extra.mediaUrls ?? [];
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        Body: body,
        From: from,
        MessageSid: sid,
        NumMedia: String(mediaUrls.length),
        NumSegments: '1',
        SmsMessageSid: sid,
        SmsSid: sid,
        SmsStatus: 'received',
        To: to,
      };
      mediaUrls.forEach((mediaUrl, index) => {
        params[`MediaUrl${index}`] = mediaUrl;
        params[`MediaContentType${index}`] = 'image/jpeg';
      });
      return { sid, status: await track(postCallback('inbound', url, params)) };
    },
    dialOutcomeFor(number, outcome) {
      if (outcome) dialOutcomes.set(number, outcome);
      else dialOutcomes.delete(number);
    },
    memberOutcomeFor(to, status) {
      if (status) memberOutcomes.set(to, status);
      else memberOutcomes.delete(to);
    },
    async replayDialAction(sid) {
      const request = dialRequests.get(sid);
      if (!request) throw new Error(`fake Twilio: call ${sid} has posted no <Dial> action`);
      return (await track(voiceRequest(request.url, request.method, request.params))).status;
    },
    idle: () => http.idle(),
    close: () => http.close(),
  };
  return fake;
}
