import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { CenteredCard } from '../components/centered-card.tsx';
import { useCurrentWorkspace } from '../lib/current-workspace.tsx';

export function NotFoundPage() {
  return (
    <CenteredCard title="Page not found">
      <Stack>
        <Text size="sm">There is nothing at this address. It may have moved, or the link may be mistyped.</Text>
        <Anchor component={Link} to="/" size="sm">
          Back to the dashboard
        </Anchor>
      </Stack>
    </CenteredCard>
  );
}

/** A missing page inside a workspace keeps the shell around it. */
export function NotFoundInWorkspace() {
  const { workspaceId } = useCurrentWorkspace();
  return (
    <Stack>
      <title>Not found · Groundswell</title>
      <Text fw={600}>Page not found</Text>
      <Text size="sm" c="dimmed">
        There is nothing at this address in this workspace.
      </Text>
      <Anchor component={Link} to={`/w/${workspaceId}`} size="sm">
        Back to the workspace
      </Anchor>
    </Stack>
  );
}
