import type { z } from 'zod';
import type { ProviderName } from '../db/schema.ts';
import type { EmailAdapter } from './email/contract.ts';
import { createSmtpAdapter, smtpCredentials } from './email/smtp.ts';
import type { AdapterContext, SmsAdapter } from './sms/contract.ts';
import { createSimulatorAdapter, simulatorCredentials } from './sms/simulator.ts';
import { createSmppAdapter, smppCredentials } from './sms/smpp.ts';
import { createTelnyxAdapter, TELNYX_BASE_URL, telnyxCredentials } from './sms/telnyx.ts';
import { createTwilioAdapter, TWILIO_BASE_URL, twilioCredentials } from './sms/twilio.ts';
import type { VoiceClient } from './voice/contract.ts';
import { createTwilioVoice } from './voice/twilio.ts';

// The only list of vendors. Everything else (the dashboard's forms, the dispatcher, webhook routes) reads this.

export type CredentialField = {
  key: string;
  label: string;
  /** Secrets are write-only: the API says whether they are set, never what they are. */
  secret: boolean;
  required: boolean;
  kind: 'text' | 'number' | 'boolean';
  placeholder?: string;
  help?: string;
};

export type AccountConfig = {
  baseUrl: string | null;
  /** Validated with the provider's `credentials` schema. */
  credentials: unknown;
  /** Non-secret settings (JSON). */
  settings: Record<string, unknown>;
};

type ProviderBase = {
  name: ProviderName;
  label: string;
  description: string;
  credentials: z.ZodType<Record<string, unknown>>;
  credentialFields: CredentialField[];
  /** The public API; NULL when the provider has no HTTP API (SMPP, SMTP, simulator). */
  defaultBaseUrl: string | null;
  /** Status callbacks and inbound texts arrive as HTTP webhooks (otherwise over the provider's own connection). */
  webhooks: boolean;
  mms: boolean;
  /** Default price per SMS segment / email, in millionths of a dollar, shown in cost estimates until changed. */
  defaultPriceMicros: number;
  defaultMmsPriceMicros: number;
  /** Default throughput of a new sender, in segments per second. */
  defaultThroughput: number;
};

export type SmsProvider = ProviderBase & {
  channel: 'sms';
  create: (config: AccountConfig, context: AdapterContext) => SmsAdapter;
  /** Places calls too (patch-through on call actions): the account's long codes and toll-free numbers can call members. */
  voice?: (config: AccountConfig) => VoiceClient;
};
export type EmailProvider = ProviderBase & { channel: 'email'; create: (config: AccountConfig, context: AdapterContext) => EmailAdapter };
export type Provider = SmsProvider | EmailProvider;

const baseUrlOf = (config: AccountConfig, fallback: string) => config.baseUrl ?? fallback;

export const PROVIDERS: readonly Provider[] = [
  {
    name: 'simulator',
    channel: 'sms',
    label: 'Simulator',
    description: 'Built in: delivers nowhere, but reports delivery, failures and replies (including STOP) like a real carrier.',
    credentials: simulatorCredentials,
    credentialFields: [],
    defaultBaseUrl: null,
    webhooks: false,
    mms: true,
    // Priced like a US long code, so cost estimates in a demo look like the real thing.
    defaultPriceMicros: 7_900,
    defaultMmsPriceMicros: 20_000,
    defaultThroughput: 100,
    create: (config, context) => createSimulatorAdapter({ settings: config.settings }, context),
  },
  {
    name: 'twilio',
    channel: 'sms',
    label: 'Twilio',
    description: 'Twilio Programmable Messaging: long codes, toll-free, short codes and messaging services.',
    credentials: twilioCredentials,
    credentialFields: [
      { key: 'accountSid', label: 'Account SID', secret: false, required: true, kind: 'text', placeholder: 'AC…' },
      { key: 'authToken', label: 'Auth token', secret: true, required: true, kind: 'text' },
    ],
    defaultBaseUrl: TWILIO_BASE_URL,
    webhooks: true,
    mms: true,
    defaultPriceMicros: 8_300,
    defaultMmsPriceMicros: 22_000,
    defaultThroughput: 1,
    create: (config, context) =>
      createTwilioAdapter(
        { baseUrl: baseUrlOf(config, TWILIO_BASE_URL), credentials: twilioCredentials.parse(config.credentials) },
        context,
      ),
    voice: (config) =>
      createTwilioVoice({ baseUrl: baseUrlOf(config, TWILIO_BASE_URL), credentials: twilioCredentials.parse(config.credentials) }),
  },
  {
    name: 'telnyx',
    channel: 'sms',
    label: 'Telnyx',
    description: 'Telnyx Messaging API v2 with Ed25519-signed webhooks.',
    credentials: telnyxCredentials,
    credentialFields: [
      { key: 'apiKey', label: 'API key', secret: true, required: true, kind: 'text', placeholder: 'KEY…' },
      {
        key: 'publicKey',
        label: 'Webhook public key',
        secret: false,
        required: true,
        kind: 'text',
        help: 'Mission Control → Keys & Credentials → Public Key (base64); verifies webhook signatures.',
      },
      { key: 'messagingProfileId', label: 'Messaging profile id', secret: false, required: false, kind: 'text' },
    ],
    defaultBaseUrl: TELNYX_BASE_URL,
    webhooks: true,
    mms: true,
    defaultPriceMicros: 4_000,
    defaultMmsPriceMicros: 15_000,
    defaultThroughput: 1,
    create: (config, context) =>
      createTelnyxAdapter(
        { baseUrl: baseUrlOf(config, TELNYX_BASE_URL), credentials: telnyxCredentials.parse(config.credentials) },
        context,
      ),
  },
  {
    name: 'smpp',
    channel: 'sms',
    label: 'SMPP 3.4',
    description: 'A direct SMPP 3.4 bind to a carrier or aggregator (transceiver), with delivery receipts.',
    credentials: smppCredentials,
    credentialFields: [
      { key: 'host', label: 'Host', secret: false, required: true, kind: 'text', placeholder: 'smpp.example.net' },
      { key: 'port', label: 'Port', secret: false, required: true, kind: 'number', placeholder: '2775' },
      { key: 'systemId', label: 'System id', secret: false, required: true, kind: 'text' },
      { key: 'password', label: 'Password', secret: true, required: true, kind: 'text' },
      { key: 'systemType', label: 'System type', secret: false, required: false, kind: 'text' },
    ],
    defaultBaseUrl: null,
    webhooks: false,
    mms: false,
    defaultPriceMicros: 3_000,
    defaultMmsPriceMicros: 0,
    defaultThroughput: 10,
    create: (config, context) =>
      createSmppAdapter({ credentials: smppCredentials.parse(config.credentials), settings: config.settings }, context),
  },
  {
    name: 'smtp',
    channel: 'email',
    label: 'Email (SMTP)',
    description: 'Any SMTP server or relay (Postmark, SES, Mailgun, your own).',
    credentials: smtpCredentials,
    credentialFields: [
      { key: 'host', label: 'Host', secret: false, required: true, kind: 'text', placeholder: 'smtp.example.org' },
      { key: 'port', label: 'Port', secret: false, required: true, kind: 'number', placeholder: '587' },
      { key: 'secure', label: 'TLS from the start (port 465)', secret: false, required: false, kind: 'boolean' },
      { key: 'user', label: 'User', secret: false, required: false, kind: 'text' },
      { key: 'pass', label: 'Password', secret: true, required: false, kind: 'text' },
    ],
    defaultBaseUrl: null,
    webhooks: false,
    mms: false,
    defaultPriceMicros: 100,
    defaultMmsPriceMicros: 0,
    defaultThroughput: 10,
    create: (config, context) => createSmtpAdapter({ credentials: smtpCredentials.parse(config.credentials) }, context),
  },
];

