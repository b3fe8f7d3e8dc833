import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';

export function NoAccess(props: { children: string }) {
  return (
    <Alert color="gray" variant="light" icon={<IconLock />} title="Not available for your role">
      {props.children}
    </Alert>
  );
}
