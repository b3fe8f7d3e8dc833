import { Group, Select, Stack, Switch, Text } from '@mantine/core';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError } from '../../../lib/errors.ts';
import { useVoiceLines } from '../api/list-voice-lines.ts';
import type { CallForm } from '../api/save-call.ts';

type Value = CallForm['patchThrough'];

/**
 * "Connect callers by phone" (patch-through): a switch, then which Twilio account places the calls and which of its
 * numbers members see calling them. Off, members only get the numbers to call themselves.
 */
export function PatchThroughFields(props: { value: Value; onChange: (value: Value) => void; error: unknown; disabled: boolean }) {
  const { workspaceId } = useCurrentWorkspace();
  const lines = useVoiceLines(workspaceId, !props.disabled || props.value !== null);
  const accounts = lines.data ?? [];
  const on = props.value !== null;
  const account = accounts.find((a) => a.id === props.value?.accountId);
  const suggested = accounts.find((a) => a.status === 'active' && a.numbers.length > 0) ?? accounts[0];

  const toggle = (checked: boolean) =>
    props.onChange(checked ? { accountId: suggested?.id ?? 0, from: suggested?.numbers[0]?.address ?? '' } : null);
  const chooseAccount = (id: string | null) => {
    const next = accounts.find((a) => String(a.id) === id);
    if (next) props.onChange({ accountId: next.id, from: next.numbers[0]?.address ?? '' });
  };

  return (
    <Stack gap="xs">
      <Switch
        label="Connect callers by phone"
        description="Members can ask to be called: Twilio rings their phone, connects them to the person to call, and the outcome is logged for them."
        checked={on}
        onChange={(event) => toggle(event.currentTarget.checked)}
        disabled={props.disabled || (!on && accounts.length === 0)}
      />
      {!on && lines.isSuccess && accounts.length === 0 && (
        <Text size="xs" c="dimmed">
          Add a Twilio account and one of its phone numbers under Settings → Channels to offer this.
        </Text>
      )}
      {on && (
        <>
          <Group grow align="flex-start">
            <Select
              label="Twilio account"
              data={accounts.map((a) => ({
                value: String(a.id),
                label: a.status === 'active' ? a.name : `${a.name} (${a.status.replace('_', ' ')})`,
              }))}
              value={props.value ? String(props.value.accountId) : null}
              onChange={chooseAccount}
              allowDeselect={false}
              error={fieldError(props.error, 'accountId')}
              disabled={props.disabled}
            />
            <Select
              label="Calls come from"
              description="The number members see ringing"
              data={(account?.numbers ?? []).map((n) => ({
                value: n.address,
                label: n.label && n.label !== n.address ? `${n.label} · ${n.address}` : n.address,
              }))}
              value={props.value?.from || null}
              onChange={(from) => props.value && props.onChange({ accountId: props.value.accountId, from: from ?? '' })}
              allowDeselect={false}
              nothingFoundMessage="This account has no long code or toll-free number"
              error={fieldError(props.error, 'from')}
              disabled={props.disabled}
            />
          </Group>
          {account && account.status !== 'active' && (
            <Text size="xs" c="orange">
              This account is not active: members only see the numbers to call until it is.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
