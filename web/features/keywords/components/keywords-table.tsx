import { Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatPhone } from '../../../lib/phone.ts';
import { useDeleteKeyword } from '../api/delete-keyword.ts';
import type { Keyword } from '../api/list-keywords.ts';
import { MATCH_LOOK, replySummary, whatItDoes } from './describe.ts';

export function KeywordsTable(props: {
  keywords: Keyword[];
  number: string | null;
  onNew: () => void;
  onEdit: (keyword: Keyword) => void;
}) {
  const { workspaceId, can } = useCurrentWorkspace();
  const remove = useDeleteKeyword(workspaceId);
  const manage = can('keywords.manage');

  if (props.keywords.length === 0) {
    return (
      <Paper withBorder radius="md">
        <Stack align="center" gap="xs" py="xl" px="md">
          <IconKey size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
          <Text fw={600}>No keywords yet</Text>
          <Text size="sm" c="dimmed" ta="center" maw={460}>
            Members text a word to your number{props.number ? ` (${formatPhone(props.number)})` : ''} — “Text CLIMATE to join” — and
            Groundswell answers: it joins them to a community (after a YES when we have no consent yet), starts a survey, sends a link or an
            auto-reply.
          </Text>
          {manage && (
            <Button variant="light" size="compact-md" mt="xs" leftSection={<IconPlus size={14} />} onClick={props.onNew}>
              New keyword
            </Button>
          )}
        </Stack>
      </Paper>
    );
  }

  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={820} type="native">
        <Table verticalSpacing="sm" aria-label="Keywords">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Keyword</Table.Th>
              <Table.Th>Match</Table.Th>
              <Table.Th>What it does</Table.Th>
              <Table.Th>Auto-reply</Table.Th>
              <Table.Th ta="right">Uses</Table.Th>
              {manage && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.keywords.map((keyword) => (
              <Table.Tr key={keyword.id} data-keyword={keyword.keyword}>
                <Table.Td>
                  <Text fw={600} ff="monospace">
                    {keyword.keyword}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{MATCH_LOOK[keyword.match].label}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" style={{ wordBreak: 'break-all' }}>
                      {whatItDoes(keyword)}
                    </Text>
                    {keyword.targetType === 'community' && keyword.confirm && (
                      <Badge size="xs" variant="light" color="gray" title="Members without consent reply YES before joining">
                        YES first
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td maw={320}>
                  <Text size="sm" c={keyword.reply ? undefined : 'dimmed'} lineClamp={2}>
                    {replySummary(keyword)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{keyword.uses.toLocaleString()}</Table.Td>
                {manage && (
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        onClick={() => props.onEdit(keyword)}
                        aria-label={`Edit ${keyword.keyword}`}
                      >
                        Edit
                      </Button>
                      <ConfirmButton
                        title={`Delete ${keyword.keyword}?`}
                        message={
                          keyword.targetType === 'community'
                            ? `${keyword.keyword} stops being a join keyword of ${keyword.targetName ?? 'its community'}. Texts of it go to the inbox from now on.`
                            : `Texts of ${keyword.keyword} go to the inbox from now on. Its ${keyword.uses.toLocaleString()} uses are forgotten.`
                        }
                        confirmLabel="Delete keyword"
                        onConfirm={() => remove.mutateAsync(keyword.id)}
                        buttonProps={{ 'aria-label': `Delete ${keyword.keyword}` }}
                      >
                        Delete
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
