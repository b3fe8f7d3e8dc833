import { ApiError } from './api-client.ts';

/** The sentence to show a person for any failure. */
export function errorDetail(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}

/** The server's message for one form field (`errors[].path`, last segment), if any, as a sentence. */
export function fieldError(error: unknown, field: string): string | undefined {
  const message = error instanceof ApiError ? error.fieldErrors[field] : undefined;
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : undefined;
}

/** True when the failure is fully explained by field messages, so a form need not repeat it in an alert. */
export function onlyFieldErrors(error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  const keys = Object.keys(error.fieldErrors);
  return keys.length > 0 && keys.every((key) => fields.includes(key));
}
