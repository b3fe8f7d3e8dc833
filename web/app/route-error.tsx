import { Button, Stack } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { CenteredCard } from '../components/centered-card.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';

/** Last resort when a screen throws while rendering: say so, keep the rest of the app reachable. */
export function RouteError() {
  const error = useRouteError();
  console.error(error);
  const shown = isRouteErrorResponse(error) ? new Error(`${error.status} ${error.statusText}`) : error;
  return (
    <CenteredCard title="This screen failed">
      <Stack>
        <ErrorAlert error={shown} title="Unexpected error" />
        <Button variant="default" onClick={() => window.location.reload()}>
          Reload the page
        </Button>
      </Stack>
    </CenteredCard>
  );
}
