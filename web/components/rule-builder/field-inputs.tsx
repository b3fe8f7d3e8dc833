import { NativeSelect, Text, TextInput } from '@mantine/core';
import {
  type CustomFieldRule,
  type FieldRule,
  SEGMENT_FIELD_META,
  SEGMENT_FIELDS,
  SEGMENT_OP_LABELS,
  type SegmentField,
  type SegmentOp,
  TEXT_OPS,
  type TextOp,
  valueKindOf,
} from '../../../common/segments.ts';
import { useRowErrors } from './builder-context.tsx';
import { initialValue, ValueInput } from './value-input.tsx';

const FIELD_OPTIONS = SEGMENT_FIELDS.map((field) => ({ value: field, label: SEGMENT_FIELD_META[field].label }));
const opOptions = (ops: readonly SegmentOp[]) => ops.map((op) => ({ value: op, label: SEGMENT_OP_LABELS[op] }));

type Keyed<T> = T & { nodeId: string };

/** A member field (name, language, last active, engagement score …): field, operator, a value of the right type. */
export function FieldInputs(props: { rule: Keyed<FieldRule>; onChange: (rule: Keyed<FieldRule>) => void }) {
  const { rule, onChange } = props;
  const errors = useRowErrors(rule.nodeId);
  const meta = SEGMENT_FIELD_META[rule.field];
  const kind = valueKindOf(meta.type, rule.op);

  const setField = (field: SegmentField) => {
    const next = SEGMENT_FIELD_META[field];
    const op = next.ops.includes(rule.op) ? rule.op : (next.ops[0] ?? 'eq');
    const nextKind = valueKindOf(next.type, op);
    const keep = nextKind === kind && next.type === meta.type && !next.choices && !meta.choices;
    onChange({ ...rule, field, op, value: keep ? rule.value : initialValue(nextKind, next.choices) });
  };
  const setOp = (op: SegmentOp) => {
    const nextKind = valueKindOf(meta.type, op);
    onChange({ ...rule, op, value: nextKind === kind ? rule.value : initialValue(nextKind, meta.choices) });
  };

  return (
    <>
      <NativeSelect
        aria-label="Field"
        data={FIELD_OPTIONS}
        value={rule.field}
        onChange={(event) => setField(event.currentTarget.value as SegmentField)}
        error={errors.field}
      />
      <NativeSelect
        aria-label="Operator"
        data={opOptions(meta.ops)}
        value={rule.op}
        onChange={(event) => setOp(event.currentTarget.value as SegmentOp)}
        error={errors.op}
      />
      <ValueInput
        kind={kind}
        choices={meta.choices}
        value={rule.value}
        onChange={(value) => onChange({ ...rule, value })}
        error={errors.value}
      />
      {meta.hint && kind !== 'none' && (
        <Text size="xs" c="dimmed" w="100%">
          {meta.hint}
        </Text>
      )}
    </>
  );
}

/** A custom field (imported columns): its key, a text operator and a value. */
export function CustomFieldInputs(props: { rule: Keyed<CustomFieldRule>; onChange: (rule: Keyed<CustomFieldRule>) => void }) {
  const { rule, onChange } = props;
  const errors = useRowErrors(rule.nodeId);
  const kind = valueKindOf('text', rule.op);
  return (
    <>
      <TextInput
        aria-label="Custom field"
        placeholder="Field key, e.g. shirt_size"
        value={rule.key}
        onChange={(event) => onChange({ ...rule, key: event.currentTarget.value.trim().toLowerCase() })}
        error={errors.key}
        w={200}
        maw="100%"
      />
      <NativeSelect
        aria-label="Operator"
        data={opOptions(TEXT_OPS)}
        value={rule.op}
        onChange={(event) => {
          const op = event.currentTarget.value as TextOp;
          const nextKind = valueKindOf('text', op);
          onChange({ ...rule, op, value: nextKind === kind ? rule.value : initialValue(nextKind, undefined) });
        }}
        error={errors.op}
      />
      <ValueInput kind={kind} value={rule.value} onChange={(value) => onChange({ ...rule, value })} error={errors.value} />
    </>
  );
}
