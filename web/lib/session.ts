import { type QueryClient, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { ROLES } from '../../common/roles.ts';
import { ApiError, apiRequest } from './api-client.ts';
import { setCsrfToken } from './csrf.ts';

// The signed-in person is needed by every feature (guards, role checks, the user menu), so the session
// query lives here rather than inside one feature.

export const roleSchema = z.enum(ROLES);

const workspaceSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  role: roleSchema,
});

export const sessionSchema = z.object({
  user: z.object({ id: z.number(), email: z.string(), name: z.string() }),
  workspaces: z.array(workspaceSummarySchema),
  csrfToken: z.string(),
});

export type Session = z.infer<typeof sessionSchema>;
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>;

export const sessionQueryKey = ['session'] as const;

type EndReason = 'signed_out' | 'expired';
let ended: EndReason | null = null;

/** How the last session ended in this tab, if it did: sign-in then says "your session expired", or nothing. */
export function sessionEnded(): EndReason | null {
  return ended;
}

let signedIn = false;

async function fetchSession(signal: AbortSignal): Promise<Session | null> {
  try {
    const session = await apiRequest('/api/auth/session', sessionSchema, { signal, expectUnauthorized: true });
    setCsrfToken(session.csrfToken);
    signedIn = true;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      // A session this tab was using is gone (noticed on a refetch, e.g. when the tab regains focus).
      if (signedIn || error.code === 'auth.session_expired') ended ??= 'expired';
      signedIn = false;
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The current session, or `null` when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 60_000,
  });
}

/** Stores a session returned by sign-in or invitation acceptance; data cached for someone else is dropped. */
export function storeSession(queryClient: QueryClient, session: Session): void {
  ended = null;
  signedIn = true;
  setCsrfToken(session.csrfToken);
  removeAllButSession(queryClient);
  queryClient.setQueryData(sessionQueryKey, session);
}

/** Forgets everything about the signed-in person (sign-out, or `expired` when the server ended the session). */
export function clearSession(queryClient: QueryClient, reason: EndReason = 'signed_out'): void {
  ended = reason;
  signedIn = false;
  setCsrfToken(null);
  removeAllButSession(queryClient);
  queryClient.setQueryData(sessionQueryKey, null);
}

function removeAllButSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
}
