import { Button, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { ROLE_LABELS, type Role } from '../../../../common/roles.ts';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useAssignContacts } from '../api/assign-contacts.ts';
import { useTexters } from '../api/list-texters.ts';

const MAX_ASSIGN = 10_000;

/** The organizer hands a number of the contacts nobody has yet to one texter (who finds them in their queue). */
export function AssignContacts(props: { campaignId: number; pending: number }) {
  const { workspaceId } = useCurrentWorkspace();
  const texters = useTexters(workspaceId);
  const assign = useAssignContacts(workspaceId, String(props.campaignId));
  const [texterId, setTexterId] = useState<string | null>(null);
  const [count, setCount] = useState<number>(25);
  const none = props.pending === 0;

  const submit = () => {
    if (texterId === null || none) return;
    const name = texters.data?.find((t) => String(t.id) === texterId)?.name ?? 'The texter';
    assign.mutate(
      { texterId: Number(texterId), count },
      {
        onSuccess: (result) =>
          notifySuccess(
            result.moved === 0
              ? 'No contact was left to assign.'
              : `${name} got ${result.moved.toLocaleString()} ${result.moved === 1 ? 'contact' : 'contacts'} and now holds ${result.assigned.toLocaleString()} to text.`,
          ),
      },
    );
  };

  return (
    <Stack
      gap="xs"
      component="form"
      aria-label="Assign contacts"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Text size="sm" fw={500}>
        Assign contacts
      </Text>
      <Group gap="xs" align="flex-end">
        <Select
          label="Texter"
          placeholder={texters.isPending ? 'Loading…' : 'Choose a texter'}
          data={(texters.data ?? []).map((t) => ({ value: String(t.id), label: `${t.name} (${ROLE_LABELS[t.role as Role] ?? t.role})` }))}
          value={texterId}
          onChange={setTexterId}
          searchable
          nothingFoundMessage="Nobody of this workspace can text"
          w={{ base: '100%', xs: 240 }}
          error={fieldError(assign.error, 'texterId')}
          disabled={none}
        />
        <NumberInput
          label="Contacts"
          min={1}
          max={Math.max(1, Math.min(MAX_ASSIGN, props.pending))}
          value={count}
          onChange={(value) => setCount(typeof value === 'number' ? value : 1)}
          w={120}
          error={fieldError(assign.error, 'count')}
          disabled={none}
        />
        <Button type="submit" leftSection={<IconUserPlus size={16} />} loading={assign.isPending} disabled={texterId === null || none}>
          Assign
        </Button>
      </Group>
      {none ? (
        <Text size="xs" c="dimmed">
          Every contact has a texter.
        </Text>
      ) : (
        <Text size="xs" c="dimmed">
          {props.pending.toLocaleString()} {props.pending === 1 ? 'contact has' : 'contacts have'} no texter yet.
        </Text>
      )}
      {texters.isError && <ErrorAlert error={texters.error} title="Could not list the texters" onRetry={() => void texters.refetch()} />}
      {assign.error && !onlyFieldErrors(assign.error, ['texterId', 'count']) && (
        <ErrorAlert error={assign.error} title="Could not assign the contacts" />
      )}
    </Stack>
  );
}
