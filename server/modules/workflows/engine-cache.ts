import type { ActionStatus, ActionType, Channel } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';
import { getDefaultSender, type SenderRow } from '../messaging/channels.repo.ts';
import { createQuietHours, type QuietHours } from '../messaging/quiet-hours.ts';
import { type CompiledTemplates, compileTemplates } from '../messaging/templates.ts';

// What a tick looks up once and reuses across the runs of its batches: the workspaces' default senders, compiled
// templates (a version's steps never change), sending windows and the actions texts link to. One cache per tick: a sender changed in the
// dashboard is seen by the next tick.

export type EngineCache = {
  sender: (trx: Executor, workspaceId: number, channel: Channel) => Promise<SenderRow | undefined>;
  /** A step's Liquid template, compiled once per version and field. */
  template: (key: string, source: string) => CompiledTemplates;
  quietHours: (start: string, end: string) => QuietHours;
  /** An action of the workspace that a text links to (undefined: there is none). */
  action: (trx: Executor, workspaceId: number, actionId: number) => Promise<LinkedAction | undefined>;
};

export type LinkedAction = { id: number; type: ActionType; slug: string; status: ActionStatus };

export function createEngineCache(): EngineCache {
  const senders = new Map<string, Promise<SenderRow | undefined>>();
  const templates = new Map<string, CompiledTemplates>();
  const windows = new Map<string, QuietHours>();
  const actions = new Map<string, Promise<LinkedAction | undefined>>();
  return {
    sender(trx, workspaceId, channel) {
      const key = `${workspaceId}:${channel}`;
      let found = senders.get(key);
      if (!found) {
        found = getDefaultSender(trx, workspaceId, channel);
        senders.set(key, found);
      }
      return found;
    },
    template(key, source) {
      let compiled = templates.get(key);
      if (!compiled) {
        compiled = compileTemplates({ en: source }, 'en');
        templates.set(key, compiled);
      }
      return compiled;
    },
    quietHours(start, end) {
      const key = `${start}-${end}`;
      let quiet = windows.get(key);
      if (!quiet) {
        quiet = createQuietHours({ start, end });
        windows.set(key, quiet);
      }
      return quiet;
    },
    action(trx, workspaceId, actionId) {
      const key = `${workspaceId}:${actionId}`;
      let found = actions.get(key);
      if (!found) {
        found = trx
          .selectFrom('actions')
          .select(['id', 'type', 'slug', 'status'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', actionId)
          .executeTakeFirst();
        actions.set(key, found);
        // A failed read (its transaction rolled back) is not kept: the next run asks again.
        found.catch(() => actions.delete(key));
      }
      return found;
    },
  };
}
