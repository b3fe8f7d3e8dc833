import { Autocomplete, Input, MultiSelect, NativeSelect, NumberInput, SegmentedControl, Select, TextInput } from '@mantine/core';
import { ACTIVITY_LABELS } from '../../../../common/segments.ts';
import {
  ACTION_ACTIVITY_TYPES,
  type ReplyKind,
  type WaitUntil,
  type WorkflowCondition,
  type WorkflowFieldMeta,
} from '../../../../common/workflows.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useActionOptions } from '../../../lib/options/action-options.ts';
import { type Choice, ChoicesEditor } from './choices-editor.tsx';
import { ACTIVITY_OPTIONS, ConditionEditor } from './condition-editor.tsx';
import { type Option, usePickers, withUnknown } from './pickers.tsx';
import { SecondsInput, WaitUntilInput } from './seconds-input.tsx';
import { TemplateInput } from './template-input.tsx';

const ACTION_TYPE_OPTIONS = ACTION_ACTIVITY_TYPES.map((type) => ({ value: type, label: ACTIVITY_LABELS[type].label }));

const REPLY_KIND_OPTIONS: { value: ReplyKind; label: string }[] = [
  { value: 'yes_no', label: 'Yes or no' },
  { value: 'choice', label: 'Choices' },
  { value: 'any', label: 'Any reply' },
];

const localDay = (at: number) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

/**
 * The input a field of the builder's metadata asks for (common/workflows.ts: WorkflowFieldMeta), for step fields,
 * trigger fields and playbook parameters alike. `errors` are the problems of this field and of what is inside it,
 * by path relative to the field ('' for the field itself).
 */
export function FieldControl(props: {
  meta: WorkflowFieldMeta;
  value: unknown;
  onChange: (value: unknown) => void;
  errors: Record<string, string>;
  /** A template that is a text message (shows the segment count). */
  sms?: boolean;
  /** Bounds of a number field. */
  min?: number | undefined;
  max?: number | undefined;
}) {
  const { meta, value, onChange, errors } = props;
  const pickers = usePickers();
  const error = errors[''] ?? Object.values(errors)[0];
  const common = { label: meta.label, description: meta.hint, error, withAsterisk: meta.required };
  /** An optional field left empty is left out of the definition. */
  const blank = (next: unknown) => onChange(next === '' && !meta.required ? undefined : next);
  const text = typeof value === 'string' ? value : '';
  const id = typeof value === 'number' ? value : undefined;

  switch (meta.type) {
    case 'template':
      return (
        <TemplateInput
          label={meta.label}
          hint={meta.hint}
          value={text}
          onChange={onChange}
          error={error}
          required={meta.required}
          sms={props.sms ?? false}
          rows={meta.key === 'subject' ? 1 : 3}
        />
      );
    case 'text':
    case 'tag':
      return <Autocomplete {...common} data={pickers.tags} value={text} onChange={blank} maw={360} />;
    case 'email':
      return <TextInput {...common} type="email" value={text} onChange={(event) => blank(event.currentTarget.value.trim())} />;
    case 'url':
      return (
        <TextInput
          {...common}
          type="url"
          placeholder="https://"
          value={text}
          onChange={(event) => blank(event.currentTarget.value.trim())}
        />
      );
    case 'keyword':
      return (
        <TextInput
          {...common}
          description={meta.hint ?? 'The first word of the text, e.g. JOIN (2 to 20 letters or digits)'}
          value={text}
          onChange={(event) => onChange(event.currentTarget.value.toUpperCase())}
          maw={240}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          allowDecimal={false}
          min={props.min}
          max={props.max}
          onChange={(next) => onChange(typeof next === 'number' ? next : undefined)}
          w={180}
        />
      );
    case 'seconds':
      return (
        <SecondsInput
          label={meta.label}
          hint={meta.hint}
          value={typeof value === 'number' ? value : undefined}
          onChange={onChange}
          error={error}
          required={meta.required}
        />
      );
    case 'time_of_day':
      return <TextInput {...common} type="time" value={text} onChange={(event) => blank(event.currentTarget.value)} w={200} />;
    case 'date':
      return (
        <TextInput
          {...common}
          type="date"
          value={typeof value === 'number' ? localDay(value) : ''}
          onChange={(event) => {
            const at = new Date(`${event.currentTarget.value}T00:00`).getTime();
            blank(Number.isNaN(at) ? '' : at);
          }}
          w={200}
        />
      );
    case 'community':
      return (
        <IdSelect {...common} required={meta.required} options={pickers.communities} value={id} onChange={onChange} noun="community" />
      );
    case 'segment':
      return <IdSelect {...common} required={meta.required} options={pickers.segments} value={id} onChange={onChange} noun="segment" />;
    case 'action':
      return <ActionSelect {...common} required={meta.required} types={meta.actionTypes} value={id} onChange={onChange} />;
    case 'activity_types':
    case 'action_types':
      return (
        <MultiSelect
          {...common}
          placeholder={Array.isArray(value) && value.length > 0 ? undefined : meta.required ? 'Choose' : 'Any'}
          data={meta.type === 'action_types' ? ACTION_TYPE_OPTIONS : ACTIVITY_OPTIONS}
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(types) => onChange(types.length === 0 && !meta.required ? undefined : types)}
          searchable
        />
      );
    case 'enum':
      return (
        <NativeSelect
          {...common}
          data={[...(meta.required ? [] : [{ value: '', label: '—' }]), ...(meta.options ?? [])]}
          value={text}
          onChange={(event) => blank(event.currentTarget.value)}
          maw={320}
        />
      );
    case 'reply_kind':
      return (
        <Input.Wrapper label={meta.label} description={meta.hint} error={error} withAsterisk={meta.required}>
          <SegmentedControl fullWidth data={REPLY_KIND_OPTIONS} value={text || 'yes_no'} onChange={onChange} />
        </Input.Wrapper>
      );
    case 'choices':
      return (
        <ChoicesEditor
          label={meta.label}
          hint={meta.hint}
          value={Array.isArray(value) ? (value as Choice[]) : []}
          onChange={onChange}
          errors={errors}
        />
      );
    case 'condition':
      return <ConditionEditor label={meta.label} value={value as WorkflowCondition} onChange={onChange} errors={errors} />;
    case 'wait_until':
      return <WaitUntilInput label={meta.label} value={value as WaitUntil} onChange={onChange} errors={errors} />;
  }
}

type PickProps = {
  label: string;
  description: string | undefined;
  error: string | undefined;
  required: boolean;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
};

function IdSelect(props: PickProps & { options: Option[]; noun: string }) {
  return (
    <Select
      label={props.label}
      description={props.description}
      error={props.error}
      withAsterisk={props.required}
      placeholder={props.required ? `Choose a ${props.noun}` : `Any ${props.noun}`}
      data={withUnknown(props.options, props.value)}
      value={props.value !== undefined && props.value > 0 ? String(props.value) : null}
      onChange={(next) => props.onChange(next === null ? (props.required ? 0 : undefined) : Number(next))}
      searchable
      clearable={!props.required}
      nothingFoundMessage={`No ${props.noun} by that name`}
      maw={420}
    />
  );
}

/** An action, of the kinds the field allows. */
function ActionSelect(props: PickProps & { types: WorkflowFieldMeta['actionTypes'] }) {
  const { workspaceId } = useCurrentWorkspace();
  const actions = useActionOptions(workspaceId, props.types);
  const noun = props.types?.length === 1 ? props.types[0] : 'action';
  return <IdSelect {...props} options={actions.data ?? []} noun={noun ?? 'action'} />;
}
