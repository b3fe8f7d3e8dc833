import { Badge, Group, Paper, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { QueryView } from '../../../components/query-view.tsx';
import { formatRelative } from '../../../lib/format.ts';
import { type SurveyResults as Results, useSurveyResults } from '../api/get-survey-results.ts';

type QuestionResult = Results['questions'][number];

function Counter(props: { label: string; value: number; name: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-counter={props.name}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="xl" fw={700}>
        {props.value.toLocaleString()}
      </Text>
    </Paper>
  );
}

function Bars(props: { result: QuestionResult }) {
  return (
    <Stack gap={6}>
      {props.result.tallies.map((tally) => (
        <div key={tally.value} data-tally={tally.value}>
          <Group justify="space-between" gap="xs">
            <Text size="sm">{tally.label}</Text>
            <Text size="sm" c="dimmed">
              {tally.count.toLocaleString()} · {tally.percent}%
            </Text>
          </Group>
          <Progress value={tally.percent} size="lg" radius="sm" aria-label={`${tally.label}: ${tally.percent}%`} />
        </div>
      ))}
    </Stack>
  );
}

function TextAnswers(props: { result: QuestionResult }) {
  if (props.result.recentAnswers.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No answers yet.
      </Text>
    );
  return (
    <Stack gap="xs">
      {props.result.recentAnswers.map((answer) => (
        <Paper key={answer.id} bg="gray.0" p="xs" radius="sm" data-text-answer={answer.id}>
          <Text size="sm">“{answer.text}”</Text>
          <Text size="xs" c="dimmed">
            {answer.memberName} · {formatRelative(new Date(answer.answeredAt).toISOString())}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}

/** Live results: counters, then per question the bars (or the newest free-text answers). */
export function SurveyResults(props: { workspaceId: string; surveyId: string }) {
  const results = useSurveyResults(props.workspaceId, props.surveyId);
  return (
    <QueryView query={results} errorTitle="Could not load the results">
      {(data) => (
        <Stack>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Counter label="Started" value={data.startedCount} name="started" />
            <Counter label="Answering now" value={data.inProgressCount} name="in-progress" />
            <Counter label="Completed" value={data.completedCount} name="completed" />
            <Counter label="Handed to a person" value={data.handedOffCount} name="handed-off" />
          </SimpleGrid>
          {data.questions.map((result) => (
            <Paper key={result.questionId} withBorder radius="md" p="md" data-result={result.position}>
              <Group justify="space-between" mb="sm" align="flex-start">
                <Text fw={600}>
                  {result.position}. {result.prompt}
                </Text>
                <Group gap="xs">
                  {result.average !== null && <Badge variant="light">Average {result.average}</Badge>}
                  {result.nps !== null && <Badge variant="light">NPS {result.nps}</Badge>}
                  <Badge variant="outline" color="gray">
                    {result.answered.toLocaleString()} answered
                  </Badge>
                </Group>
              </Group>
              {result.kind === 'text' ? <TextAnswers result={result} /> : <Bars result={result} />}
            </Paper>
          ))}
        </Stack>
      )}
    </QueryView>
  );
}
