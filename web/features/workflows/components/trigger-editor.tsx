import { NativeSelect, Stack, Text } from '@mantine/core';
import { TRIGGER_KIND_META, TRIGGER_KINDS, type TriggerKind, type WorkflowTrigger } from '../../../../common/workflows.ts';
import { defaultTrigger } from '../definition.ts';
import { FieldControl } from './field-control.tsx';
import { within } from './step-editor.tsx';

const KIND_OPTIONS = TRIGGER_KINDS.map((kind) => ({ value: kind, label: TRIGGER_KIND_META[kind].label }));

/** What starts a run: the kind of trigger and the fields it takes (from TRIGGER_KIND_META). */
export function TriggerEditor(props: {
  trigger: WorkflowTrigger;
  onChange: (trigger: WorkflowTrigger) => void;
  /** The workflow's problems by path ('trigger.keyword' …). */
  problems: Record<string, string>;
}) {
  const { trigger, onChange } = props;
  const meta = TRIGGER_KIND_META[trigger.kind];
  const record = trigger as unknown as Record<string, unknown>;
  const problems = within(props.problems, 'trigger');
  return (
    <Stack gap="sm">
      <div>
        <NativeSelect
          label="Start a run when"
          data={KIND_OPTIONS}
          value={trigger.kind}
          onChange={(event) => onChange(defaultTrigger(event.currentTarget.value as TriggerKind))}
          error={problems.kind}
        />
        <Text size="xs" c="dimmed" mt={4} data-trigger-description>
          {meta.description}
        </Text>
      </div>
      {meta.fields.map((field) => (
        <FieldControl
          key={field.key}
          meta={field}
          value={record[field.key]}
          onChange={(value) => {
            const copy: Record<string, unknown> = { ...record };
            if (value === undefined) delete copy[field.key];
            else copy[field.key] = value;
            onChange(copy as WorkflowTrigger);
          }}
          errors={within(problems, field.key)}
        />
      ))}
    </Stack>
  );
}
