import { Badge, Paper, Table, Text } from '@mantine/core';
import { QueryView } from '../../../components/query-view.tsx';
import { formatRelative } from '../../../lib/format.ts';
import type { Question } from '../api/get-survey.ts';
import { type SurveyResponse, useSurveyResponses } from '../api/list-survey-responses.ts';

const STATUS: Record<SurveyResponse['status'], { label: string; color: string }> = {
  in_progress: { label: 'Answering', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  handed_off: { label: 'Handed to a person', color: 'orange' },
  stopped: { label: 'Stopped', color: 'gray' },
};

/** Who answered what: one row per member, one column per question. */
export function SurveyResponses(props: { workspaceId: string; surveyId: string; questions: Question[]; live: boolean }) {
  const responses = useSurveyResponses(props.workspaceId, props.surveyId, props.live);
  return (
    <QueryView query={responses} errorTitle="Could not load the responses">
      {(data) =>
        data.responses.length === 0 ? (
          <Text c="dimmed">Nobody has started this survey yet.</Text>
        ) : (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={640} type="native">
              <Table verticalSpacing="xs" aria-label="Responses">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Member</Table.Th>
                    <Table.Th>Status</Table.Th>
                    {props.questions.map((q) => (
                      <Table.Th key={q.id} title={q.prompt}>
                        Q{q.position}
                      </Table.Th>
                    ))}
                    <Table.Th>Started</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.responses.map((response) => (
                    <Table.Tr key={response.id} data-response={response.memberId}>
                      <Table.Td>{response.memberName}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={STATUS[response.status].color}>
                          {STATUS[response.status].label}
                        </Badge>
                      </Table.Td>
                      {props.questions.map((q) => {
                        const answer = response.answers.find((a) => a.questionId === q.id);
                        return (
                          <Table.Td key={q.id} title={answer ? `Texted: ${answer.raw}` : undefined}>
                            {answer ? answer.label : <Text c="dimmed">—</Text>}
                          </Table.Td>
                        );
                      })}
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {formatRelative(new Date(response.startedAt).toISOString())}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )
      }
    </QueryView>
  );
}
