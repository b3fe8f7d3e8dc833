import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type MessagingSettings, messagingSettingsSchema } from './get-messaging-settings.ts';
import { channelsKeys } from './keys.ts';

/** Texts sent as '' go back to the default wording; a short-link base of null uses the app's own address. */
export type MessagingSettingsPatch = Partial<Omit<MessagingSettings, 'defaults'>>;

function updateSettings(workspaceId: string, patch: MessagingSettingsPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/messaging-settings`, messagingSettingsSchema, { method: 'PATCH', body: patch });
}

export function useUpdateMessagingSettings(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: MessagingSettingsPatch) => updateSettings(workspaceId, patch),
    // Quiet hours and the time zone also show on the General tab, which reads the workspace.
    onSuccess: (settings) => {
      queryClient.setQueryData(channelsKeys.settings(workspaceId), settings);
      return queryClient.invalidateQueries({ queryKey: ['workspace', workspaceId], exact: true });
    },
  });
}
