import { Textarea } from '@mantine/core';
import type { MessagingSettings } from '../api/get-messaging-settings.ts';

export type TextKey = 'helpText' | 'optOutText' | 'optInText' | 'firstMessageFooter';

const TEXTS: { key: TextKey; label: string; description: string }[] = [
  { key: 'optOutText', label: 'Opt-out confirmation', description: 'The one reply to STOP (and the other opt-out words).' },
  { key: 'optInText', label: 'Opt-in confirmation', description: 'The reply when an opted-out member texts START or YES.' },
  { key: 'helpText', label: 'Help text', description: 'The reply to HELP or INFO.' },
  {
    key: 'firstMessageFooter',
    label: 'First-message footer',
    description: 'Added to the first message a member ever gets: who you are and how to opt out.',
  },
];

/** The compliance wording; an empty text uses the default, shown as the placeholder. */
export function ComplianceTexts(props: {
  values: Record<TextKey, string>;
  defaults: MessagingSettings['defaults'];
  onChange: (key: TextKey, value: string) => void;
  errorOf: (key: TextKey) => string | undefined;
  readOnly: boolean;
}) {
  return TEXTS.map((text) => (
    <Textarea
      key={text.key}
      label={text.label}
      description={`${text.description} Empty: the default shown.`}
      placeholder={props.defaults[text.key]}
      value={props.values[text.key]}
      onChange={(event) => props.onChange(text.key, event.currentTarget.value)}
      error={props.errorOf(text.key)}
      readOnly={props.readOnly}
      autosize
      minRows={2}
    />
  ));
}
