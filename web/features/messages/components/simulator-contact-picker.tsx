import { Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { useState } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatPhone } from '../../../lib/phone.ts';
import { useMemberPhones } from '../api/search-member-phones.ts';

/** Whom to text in as: a member found by name or number, or any number typed in. */
export function SimulatorContactPicker(props: { onPick: (phone: string) => void }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const members = useMemberPhones(workspaceId, q);
  const [typed, setTyped] = useState('');
  const options = (members.data ?? []).map((member) => ({ value: member.phone, label: `${member.name} · ${formatPhone(member.phone)}` }));

  return (
    <Stack gap="xs">
      {can('members.read') && (
        <Select
          label="Text in as a member"
          placeholder="Search by name or number"
          data={options}
          value={null}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options: all }) => all}
          onChange={(phone) => {
            if (phone) props.onPick(phone);
            setSearch('');
          }}
          nothingFoundMessage={members.isFetching ? 'Searching…' : 'No member with a phone matches'}
        />
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // Threads are keyed by E.164 numbers, as the server stores them.
          const text = typed.trim();
          if (text) props.onPick(parsePhoneNumberFromString(text)?.number ?? text);
          setTyped('');
        }}
      >
        <TextInput
          label="Or any number"
          description="With its country code; press Enter to open its thread."
          placeholder="+1 512 555 0199"
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          type="tel"
        />
      </form>
    </Stack>
  );
}
