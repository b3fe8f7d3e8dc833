import { Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { Campaign } from '../api/get-campaign.ts';
import { AssignContacts } from './assign-contacts.tsx';

/** The campaign's counters, answers per key and initials per texter, and handing contacts to a texter. */
export function CampaignStats(props: { campaign: Campaign }) {
  const { stats, script, status } = props.campaign;
  const assignable = status === 'loading' || status === 'active' || status === 'paused';
  const counters = [
    ['Contacts', stats.contacts],
    ['Not taken yet', stats.pending],
    ['Assigned', stats.assigned],
    ['Sent', stats.sent],
    ['Skipped', stats.skipped],
    ['Replied', stats.replied],
    ['Opted out', stats.optedOut],
  ] as const;
  return (
    <Stack gap="md" data-testid="campaign-stats">
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }}>
        {counters.map(([label, value]) => (
          <Paper key={label} withBorder p="sm" radius="md" data-stat={label}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text fw={700} size="xl">
              {value.toLocaleString()}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="xs">
          <Title order={5}>{script.question ?? 'Answers'}</Title>
          {script.answers.length === 0 ? (
            <Text size="sm" c="dimmed">
              The script has no answers to record.
            </Text>
          ) : (
            <Table aria-label="Answers">
              <Table.Tbody>
                {script.answers.map((a) => (
                  <Table.Tr key={a.key}>
                    <Table.Td>{a.label}</Table.Td>
                    <Table.Td ta="right">{(stats.answers[a.key] ?? 0).toLocaleString()}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
        <Stack gap="xs">
          <Title order={5}>Texters</Title>
          {stats.texters.length === 0 ? (
            <Text size="sm" c="dimmed">
              No texter has taken contacts yet.
            </Text>
          ) : (
            <Table aria-label="Texters">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Texter</Table.Th>
                  <Table.Th ta="right">Assigned</Table.Th>
                  <Table.Th ta="right">Sent</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stats.texters.map((texter) => (
                  <Table.Tr key={texter.userId}>
                    <Table.Td>{texter.name}</Table.Td>
                    <Table.Td ta="right">{texter.assigned.toLocaleString()}</Table.Td>
                    <Table.Td ta="right">{texter.sent.toLocaleString()}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {assignable && <AssignContacts campaignId={props.campaign.id} pending={stats.pending} />}
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
