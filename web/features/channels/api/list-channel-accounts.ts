import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { channelsKeys } from './keys.ts';

export const credentialValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type CredentialValue = z.infer<typeof credentialValueSchema>;

export const ACCOUNT_STATUSES = ['active', 'auth_failed', 'disabled'] as const;

export const accountSchema = z.object({
  id: z.number(),
  provider: z.string(),
  name: z.string(),
  baseUrl: z.string().nullable(),
  status: z.enum(ACCOUNT_STATUSES),
  statusDetail: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  credentials: z.array(z.object({ key: z.string(), set: z.boolean(), value: credentialValueSchema.nullable() })),
  settings: z.record(z.string(), z.unknown()),
  senderCount: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export type ChannelAccount = z.infer<typeof accountSchema>;

const accountsSchema = z.object({ accounts: z.array(accountSchema) });

/** The workspace's accounts with messaging providers. */
export function useChannelAccounts(workspaceId: string) {
  return useQuery({
    queryKey: channelsKeys.accounts(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/channel-accounts`, accountsSchema, { signal }),
    select: (data) => data.accounts,
  });
}
