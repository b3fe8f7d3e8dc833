import { ActionIcon, Badge, Button, Group, NativeSelect, Paper, Stack, Switch, Text } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { Fragment } from 'react';
import { MAX_SEGMENT_DEPTH } from '../../../common/segments.ts';
import { useRowErrors } from './builder-context.tsx';
import { ConditionRow } from './condition-row.tsx';
import { canNest, type DraftGroup, type DraftNode, newCondition, newGroup } from './rule-tree.ts';

const MATCH_WORDS = { and: 'all', or: 'any' } as const;

/** What a group's header says it matches: all / any / none / not all of its rules. */
function matchSentence(group: DraftGroup): string {
  if (group.rules.length <= 1) return group.not ? 'Members who do not match this' : 'Members who match this';
  if (!group.not) return `Members who match ${MATCH_WORDS[group.op]} of these`;
  return group.op === 'or' ? 'Members who match none of these' : 'Members who do not match all of these';
}

/**
 * A group of rules: "Match ALL / ANY of", a NOT switch, its rows (conditions and nested groups), and buttons to add
 * either. `path` numbers the rows ("Condition 2.1") so each one has a name of its own for assistive technology.
 */
export function RuleGroup(props: {
  node: DraftGroup;
  depth: number;
  label: string;
  path: string;
  onChange: (node: DraftGroup) => void;
  onRemove?: () => void;
}) {
  const { node, depth, onChange } = props;
  const errors = useRowErrors(node.nodeId);
  const problem = errors[''] ?? (errors.rules ? 'Add at least one condition' : undefined);
  const setChild = (index: number, child: DraftNode) => onChange({ ...node, rules: node.rules.map((r, i) => (i === index ? child : r)) });
  const removeChild = (index: number) => onChange({ ...node, rules: node.rules.filter((_, i) => i !== index) });
  const joiner = node.op === 'and' ? 'AND' : 'OR';

  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      role="group"
      aria-label={props.label}
      data-group-depth={depth}
      bg={depth % 2 === 1 ? 'gray.0' : 'white'}
      style={node.not ? { borderColor: 'var(--mantine-color-red-4)' } : undefined}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="center">
          <Group gap="sm" align="center">
            <Group gap={6} align="center" wrap="nowrap">
              <Text size="sm" fw={600}>
                Match
              </Text>
              <NativeSelect
                aria-label="Match all or any"
                size="xs"
                data={[
                  { value: 'and', label: 'ALL' },
                  { value: 'or', label: 'ANY' },
                ]}
                value={node.op}
                onChange={(event) => onChange({ ...node, op: event.currentTarget.value === 'or' ? 'or' : 'and' })}
              />
              <Text size="sm" fw={600}>
                of
              </Text>
            </Group>
            <Switch
              size="sm"
              label="NOT"
              aria-label="NOT: leave out the members this group matches"
              checked={node.not}
              onChange={(event) => onChange({ ...node, not: event.currentTarget.checked })}
              color="red"
            />
            <Text size="xs" c="dimmed" data-group-sentence>
              {matchSentence(node)}
            </Text>
          </Group>
          {props.onRemove && (
            <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Remove ${props.label.toLowerCase()}`} onClick={props.onRemove}>
              <IconX size={16} />
            </ActionIcon>
          )}
        </Group>

        {node.rules.map((child, index) => {
          const number = `${props.path}${index + 1}`;
          return (
            <Fragment key={child.nodeId}>
              {index > 0 && (
                <Badge variant="light" color={node.op === 'and' ? 'blue' : 'grape'} size="sm" aria-hidden>
                  {joiner}
                </Badge>
              )}
              {child.kind === 'group' ? (
                <RuleGroup
                  node={child}
                  depth={depth + 1}
                  label={`Group ${number}`}
                  path={`${number}.`}
                  onChange={(next) => setChild(index, next)}
                  onRemove={() => removeChild(index)}
                />
              ) : (
                <ConditionRow
                  node={child}
                  label={`Condition ${number}`}
                  onChange={(next) => setChild(index, next)}
                  onRemove={() => removeChild(index)}
                />
              )}
            </Fragment>
          );
        })}

        {problem && (
          <Text size="xs" c="red" role="alert">
            {problem}
          </Text>
        )}

        <Group gap="xs">
          <Button
            variant="light"
            size="compact-sm"
            leftSection={<IconPlus size={14} />}
            onClick={() => onChange({ ...node, rules: [...node.rules, newCondition('field')] })}
            aria-label={props.path ? `Add a condition to ${props.label.toLowerCase()}` : 'Add a condition'}
          >
            Condition
          </Button>
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconPlus size={14} />}
            onClick={() => onChange({ ...node, rules: [...node.rules, newGroup()] })}
            disabled={!canNest(depth)}
            title={canNest(depth) ? undefined : `Groups nest at most ${MAX_SEGMENT_DEPTH} deep`}
            aria-label={props.path ? `Add a group to ${props.label.toLowerCase()}` : 'Add a group'}
          >
            Group
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
