import { NumberInput, Radio, Stack, Switch, Text } from '@mantine/core';
import {
  ENROLLMENT_LABELS,
  ENROLLMENT_RULES,
  type EnrollmentRule,
  type WorkflowFieldMeta,
  type WorkflowGoal,
} from '../../../../common/workflows.ts';
import type { Definition } from '../definition.ts';
import { FieldControl } from './field-control.tsx';
import { within } from './step-editor.tsx';

const GOAL_FIELDS: WorkflowFieldMeta[] = [
  { key: 'types', label: 'The member does any of', type: 'activity_types', required: true },
  { key: 'actionId', label: 'On the action', type: 'action', required: false, hint: 'Empty: any action' },
  { key: 'withinDays', label: 'Within (days)', type: 'number', required: true, hint: 'Counted from enrolling' },
];

/** Who may enter again, the goal runs aim at, and the share of members held out to measure against. */
export function SettingsEditor(props: {
  definition: Definition;
  onChange: (definition: Definition) => void;
  problems: Record<string, string>;
}) {
  const { definition, onChange, problems } = props;
  const goal = definition.goal;
  const setGoal = (next: WorkflowGoal | undefined) => {
    const { goal: _old, ...rest } = definition;
    onChange(next ? { ...rest, goal: next } : rest);
  };
  return (
    <Stack gap="md">
      <Radio.Group
        label="Enroll a member"
        value={definition.enrollment}
        onChange={(value) => onChange({ ...definition, enrollment: value as EnrollmentRule })}
        error={problems.enrollment}
      >
        <Stack gap={6} mt={6}>
          {ENROLLMENT_RULES.map((rule) => (
            <Radio key={rule} value={rule} label={ENROLLMENT_LABELS[rule].label} description={ENROLLMENT_LABELS[rule].hint} />
          ))}
        </Stack>
      </Radio.Group>
      <Stack gap="xs">
        <Switch
          label="Measure a goal"
          description="A run whose member reaches it ends as completed; the report compares it with held-out members"
          checked={goal !== undefined}
          onChange={(event) => setGoal(event.currentTarget.checked ? { types: ['signed'], withinDays: 14 } : undefined)}
        />
        {goal &&
          GOAL_FIELDS.map((field) => (
            <FieldControl
              key={field.key}
              meta={field}
              value={(goal as Record<string, unknown>)[field.key]}
              onChange={(value) => {
                const copy: Record<string, unknown> = { ...goal };
                if (value === undefined) delete copy[field.key];
                else copy[field.key] = value;
                setGoal(copy as WorkflowGoal);
              }}
              errors={within(problems, `goal.${field.key}`)}
            />
          ))}
      </Stack>
      <div>
        <NumberInput
          label="Hold out"
          description="A share of enrolled members who get no steps, to measure the workflow against (0 to 50 %)"
          value={definition.holdoutPercent ?? 0}
          min={0}
          max={50}
          allowDecimal={false}
          suffix=" %"
          onChange={(value) => {
            const { holdoutPercent: _old, ...rest } = definition;
            onChange(typeof value === 'number' && value > 0 ? { ...rest, holdoutPercent: value } : rest);
          }}
          error={problems.holdoutPercent}
        />
        {(definition.holdoutPercent ?? 0) > 0 && goal === undefined && (
          <Text size="xs" c="orange.8" mt={4}>
            Without a goal there is nothing to compare the held-out members on.
          </Text>
        )}
      </div>
    </Stack>
  );
}
