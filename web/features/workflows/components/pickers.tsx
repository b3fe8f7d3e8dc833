import { createContext, use, useMemo } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useActionOptions } from '../../../lib/options/action-options.ts';
import { useBroadcastOptions } from '../../../lib/options/broadcast-options.ts';
import { useCommunityOptions } from '../../../lib/options/community-options.ts';
import type { Option } from '../../../lib/options/keys.ts';
import { useSegmentOptions } from '../../../lib/options/segment-options.ts';
import { useTagOptions } from '../../../lib/options/tag-options.ts';
import type { Names } from '../definition.ts';

export type { Option };

/** The options every picker of the builder offers, and the names that summaries show for ids. */
export type Pickers = { communities: Option[]; actions: Option[]; segments: Option[]; broadcasts: Option[]; tags: string[]; names: Names };

const EMPTY: Pickers = { communities: [], actions: [], segments: [], broadcasts: [], tags: [], names: {} };

export const PickersContext = createContext<Pickers>(EMPTY);

export function usePickers(): Pickers {
  return use(PickersContext);
}

const byId = (options: Option[]) =>
  Object.fromEntries(
    options.map((o) => [Number(o.value), o.label.replace(/ \((petition|event|call|survey|share|story)(, draft)?\)$/, '')]),
  );

/** Loads the options once for a screen (communities, actions, saved segments, sent broadcasts). */
export function useLoadPickers(): Pickers {
  const { workspaceId, can } = useCurrentWorkspace();
  const communities = useCommunityOptions(workspaceId);
  const actions = useActionOptions(workspaceId);
  const broadcasts = useBroadcastOptions(workspaceId, can('messaging.read'));
  const segmentOptions = useSegmentOptions(workspaceId);
  const tagOptions = useTagOptions(workspaceId);
  return useMemo(() => {
    const segments = segmentOptions.data ?? [];
    return {
      communities: communities.data ?? [],
      actions: actions.data ?? [],
      broadcasts: broadcasts.data ?? [],
      tags: tagOptions.data ?? [],
      segments,
      names: {
        communities: byId(communities.data ?? []),
        actions: byId(actions.data ?? []),
        broadcasts: byId(broadcasts.data ?? []),
        segments: byId(segments),
      },
    };
  }, [communities.data, actions.data, broadcasts.data, segmentOptions.data, tagOptions.data]);
}

/** Options plus a "#12" entry for a chosen id the list does not have, so a saved value still shows. */
export function withUnknown(options: Option[], id: number | undefined): Option[] {
  if (id === undefined || id <= 0 || options.some((o) => o.value === String(id))) return options;
  return [...options, { value: String(id), label: `#${id}` }];
}
