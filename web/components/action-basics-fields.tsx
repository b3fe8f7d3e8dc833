import { Group, Textarea, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { fieldError } from '../lib/errors.ts';

/** What every action's editor asks for, whatever its kind. */
export type ActionBasics = { title: string; slug: string; summary: string; consentWording: string };

/**
 * The fields every action's editor shares: the title first, the kind's own fields (children), then the summary, the
 * page's address and the SMS consent wording. Each shows the server's message for its field.
 */
export function ActionBasicsFields(props: {
  values: ActionBasics;
  onChange: (field: keyof ActionBasics, value: string) => void;
  error: unknown;
  /** Which checkbox the consent wording stands beside, and when it is recorded. */
  consentDescription: string;
  /** The wording used while the field is empty, shown as its placeholder. */
  defaultConsentWording?: string | undefined;
  children?: ReactNode;
}) {
  const { values, onChange, error } = props;
  return (
    <>
      <TextInput
        label="Title"
        value={values.title}
        onChange={(e) => onChange('title', e.currentTarget.value)}
        error={fieldError(error, 'title')}
        withAsterisk
        data-autofocus
      />
      {props.children}
      <Group grow align="flex-start">
        <TextInput
          label="Summary"
          description="One line: link previews and lists."
          value={values.summary}
          onChange={(e) => onChange('summary', e.currentTarget.value)}
          error={fieldError(error, 'summary')}
        />
        <TextInput
          label="Address"
          description="The end of the page’s URL; from the title when empty."
          value={values.slug}
          onChange={(e) => onChange('slug', e.currentTarget.value)}
          error={fieldError(error, 'slug')}
        />
      </Group>
      <Textarea
        label="SMS consent wording"
        description={props.consentDescription}
        placeholder={props.defaultConsentWording}
        value={values.consentWording}
        onChange={(e) => onChange('consentWording', e.currentTarget.value)}
        error={fieldError(error, 'consentWording')}
        autosize
        minRows={2}
      />
    </>
  );
}
