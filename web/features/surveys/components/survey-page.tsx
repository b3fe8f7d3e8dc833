import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconCopy, IconExternalLink, IconPlus, IconWorld } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { useDeleteSurvey } from '../api/delete-survey.ts';
import { type Survey, useSurvey } from '../api/get-survey.ts';
import { usePutSurveyOnWeb } from '../api/put-survey-on-web.ts';
import { useSetSurveyStatus } from '../api/set-survey-status.ts';
import { useUpdateSurvey } from '../api/update-survey.ts';
import { draftOf, draftProblem, inputOf, newDraft, type QuestionDraft, QuestionEditor } from './question-editor.tsx';
import { SendSurveyModal } from './send-survey-modal.tsx';
import { SurveyResponses } from './survey-responses.tsx';
import { SurveyResults } from './survey-results.tsx';
import { SurveyStatusBadge } from './survey-status-badge.tsx';

/** One survey: its builder, live results and responses, the keywords that start it. */
export function SurveyPage() {
  const { workspaceId } = useCurrentWorkspace();
  const surveyId = useParams().surveyId ?? '';
  const survey = useSurvey(workspaceId, surveyId);
  return (
    <QueryView query={survey} errorTitle="Could not load the survey">
      {(data) => <SurveyView survey={data} />}
    </QueryView>
  );
}

