import { z } from 'zod';
import { ProviderError } from '../sms/contract.ts';
import { parseJson, postToProvider } from '../sms/http.ts';
import { type TwilioCredentials, twilioRefusal, twilioSignatureValid } from '../sms/twilio.ts';
import type { CallEnd, DialResult, DialStatus, OutboundVoiceCall, VoiceClient, VoiceDocument, VoiceWebhook } from './contract.ts';

// Twilio Programmable Voice for patch-through: POST /2010-04-01/Accounts/{AccountSid}/Calls.json (form-encoded, basic
// auth) calls the member; when they answer, Twilio fetches our TwiML (<Say> an intro, <Dial> the person to call with an
// action URL), posts the <Dial> result (DialCallStatus, DialCallDuration) to that action URL, and the end of the call
// to StatusCallback. Every webhook is signed with X-Twilio-Signature, as for messaging.

const DEFAULT_TIMEOUT_MS = 10_000;
/** Seconds the person called may ring before Twilio gives up (Twilio's default is 30). */
const DIAL_TIMEOUT_SECONDS = 30;
/** The longest conversation we pay for: an hour. */
const DIAL_TIME_LIMIT_SECONDS = 3_600;

const DIAL_STATUSES: ReadonlySet<string> = new Set<DialStatus>(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled']);
/** The statuses a call ends with (StatusCallbackEvent=completed reports one of these). */
const END_STATUSES: ReadonlySet<string> = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

const twilioCall = z.object({ sid: z.string().regex(/^CA[0-9a-zA-Z]+$/) }).loose();

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
const twiml = (body: string): VoiceDocument => ({
  contentType: 'text/xml; charset=utf-8',
  body: `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`,
});
const say = (text: string, language: string) => `<Say language="${xml(language)}">${xml(text)}</Say>`;

const seconds = (value: string | undefined) => {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

export function createTwilioVoice(options: {
  baseUrl: string;
  credentials: TwilioCredentials;
  timeoutMs?: number;
  now?: () => number;
}): VoiceClient {
  const { accountSid, authToken } = options.credentials;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${accountSid}/Calls.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const now = options.now ?? Date.now;

  return {
    async placeCall(call: OutboundVoiceCall) {
      const form = new URLSearchParams({
        To: call.to,
        From: call.from,
        Url: call.answerUrl,
        Method: 'POST',
        StatusCallback: call.statusUrl,
        StatusCallbackMethod: 'POST',
        StatusCallbackEvent: 'completed',
      });
      const answer = await postToProvider('twilio', {
        url: endpoint,
        signal: call.signal,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
      if (answer.status >= 200 && answer.status < 300) {
        const parsed = twilioCall.safeParse(parseJson(answer.text));
        if (!parsed.success) throw new ProviderError('unknown', `twilio: HTTP ${answer.status} without a call SID`);
        return { callId: parsed.data.sid };
      }
      throw twilioRefusal(answer, now());
    },

    verifyWebhook: (request: VoiceWebhook) => twilioSignatureValid(authToken, request),

    connect(input) {
      const dial =
        `<Dial action="${xml(input.resultUrl)}" method="POST" callerId="${xml(input.callerId)}" ` +
        `timeout="${DIAL_TIMEOUT_SECONDS}" timeLimit="${DIAL_TIME_LIMIT_SECONDS}"><Number>${xml(input.number)}</Number></Dial>`;
      return twiml(`${say(input.say, input.language)}${dial}`);
    },

    goodbye: (input) => twiml(`${say(input.say, input.language)}<Hangup/>`),

    parseDialResult(request): DialResult | null {
      const status = request.form.DialCallStatus;
      if (status === undefined || !DIAL_STATUSES.has(status)) return null;
      return { status: status as DialStatus, durationSeconds: seconds(request.form.DialCallDuration) };
    },

    parseCallEnd(request): CallEnd | null {
      const status = request.form.CallStatus;
      if (status === undefined || !END_STATUSES.has(status)) return null;
      return { callId: request.form.CallSid || null, status, durationSeconds: seconds(request.form.CallDuration) };
    },
  };
}
