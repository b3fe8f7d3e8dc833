import { MultiSelect, NativeSelect, NumberInput, TagsInput, TextInput } from '@mantine/core';
import type { SegmentValueKind } from '../../../common/segments.ts';

type Value = string | number | string[] | undefined;
type Choice = { value: string; label: string };

/** A date input (native, so the keyboard and the phone's picker work) holding a UTC day as epoch milliseconds. */
export function DayInput(props: {
  label: string;
  value: number | undefined;
  onChange: (value: number) => void;
  error?: string | undefined;
}) {
  return (
    <TextInput
      type="date"
      aria-label={props.label}
      value={props.value === undefined ? '' : dayOf(props.value)}
      onChange={(event) => {
        const at = Date.parse(`${event.currentTarget.value}T00:00:00Z`);
        if (!Number.isNaN(at)) props.onChange(at);
      }}
      error={props.error}
      w={160}
      maw="100%"
    />
  );
}

export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

/** Midnight UTC `days` ago: the first day a new date input shows. */
export function daysAgo(days: number): number {
  const today = Date.parse(`${dayOf(Date.now())}T00:00:00Z`);
  return today - days * 86_400_000;
}

/** The value a fresh input of this kind starts from. */
export function initialValue(kind: SegmentValueKind, choices: readonly Choice[] | undefined): Value {
  switch (kind) {
    case 'none':
    case 'number':
      return undefined;
    case 'text':
      return choices?.[0]?.value ?? '';
    case 'text_list':
      return [];
    case 'date':
      return daysAgo(30);
    case 'days':
      return 30;
  }
}

/** The value input an operator wants: text, a list, a number, a date, days; choices become selects. */
export function ValueInput(props: {
  kind: SegmentValueKind;
  choices?: readonly Choice[] | undefined;
  value: Value;
  onChange: (value: Value) => void;
  error?: string | undefined;
}) {
  const { kind, choices, value, onChange, error } = props;
  switch (kind) {
    case 'none':
      return null;
    case 'text':
      return choices ? (
        <NativeSelect
          aria-label="Value"
          data={[...choices]}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value)}
          error={error}
        />
      ) : (
        <TextInput
          aria-label="Value"
          placeholder="Value"
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value)}
          error={error}
          w={200}
          maw="100%"
        />
      );
    case 'text_list':
      return choices ? (
        <MultiSelect
          aria-label="Values"
          placeholder="Choose"
          data={[...choices]}
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
          error={error}
          w={200}
          maw="100%"
        />
      ) : (
        <TagsInput
          aria-label="Values"
          placeholder="Type a value, press Enter"
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
          error={error}
          w={220}
          maw="100%"
        />
      );
    case 'number':
      return (
        <NumberInput
          aria-label="Number"
          placeholder="Number"
          value={typeof value === 'number' ? value : ''}
          onChange={(next) => onChange(typeof next === 'number' ? next : undefined)}
          error={error}
          w={120}
          maw="100%"
        />
      );
    case 'days':
      return (
        <NumberInput
          aria-label="Days"
          value={typeof value === 'number' ? value : ''}
          onChange={(next) => onChange(typeof next === 'number' ? next : undefined)}
          min={1}
          allowDecimal={false}
          suffix=" days"
          error={error}
          w={120}
          maw="100%"
        />
      );
    case 'date':
      return <DayInput label="Date" value={typeof value === 'number' ? value : undefined} onChange={onChange} error={error} />;
  }
}
