import { MultiSelect, SimpleGrid, Stack, TagsInput } from '@mantine/core';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import type { Channel } from '../api/list-broadcasts.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import type { Preview } from '../api/preview-broadcast.ts';
import { RecipientCount } from './recipient-count.tsx';

/** Communities (with their sub-communities) and tags; a member in several is counted and texted once. */
export function AudiencePicker(props: {
  channel: Channel;
  communityIds: string[];
  tags: string[];
  onCommunities: (ids: string[]) => void;
  onTags: (tags: string[]) => void;
  recipients: Preview['recipients'] | undefined;
  counting: boolean;
  errors: { communityIds?: string; tags?: string };
}) {
  const { workspaceId } = useCurrentWorkspace();
  const communities = useCommunityOptions(workspaceId);
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <MultiSelect
          label="Communities"
          description="Members of any of these, sub-communities included."
          placeholder={props.communityIds.length === 0 ? (communities.isError ? 'Communities unavailable' : 'Pick communities') : undefined}
          data={communities.data ?? []}
          value={props.communityIds}
          onChange={props.onCommunities}
          error={props.errors.communityIds}
          searchable
          clearable
          hidePickedOptions
          nothingFoundMessage="No community by that name"
        />
        <TagsInput
          label="Tags"
          description="And members carrying any of these tags. Press Enter after each."
          placeholder={props.tags.length === 0 ? 'volunteer' : undefined}
          value={props.tags}
          onChange={(tags) => props.onTags([...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))])}
          error={props.errors.tags}
          clearable
        />
      </SimpleGrid>
      <RecipientCount channel={props.channel} recipients={props.recipients} loading={props.counting} />
    </Stack>
  );
}