function SurveyView(props: { survey: Survey }) {
  const { survey } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const surveyId = String(survey.id);
  const navigate = useNavigate();
  const setStatus = useSetSurveyStatus(workspaceId, surveyId);
  const remove = useDeleteSurvey(workspaceId);
  const manage = can('surveys.manage');
  // A draft opens on its questions; an open or closed survey on its results.
  const [tab, setTab] = useState<string | null>(survey.status === 'draft' ? 'questions' : 'results');
  const [sending, setSending] = useState(false);

  const changeStatus = (action: 'open' | 'close') =>
    setStatus.mutate(action, {
      onSuccess: () => notifySuccess(action === 'open' ? 'The survey is open: members can answer.' : 'The survey is closed.'),
      onError: (error) => notifyError(error, action === 'open' ? 'Could not open the survey' : 'Could not close the survey'),
    });

  return (
    <>
      <PageHeader
        title={survey.name}
        description={`${survey.questionCount} questions · ${survey.startedCount} started · ${survey.completedCount} completed`}
        actions={
          <Group>
            <SurveyStatusBadge status={survey.status} />
            {manage && (
              <>
                {survey.status !== 'open' && (
                  <Button onClick={() => changeStatus('open')} loading={setStatus.isPending} disabled={survey.questionCount === 0}>
                    {survey.status === 'closed' ? 'Reopen' : 'Open survey'}
                  </Button>
                )}
                {survey.status === 'open' && <Button onClick={() => setSending(true)}>Send to members…</Button>}
                {survey.status === 'open' && (
                  <ConfirmButton
                    title="Close this survey?"
                    message="Members in the middle of it are stopped; their next texts go to the inbox. Results are kept."
                    confirmLabel="Close survey"
                    onConfirm={() => setStatus.mutateAsync('close')}
                    buttonProps={{ variant: 'default' }}
                  >
                    Close survey
                  </ConfirmButton>
                )}
                {survey.status === 'draft' && (
                  <ConfirmButton
                    title="Delete this draft?"
                    message="The survey and its questions are deleted."
                    confirmLabel="Delete"
                    onConfirm={async () => {
                      await remove.mutateAsync(surveyId);
                      navigate(`/w/${workspaceId}/actions/surveys`);
                    }}
                    buttonProps={{ variant: 'subtle', color: 'red' }}
                  >
                    Delete
                  </ConfirmButton>
                )}
              </>
            )}
          </Group>
        }
      />
      {/* Mounted while open, so the communities are read fresh each time. */}
      {manage && survey.status === 'open' && sending && (
        <SendSurveyModal opened onClose={() => setSending(false)} workspaceId={workspaceId} surveyId={surveyId} />
      )}
      <KeywordsCard survey={survey} />
      <WebCard survey={survey} manage={manage} />
      <Tabs value={tab} onChange={setTab} keepMounted={false} mt="md">
        <Tabs.List mb="md">
          <Tabs.Tab value="questions">Questions</Tabs.Tab>
          <Tabs.Tab value="results">Results</Tabs.Tab>
          <Tabs.Tab value="responses">Responses</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="questions">
          <SurveyBuilder survey={survey} readOnly={!manage} />
        </Tabs.Panel>
        <Tabs.Panel value="results">
          <SurveyResults workspaceId={workspaceId} surveyId={surveyId} />
        </Tabs.Panel>
        <Tabs.Panel value="responses">
          <SurveyResponses workspaceId={workspaceId} surveyId={surveyId} questions={survey.questions} live={survey.status === 'open'} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function KeywordsCard(props: { survey: Survey }) {
  const { workspaceId } = useCurrentWorkspace();
  return (
    <Paper withBorder radius="md" p="sm">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          Keywords
        </Text>
        {props.survey.keywords.length === 0 ? (
          <Text size="sm" c="dimmed">
            None yet: members can start this survey by texting a keyword.
          </Text>
        ) : (
          props.survey.keywords.map((keyword) => (
            <Badge key={keyword} variant="outline" data-keyword={keyword}>
              {keyword}
            </Badge>
          ))
        )}
        <Anchor component={Link} to={`/w/${workspaceId}/messages/keywords`} size="sm" ml="auto">
          Manage keywords
        </Anchor>
      </Group>
    </Paper>
  );
}

/** Where the survey is answered on the web: the button that puts it there, then its link to copy or open. */
function WebCard(props: { survey: Survey; manage: boolean }) {
  const { survey } = props;
  const { workspaceId } = useCurrentWorkspace();
  const putOnWeb = usePutSurveyOnWeb(workspaceId, String(survey.id));
  const url = survey.webUrl;
  if (!url && !(props.manage && survey.status === 'open')) return null;
  return (
    <Paper withBorder radius="md" p="sm" mt="sm">
      <Group gap="xs" wrap="nowrap" align="center">
        <IconWorld size={18} aria-hidden />
        <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
          On the web
        </Text>
        {url ? (
          <>
            <Code
              data-testid="survey-web-url"
              style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
            >
              {url}
            </Code>
            {survey.status !== 'open' && (
              <Badge color="gray" variant="light">
                Closed
              </Badge>
            )}
            <CopyButton value={url} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy the link'} withArrow>
                  <ActionIcon variant="light" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy the link">
                    {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
            <Tooltip label="Open the page" withArrow>
              <ActionIcon component="a" href={url} target="_blank" rel="noopener" variant="light" color="gray" aria-label="Open the page">
                <IconExternalLink size={16} />
              </ActionIcon>
            </Tooltip>
          </>
        ) : (
          <>
            <Text size="sm" c="dimmed" style={{ flex: 1 }}>
              Anyone with the link can answer every question on one page; answers count in the same results.
            </Text>
            <Button
              size="xs"
              variant="light"
              loading={putOnWeb.isPending}
              onClick={() =>
                putOnWeb.mutate(undefined, {
                  onSuccess: () => notifySuccess('The survey is on the web: share its link.'),
                  onError: (error) => notifyError(error, 'Could not put the survey on the web'),
                })
              }
            >
              Put on the web
            </Button>
          </>
        )}
      </Group>
    </Paper>
  );
}

function SurveyBuilder(props: { survey: Survey; readOnly: boolean }) {
  const { survey } = props;
  const { workspaceId } = useCurrentWorkspace();
  const update = useUpdateSurvey(workspaceId, String(survey.id));
  const [name, setName] = useState(survey.name);
  const [intro, setIntro] = useState(survey.intro);
  const [outro, setOutro] = useState(survey.outro);
  const [drafts, setDrafts] = useState<QuestionDraft[]>(() => survey.questions.map(draftOf));
  const [showProblems, setShowProblems] = useState(false);
  // The saved survey changed (saved here, or the first answer came in): start again from it.
  useEffect(() => {
    setDrafts(survey.questions.map(draftOf));
  }, [survey.questions]);

  const locked = survey.answered || props.readOnly;
  const problems = drafts.map(draftProblem);
  const move = (index: number, delta: -1 | 1) =>
    setDrafts((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      if (item) next.splice(index + delta, 0, item);
      return next;
    });

  const save = () => {
    if (!survey.answered && problems.some(Boolean)) {
      setShowProblems(true);
      return;
    }
    update.mutate(
      { name, intro, outro, ...(survey.answered ? {} : { questions: drafts.map(inputOf) }) },
      { onSuccess: () => notifySuccess('Survey saved.') },
    );
  };

  return (
    <Stack>
      {survey.answered && (
        <Alert color="blue" variant="light" title="Members have answered">
          The questions can no longer change, so results stay comparable. You can still rename the survey and edit its texts.
        </Alert>
      )}
      <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} disabled={props.readOnly} maxLength={120} />
      <Textarea
        label="Intro"
        description="Sent with the first question."
        value={intro}
        onChange={(e) => setIntro(e.currentTarget.value)}
        disabled={props.readOnly}
        autosize
        maxLength={320}
      />
      {drafts.map((draft, index) => (
        <div key={draft.key}>
          <QuestionEditor
            draft={draft}
            index={index}
            count={drafts.length}
            disabled={locked}
            onChange={(changed) => setDrafts((list) => list.map((d) => (d.key === changed.key ? changed : d)))}
            onMove={(delta) => move(index, delta)}
            onRemove={() => setDrafts((list) => list.filter((d) => d.key !== draft.key))}
          />
          {showProblems && problems[index] && (
            <Text c="red" size="sm" mt={4}>
              {problems[index]}
            </Text>
          )}
        </div>
      ))}
      {!locked && (
        <Group>
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setDrafts((list) => [...list, newDraft()])}>
            Add question
          </Button>
        </Group>
      )}
      <Textarea
        label="Thank-you text"
        description="Sent after the last answer."
        value={outro}
        onChange={(e) => setOutro(e.currentTarget.value)}
        disabled={props.readOnly}
        autosize
        maxLength={320}
      />
      {update.isError && <ErrorAlert error={update.error} title="Could not save the survey" />}
      {!props.readOnly && (
        <Group justify="flex-end">
          <Button onClick={save} loading={update.isPending}>
            Save
          </Button>
        </Group>
      )}
    </Stack>
  );
}
