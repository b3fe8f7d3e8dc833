import { NumberInput, PasswordInput, Switch, TextInput } from '@mantine/core';
import type { CredentialField } from '../api/list-providers.ts';

export type CredentialDraft = string | number | boolean;

/**
 * One credential of a provider, as its field describes it. A secret that is already stored shows as set and stays
 * empty: leaving it empty keeps the stored value, typing replaces it.
 */
export function CredentialInput(props: {
  field: CredentialField;
  value: CredentialDraft | undefined;
  onChange: (value: CredentialDraft) => void;
  /** The secret has a stored value (editing an account). */
  stored: boolean;
  error?: string;
}) {
  const { field } = props;
  if (field.kind === 'boolean') {
    return (
      <Switch
        label={field.label}
        description={field.help}
        checked={props.value === true}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
        error={props.error}
      />
    );
  }
  if (field.kind === 'number') {
    return (
      <NumberInput
        label={field.label}
        description={field.help}
        placeholder={field.placeholder}
        value={typeof props.value === 'number' || typeof props.value === 'string' ? props.value : ''}
        onChange={(value) => props.onChange(value)}
        error={props.error}
        withAsterisk={field.required}
      />
    );
  }
  if (field.secret) {
    return (
      <PasswordInput
        label={field.label}
        description={props.stored ? 'Saved. Leave empty to keep it, or type a new value to replace it.' : field.help}
        placeholder={props.stored ? '•••••••• (set)' : field.placeholder}
        value={typeof props.value === 'string' ? props.value : ''}
        onChange={(event) => props.onChange(event.currentTarget.value)}
        error={props.error}
        withAsterisk={field.required && !props.stored}
        autoComplete="new-password"
        data-secret-set={props.stored ? 'true' : 'false'}
      />
    );
  }
  return (
    <TextInput
      label={field.label}
      description={field.help}
      placeholder={field.placeholder}
      value={typeof props.value === 'string' ? props.value : props.value === undefined ? '' : String(props.value)}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error}
      withAsterisk={field.required}
      autoComplete="off"
    />
  );
}
