import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { callsKeys } from './keys.ts';

const officialSchema = z.object({
  id: z.number(),
  name: z.string(),
  title: z.string(),
  office: z.string(),
  district: z.string(),
  phone: z.string(),
  party: z.string().nullable(),
});

/** The officials dataset (first 200 matching `q`) and its size. */
export function useOfficials(workspaceId: string, q: string) {
  return useQuery({
    queryKey: callsKeys.officials(workspaceId, q),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/workspaces/${workspaceId}/call-targets/officials`,
        z.object({ officials: z.array(officialSchema), total: z.number() }),
        { signal, query: { limit: 200, ...(q ? { q } : {}) } },
      ),
    placeholderData: keepPreviousData,
  });
}

const districtSchema = z.object({ id: z.number(), postalCode: z.string(), district: z.string() });

/** Postal code → district mappings (first 200 matching `q`) and their number. */
export function useDistricts(workspaceId: string, q: string) {
  return useQuery({
    queryKey: callsKeys.districts(workspaceId, q),
    queryFn: ({ signal }) =>
      apiRequest(
        `/api/workspaces/${workspaceId}/call-targets/districts`,
        z.object({ districts: z.array(districtSchema), total: z.number() }),
        { signal, query: { limit: 200, ...(q ? { q } : {}) } },
      ),
    placeholderData: keepPreviousData,
  });
}
