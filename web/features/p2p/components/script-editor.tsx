import { ActionIcon, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { Script } from '../api/get-campaign.ts';

type Errors = Record<string, string>;

const VARIABLES = '{{ member.first_name }}, {{ texter.first_name }}, {{ workspace.name }}';

/** The script: the initial, the question with its branching answers (follow-up text, member tag), saved responses. */
export function ScriptEditor(props: { value: Script; onChange: (script: Script) => void; errors: Errors; disabled?: boolean }) {
  const { value, onChange, errors } = props;
  const setAnswer = (index: number, patch: Partial<Script['answers'][number]>) =>
    onChange({ ...value, answers: value.answers.map((a, i) => (i === index ? { ...a, ...patch } : a)) });
  const setResponse = (index: number, patch: Partial<Script['responses'][number]>) =>
    onChange({ ...value, responses: value.responses.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  return (
    <Stack gap="md">
      <Textarea
        label="Initial message"
        description={`Sent by the texter to each contact. Variables: ${VARIABLES}.`}
        autosize
        minRows={3}
        value={value.initial}
        onChange={(event) => onChange({ ...value, initial: event.currentTarget.value })}
        error={errors['script.initial']}
        disabled={props.disabled}
      />
      <TextInput
        label="Question"
        description="What the texter records from the reply (optional)."
        placeholder="Coming Saturday?"
        value={value.question ?? ''}
        onChange={(event) => onChange({ ...value, question: event.currentTarget.value || null })}
        disabled={props.disabled}
      />
      <Stack gap="xs">
        <Text size="sm" fw={500}>
          Answers
        </Text>
        {value.answers.map((answer, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their key text changes while typing
          <Paper key={index} withBorder p="sm" radius="md" data-answer={index}>
            <Stack gap="xs">
              <Group align="flex-end" wrap="nowrap">
                <SimpleGrid cols={{ base: 1, sm: 3 }} style={{ flex: 1 }}>
                  <TextInput
                    label="Key"
                    placeholder="yes"
                    value={answer.key}
                    onChange={(event) => setAnswer(index, { key: event.currentTarget.value })}
                    error={errors[`script.answers.${index}.key`]}
                    disabled={props.disabled}
                  />
                  <TextInput
                    label="Label"
                    placeholder="Yes, coming"
                    value={answer.label}
                    onChange={(event) => setAnswer(index, { label: event.currentTarget.value })}
                    error={errors[`script.answers.${index}.label`]}
                    disabled={props.disabled}
                  />
                  <TextInput
                    label="Member tag"
                    placeholder="rally-yes"
                    value={answer.tag ?? ''}
                    onChange={(event) => setAnswer(index, { tag: event.currentTarget.value || null })}
                    disabled={props.disabled}
                  />
                </SimpleGrid>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove answer ${index + 1}`}
                  onClick={() => onChange({ ...value, answers: value.answers.filter((_, i) => i !== index) })}
                  disabled={props.disabled}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
              <Textarea
                label="Follow-up text"
                autosize
                minRows={1}
                value={answer.reply ?? ''}
                onChange={(event) => setAnswer(index, { reply: event.currentTarget.value || null })}
                error={errors[`script.answers.${index}.reply`]}
                disabled={props.disabled}
              />
            </Stack>
          </Paper>
        ))}
        <Button
          variant="light"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          w="fit-content"
          onClick={() => onChange({ ...value, answers: [...value.answers, { key: '', label: '', tag: null, reply: null }] })}
          disabled={props.disabled}
        >
          Add answer
        </Button>
      </Stack>
      <Stack gap="xs">
        <Text size="sm" fw={500}>
          Saved responses
        </Text>
        {value.responses.map((response, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no identity of their own
          <Group key={index} align="flex-start" wrap="nowrap" data-response={index}>
            <TextInput
              aria-label={`Response ${index + 1} title`}
              placeholder="Where is it?"
              value={response.title}
              onChange={(event) => setResponse(index, { title: event.currentTarget.value })}
              error={errors[`script.responses.${index}.title`]}
              w={180}
              disabled={props.disabled}
            />
            <Textarea
              aria-label={`Response ${index + 1} text`}
              autosize
              minRows={1}
              style={{ flex: 1 }}
              value={response.body}
              onChange={(event) => setResponse(index, { body: event.currentTarget.value })}
              error={errors[`script.responses.${index}.body`]}
              disabled={props.disabled}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove response ${index + 1}`}
              onClick={() => onChange({ ...value, responses: value.responses.filter((_, i) => i !== index) })}
              disabled={props.disabled}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="light"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          w="fit-content"
          onClick={() => onChange({ ...value, responses: [...value.responses, { title: '', body: '' }] })}
          disabled={props.disabled}
        >
          Add response
        </Button>
      </Stack>
    </Stack>
  );
}
