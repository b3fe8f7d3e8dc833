import { Group, Input, NativeSelect, NumberInput, SegmentedControl, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { WaitUntil } from '../../../../common/workflows.ts';

const UNITS = [
  { value: '60', label: 'minutes' },
  { value: '3600', label: 'hours' },
  { value: '86400', label: 'days' },
  { value: '604800', label: 'weeks' },
];

/** The largest unit the seconds are a whole number of. */
function unitOf(seconds: number | undefined): number {
  for (const size of [604_800, 86_400, 3_600]) if (seconds !== undefined && seconds > 0 && seconds % size === 0) return size;
  return 60;
}

/** A duration as a number and a unit (minutes, hours, days, weeks), held as seconds. */
export function SecondsInput(props: {
  label: string;
  value: number | undefined;
  onChange: (seconds: number | undefined) => void;
  error?: string | undefined;
  required?: boolean;
  hint?: string | undefined;
}) {
  const [unit, setUnit] = useState(() => unitOf(props.value));
  const amount = props.value === undefined ? '' : Math.round((props.value / unit) * 100) / 100;
  return (
    <Input.Wrapper label={props.label} description={props.hint} error={props.error} withAsterisk={props.required}>
      <Group gap="xs" wrap="nowrap">
        <NumberInput
          aria-label={`${props.label} (amount)`}
          value={amount}
          min={0}
          allowDecimal={false}
          onChange={(next) => props.onChange(typeof next === 'number' ? next * unit : undefined)}
          error={Boolean(props.error)}
          w={110}
        />
        <NativeSelect
          aria-label={`${props.label} (unit)`}
          data={UNITS}
          value={String(unit)}
          onChange={(event) => {
            const size = Number(event.currentTarget.value);
            setUnit(size);
            if (typeof amount === 'number') props.onChange(amount * size);
          }}
          w={120}
        />
      </Group>
    </Input.Wrapper>
  );
}

/** A moment as the local date and time a datetime-local input shows, and back. */
const toLocalInput = (at: number) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/** How long a wait lasts: a while, until a time of day in the member's zone, or until a date. */
export function WaitUntilInput(props: {
  label: string;
  value: WaitUntil;
  onChange: (value: WaitUntil) => void;
  errors: Record<string, string>;
}) {
  const { value, onChange, errors } = props;
  return (
    <Stack gap="xs">
      <Input.Wrapper label={props.label} withAsterisk>
        <SegmentedControl
          fullWidth
          data={[
            { value: 'duration', label: 'For a while' },
            { value: 'time_of_day', label: 'Until a time' },
            { value: 'until_date', label: 'Until a date' },
          ]}
          value={value.kind}
          onChange={(kind) => {
            if (kind === 'duration') onChange({ kind, seconds: 86_400 });
            else if (kind === 'time_of_day') onChange({ kind, time: '10:00' });
            else onChange({ kind: 'until_date', at: Date.now() + 7 * 86_400_000 });
          }}
        />
      </Input.Wrapper>
      {value.kind === 'duration' && (
        <SecondsInput
          label="Wait for"
          value={value.seconds}
          onChange={(seconds) => onChange({ kind: 'duration', seconds: seconds as number })}
          error={errors.seconds ?? errors['']}
          required
        />
      )}
      {value.kind === 'time_of_day' && (
        <TextInput
          type="time"
          label="Until"
          description="The next time the member’s clock shows this (today if still ahead, else tomorrow)"
          value={value.time}
          onChange={(event) => onChange({ kind: 'time_of_day', time: event.currentTarget.value })}
          error={errors.time ?? errors['']}
          w={200}
        />
      )}
      {value.kind === 'until_date' && (
        <TextInput
          type="datetime-local"
          label="Until"
          description="In your time zone; runs that get here later go straight on"
          value={toLocalInput(value.at)}
          onChange={(event) => {
            const at = new Date(event.currentTarget.value).getTime();
            if (!Number.isNaN(at)) onChange({ kind: 'until_date', at });
          }}
          error={errors.at ?? errors['']}
          w={240}
        />
      )}
    </Stack>
  );
}
