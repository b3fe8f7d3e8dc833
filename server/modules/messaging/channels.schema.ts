import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

export const PROVIDER_NAMES = ['simulator', 'twilio', 'telnyx', 'smpp', 'smtp'] as const;
export const SENDER_KINDS = ['long_code', 'toll_free', 'short_code', 'messaging_service', 'alphanumeric', 'email'] as const;
export const ACCOUNT_STATUSES = ['active', 'auth_failed', 'disabled'] as const;
export const MAX_THROUGHPUT = 10_000;
/** Ten dollars per segment is far above any real price; a larger number is a typo. */
const MAX_PRICE_MICROS = 10_000_000;
const MAX_SETTINGS_CHARS = 10_000;

export const accountParams = workspaceParams.extend({ accountId: idParam });
export const senderParams = workspaceParams.extend({ senderId: idParam });

const provider = z.enum(PROVIDER_NAMES, { error: `must be one of ${PROVIDER_NAMES.join(', ')}` });
const channel = z.enum(['sms', 'email']);
const accountName = z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters');

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const baseUrl = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .refine(isHttpUrl, 'must be an http(s) URL such as https://api.example.com')
  .transform((value) => value.replace(/\/+$/, ''))
  .nullable();

const credentialValue = z.union([z.string().max(4000, 'must be at most 4,000 characters'), z.number(), z.boolean()], {
  error: 'must be text, a number or true/false',
});
const credentials = z.record(z.string(), credentialValue, { error: 'must be an object of credential values' });

const settings = z
  .record(z.string(), z.unknown(), { error: 'must be an object' })
  .refine(
    (value) => JSON.stringify(value).length <= MAX_SETTINGS_CHARS,
    `must be at most ${MAX_SETTINGS_CHARS.toLocaleString('en-US')} characters as JSON`,
  );

export const accountInput = z.object({
  provider,
  name: accountName,
  baseUrl: baseUrl.optional(),
  credentials,
  settings: settings.optional(),
});
export type AccountInput = z.infer<typeof accountInput>;

export const accountPatch = z.object({
  name: accountName.optional(),
  baseUrl: baseUrl.optional(),
  /** Merged into the stored credentials; a secret given as '' keeps its value. */
  credentials: credentials.optional(),
  settings: settings.optional(),
  status: z.enum(['active', 'disabled'], { error: 'must be active or disabled' }).optional(),
});
export type AccountPatch = z.infer<typeof accountPatch>;

const credentialField = z.object({
  key: z.string(),
  label: z.string(),
  secret: z.boolean(),
  required: z.boolean(),
  kind: z.enum(['text', 'number', 'boolean']),
  placeholder: z.string().optional(),
  help: z.string().optional(),
});

export const providerView = z.object({
  name: provider,
  label: z.string(),
  description: z.string(),
  channel,
  credentialFields: z.array(credentialField),
  defaultBaseUrl: z.string().nullable(),
  webhooks: z.boolean(),
  mms: z.boolean(),
  defaultPriceMicros: z.number(),
  defaultMmsPriceMicros: z.number(),
  defaultThroughput: z.number(),
});

export const accountView = z.object({
  id: z.number(),
  provider,
  name: z.string(),
  baseUrl: z.string().nullable(),
  status: z.enum(ACCOUNT_STATUSES),
  statusDetail: z.string().nullable(),
  webhookUrl: z.string().nullable().describe('Where the provider must post status callbacks and inbound texts'),
  credentials: z
    .array(z.object({ key: z.string(), set: z.boolean(), value: z.union([z.string(), z.number(), z.boolean()]).nullable() }))
    .describe('One entry per credential field; secrets are write-only and always null'),
  settings: z.record(z.string(), z.unknown()),
  senderCount: z.number().describe('Senders of the account that are not archived'),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type AccountView = z.infer<typeof accountView>;

const kind = z.enum(SENDER_KINDS, { error: `must be one of ${SENDER_KINDS.join(', ')}` });
const label = z.string().trim().max(80, 'must be at most 80 characters');
const throughput = z
  .number({ error: 'must be a number of segments per second' })
  .positive('must be more than 0')
  .max(MAX_THROUGHPUT, `must be at most ${MAX_THROUGHPUT.toLocaleString('en-US')} segments per second`);
const price = z
  .number({ error: 'must be a whole number of micros' })
  .int('must be a whole number of micros')
  .min(0, 'must not be negative')
  .max(MAX_PRICE_MICROS, `must be at most ${MAX_PRICE_MICROS.toLocaleString('en-US')} micros`);

export const senderInput = z.object({
  channelAccountId: z.number({ error: 'must be a channel account id' }).int().positive(),
  kind,
  address: z.string().trim().min(1, 'is required').max(254, 'must be at most 254 characters'),
  label: label.optional(),
  throughput: throughput.optional(),
  supportsMms: z.boolean().optional(),
  isDefault: z.boolean().optional(),
  priceMicros: price.optional(),
  mmsPriceMicros: price.optional(),
});
export type SenderInput = z.infer<typeof senderInput>;

export const senderPatch = z.object({
  label: label.optional(),
  throughput: throughput.optional(),
  supportsMms: z.boolean().optional(),
  isDefault: z.boolean().optional(),
  priceMicros: price.optional(),
  mmsPriceMicros: price.optional(),
  /** `false` restores an archived sender. */
  archived: z.boolean().optional(),
});
export type SenderPatch = z.infer<typeof senderPatch>;

export const senderView = z.object({
  id: z.number(),
  channelAccountId: z.number(),
  provider,
  accountName: z.string(),
  channel,
  kind,
  address: z.string(),
  label: z.string(),
  throughput: z.number().describe('Segments per second'),
  supportsMms: z.boolean(),
  isDefault: z.boolean(),
  priceMicros: z.number(),
  mmsPriceMicros: z.number(),
  status: z.enum([...ACCOUNT_STATUSES, 'archived']),
  createdAt: z.number(),
});
export type SenderView = z.infer<typeof senderView>;

export const listSendersQuery = z.object({
  includeArchived: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
});
