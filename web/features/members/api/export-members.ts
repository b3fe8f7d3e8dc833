import type { MemberFilters } from './list-members.ts';

/**
 * The CSV export of the members matching `filters`. A plain link the browser downloads (streamed to disk, so a
 * million rows never sit in the page's memory); the session cookie authenticates it.
 */
export function membersExportUrl(workspaceId: string, filters: MemberFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return `/api/workspaces/${workspaceId}/members/export${query ? `?${query}` : ''}`;
}
