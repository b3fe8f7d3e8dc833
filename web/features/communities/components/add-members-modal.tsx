import { Alert, Button, Checkbox, Group, Loader, Modal, Pill, ScrollArea, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { useAddCommunityMembers } from '../api/add-community-members.ts';
import type { Community } from '../api/list-communities.ts';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../api/list-community-members.ts';
import { type MemberCandidate, useMemberSearch } from '../api/search-members.ts';

function label(member: MemberCandidate): string {
  const name = [member.firstName, member.lastName].filter(Boolean).join(' ').trim();
  return name || formatPhone(member.phone) || member.email || `Member #${member.id}`;
}

/** Search members by name, phone or email, pick some, and add them to the community with one role. */
export function AddMembersModal(props: { opened: boolean; onClose: () => void; community: Community }) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Add members to ${props.community.name}`} centered size="lg">
      {props.opened && <AddMembersForm {...props} />}
    </Modal>
  );
}

function AddMembersForm(props: { onClose: () => void; community: Community }) {
  const { workspaceId } = useCurrentWorkspace();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 300);
  const search = useMemberSearch(workspaceId, debounced);
  const add = useAddCommunityMembers(workspaceId, String(props.community.id));
  const [picked, setPicked] = useState<Map<number, MemberCandidate>>(new Map());
  const [role, setRole] = useState<MembershipRole>('member');

  const toggle = (member: MemberCandidate) =>
    setPicked((current) => {
      const next = new Map(current);
      if (next.has(member.id)) next.delete(member.id);
      else next.set(member.id, member);
      return next;
    });

  const submit = () =>
    add.mutate(
      { memberIds: [...picked.keys()], role },
      {
        onSuccess: ({ added, alreadyMembers }) => {
          const already = alreadyMembers > 0 ? ` ${alreadyMembers.toLocaleString()} already belonged to it.` : '';
          notifySuccess(`${added === 1 ? '1 member' : `${added.toLocaleString()} members`} added to ${props.community.name}.${already}`);
          props.onClose();
        },
      },
    );

  const results = search.data?.members ?? [];
  return (
    <Stack>
      <TextInput
        label="Find members"
        placeholder="Name, phone number or email"
        leftSection={<IconSearch size={16} />}
        rightSection={search.isFetching ? <Loader size={14} /> : null}
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        data-autofocus
      />
      <ScrollArea.Autosize mah={260} type="auto">
        <Stack gap={4}>
          {debounced.length < 2 && (
            <Text size="sm" c="dimmed">
              Type at least two characters.
            </Text>
          )}
          {search.isError && (
            <Alert color="red" variant="light">
              {errorDetail(search.error)}
            </Alert>
          )}
          {debounced.length >= 2 && search.isSuccess && results.length === 0 && (
            <Text size="sm" c="dimmed">
              Nobody matches “{debounced}”.
            </Text>
          )}
          {results.map((member) => (
            <Checkbox
              key={member.id}
              checked={picked.has(member.id)}
              onChange={() => toggle(member)}
              label={label(member)}
              description={[formatPhone(member.phone), member.email].filter(Boolean).join(' · ') || undefined}
              py={4}
            />
          ))}
        </Stack>
      </ScrollArea.Autosize>
      {picked.size > 0 && (
        <Group gap={6}>
          {[...picked.values()].map((member) => (
            <Pill key={member.id} withRemoveButton onRemove={() => toggle(member)}>
              {label(member)}
            </Pill>
          ))}
        </Group>
      )}
      <Select
        label="Role"
        data={MEMBERSHIP_ROLES.map((value) => ({ value, label: value.charAt(0).toUpperCase() + value.slice(1) }))}
        value={role}
        onChange={(value) => value && setRole(value as MembershipRole)}
        allowDeselect={false}
        w={200}
      />
      {add.error && (
        <Alert color="red" variant="light" role="alert">
          {errorDetail(add.error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onClose}>
          Cancel
        </Button>
        <Button disabled={picked.size === 0} loading={add.isPending} onClick={submit}>
          {picked.size <= 1 ? 'Add member' : `Add ${picked.size} members`}
        </Button>
      </Group>
    </Stack>
  );
}
