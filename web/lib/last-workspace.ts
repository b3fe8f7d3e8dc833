const KEY = 'groundswell.lastWorkspace';

export function rememberWorkspace(workspaceId: string): void {
  try {
    localStorage.setItem(KEY, workspaceId);
  } catch {
    // Storage can be unavailable (private mode, quota); remembering is only a convenience.
  }
}

function lastWorkspace(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Where to land after sign-in: the last workspace used if the person still belongs to it, else the first. */
export function landingPath(workspaces: readonly { id: number }[]): string {
  const last = lastWorkspace();
  const target = workspaces.find((w) => String(w.id) === last) ?? workspaces[0];
  return target ? `/w/${target.id}` : '/';
}

/** Only same-site paths are accepted as a post-login destination. */
export function safeNextPath(next: string | null): string | null {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  return next;
}
