import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Grid,
  Group,
  NumberInput,
  Paper,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDownload, IconExternalLink } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ActionBasicsFields } from '../../../components/action-basics-fields.tsx';
import { ActionStatusControls } from '../../../components/action-status-controls.tsx';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { EmbedSnippet } from '../../../components/embed-snippet.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { PhonePreview } from '../../../components/phone-preview.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { type Petition, usePetition } from '../api/get-petition.ts';
import { usePetitionResults } from '../api/get-petition-results.ts';
import { useCommunityOptions, useNextActionOptions } from '../api/list-options.ts';
import { type PetitionInput, useSavePetition } from '../api/save-petition.ts';
import { useSetPetitionStatus } from '../api/set-petition-status.ts';
import { PetitionStatusBadge } from './petition-status-badge.tsx';

const FIELDS = [
  'title',
  'slug',
  'summary',
  'description',
  'target',
  'letter',
  'goal',
  'communityId',
  'consentWording',
  'nextActionId',
  'shareText',
] as const;

type Values = Omit<PetitionInput, 'slug' | 'goal' | 'communityId' | 'nextActionId' | 'consentWording'> & {
  slug: string;
  goal: number | string;
  communityId: string | null;
  nextActionId: string | null;
  consentWording: string;
};

function valuesOf(p?: Petition): Values {
  return {
    title: p?.title ?? '',
    slug: p?.slug ?? '',
    summary: p?.summary ?? '',
    description: p?.description ?? '',
    target: p?.target ?? '',
    letter: p?.letter ?? '',
    askComment: p?.askComment ?? true,
    showSigners: p?.showSigners ?? true,
    goal: p?.goal ?? '',
    communityId: p?.communityId != null ? String(p.communityId) : null,
    nextActionId: p?.nextActionId != null ? String(p.nextActionId) : null,
    consentWording: p?.consentWording ?? '',
    shareText: p?.shareText ?? '',
  };
}

/** A petition: create at /new, edit at /:actionId with publish / close, live results and a phone preview. */
export function PetitionPage() {
  const { workspaceId } = useCurrentWorkspace();
  const actionId = useParams().actionId ?? null;
  const petition = usePetition(workspaceId, actionId ?? '', actionId !== null);
  if (actionId === null) return <PetitionView petition={undefined} />;
  return (
    <QueryView query={petition} errorTitle="Could not load the petition">
      {(data) => <PetitionView key={data.id} petition={data} />}
    </QueryView>
  );
}

