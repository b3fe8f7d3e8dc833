import { Badge, Tooltip } from '@mantine/core';

export type ConsentState = 'granted' | 'revoked' | 'none';

const LOOK: Record<ConsentState, { color: string; label: string; hint: string }> = {
  granted: { color: 'teal', label: 'subscribed', hint: 'agreed to receive' },
  revoked: { color: 'red', label: 'opted out', hint: 'opted out of' },
  none: { color: 'gray', label: 'no consent', hint: 'has not agreed to' },
};

/** A member's current consent for one channel, from the latest event of the consent ledger. */
export function ConsentBadge(props: { channel: 'sms' | 'email'; state: ConsentState; withChannel?: boolean }) {
  const look = LOOK[props.state];
  const channel = props.channel === 'sms' ? 'SMS' : 'Email';
  return (
    <Tooltip label={`This member ${look.hint} ${props.channel === 'sms' ? 'text messages' : 'email'}.`} withArrow>
      <Badge color={look.color} variant={props.state === 'granted' ? 'light' : 'outline'} tt="none" style={{ cursor: 'default' }}>
        {props.withChannel === false ? look.label : `${channel} ${look.label}`}
      </Badge>
    </Tooltip>
  );
}
