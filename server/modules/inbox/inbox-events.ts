import type { Db } from '../../db/database.ts';
import { countConversations, listConversations, type Viewer } from './inbox.repo.ts';
import type { ConversationSummary, InboxCounts } from './inbox.schema.ts';

// Live inbox updates. Any process may have written the change (another `serve`, a worker taking in a text), so each
// process polls the database: one poller per workspace, only while someone there listens, about once a second,
// reading the conversations whose updated_at moved (conversations_updated_idx). Clocks of different machines and texts
// stamped with the time they were received (not the time they were processed) can put updated_at slightly in the
// past, so each look reaches back LOOKBACK_MS and skips rows already seen unchanged.

export type InboxEvent =
  | { type: 'conversations'; conversations: ConversationSummary[]; removed: number[]; counts: InboxCounts }
  /** Sent once to each listener when its poller knows where it starts: changes after this one are all pushed. */
  | { type: 'ready'; counts: InboxCounts };

export type InboxListener = { viewer: Viewer; send: (event: InboxEvent) => void };

export type InboxEvents = {
  /** Starts the workspace's poller if needed; returns the function that stops listening. */
  subscribe: (workspaceId: number, listener: InboxListener) => () => void;
  /** Looks now rather than at the next tick (this process just changed something). */
  nudge: (workspaceId: number) => void;
  /** Stops every poller and forgets every listener. */
  close: () => void;
};

type Poller = {
  listeners: Set<InboxListener>;
  timer: NodeJS.Timeout | null;
  cursor: number | null;
  /** id → fingerprint of the row as last seen, for rows inside the look-back window. */
  seen: Map<number, { fingerprint: string; updatedAt: number }>;
  running: Promise<void> | null;
  again: boolean;
  /** Listeners waiting for the first look (the baseline) before their 'ready'. */
  waiting: InboxListener[];
};

const LOOKBACK_MS = 120_000;
const MAX_ROWS = 1_000;

export function createInboxEvents(deps: { db: Db; intervalMs?: number; onError?: (error: unknown) => void }): InboxEvents {
  const { db } = deps;
  const intervalMs = deps.intervalMs ?? 1_000;
  const pollers = new Map<number, Poller>();
  let closed = false;

  const viewerKey = (viewer: Viewer) => `${viewer.manage ? 'm' : 't'}:${viewer.userId ?? ''}`;
  const canSee = (viewer: Viewer, conversation: ConversationSummary) =>
    viewer.manage || conversation.assignee === null || conversation.assignee.id === viewer.userId;

  async function look(workspaceId: number, poller: Poller) {
    if (poller.cursor === null) {
      const latest = await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.max('updated_at').as('latest'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      poller.cursor = Number(latest?.latest ?? 0);
    }
    const since = poller.cursor - LOOKBACK_MS;
    const rows = await db
      .selectFrom('conversations')
      .select([
        'id',
        'updated_at',
        'status',
        'assignee_id',
        'needs_response',
        'unread',
        'flag',
        'last_message_id',
        'campaign_id',
        'preview',
      ])
      .where('workspace_id', '=', workspaceId)
      .where('updated_at', '>=', since)
      .orderBy('updated_at')
      .limit(MAX_ROWS)
      .execute();
    const first = poller.seen.size === 0 && !poller.again;
    const changed: number[] = [];
    for (const row of rows) {
      const updatedAt = Number(row.updated_at);
      const fingerprint = JSON.stringify(row);
      if (poller.seen.get(row.id)?.fingerprint !== fingerprint) changed.push(row.id);
      poller.seen.set(row.id, { fingerprint, updatedAt });
      if (updatedAt > (poller.cursor ?? 0)) poller.cursor = updatedAt;
    }
    for (const [id, entry] of poller.seen) if (entry.updatedAt < (poller.cursor ?? 0) - LOOKBACK_MS) poller.seen.delete(id);
    poller.again = true;
    for (const listener of poller.waiting.splice(0)) {
      if (poller.listeners.has(listener))
        safeSend(listener, { type: 'ready', counts: await countConversations(db, workspaceId, listener.viewer) });
    }
    // The first look only learns what is there: listeners (re)load their lists on 'ready'.
    if (first || changed.length === 0 || poller.listeners.size === 0) return;

    const summaries = await listConversations(
      db,
      workspaceId,
      { userId: null, manage: true },
      { view: 'all', ids: changed, limit: changed.length },
    );
    const counts = new Map<string, InboxCounts>();
    for (const listener of [...poller.listeners]) {
      const key = viewerKey(listener.viewer);
      let mine = counts.get(key);
      if (mine === undefined) {
        mine = await countConversations(db, workspaceId, listener.viewer);
        counts.set(key, mine);
      }
      const visible = summaries.filter((conversation) => canSee(listener.viewer, conversation));
      const removed = changed.filter((id) => !visible.some((conversation) => conversation.id === id));
      safeSend(listener, { type: 'conversations', conversations: visible, removed, counts: mine });
    }
  }

  function safeSend(listener: InboxListener, event: InboxEvent) {
    try {
      listener.send(event);
    } catch (error) {
      deps.onError?.(error);
    }
  }

  function schedule(workspaceId: number, poller: Poller, delay: number) {
    if (poller.timer) clearTimeout(poller.timer);
    poller.timer = setTimeout(() => {
      poller.timer = null;
      if (poller.running) return; // the running look reschedules when it ends
      poller.running = look(workspaceId, poller)
        .catch((error: unknown) => deps.onError?.(error))
        .finally(() => {
          poller.running = null;
          if (!closed && pollers.get(workspaceId) === poller && poller.listeners.size > 0) schedule(workspaceId, poller, intervalMs);
        });
    }, delay);
  }

  return {
    subscribe(workspaceId, listener) {
      let poller = pollers.get(workspaceId);
      if (!poller) {
        poller = { listeners: new Set(), timer: null, cursor: null, seen: new Map(), running: null, again: false, waiting: [] };
        pollers.set(workspaceId, poller);
        schedule(workspaceId, poller, 0);
      }
      poller.listeners.add(listener);
      poller.waiting.push(listener);
      // A poller already running has its baseline: the next look answers 'ready' at once.
      if (poller.again && !poller.running) schedule(workspaceId, poller, 0);
      const current = poller;
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0) {
          if (current.timer) clearTimeout(current.timer);
          current.timer = null;
          if (pollers.get(workspaceId) === current) pollers.delete(workspaceId);
        }
      };
    },
    nudge(workspaceId) {
      const poller = pollers.get(workspaceId);
      if (poller && !poller.running) schedule(workspaceId, poller, 0);
    },
    close() {
      closed = true;
      for (const poller of pollers.values()) {
        if (poller.timer) clearTimeout(poller.timer);
        poller.listeners.clear();
        poller.waiting = [];
      }
      pollers.clear();
    },
  };
}
