/** Everything stored about one member as a JSON file (a subject access request); a plain link the browser downloads. */
export function memberExportUrl(workspaceId: string, memberId: string): string {
  return `/api/workspaces/${workspaceId}/members/${memberId}/export`;
}
