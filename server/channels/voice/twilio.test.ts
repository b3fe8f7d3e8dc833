import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTwilio, startFakeTwilio, twilioSignature } from '../../../test/fakes/twilio.ts';
import { ProviderError } from '../sms/contract.ts';
import type { VoiceClient } from './contract.ts';
import { createTwilioVoice } from './twilio.ts';

// The Twilio voice client against the fake Calls API: what it posts, how refusals come back, the TwiML it writes and
// the webhooks it reads. (The whole patch-through flow is in server/modules/calls/calls-patch-through.test.ts.)

let fake: FakeTwilio;
let voice: VoiceClient;

beforeEach(async () => {
  fake = await startFakeTwilio();
  voice = createTwilioVoice({
    baseUrl: fake.url,
    credentials: { accountSid: fake.accountSid, authToken: fake.authToken },
    timeoutMs: 2_000,
  });
});
afterEach(async () => {
  await fake.close();
});

const call = {
  to: '+15125550142',
  from: '+15125550299',
  // Nothing listens there: the fake's attempt to run the call fails quietly, which these tests do not look at.
  answerUrl: 'http://127.0.0.1:9/webhooks/voice/abc/answer',
  statusUrl: 'http://127.0.0.1:9/webhooks/voice/abc/status',
};

async function placeError(client = voice): Promise<ProviderError> {
  const error = await client.placeCall(call).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Twilio voice', () => {
  it('places the call with basic auth and returns the call SID', async () => {
    const placed = await voice.placeCall(call);
    expect(placed.callId).toMatch(/^CA[0-9a-f]{32}$/);
    expect(fake.calls[0]).toMatchObject({
      sid: placed.callId,
      to: call.to,
      from: call.from,
      url: call.answerUrl,
      method: 'POST',
      statusCallback: call.statusUrl,
      statusCallbackEvents: ['completed'],
      authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
    });
  });

  it('reports rejected credentials as auth, a refused number as permanent with its code, a server error as retryable', async () => {
    const wrong = createTwilioVoice({ baseUrl: fake.url, credentials: { accountSid: fake.accountSid, authToken: 'x'.repeat(32) } });
    expect((await placeError(wrong)).kind).toBe('auth');
    fake.failTo(call.to, { status: 400, code: 21215, message: 'Geo permission not enabled for +15125550142' });
    const refused = await placeError();
    expect(refused).toMatchObject({ kind: 'permanent', code: '21215' });
    expect(refused.message).not.toContain('5550142');
    fake.failTo(call.to, null);
    fake.failNext(1, { status: 503 });
    expect((await placeError()).kind).toBe('retryable');
    expect(fake.calls).toHaveLength(0);
  });

  it('writes TwiML that says the intro and dials the number, escaping what it quotes', () => {
    const document = voice.connect({
      say: 'Connecting you to Mayor Ruiz about "Parks & <Trees>".',
      language: 'en-US',
      number: '+15129742000',
      callerId: '+15125550299',
      resultUrl: 'https://example.org/webhooks/voice/abc/dial?x=1&y=2',
    });
    expect(document.contentType).toMatch(/^text\/xml/);
    expect(document.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US">Connecting you to Mayor Ruiz about &quot;Parks &amp; &lt;Trees&gt;&quot;.</Say>' +
        '<Dial action="https://example.org/webhooks/voice/abc/dial?x=1&amp;y=2" method="POST" callerId="+15125550299" timeout="30" timeLimit="3600">' +
        '<Number>+15129742000</Number></Dial></Response>',
    );
    expect(voice.goodbye({ say: 'Gracias. Adiós.', language: 'es-MX' }).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="es-MX">Gracias. Adiós.</Say><Hangup/></Response>',
    );
  });

  it('verifies signed webhooks and reads dial results and call ends', () => {
    const url = 'https://example.org/webhooks/voice/abc/dial';
    const form = { CallSid: 'CA1', DialCallStatus: 'completed', DialCallDuration: '42' };
    const signed = { url, form, headers: { 'x-twilio-signature': twilioSignature(fake.authToken, url, form) } };
    expect(voice.verifyWebhook(signed)).toBe(true);
    expect(voice.verifyWebhook({ ...signed, form: { ...form, DialCallDuration: '420' } })).toBe(false);
    expect(voice.verifyWebhook({ ...signed, headers: {} })).toBe(false);
    expect(voice.parseDialResult(signed)).toEqual({ status: 'completed', durationSeconds: 42 });
    expect(voice.parseDialResult({ ...signed, form: { DialCallStatus: 'no-answer' } })).toEqual({
      status: 'no-answer',
      durationSeconds: 0,
    });
    expect(voice.parseDialResult({ ...signed, form: { DialCallStatus: 'ringing' } })).toBeNull();
    expect(voice.parseCallEnd({ ...signed, form: { CallSid: 'CA1', CallStatus: 'completed', CallDuration: '50' } })).toEqual({
      callId: 'CA1',
      status: 'completed',
      durationSeconds: 50,
    });
    expect(voice.parseCallEnd({ ...signed, form: { CallSid: 'CA1', CallStatus: 'in-progress' } })).toBeNull();
  });
});
