import type { ChannelAccount } from '../api/list-channel-accounts.ts';
import type { SenderKind } from '../api/list-senders.ts';

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** Millionths of a dollar as a price: "$0.0079". */
export function formatPrice(micros: number): string {
  return dollars.format(micros / 1_000_000);
}

/** A dollar amount typed in a form as micros (whole millionths). */
export function toMicros(dollarsValue: number): number {
  return Math.round(dollarsValue * 1_000_000);
}

export const KIND_LABELS: Record<SenderKind, string> = {
  long_code: 'Local number (10DLC)',
  toll_free: 'Toll-free number',
  short_code: 'Short code',
  messaging_service: 'Messaging service',
  alphanumeric: 'Alphanumeric sender ID',
  email: 'Email address',
};

export const SMS_KINDS: readonly SenderKind[] = ['long_code', 'toll_free', 'short_code', 'messaging_service', 'alphanumeric'];

export const ACCOUNT_STATUS_LOOK: Record<ChannelAccount['status'], { label: string; color: string }> = {
  active: { label: 'Active', color: 'teal' },
  auth_failed: { label: 'Sign-in failed', color: 'red' },
  disabled: { label: 'Disabled', color: 'gray' },
};
