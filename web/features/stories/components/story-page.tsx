import { Alert, Anchor, Button, Checkbox, Grid, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ActionBasicsFields } from '../../../components/action-basics-fields.tsx';
import { ActionStatusControls } from '../../../components/action-status-controls.tsx';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { type Story, useStory } from '../api/get-story.ts';
import { type StoryInput, useSaveStory } from '../api/save-story.ts';
import { useSetStoryStatus } from '../api/set-story-status.ts';
import { ModerationQueue } from './moderation-queue.tsx';
import { StoryStatusBadge } from './story-status-badge.tsx';

const FIELDS = ['title', 'slug', 'summary', 'description', 'prompt', 'publishWording', 'consentWording', 'shareText'] as const;

type Values = Omit<StoryInput, 'slug' | 'publishWording' | 'consentWording'> & {
  slug: string;
  publishWording: string;
  consentWording: string;
};

function valuesOf(s?: Story): Values {
  return {
    title: s?.title ?? '',
    slug: s?.slug ?? '',
    summary: s?.summary ?? '',
    description: s?.description ?? '',
    prompt: s?.prompt ?? '',
    askPhoto: s?.askPhoto ?? true,
    publishWording: s?.publishWording ?? '',
    consentWording: s?.consentWording ?? '',
    shareText: s?.shareText ?? '',
  };
}

/** A call for stories: create at /new; at /:actionId edit it, publish / close it and moderate the stories. */
export function StoryPage() {
  const { workspaceId } = useCurrentWorkspace();
  const actionId = useParams().actionId ?? null;
  const story = useStory(workspaceId, actionId ?? '', actionId !== null);
  if (actionId === null) return <StoryView story={undefined} />;
  return (
    <QueryView query={story} errorTitle="Could not load the call for stories">
      {(data) => <StoryView key={data.id} story={data} />}
    </QueryView>
  );
}

function StoryView(props: { story: Story | undefined }) {
  const { story } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const manage = can('actions.manage');
  const [values, setValues] = useState(() => valuesOf(story));
  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  const save = useSaveStory(workspaceId, story ? String(story.id) : null);
  const status = useSetStoryStatus(workspaceId, story ? String(story.id) : '0');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: StoryInput = {
      title: values.title,
      ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
      summary: values.summary,
      description: values.description,
      prompt: values.prompt,
      askPhoto: values.askPhoto,
      publishWording: values.publishWording.trim() === '' ? null : values.publishWording,
      consentWording: values.consentWording.trim() === '' ? null : values.consentWording,
      shareText: values.shareText,
    };
    save.mutate(body, {
      onSuccess: (saved) => {
        notifySuccess(story ? 'Call for stories saved.' : 'Draft call for stories created.');
        if (!story) navigate(`/w/${workspaceId}/actions/stories/${saved.id}`, { replace: true });
      },
    });
  };

  const changeStatus = (action: 'publish' | 'close') =>
    status.mutate(action, {
      onSuccess: () =>
        notifySuccess(action === 'publish' ? 'Published: the page takes stories.' : 'Closed: no new stories; the spotlight stays.'),
      onError: (error) => notifyError(error, action === 'publish' ? 'Could not publish' : 'Could not close'),
    });

  const error = save.error;
  const form = (
    <Paper withBorder radius="md" p="lg">
      <form onSubmit={submit} noValidate aria-label="Call for stories">
        <fieldset disabled={!manage} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ActionBasicsFields
              values={values}
              onChange={set}
              error={error}
              consentDescription="The words beside the texts checkbox, recorded exactly when ticked. Empty: the default below."
              defaultConsentWording={story?.defaultConsentWording}
            >
              <TextInput
                label="Prompt"
                description="The question members answer, e.g. Tell us why transit matters to you."
                value={values.prompt}
                onChange={(e) => set('prompt', e.currentTarget.value)}
                error={fieldError(error, 'prompt')}
              />
              <Textarea
                label="Description"
                description="Why you ask. Blank lines make paragraphs."
                value={values.description}
                onChange={(e) => set('description', e.currentTarget.value)}
                error={fieldError(error, 'description')}
                autosize
                minRows={3}
              />
              <Checkbox
                label="Ask for a photo (JPEG, PNG or WebP, up to 3 MB)"
                checked={values.askPhoto}
                onChange={(e) => set('askPhoto', e.currentTarget.checked)}
              />
              <Textarea
                label="Consent to publish"
                description="The words members agree to so their story can be published; stored with each story. Empty: the default below."
                placeholder={story?.defaultPublishWording}
                value={values.publishWording}
                onChange={(e) => set('publishWording', e.currentTarget.value)}
                error={fieldError(error, 'publishWording')}
                autosize
                minRows={2}
              />
              <TextInput
                label="Share text"
                description="For social posts about the stories."
                value={values.shareText}
                onChange={(e) => set('shareText', e.currentTarget.value)}
                error={fieldError(error, 'shareText')}
                maxLength={280}
              />
            </ActionBasicsFields>
            {error && !onlyFieldErrors(error, FIELDS) && (
              <Alert color="red" variant="light" role="alert">
                {errorDetail(error)}
              </Alert>
            )}
            {manage && (
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending} disabled={values.title.trim() === ''}>
                  {story ? 'Save changes' : 'Create draft'}
                </Button>
              </Group>
            )}
          </Stack>
        </fieldset>
      </form>
    </Paper>
  );

  return (
    <>
      <PageHeader
        title={story ? story.title : 'New call for stories'}
        description={
          story ? (
            story.status === 'draft' ? (
              'Draft: only staff can see it.'
            ) : (
              <Group gap="md">
                <Anchor href={story.url} target="_blank" rel="noreferrer">
                  Story form <IconExternalLink size={12} />
                </Anchor>
                <Anchor href={story.spotlightUrl} target="_blank" rel="noreferrer">
                  Spotlight of approved stories <IconExternalLink size={12} />
                </Anchor>
              </Group>
            )
          ) : (
            'Ask a question, save it as a draft, then publish and text the link to your members.'
          )
        }
        actions={
          story && (
            <ActionStatusControls
              status={story.status}
              badge={<StoryStatusBadge status={story.status} />}
              manage={manage}
              pending={status.isPending}
              onPublish={() => changeStatus('publish')}
              close={{
                title: 'Close this call for stories?',
                message: 'The form stops taking stories; the spotlight of approved stories stays online. You can reopen it.',
                confirmLabel: 'Close',
                onConfirm: () => status.mutateAsync('close'),
              }}
              onDelete={async () => {
                await status.mutateAsync('delete');
                navigate(`/w/${workspaceId}/actions/stories`);
              }}
            />
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="stories" />
      {story ? (
        <Grid gap="xl">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Stack gap="xs">
              <Title order={4}>Stories to moderate</Title>
              {can('stories.moderate') ? (
                <ModerationQueue story={story} />
              ) : (
                <Text c="dimmed" size="sm">
                  Moderators, organizers and admins review the stories.
                </Text>
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>{form}</Grid.Col>
        </Grid>
      ) : (
        form
      )}
    </>
  );
}
