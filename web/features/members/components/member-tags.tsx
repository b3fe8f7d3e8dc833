import { Group, Pill, TextInput } from '@mantine/core';
import { type KeyboardEvent, useState } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError } from '../../../lib/notify.ts';
import { useAddTag } from '../api/add-tag.ts';
import { useRemoveTag } from '../api/remove-tag.ts';

/** The member's tags; people who may edit members add one with Enter and remove one with its ×. */
export function MemberTags(props: { memberId: string; tags: string[]; editable: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  const add = useAddTag(workspaceId, props.memberId);
  const remove = useRemoveTag(workspaceId, props.memberId);
  const [draft, setDraft] = useState('');

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const tag = draft.trim();
    if (!tag || props.tags.includes(tag)) {
      setDraft('');
      return;
    }
    add.mutate(tag, {
      onSuccess: () => setDraft(''),
      onError: (error) => notifyError(error, 'Tag not added'),
    });
  };

  if (!props.editable && props.tags.length === 0) return null;
  return (
    <Group gap={6} aria-label="Tags" role="group">
      {props.tags.map((tag) => (
        <Pill
          key={tag}
          withRemoveButton={props.editable}
          removeButtonProps={{ 'aria-label': `Remove tag ${tag}`, 'aria-hidden': false, tabIndex: 0 }}
          onRemove={() => remove.mutate(tag, { onError: (error) => notifyError(error, 'Tag not removed') })}
          disabled={remove.isPending && remove.variables === tag}
        >
          {tag}
        </Pill>
      ))}
      {props.editable && (
        <TextInput
          size="xs"
          w={130}
          placeholder="+ Add tag"
          aria-label="Add a tag"
          value={draft}
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          disabled={add.isPending}
        />
      )}
    </Group>
  );
}
