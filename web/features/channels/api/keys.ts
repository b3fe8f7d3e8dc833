// Query keys of this feature. Senders sit under ['workspace', id, 'senders'] so a change here also refreshes the
// sender pickers of the messages screens.
export const channelsKeys = {
  providers: (workspaceId: string) => ['workspace', workspaceId, 'providers'] as const,
  accounts: (workspaceId: string) => ['workspace', workspaceId, 'channel-accounts'] as const,
  senders: (workspaceId: string) => ['workspace', workspaceId, 'senders'] as const,
  senderList: (workspaceId: string) => ['workspace', workspaceId, 'senders', 'channels'] as const,
  settings: (workspaceId: string) => ['workspace', workspaceId, 'messaging-settings'] as const,
};
