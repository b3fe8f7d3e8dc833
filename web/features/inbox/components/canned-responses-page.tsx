import { ActionIcon, Button, Card, Code, Group, Modal, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useDeleteCannedResponse } from '../api/delete-canned-response.ts';
import { type CannedResponse, useCannedResponses } from '../api/list-canned-responses.ts';
import { useSaveCannedResponse } from '../api/save-canned-response.ts';
import { InboxTabs } from './inbox-tabs.tsx';

const VARIABLES = [
  ['{{ member.first_name | default: "friend" }}', "the member's first name, or “friend”"],
  ['{{ member.last_name }}', "the member's last name"],
  ['{{ texter.first_name }}', 'your first name (whoever sends it)'],
  ['{{ workspace.name }}', 'your organization'],
] as const;

/** /inbox/saved-replies: the answers texters insert with one click, written with variables. */
export function CannedResponsesPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const canned = useCannedResponses(workspaceId);
  const remove = useDeleteCannedResponse(workspaceId);
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const manage = can('inbox.manage');

  if (!can('inbox.read')) return <NoAccess>Your role does not include the inbox.</NoAccess>;

  return (
    <>
      <PageHeader
        title="Saved replies"
        description="Answers texters insert in one click; variables make each one personal."
        actions={
          manage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New saved reply
            </Button>
          )
        }
      />
      <InboxTabs workspaceId={workspaceId} value="saved-replies" />
      <Stack>
        <QueryView query={canned} errorTitle="Could not load the saved replies">
          {(rows) =>
            rows.length === 0 ? (
              <Text c="dimmed">No saved replies yet.{manage ? ' Create one for the questions members ask most.' : ''}</Text>
            ) : (
              <Table striped verticalSpacing="sm" aria-label="Saved replies">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w="25%">Title</Table.Th>
                    <Table.Th>Reply</Table.Th>
                    {manage && <Table.Th w={90} />}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => (
                    <Table.Tr key={row.id}>
                      <Table.Td fw={500}>{row.title}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{row.body}</Table.Td>
                      {manage && (
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <ActionIcon variant="subtle" aria-label={`Edit ${row.title}`} onClick={() => setEditing(row)}>
                              <IconPencil size={16} />
                            </ActionIcon>
                            <ConfirmButton
                              title="Delete this saved reply?"
                              message={`“${row.title}” disappears from every texter's menu.`}
                              confirmLabel="Delete"
                              onConfirm={() => remove.mutateAsync(row.id)}
                              buttonProps={{ variant: 'subtle', color: 'red', size: 'compact-sm', 'aria-label': `Delete ${row.title}` }}
                            >
                              <IconTrash size={16} />
                            </ConfirmButton>
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )
          }
        </QueryView>
        <Card withBorder>
          <Text fw={500} mb="xs">
            Variables
          </Text>
          <Stack gap={4}>
            {VARIABLES.map(([code, meaning]) => (
              <Group key={code} gap="xs">
                <Code>{code}</Code>
                <Text size="sm" c="dimmed">
                  {meaning}
                </Text>
              </Group>
            ))}
          </Stack>
        </Card>
      </Stack>
      {editing !== null && <CannedForm workspaceId={workspaceId} editing={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function CannedForm(props: { workspaceId: string; editing: CannedResponse | 'new'; onClose: () => void }) {
  const existing = props.editing === 'new' ? null : props.editing;
  const [title, setTitle] = useState(existing?.title ?? '');
  const [body, setBody] = useState(existing?.body ?? '');
  const save = useSaveCannedResponse(props.workspaceId);
  return (
    <Modal opened onClose={props.onClose} title={existing ? 'Edit saved reply' : 'New saved reply'} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(
            { id: existing?.id ?? null, input: { title, body } },
            {
              onSuccess: () => {
                notifySuccess('Saved reply saved.');
                props.onClose();
              },
            },
          );
        }}
      >
        <Stack>
          {save.error && !onlyFieldErrors(save.error, ['title', 'body']) && <ErrorAlert error={save.error} title="Not saved" />}
          <TextInput
            label="Title"
            required
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={fieldError(save.error, 'title')}
          />
          <Textarea
            label="Reply"
            required
            autosize
            minRows={3}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            error={fieldError(save.error, 'body')}
            description='Variables: {{ member.first_name | default: "friend" }}, {{ texter.first_name }}, {{ workspace.name }}'
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
