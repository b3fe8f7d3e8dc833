import { Alert, Anchor, Breadcrumbs, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useBroadcast } from '../api/get-broadcast.ts';
import { BroadcastForm } from './broadcast-form.tsx';

function Crumbs(props: { current: string }) {
  const { workspaceId } = useCurrentWorkspace();
  return (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={`/w/${workspaceId}/messages`}>
        Messages
      </Anchor>
      <Text size="sm" c="dimmed" truncate maw={260}>
        {props.current}
      </Text>
    </Breadcrumbs>
  );
}

/** /messages/new and /messages/:broadcastId/edit. */
export function BroadcastComposerPage() {
  const { can } = useCurrentWorkspace();
  const { broadcastId } = useParams();
  if (!can('broadcasts.manage')) return <NoAccess>Only owners, admins and organizers can write broadcasts.</NoAccess>;
  if (broadcastId) return <EditBroadcast broadcastId={broadcastId} />;
  return (
    <>
      <Crumbs current="New broadcast" />
      <PageHeader
        title="New broadcast"
        description="Write once, in each language your members speak; see who it reaches and what it costs."
      />
      <BroadcastForm />
    </>
  );
}

function EditBroadcast(props: { broadcastId: string }) {
  const { workspaceId } = useCurrentWorkspace();
  const broadcast = useBroadcast(workspaceId, props.broadcastId);
  return (
    <QueryView query={broadcast} errorTitle="Could not load the broadcast">
      {(data) => (
        <>
          <Crumbs current={data.name} />
          <PageHeader
            title={data.status === 'scheduled' ? `Edit ${data.name}` : data.name}
            description={data.status === 'scheduled' ? 'Scheduled: changes apply until sending starts.' : 'Draft'}
          />
          {data.status === 'draft' || data.status === 'scheduled' ? (
            <BroadcastForm key={data.id} broadcast={data} />
          ) : (
            <Alert color="gray" variant="light" icon={<IconInfoCircle />} title="This broadcast can no longer be changed">
              It was launched.{' '}
              <Anchor component={Link} to={`/w/${workspaceId}/messages/${data.id}`}>
                See its report
              </Anchor>
              .
            </Alert>
          )}
        </>
      )}
    </QueryView>
  );
}
