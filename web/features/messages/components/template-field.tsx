import { Group, Stack, Textarea } from '@mantine/core';
import { useRef } from 'react';
import type { Channel } from '../api/list-broadcasts.ts';
import { SegmentCounter } from './segment-counter.tsx';
import { VariableMenu } from './variable-menu.tsx';

/** The text of one language version, with the variable menu and (for SMS) the live segment counter. */
export function TemplateField(props: {
  language: string;
  languageLabel: string;
  channel: Channel;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  required: boolean;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);

  const insert = (code: string) => {
    const area = ref.current;
    const start = area?.selectionStart ?? props.value.length;
    const end = area?.selectionEnd ?? props.value.length;
    props.onChange(props.value.slice(0, start) + code + props.value.slice(end));
    // Put the cursor after what was inserted, once React has rendered the new text.
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + code.length, start + code.length);
    });
  };

  return (
    <Stack gap={6}>
      <Group justify="flex-end">
        <VariableMenu onInsert={insert} />
      </Group>
      <Textarea
        ref={ref}
        label={`Message (${props.languageLabel})`}
        placeholder={
          props.language === 'es'
            ? 'Hola {{ member.first_name | default: "amiga" }}, …'
            : 'Hi {{ member.first_name | default: "friend" }}! The city council votes on the climate plan Tuesday…'
        }
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
        error={props.error}
        withAsterisk={props.required}
        autosize
        minRows={4}
        maxRows={12}
        data-language={props.language}
      />
      {props.channel === 'sms' && <SegmentCounter text={props.value} onReplace={props.onChange} />}
    </Stack>
  );
}
