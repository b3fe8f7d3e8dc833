const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "3:42 PM" today, "Nov 21" before. */
export function shortTime(at: number, now = Date.now()): string {
  return new Date(at).toDateString() === new Date(now).toDateString() ? time.format(at) : day.format(at);
}

export const fullTime = (at: number) => full.format(at);

/** Who or what sent an outbound text, as a person reads it. */
export function senderLabel(message: { direction: 'in' | 'out'; kind: string; sentBy: { name: string } | null }): string {
  if (message.direction === 'in') return 'Member';
  if (message.sentBy) return message.sentBy.name;
  switch (message.kind) {
    case 'broadcast':
      return 'Broadcast';
    case 'compliance':
      return 'Compliance reply';
    case 'reply':
      return 'Automatic reply';
    case 'automation':
      return 'Automation';
    case 'p2p':
      return 'Campaign';
    default:
      return 'Sent';
  }
}

export function stateColor(state: string): string {
  if (state === 'delivered') return 'teal';
  if (state === 'failed' || state === 'cancelled') return 'red';
  if (state === 'unknown') return 'orange';
  if (state === 'sent' || state === 'sending') return 'blue';
  return 'gray';
}
