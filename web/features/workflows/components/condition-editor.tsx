import { Autocomplete, Input, MultiSelect, NativeSelect, NumberInput, Select, Stack } from '@mantine/core';
import { useMemo, useState } from 'react';
import { ACTIVITY_TYPES, type ActivityType } from '../../../../common/activities.ts';
import { ACTIVITY_LABELS } from '../../../../common/segments.ts';
import { CONDITION_KINDS, CONDITION_LABELS, type ConditionKind, type WorkflowCondition } from '../../../../common/workflows.ts';
// A 'segment' condition is a segment rule tree: the segment builder's own editor, reused as it is.
import { BuilderContext } from '../../../components/rule-builder/builder-context.tsx';
import { RuleGroup } from '../../../components/rule-builder/rule-group.tsx';
import { type DraftGroup, emptyRoot, errorsByRow, toDraftRoot, toRule } from '../../../components/rule-builder/rule-tree.ts';
import { usePickers, withUnknown } from './pickers.tsx';

const KIND_OPTIONS = CONDITION_KINDS.map((kind) => ({ value: kind, label: CONDITION_LABELS[kind] }));

export const ACTIVITY_OPTIONS = ACTIVITY_TYPES.map((type) => ({ value: type, label: ACTIVITY_LABELS[type].label }));

function defaultCondition(kind: ConditionKind): WorkflowCondition {
  switch (kind) {
    case 'has_tag':
      return { kind, tag: '' };
    case 'in_community':
      return { kind, communityId: 0 };
    case 'did_activity':
      return { kind, types: ['signed'], withinDays: 30 };
    case 'segment':
      return { kind, rule: toRule(emptyRoot()) };
  }
}

/** "If the member …": has a tag, is in a community, did something (lately), or matches segment rules. */
export function ConditionEditor(props: {
  label: string;
  value: WorkflowCondition;
  onChange: (condition: WorkflowCondition) => void;
  errors: Record<string, string>;
}) {
  const { value, onChange, errors } = props;
  const { communities, actions, tags } = usePickers();
  return (
    <Stack gap="xs">
      <NativeSelect
        label={props.label}
        data={KIND_OPTIONS}
        value={value.kind}
        onChange={(event) => onChange(defaultCondition(event.currentTarget.value as ConditionKind))}
        withAsterisk
      />
      {value.kind === 'has_tag' && (
        <Autocomplete
          label="Tag"
          data={tags}
          value={value.tag}
          onChange={(tag) => onChange({ ...value, tag })}
          error={errors.tag}
          withAsterisk
        />
      )}
      {value.kind === 'in_community' && (
        <Select
          label="Community"
          placeholder="Choose a community"
          data={withUnknown(communities, value.communityId)}
          value={value.communityId > 0 ? String(value.communityId) : null}
          onChange={(id) => onChange({ ...value, communityId: id === null ? 0 : Number(id) })}
          error={errors.communityId}
          searchable
          withAsterisk
        />
      )}
      {value.kind === 'did_activity' && (
        <>
          <MultiSelect
            label="Did any of"
            data={ACTIVITY_OPTIONS}
            value={value.types}
            onChange={(types) => onChange({ ...value, types: types as ActivityType[] })}
            error={errors.types}
            searchable
            withAsterisk
          />
          <Select
            label="On the action"
            placeholder="Any action"
            data={withUnknown(actions, value.actionId)}
            value={value.actionId === undefined ? null : String(value.actionId)}
            onChange={(id) => {
              const { actionId: _drop, ...rest } = value;
              onChange(id === null ? rest : { ...rest, actionId: Number(id) });
            }}
            error={errors.actionId}
            searchable
            clearable
          />
          <NumberInput
            label="In the last (days)"
            description="Empty: ever"
            value={value.withinDays ?? ''}
            min={1}
            max={3650}
            allowDecimal={false}
            onChange={(days) => {
              const { withinDays: _drop, ...rest } = value;
              onChange(typeof days === 'number' ? { ...rest, withinDays: days } : rest);
            }}
            error={errors.withinDays}
            w={160}
          />
        </>
      )}
      {value.kind === 'segment' && (
        <SegmentRulesInput
          rule={value.rule}
          onChange={(rule) => onChange({ kind: 'segment', rule })}
          errors={Object.fromEntries(
            Object.entries(errors)
              .filter(([key]) => key === 'rule' || key.startsWith('rule.'))
              .map(([key, message]) => [key.slice('rule.'.length), message]),
          )}
        />
      )}
    </Stack>
  );
}

/** The segment builder's rule tree, with its problems shown on the rows they are about. */
function SegmentRulesInput(props: {
  rule: Extract<WorkflowCondition, { kind: 'segment' }>['rule'];
  onChange: (rule: Extract<WorkflowCondition, { kind: 'segment' }>['rule']) => void;
  errors: Record<string, string>;
}) {
  const pickers = usePickers();
  const [root, setRoot] = useState<DraftGroup>(() => toDraftRoot(props.rule));
  const errors = useMemo(
    () =>
      errorsByRow(
        root,
        Object.entries(props.errors).map(([path, message]) => ({
          path: path === '' ? [] : path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          message,
        })),
      ),
    [root, props.errors],
  );
  return (
    <Input.Wrapper label="Members who match" withAsterisk>
      <BuilderContext
        value={{ communities: pickers.communities, actions: pickers.actions, broadcasts: pickers.broadcasts, tags: pickers.tags, errors }}
      >
        <RuleGroup
          node={root}
          depth={1}
          label="All conditions"
          path=""
          onChange={(next) => {
            setRoot(next);
            props.onChange(toRule(next));
          }}
        />
      </BuilderContext>
    </Input.Wrapper>
  );
}
