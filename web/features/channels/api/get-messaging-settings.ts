import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { channelsKeys } from './keys.ts';

const textsSchema = z.object({ helpText: z.string(), optOutText: z.string(), optInText: z.string(), firstMessageFooter: z.string() });

export const messagingSettingsSchema = textsSchema.extend({
  quietHoursStart: z.string(),
  quietHoursEnd: z.string(),
  timezone: z.string(),
  frequencyCap: z.number(),
  frequencyWindowDays: z.number(),
  failurePausePercent: z.number(),
  shortLinkBase: z.string().nullable(),
  defaults: textsSchema,
});

export type MessagingSettings = z.infer<typeof messagingSettingsSchema>;

export function useMessagingSettings(workspaceId: string) {
  return useQuery({
    queryKey: channelsKeys.settings(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/messaging-settings`, messagingSettingsSchema, { signal }),
  });
}
