import { Alert, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError } from '../../../lib/errors.ts';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useCreateNote } from '../api/create-note.ts';
import type { Member } from '../api/get-member.ts';
import { useNotes } from '../api/list-notes.ts';

export function NotesTab(props: { member: Member }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const memberId = String(props.member.id);
  const notes = useNotes(workspaceId, memberId);
  return (
    <Stack>
      {can('members.write') && !props.member.erasedAt && <AddNote memberId={memberId} />}
      <QueryView query={notes} errorTitle="Could not load the notes">
        {(data) =>
          data.notes.length === 0 ? (
            <Text size="sm" c="dimmed">
              No notes yet. Notes are for the team: what this member cares about, how they like to help. Members never see them.
            </Text>
          ) : (
            <Stack gap="xs" component="ul" aria-label="Notes" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {data.notes.map((note) => (
                <Paper key={note.id} component="li" withBorder radius="md" p="sm">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {note.body}
                  </Text>
                  <Text size="xs" c="dimmed" mt={6} title={formatDateTime(note.createdAt)}>
                    {note.author?.name ?? 'Someone'} · {formatRelative(note.createdAt)}
                  </Text>
                </Paper>
              ))}
            </Stack>
          )
        }
      </QueryView>
    </Stack>
  );
}

function AddNote(props: { memberId: string }) {
  const { workspaceId } = useCurrentWorkspace();
  const create = useCreateNote(workspaceId, props.memberId);
  const [body, setBody] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(body.trim(), { onSuccess: () => setBody('') });
  };
  const error = create.error;
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <Textarea
          aria-label="New note"
          placeholder="Add a note for the team…"
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
          error={fieldError(error, 'body')}
          autosize
          minRows={2}
          maxRows={8}
        />
        {error && !fieldError(error, 'body') && (
          <Alert color="red" variant="light" role="alert">
            {errorDetail(error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" size="compact-md" loading={create.isPending} disabled={!body.trim()}>
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
