// How the steps of a workflow are drawn: as a tree grown from the first step along each step's exits, in exit order.
// A step reached from several places is drawn once, where it is first reached; the other places show a "go to" link,
// so loops and merges stay readable. Steps the first one does not lead to are drawn after it, as their own trees.
// Steps are numbered in the order they are drawn, which is the order a person reads them in.

export type FlowExit = { key: string; label: string; next: string | undefined };
export type FlowItem = { id: string; exits: readonly FlowExit[] };

export type FlowTarget =
  | { type: 'step'; node: FlowNode }
  | { type: 'goto'; id: string }
  | { type: 'end' }
  /** An exit naming a step that does not exist (the draft's problems say so too). */
  | { type: 'missing'; id: string };

export type FlowNode = { id: string; number: number; exits: { exit: FlowExit; target: FlowTarget }[] };

export type FlowLayout = {
  /** The first step's tree (null for no steps). */
  start: FlowNode | null;
  /** Trees of steps the first step does not reach. */
  detached: FlowNode[];
  /** Each step's number as drawn (1-based). */
  numbers: Map<string, number>;
};

export function layoutFlow(items: readonly FlowItem[]): FlowLayout {
  const byId = new Map(items.map((item) => [item.id, item]));
  const numbers = new Map<string, number>();

  const place = (item: FlowItem): FlowNode => {
    const node: FlowNode = { id: item.id, number: numbers.size + 1, exits: [] };
    numbers.set(item.id, node.number);
    for (const exit of item.exits) {
      let target: FlowTarget;
      if (exit.next === undefined) target = { type: 'end' };
      else if (numbers.has(exit.next)) target = { type: 'goto', id: exit.next };
      else {
        const next = byId.get(exit.next);
        target = next ? { type: 'step', node: place(next) } : { type: 'missing', id: exit.next };
      }
      node.exits.push({ exit, target });
    }
    return node;
  };

  const first = items[0];
  const start = first ? place(first) : null;
  const detached: FlowNode[] = [];
  for (const item of items) if (!numbers.has(item.id)) detached.push(place(item));
  return { start, detached, numbers };
}
