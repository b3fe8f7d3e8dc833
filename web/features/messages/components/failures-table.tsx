import { Code, Paper, Table, Text, Title } from '@mantine/core';
import type { Broadcast } from '../api/get-broadcast.ts';

/** Failed messages grouped by the provider's error code, with what the code means. */
export function FailuresTable(props: { failures: Broadcast['failuresByCode'] }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={4} mb="xs">
        Failures by error
      </Title>
      {props.failures.length === 0 ? (
        <Text size="sm" c="dimmed">
          No message has failed.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={360} type="native">
          <Table aria-label="Failures by error code" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>What it means</Table.Th>
                <Table.Th ta="right">Messages</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.failures.map((failure) => (
                <Table.Tr key={failure.code}>
                  <Table.Td>
                    <Code>{failure.code}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{failure.description || 'No description from the provider.'}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{failure.count.toLocaleString()}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
