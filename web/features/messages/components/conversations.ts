import type { Message } from '../api/list-messages.ts';

export type Conversation = { phone: string; memberId: number | null; name: string | null; last: Message; count: number };

/** The number on the member's side of a message. */
export function counterpart(message: Message): string {
  return message.direction === 'out' ? message.to : message.from;
}

/** Recent SMS grouped by the member's number, the most recently active first. */
export function conversationsOf(messages: readonly Message[]): Conversation[] {
  const byPhone = new Map<string, Conversation>();
  for (const message of messages) {
    if (message.channel !== 'sms') continue;
    const phone = counterpart(message);
    const known = byPhone.get(phone);
    if (!known) {
      byPhone.set(phone, { phone, memberId: message.memberId, name: message.memberName, last: message, count: 1 });
      continue;
    }
    known.count++;
    known.memberId ??= message.memberId;
    known.name ??= message.memberName;
    if (message.createdAt > known.last.createdAt || (message.createdAt === known.last.createdAt && message.id > known.last.id))
      known.last = message;
  }
  return [...byPhone.values()].sort((a, b) => b.last.createdAt - a.last.createdAt || b.last.id - a.last.id);
}

/** A thread oldest first, as a phone shows it. */
export function chronological(messages: readonly Message[]): Message[] {
  return [...messages].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}
