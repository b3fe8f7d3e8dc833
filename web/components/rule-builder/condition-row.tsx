import { ActionIcon, Flex, Group, NativeSelect, Paper, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { SEGMENT_RULE_KIND_LABELS, SEGMENT_RULE_KINDS, type SegmentRuleKind } from '../../../common/segments.ts';
import { ActivityInputs, MessageInputs } from './activity-inputs.tsx';
import { useRowErrors } from './builder-context.tsx';
import { CustomFieldInputs, FieldInputs } from './field-inputs.tsx';
import { CommunityInputs, TagInputs } from './membership-inputs.tsx';
import { type DraftCondition, newCondition } from './rule-tree.ts';

type ConditionKind = Exclude<SegmentRuleKind, 'group'>;

const KIND_OPTIONS = SEGMENT_RULE_KINDS.filter((kind): kind is ConditionKind => kind !== 'group').map((kind) => ({
  value: kind,
  label: SEGMENT_RULE_KIND_LABELS[kind],
}));

/** One condition: what kind it is, then the inputs that kind takes; problems show on the input they are about. */
export function ConditionRow(props: {
  node: DraftCondition;
  label: string;
  onChange: (node: DraftCondition) => void;
  onRemove: () => void;
}) {
  const { node, onChange } = props;
  const errors = useRowErrors(node.nodeId);
  const rowProblem = errors[''];
  return (
    <Paper withBorder radius="sm" p="xs" role="group" aria-label={props.label} data-condition={node.kind}>
      <Group align="flex-start" gap="xs" wrap="nowrap">
        {/* On a phone the kind sits above its inputs; from a tablet up, beside them. */}
        <Flex
          direction={{ base: 'column', sm: 'row' }}
          gap="xs"
          align={{ base: 'stretch', sm: 'flex-start' }}
          style={{ flex: 1, minWidth: 0 }}
        >
          <NativeSelect
            aria-label="Condition type"
            data={KIND_OPTIONS}
            value={node.kind}
            onChange={(event) => onChange({ ...newCondition(event.currentTarget.value as ConditionKind), nodeId: node.nodeId })}
            w={{ base: '100%', sm: 150 }}
            style={{ flexShrink: 0 }}
          />
          <Group gap="xs" align="flex-start" wrap="wrap" style={{ flex: 1, minWidth: 0 }}>
            <Inputs node={node} onChange={onChange} />
          </Group>
        </Flex>
        <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Remove ${props.label.toLowerCase()}`} onClick={props.onRemove}>
          <IconX size={16} />
        </ActionIcon>
      </Group>
      {rowProblem && (
        <Text size="xs" c="red" mt={4} role="alert">
          {rowProblem}
        </Text>
      )}
    </Paper>
  );
}

function Inputs(props: { node: DraftCondition; onChange: (node: DraftCondition) => void }) {
  const { node, onChange } = props;
  switch (node.kind) {
    case 'field':
      return <FieldInputs rule={node} onChange={onChange} />;
    case 'custom_field':
      return <CustomFieldInputs rule={node} onChange={onChange} />;
    case 'tag':
      return <TagInputs rule={node} onChange={onChange} />;
    case 'community':
      return <CommunityInputs rule={node} onChange={onChange} />;
    case 'activity':
      return <ActivityInputs rule={node} onChange={onChange} />;
    case 'message':
      return <MessageInputs rule={node} onChange={onChange} />;
  }
}