export function providerOf(name: string): Provider | undefined {
  return PROVIDERS.find((provider) => provider.name === name);
}

/**
 * What providers' error codes mean, for a broadcast's report of failures: Twilio (2xxxx/3xxxx), Telnyx delivery errors
 * (4xxxx), SMPP command_status (0x…), and the reasons the dispatcher records when it stops a message itself.
 */
const PROVIDER_ERRORS: Readonly<Record<string, string>> = {
  // Twilio
  '21211': 'Invalid phone number',
  '21408': 'Texting this region is not enabled on the account',
  '21610': 'The recipient has opted out at the carrier',
  '21612': 'The number cannot be reached by SMS from this sender',
  '21614': 'Not a mobile number',
  '21617': 'The message is longer than 1,600 characters',
  '30001': 'The sender’s queue overflowed',
  '30002': 'The provider account is suspended',
  '30003': 'Unreachable handset (off or out of coverage)',
  '30004': 'Message blocked by the recipient or carrier',
  '30005': 'Unknown number (no longer in service)',
  '30006': 'Landline or unreachable carrier',
  '30007': 'Filtered by the carrier as spam',
  '30008': 'Unknown error at the carrier',
  '30032': 'The toll-free number is not verified',
  '30034': 'The number is not registered for A2P 10DLC',
  // Telnyx
  '40001': 'Landline or number that cannot receive texts',
  '40002': 'Blocked by the carrier as spam (for now)',
  '40003': 'The sending number is blocked by the carrier as spam',
  '40004': 'Rejected by the recipient’s carrier',
  '40005': 'Expired before it could be delivered',
  '40006': 'The recipient’s carrier is unavailable',
  '40008': 'Undeliverable (the carrier did not accept it)',
  '40009': 'The carrier rejected the message text',
  '40011': 'The carrier’s rate limit was exceeded',
  '40012': 'Invalid phone number',
  '40013': 'The carrier rejected the sending number',
  '40300': 'The recipient has opted out at the carrier',
  // SMPP 3.4 command_status
  '0x00000001': 'The SMSC refused the message length',
  '0x00000008': 'System error at the SMSC',
  '0x0000000A': 'The SMSC refused the sender address',
  '0x0000000B': 'Invalid phone number',
  '0x00000014': 'The SMSC’s queue is full',
  '0x00000045': 'The SMSC could not take the message',
  '0x00000058': 'The SMSC throttled the sender',
  '0x00000062': 'The SMSC refused the delivery window',
  '0x00000066': 'The SMSC rejected the message',
  '0x000000FF': 'Unknown error at the SMSC',
  // Recorded by the dispatcher rather than a provider
  no_consent: 'Consent was withdrawn before sending',
  opted_out: 'The member opted out before sending',
  retries_exhausted: 'The provider could not take it after several tries',
  validity_expired: 'The delivery window closed before it could be sent',
  invalid_destination: 'Invalid phone number',
  media_unsupported: 'The sender cannot send images',
};

/** A person's description of a provider error code, or null when it is not one we know (shown as it is). */
export function describeProviderError(code: string): string | null {
  const key = /^0x[0-9a-f]{8}$/i.test(code) ? `0x${code.slice(2).toUpperCase()}` : code;
  return PROVIDER_ERRORS[key] ?? null;
}
