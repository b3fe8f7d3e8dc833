import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

export const consentStateSchema = z.enum(['granted', 'revoked', 'none']);

export const memberSummarySchema = z.object({
  id: z.number(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  phoneType: z.enum(['mobile', 'landline', 'voip', 'unknown']),
  email: z.string().nullable(),
  postalCode: z.string().nullable(),
  language: z.string(),
  timezone: z.string(),
  tags: z.array(z.string()),
  smsConsent: consentStateSchema,
  emailConsent: consentStateSchema,
  createdAt: z.string(),
  lastActiveAt: z.string().nullable(),
});

const membersPageSchema = z.object({
  members: z.array(memberSummarySchema),
  nextCursor: z.string().nullable(),
  total: z.number(),
  totalCapped: z.boolean(),
});

export type MemberSummary = z.infer<typeof memberSummarySchema>;

export const CONSENT_FILTERS = ['sms_granted', 'sms_revoked', 'sms_none'] as const;
export type ConsentFilter = (typeof CONSENT_FILTERS)[number];

/** What the list is narrowed to; every field is optional and travels in the URL of the list screen. */
export type MemberFilters = {
  q?: string;
  tag?: string;
  communityId?: string;
  consent?: ConsentFilter;
  language?: string;
};

export const PAGE_SIZE = 50;

function listMembers(workspaceId: string, filters: MemberFilters, cursor: string | undefined, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members`, membersPageSchema, {
    signal,
    query: { ...filters, cursor, limit: PAGE_SIZE },
  });
}

/** One page of members (server-side paging: `cursor` is the `nextCursor` of the page before). */
export function useMembers(workspaceId: string, filters: MemberFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: membersKeys.list(workspaceId, { ...filters, cursor }),
    queryFn: ({ signal }) => listMembers(workspaceId, filters, cursor, signal),
    // Keep the rows on screen while the next page or a new search loads.
    placeholderData: keepPreviousData,
  });
}
