import { Alert, Button } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { errorDetail } from '../lib/errors.ts';

export function ErrorAlert(props: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <Alert color="red" variant="light" title={props.title ?? 'Something went wrong'} icon={<IconAlertTriangle />}>
      {errorDetail(props.error)}
      {props.onRetry && (
        <Button variant="subtle" color="red" size="compact-sm" ml="xs" onClick={props.onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}
