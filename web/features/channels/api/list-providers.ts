import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { channelsKeys } from './keys.ts';

const credentialFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  secret: z.boolean(),
  required: z.boolean(),
  kind: z.enum(['text', 'number', 'boolean']),
  placeholder: z.string().optional(),
  help: z.string().optional(),
});

export type CredentialField = z.infer<typeof credentialFieldSchema>;

const providerSchema = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string(),
  channel: z.enum(['sms', 'email']),
  credentialFields: z.array(credentialFieldSchema),
  defaultBaseUrl: z.string().nullable(),
  webhooks: z.boolean(),
  mms: z.boolean(),
  defaultPriceMicros: z.number(),
  defaultMmsPriceMicros: z.number(),
  defaultThroughput: z.number(),
});

export type Provider = z.infer<typeof providerSchema>;

const providersSchema = z.object({ providers: z.array(providerSchema) });

/** The messaging services Groundswell can send through, with the credentials each needs. */
export function useProviders(workspaceId: string) {
  return useQuery({
    queryKey: channelsKeys.providers(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/providers`, providersSchema, { signal }),
    select: (data) => data.providers,
    staleTime: 5 * 60_000,
  });
}
