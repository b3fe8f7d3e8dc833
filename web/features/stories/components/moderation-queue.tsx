import { Anchor, Button, Group, Image, Paper, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import type { Story } from '../api/get-story.ts';
import { type Submission, type SubmissionStatus, useSubmissions } from '../api/list-submissions.ts';
import { useModerateSubmission } from '../api/moderate-submission.ts';
import { StoryStatusBadge } from './story-status-badge.tsx';

const iso = (ms: number) => new Date(ms).toISOString();

/** The queue of one call for stories, by status: read each story, see its photo, approve or reject with a reason. */
export function ModerationQueue(props: { story: Story }) {
  const { story } = props;
  const { workspaceId } = useCurrentWorkspace();
  const [status, setStatus] = useState<SubmissionStatus>('pending');
  const submissions = useSubmissions(workspaceId, String(story.id), status);
  return (
    <Stack>
      <SegmentedControl
        value={status}
        onChange={(value) => setStatus(value as SubmissionStatus)}
        aria-label="Show stories"
        data={[
          { value: 'pending', label: `Pending (${story.counts.pending})` },
          { value: 'approved', label: `Approved (${story.counts.approved})` },
          { value: 'rejected', label: `Rejected (${story.counts.rejected})` },
        ]}
      />
      <QueryView query={submissions} errorTitle="Could not load the stories">
        {(data) => {
          const rows = data.pages.flatMap((page) => page.submissions);
          if (rows.length === 0) {
            return (
              <Paper withBorder radius="md" p="xl">
                <Text c="dimmed" ta="center">
                  {status === 'pending' ? 'No stories wait for review.' : `No ${status} stories.`}
                </Text>
              </Paper>
            );
          }
          return (
            <Stack>
              {rows.map((s) => (
                <SubmissionCard key={s.id} storyId={story.id} submission={s} />
              ))}
              {submissions.hasNextPage && (
                <Button variant="default" onClick={() => submissions.fetchNextPage()} loading={submissions.isFetchingNextPage}>
                  Show older stories
                </Button>
              )}
            </Stack>
          );
        }}
      </QueryView>
    </Stack>
  );
}

function SubmissionCard(props: { storyId: number; submission: Submission }) {
  const { submission: s } = props;
  const { workspaceId } = useCurrentWorkspace();
  const moderate = useModerateSubmission(workspaceId, String(props.storyId));
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const who = s.displayName ?? 'Anonymous';

  const approve = () =>
    moderate.mutate(
      { submissionId: s.id, decision: 'approve' },
      {
        onSuccess: () => notifySuccess(`Approved: ${who}’s story is on the spotlight.`),
        onError: (e) => notifyError(e, 'Could not approve'),
      },
    );
  const reject = () =>
    moderate.mutate(
      { submissionId: s.id, decision: 'reject', reason },
      {
        onSuccess: () => {
          setRejecting(false);
          notifySuccess('Rejected: the story stays private.');
        },
        onError: (e) => notifyError(e, 'Could not reject'),
      },
    );

  return (
    <Paper withBorder radius="md" p="md" data-submission={s.id} aria-label={`Story by ${who}`} component="article">
      <Group align="flex-start" wrap="nowrap">
        {s.photo && (
          <Anchor href={s.photo.url} target="_blank" rel="noreferrer" style={{ flex: 'none' }}>
            <Image src={s.photo.url} w={112} h={112} fit="cover" radius="sm" alt={`Photo sent by ${s.memberName}`} />
          </Anchor>
        )}
        <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" wrap="nowrap">
            <Text fw={600}>{who}</Text>
            <StoryStatusBadge status={s.status} />
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {s.story}
          </Text>
          <Text size="xs" c="dimmed">
            From {s.memberName}
            {s.phone || s.email ? ` · ${s.phone ?? s.email}` : ''} · {formatDateTime(iso(s.createdAt))}
          </Text>
          {s.status !== 'pending' && (
            <Text size="xs" c="dimmed">
              {s.status === 'approved' ? 'Approved' : 'Rejected'}
              {s.moderatedBy ? ` by ${s.moderatedBy}` : ''}
              {s.moderatedAt ? ` · ${formatDateTime(iso(s.moderatedAt))}` : ''}
              {s.reason ? ` — ${s.reason}` : ''}
            </Text>
          )}
          {rejecting ? (
            <Group align="flex-end">
              <TextInput
                label="Reason (for the team)"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                maxLength={500}
                style={{ flex: 1 }}
                data-autofocus
              />
              <Button color="red" onClick={reject} loading={moderate.isPending}>
                Reject story
              </Button>
              <Button variant="default" onClick={() => setRejecting(false)}>
                Cancel
              </Button>
            </Group>
          ) : (
            <Group gap="xs">
              {s.status !== 'approved' && (
                <Button size="xs" onClick={approve} loading={moderate.isPending}>
                  Approve
                </Button>
              )}
              {s.status !== 'rejected' && (
                <Button size="xs" variant="default" color="red" onClick={() => setRejecting(true)}>
                  Reject
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}
