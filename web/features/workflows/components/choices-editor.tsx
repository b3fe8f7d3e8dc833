import { ActionIcon, Button, Group, Input, Stack, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';

export type Choice = { key: string; label: string };

/** A key for a new choice no other choice has: a, b, c … */
function nextKey(choices: readonly Choice[]): string {
  for (const letter of 'abcdefghijklmnopqrstuvwxyz') if (!choices.some((c) => c.key === letter)) return letter;
  return `choice_${choices.length + 1}`;
}

/**
 * The answers a member may give, each with a short key (what branches and reports name) and its words. Members may
 * answer with the number, the letter or the words.
 */
export function ChoicesEditor(props: {
  label: string;
  hint?: string | undefined;
  value: readonly Choice[];
  onChange: (choices: Choice[]) => void;
  errors: Record<string, string>;
}) {
  const { value, onChange, errors } = props;
  const set = (index: number, choice: Choice) => onChange(value.map((c, i) => (i === index ? choice : c)));
  return (
    <Input.Wrapper label={props.label} description={props.hint} error={errors[''] ?? errors.choices}>
      <Stack gap={6} mt={4}>
        {value.map((choice, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their key text changes as people type
          <Group key={index} gap={6} wrap="nowrap" align="flex-start" role="group" aria-label={`Choice ${index + 1}`}>
            <TextInput
              aria-label={`Choice ${index + 1} key`}
              value={choice.key}
              onChange={(event) => set(index, { ...choice, key: event.currentTarget.value.toLowerCase() })}
              error={errors[`${index}.key`]}
              w={90}
            />
            <TextInput
              aria-label={`Choice ${index + 1} words`}
              placeholder="e.g. Saturday morning"
              value={choice.label}
              onChange={(event) => set(index, { ...choice, label: event.currentTarget.value })}
              error={errors[`${index}.label`]}
              style={{ flex: 1 }}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              aria-label={`Remove choice ${index + 1}`}
              onClick={() => onChange(value.filter((_, i) => i !== index))}
            >
              <IconX size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button
            variant="light"
            size="compact-sm"
            leftSection={<IconPlus size={14} />}
            disabled={value.length >= 20}
            onClick={() => onChange([...value, { key: nextKey(value), label: `Choice ${value.length + 1}` }])}
          >
            Add a choice
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
