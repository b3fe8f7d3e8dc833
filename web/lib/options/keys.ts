// Options for pickers that several screens share (communities, actions, broadcasts, saved segments, tags): one cache per
// workspace under ['workspace', id, 'options'].

/** A choice in a Select: the id as a string, and what the person reads. */
export type Option = { value: string; label: string };

export const optionsKeys = {
  communities: (workspaceId: string) => ['workspace', workspaceId, 'options', 'communities'] as const,
  actions: (workspaceId: string) => ['workspace', workspaceId, 'options', 'actions'] as const,
  broadcasts: (workspaceId: string) => ['workspace', workspaceId, 'options', 'broadcasts'] as const,
  segments: (workspaceId: string) => ['workspace', workspaceId, 'options', 'segments'] as const,
  tags: (workspaceId: string) => ['workspace', workspaceId, 'options', 'tags'] as const,
};
