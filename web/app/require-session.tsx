import { Button, Center, Stack } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorAlert } from '../components/error-alert.tsx';
import { FullPageLoader } from '../components/full-page-loader.tsx';
import { sessionEnded, useSession } from '../lib/session.ts';

/** Renders its child routes for a signed-in person; everyone else goes to /login and comes back after. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) return <FullPageLoader />;
  if (session.isError) {
    return (
      <Center mih="100dvh" p="md">
        <Stack maw={480}>
          <ErrorAlert error={session.error} title="Could not reach Groundswell" />
          <Button variant="default" onClick={() => void session.refetch()}>
            Try again
          </Button>
        </Stack>
      </Center>
    );
  }
  if (!session.data) {
    // After signing out, a fresh start; otherwise come back here after signing in.
    const ended = sessionEnded();
    const here = location.pathname + location.search;
    const params = new URLSearchParams();
    if (ended !== 'signed_out' && here !== '/') params.set('next', here);
    if (ended === 'expired') params.set('reason', 'expired');
    const query = params.toString();
    return <Navigate to={query ? `/login?${query}` : '/login'} replace />;
  }
  return <Outlet />;
}
