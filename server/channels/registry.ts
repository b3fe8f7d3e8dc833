import type { z } from 'zod';
import type { ProviderName } from '../db/schema.ts';
import type { EmailAdapter } from './email/contract.ts';
import { createSmtpAdapter, smtpCredentials } from './email/smtp.ts';
import type { AdapterContext, SmsAdapter } from './sms/contract.ts';
import { createSimulatorAdapter, simulatorCredentials } from './sms/simulator.ts';
import { createSmppAdapter, smppCredentials } from './sms/smpp.ts';
import { createTelnyxAdapter, TELNYX_BASE_URL, telnyxCredentials } from './sms/telnyx.ts';
import { createTwilioAdapter, TWILIO_BASE_URL, twilioCredentials } from './sms/twilio.ts';

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

export type SmsProvider = ProviderBase & { channel: 'sms'; create: (config: AccountConfig, context: AdapterContext) => SmsAdapter };
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
    defaultPriceMicros: 0,
    defaultMmsPriceMicros: 0,
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