function PetitionView(props: { petition: Petition | undefined }) {
  const { petition } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const manage = can('actions.manage');
  const [values, setValues] = useState(() => valuesOf(petition));
  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  const save = useSavePetition(workspaceId, petition ? String(petition.id) : null);
  const status = useSetPetitionStatus(workspaceId, petition ? String(petition.id) : '0');
  const communities = useCommunityOptions(workspaceId);
  const nextActions = useNextActionOptions(workspaceId, petition?.id ?? null);
  const [previewKey, setPreviewKey] = useState(0);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: PetitionInput = {
      title: values.title,
      ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
      summary: values.summary,
      description: values.description,
      target: values.target,
      letter: values.letter,
      askComment: values.askComment,
      showSigners: values.showSigners,
      goal: values.goal === '' ? null : Number(values.goal),
      communityId: values.communityId ? Number(values.communityId) : null,
      consentWording: values.consentWording.trim() === '' ? null : values.consentWording,
      nextActionId: values.nextActionId ? Number(values.nextActionId) : null,
      shareText: values.shareText,
    };
    save.mutate(body, {
      onSuccess: (saved) => {
        notifySuccess(petition ? 'Petition saved.' : 'Draft petition created.');
        setPreviewKey((k) => k + 1);
        if (!petition) navigate(`/w/${workspaceId}/actions/petitions/${saved.id}`, { replace: true });
      },
    });
  };

  const changeStatus = (action: 'publish' | 'close') =>
    status.mutate(action, {
      onSuccess: () => {
        notifySuccess(action === 'publish' ? 'Published: the page takes signatures.' : 'Closed: the page says so.');
        setPreviewKey((k) => k + 1);
      },
      onError: (error) => notifyError(error, action === 'publish' ? 'Could not publish' : 'Could not close'),
    });

  const error = save.error;
  return (
    <>
      <PageHeader
        title={petition ? petition.title : 'New petition'}
        description={
          petition ? (
            <>
              {petition.status === 'draft' ? 'Draft: only staff can see it. ' : ''}
              {petition.status !== 'draft' && (
                <Anchor href={petition.url} target="_blank" rel="noreferrer">
                  {petition.url} <IconExternalLink size={12} />
                </Anchor>
              )}
            </>
          ) : (
            'Write it, save it as a draft, check the phone preview, then publish.'
          )
        }
        actions={
          petition && (
            <ActionStatusControls
              status={petition.status}
              badge={<PetitionStatusBadge status={petition.status} />}
              manage={manage}
              pending={status.isPending}
              onPublish={() => changeStatus('publish')}
              close={{
                title: 'Close this petition?',
                message: 'The page stays online and says it is closed; nobody can sign any more. You can reopen it.',
                confirmLabel: 'Close petition',
                // The page now says it is closed: the preview shows it.
                onConfirm: () => status.mutateAsync('close').then(() => setPreviewKey((k) => k + 1)),
              }}
              onDelete={async () => {
                await status.mutateAsync('delete');
                navigate(`/w/${workspaceId}/actions/petitions`);
              }}
            />
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="petitions" />
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            {petition && petition.status !== 'draft' && <PetitionResults petition={petition} />}
            <Paper withBorder radius="md" p="lg">
              <form onSubmit={submit} noValidate aria-label="Petition">
                <fieldset disabled={!manage} style={{ border: 0, padding: 0, margin: 0 }}>
                  <Stack>
                    <ActionBasicsFields
                      values={values}
                      onChange={set}
                      error={error}
                      consentDescription="The words beside the checkbox, recorded exactly when a signer ticks it. Empty: the default below."
                      defaultConsentWording={petition?.defaultConsentWording}
                    >
                      <TextInput
                        label="To (the target)"
                        description="Who the petition is addressed to, e.g. Austin City Council."
                        value={values.target}
                        onChange={(e) => set('target', e.currentTarget.value)}
                        error={fieldError(error, 'target')}
                      />
                      <Textarea
                        label="Description"
                        description="Why it matters. Blank lines make paragraphs."
                        value={values.description}
                        onChange={(e) => set('description', e.currentTarget.value)}
                        error={fieldError(error, 'description')}
                        autosize
                        minRows={4}
                      />
                      <Textarea
                        label="Letter"
                        description="What signers put their name to (optional)."
                        value={values.letter}
                        onChange={(e) => set('letter', e.currentTarget.value)}
                        error={fieldError(error, 'letter')}
                        autosize
                        minRows={3}
                      />
                      <NumberInput
                        label="Goal"
                        description="Signatures; shown as a thermometer."
                        value={values.goal}
                        onChange={(value) => set('goal', value)}
                        error={fieldError(error, 'goal')}
                        min={1}
                        allowDecimal={false}
                      />
                      <Select
                        label="Signers join"
                        description="A community every signer becomes a member of (optional)."
                        data={communities.data ?? []}
                        value={values.communityId}
                        onChange={(value) => set('communityId', value)}
                        error={fieldError(error, 'communityId')}
                        clearable
                        searchable
                      />
                      <Select
                        label="Next step"
                        description="The action shown after signing (ladder of engagement); when empty, signers get share links."
                        data={nextActions.data ?? []}
                        value={values.nextActionId}
                        onChange={(value) => set('nextActionId', value)}
                        error={fieldError(error, 'nextActionId')}
                        clearable
                        searchable
                      />
                      <Textarea
                        label="Share text"
                        description="Prefilled in the text message, WhatsApp and X share links."
                        value={values.shareText}
                        onChange={(e) => set('shareText', e.currentTarget.value)}
                        error={fieldError(error, 'shareText')}
                        autosize
                        minRows={2}
                        maxLength={280}
                      />
                    </ActionBasicsFields>
                    <Checkbox
                      label="Ask signers why they sign (optional comment)"
                      checked={values.askComment}
                      onChange={(e) => set('askComment', e.currentTarget.checked)}
                    />
                    <Checkbox
                      label="Show a public list of signers who agree (first name and postal code)"
                      checked={values.showSigners}
                      onChange={(e) => set('showSigners', e.currentTarget.checked)}
                    />
                    {error && !onlyFieldErrors(error, FIELDS) && (
                      <Alert color="red" variant="light" role="alert">
                        {errorDetail(error)}
                      </Alert>
                    )}
                    {manage && (
                      <Group justify="flex-end">
                        <Button type="submit" loading={save.isPending} disabled={values.title.trim() === ''}>
                          {petition ? 'Save changes' : 'Create draft'}
                        </Button>
                      </Group>
                    )}
                  </Stack>
                </fieldset>
              </form>
            </Paper>
            {petition && <EmbedSnippet url={petition.url} title={petition.title} published={petition.status === 'published'} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PhonePreview
            src={petition ? `/api/workspaces/${workspaceId}/petitions/${petition.id}/preview` : null}
            label="the petition page"
            version={previewKey}
          />
        </Grid.Col>
      </Grid>
    </>
  );
}

function PetitionResults(props: { petition: Petition }) {
  const { workspaceId } = useCurrentWorkspace();
  const { petition } = props;
  const results = usePetitionResults(workspaceId, String(petition.id));
  return (
    <Paper withBorder radius="md" p="lg">
      <QueryView query={results} errorTitle="Could not load the results">
        {(data) => (
          <Stack>
            <Group justify="space-between">
              <div>
                <Text size="xl" fw={700} data-live-count>
                  {data.signatures.toLocaleString()} {data.signatures === 1 ? 'signature' : 'signatures'}
                </Text>
                {data.goal !== null && (
                  <Text size="sm" c="dimmed">
                    of {data.goal.toLocaleString()} ({Math.round((data.signatures / data.goal) * 100)}%)
                  </Text>
                )}
              </div>
              <Button
                component="a"
                href={`/api/workspaces/${workspaceId}/petitions/${petition.id}/signatures.csv`}
                variant="default"
                leftSection={<IconDownload size={16} />}
              >
                Export CSV
              </Button>
            </Group>
            {data.goal !== null && <Progress value={Math.min(100, (data.signatures / data.goal) * 100)} aria-hidden />}
            {data.perDay.length > 0 && (
              <Text size="sm" c="dimmed">
                Per day: {data.perDay.map((d) => `${d.day}: ${d.count}`).join(' · ')}
              </Text>
            )}
            <Title order={5}>Recent signatures</Title>
            {data.recent.length === 0 ? (
              <Text c="dimmed" size="sm">
                Nobody has signed yet.
              </Text>
            ) : (
              <Table aria-label="Recent signatures" verticalSpacing="xs">
                <Table.Tbody>
                  {data.recent.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {s.name}
                        </Text>
                        {s.comment && (
                          <Text size="xs" c="dimmed">
                            “{s.comment}”
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{s.postalCode ?? ''}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{s.source ?? ''}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {formatDateTime(new Date(s.createdAt).toISOString())}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        )}
      </QueryView>
    </Paper>
  );
}
