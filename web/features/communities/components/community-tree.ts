import type { Community } from '../api/list-communities.ts';

export type TreeNode = { community: Community; depth: number; children: TreeNode[] };

/** Builds the network → chapter → micro-community tree from the flat list; orphans become roots. */
export function buildTree(communities: readonly Community[]): TreeNode[] {
  const byId = new Map(communities.map((community) => [community.id, community]));
  const children = new Map<number | null, Community[]>();
  for (const community of communities) {
    const parent = community.parentId !== null && byId.has(community.parentId) ? community.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(community);
    children.set(parent, list);
  }
  const build = (parent: number | null, depth: number, seen: Set<number>): TreeNode[] =>
    (children.get(parent) ?? [])
      .filter((community) => !seen.has(community.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((community) => {
        const path = new Set(seen).add(community.id);
        return { community, depth, children: build(community.id, depth + 1, path) };
      });
  return build(null, 0, new Set());
}

/** The ids of a community and everything under it (a community cannot move under its own descendant). */
export function subtreeIds(communities: readonly Community[], rootId: number): Set<number> {
  const ids = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const community of communities) {
      if (community.parentId !== null && ids.has(community.parentId) && !ids.has(community.id)) {
        ids.add(community.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** From the root down to `id`: the breadcrumbs of a community page. */
export function ancestry(communities: readonly Community[], id: number): Community[] {
  const byId = new Map(communities.map((community) => [community.id, community]));
  const chain: Community[] = [];
  let current = byId.get(id);
  while (current && current.parentId !== null && chain.length < 20) {
    const parent = byId.get(current.parentId);
    if (!parent) break;
    chain.unshift(parent);
    current = parent;
  }
  return chain;
}

export const VISIBILITY_LOOK = {
  public: { label: 'Public', color: 'teal', hint: 'Anyone can join by texting a keyword or on the join page.' },
  request: { label: 'By request', color: 'yellow', hint: 'People ask to join; an organizer or leader approves them.' },
  invite: { label: 'Invite only', color: 'grape', hint: 'Only people an organizer adds can join.' },
} as const;
