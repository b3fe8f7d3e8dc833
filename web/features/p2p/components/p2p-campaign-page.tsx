import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlayerPause, IconPlayerPlay, IconRocket } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { NoAccess } from '../../../components/no-access.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { type CampaignAction, useCampaignAction } from '../api/campaign-action.ts';
import { type Campaign, type Script, useP2pCampaign } from '../api/get-campaign.ts';
import { useCommunityOptions } from '../api/list-community-options.ts';
import { useSmsSenders } from '../api/list-senders.ts';
import { type PreviewInput, useCampaignPreview } from '../api/preview-campaign.ts';
import { type CampaignInput, useSaveCampaign } from '../api/save-campaign.ts';
import { CampaignStats } from './campaign-stats.tsx';
import { InboxTabs } from './inbox-tabs.tsx';
import { ScriptEditor } from './script-editor.tsx';
import { P2pStatusBadge } from './status-badge.tsx';

const NEW_SCRIPT: Script = {
  initial: "Hi {{ member.first_name }}, it's {{ texter.first_name }} with {{ workspace.name }}. ",
  question: null,
  answers: [
    { key: 'yes', label: 'Yes', tag: null, reply: null },
    { key: 'no', label: 'No', tag: null, reply: null },
  ],
  responses: [],
};

type Values = { name: string; communityIds: string[]; tags: string[]; senderId: string | null; script: Script; batchSize: number };

function valuesOf(campaign: Campaign | undefined): Values {
  if (!campaign) return { name: '', communityIds: [], tags: [], senderId: null, script: NEW_SCRIPT, batchSize: 50 };
  return {
    name: campaign.name,
    communityIds: campaign.audience.communityIds.map(String),
    tags: campaign.audience.tags,
    senderId: campaign.senderId === null ? null : String(campaign.senderId),
    script: campaign.script,
    batchSize: campaign.batchSize,
  };
}

function inputOf(values: Values): CampaignInput {
  return {
    name: values.name,
    audience: { communityIds: values.communityIds.map(Number), tags: values.tags },
    senderId: values.senderId === null ? null : Number(values.senderId),
    script: values.script,
    batchSize: values.batchSize,
  };
}

/** /inbox/campaigns/new and /inbox/campaigns/:campaignId: the organizer's setup, launch and stats of a campaign. */
export function P2pCampaignPage() {
  const { campaignId } = useParams();
  const { workspaceId, can } = useCurrentWorkspace();
  const campaign = useP2pCampaign(workspaceId, can('p2p.manage') ? campaignId : undefined);
  if (!can('p2p.manage')) {
    return campaignId ? (
      <Stack>
        <NoAccess>Only organizers set up campaigns.</NoAccess>
        <Anchor component={Link} to={`/w/${workspaceId}/inbox/campaigns/${campaignId}/text`}>
          Text this campaign
        </Anchor>
      </Stack>
    ) : (
      <NoAccess>Only organizers set up campaigns.</NoAccess>
    );
  }
  if (campaignId && campaign.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (campaignId && campaign.isError) return <ErrorAlert error={campaign.error} title="Could not load this campaign" />;
  return <CampaignForm key={campaign.data?.id ?? 'new'} campaign={campaign.data} />;
}

function CampaignForm(props: { campaign: Campaign | undefined }) {
  const { campaign } = props;
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const [values, setValues] = useState<Values>(() => valuesOf(campaign));
  const [saved, setSaved] = useState(() => JSON.stringify(valuesOf(campaign)));
  const set = (patch: Partial<Values>) => setValues((current) => ({ ...current, ...patch }));
  const communities = useCommunityOptions(workspaceId);
  const senders = useSmsSenders(workspaceId);
  const save = useSaveCampaign(workspaceId, campaign ? String(campaign.id) : undefined);
  const action = useCampaignAction(workspaceId, campaign ? String(campaign.id) : '');
  const status = campaign?.status ?? 'draft';
  const draft = status === 'draft';
  const closed = status === 'closed';
  const dirty = JSON.stringify(values) !== saved;

  // The server's preview, asked again 400 ms after the organizer stops typing.
  const wanted: PreviewInput | null =
    values.communityIds.length + values.tags.length > 0
      ? {
          audience: { communityIds: values.communityIds.map(Number), tags: values.tags },
          senderId: values.senderId === null ? null : Number(values.senderId),
          script: values.script,
        }
      : null;
  const [debounced] = useDebouncedValue(wanted ? JSON.stringify(wanted) : '', 400);
  const previewInput = useMemo(() => (debounced ? (JSON.parse(debounced) as PreviewInput) : null), [debounced]);
  const preview = useCampaignPreview(workspaceId, draft ? previewInput : null);
  const errors = Object.fromEntries((preview.data?.problems ?? []).map((p) => [p.field, p.message]));

  async function onSave() {
    const input = inputOf(values);
    // Once launched, the audience and the sender stay as they were.
    const body: Partial<CampaignInput> = draft ? input : { name: input.name, script: input.script, batchSize: input.batchSize };
    const result = await save.mutateAsync(body);
    setSaved(JSON.stringify(values));
    if (!campaign) navigate(`/w/${workspaceId}/inbox/campaigns/${result.id}`, { replace: true });
    else notifySuccess('Campaign saved.');
    return result;
  }

  async function run(kind: CampaignAction) {
    try {
      if (kind === 'launch' && dirty) await onSave();
      await action.mutateAsync(kind);
      if (kind === 'launch') notifySuccess('Launched: contacts are loading, then texters can start.');
    } catch (error) {
      notifyError(error, kind === 'launch' ? 'The campaign cannot be launched' : 'That did not work');
    }
  }

  return (
    <>
      <InboxTabs />
      <PageHeader
        title={campaign ? campaign.name : 'New campaign'}
        description={campaign ? <P2pStatusBadge status={campaign.status} /> : 'A script and an audience; texters send each text by hand.'}
        actions={
          campaign && (
            <Group>
              {draft && (
                <Button leftSection={<IconRocket size={16} />} onClick={() => void run('launch')} loading={action.isPending}>
                  Launch
                </Button>
              )}
              {(status === 'loading' || status === 'active') && (
                <Button
                  variant="light"
                  leftSection={<IconPlayerPause size={16} />}
                  onClick={() => void run('pause')}
                  loading={action.isPending}
                >
                  Pause
                </Button>
              )}
              {status === 'paused' && (
                <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void run('resume')} loading={action.isPending}>
                  Resume
                </Button>
              )}
              {!closed && (
                <ConfirmButton
                  title="Close this campaign?"
                  message="Texters will not be able to send its initials any more. Conversations stay in the inbox."
                  confirmLabel="Close campaign"
                  onConfirm={() => action.mutateAsync('close')}
                  buttonProps={{ size: 'sm' }}
                >
                  Close
                </ConfirmButton>
              )}
            </Group>
          )
        }
      />
      <Stack gap="lg">
        {campaign && !draft && <CampaignStats campaign={campaign} />}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
          <Stack gap="md">
            <TextInput
              label="Name"
              value={values.name}
              onChange={(event) => set({ name: event.currentTarget.value })}
              error={save.error ? undefined : errors.name}
              disabled={closed}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <MultiSelect
                label="Communities"
                description="Members of any of these who agreed to texts."
                data={communities.data ?? []}
                value={values.communityIds}
                onChange={(communityIds) => set({ communityIds })}
                searchable
                clearable
                disabled={!draft}
                error={errors.audience}
              />
              <TagsInput
                label="Tags"
                description="And members with any of these tags."
                value={values.tags}
                onChange={(tags) => set({ tags: [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))] })}
                disabled={!draft}
                clearable
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label="SMS number"
                placeholder="The workspace's default"
                data={(senders.data ?? []).map((s) => ({ value: String(s.id), label: `${s.label || s.address} (${s.address})` }))}
                value={values.senderId}
                onChange={(senderId) => set({ senderId })}
                clearable
                disabled={!draft}
                error={errors.senderId}
              />
              <NumberInput
                label="Batch size"
                description="Contacts a texter takes at a time."
                min={1}
                max={500}
                value={values.batchSize}
                onChange={(value) => set({ batchSize: typeof value === 'number' ? value : 50 })}
                disabled={closed}
              />
            </SimpleGrid>
            <Title order={4} mt="sm">
              Script
            </Title>
            <ScriptEditor value={values.script} onChange={(script) => set({ script })} errors={errors} disabled={closed} />
            {save.error && <ErrorAlert error={save.error} title="Could not save the campaign" />}
            {!closed && (
              <Group>
                <Button
                  onClick={() => void onSave().catch(() => undefined)}
                  loading={save.isPending}
                  disabled={campaign !== undefined && !dirty}
                >
                  {campaign ? 'Save changes' : 'Save draft'}
                </Button>
              </Group>
            )}
          </Stack>
          {draft && (
            <Stack gap="sm">
              <Title order={4}>Preview</Title>
              {previewInput === null ? (
                <Text size="sm" c="dimmed">
                  Pick communities or tags to see who the campaign reaches.
                </Text>
              ) : preview.isError ? (
                <ErrorAlert error={preview.error} title="Could not preview" />
              ) : preview.data ? (
                <>
                  <Text data-testid="p2p-reach">
                    <b>{preview.data.recipients.reachable.toLocaleString()}</b> of {preview.data.recipients.total.toLocaleString()} members
                    can be texted
                    {preview.data.recipients.noConsent + preview.data.recipients.optedOut > 0 &&
                      ` (${(preview.data.recipients.noConsent + preview.data.recipients.optedOut).toLocaleString()} never agreed or opted out)`}
                  </Text>
                  {preview.data.sample !== null && (
                    <Paper withBorder p="md" radius="lg" bg="var(--mantine-color-gray-0)" data-testid="p2p-sample">
                      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                        {preview.data.sample}
                      </Text>
                    </Paper>
                  )}
                  {preview.data.problems.map((p) => (
                    <Alert key={`${p.field}:${p.message}`} color="yellow" variant="light">
                      {p.message}
                    </Alert>
                  ))}
                </>
              ) : (
                <Loader size="sm" aria-label="Loading the preview" />
              )}
            </Stack>
          )}
        </SimpleGrid>
      </Stack>
    </>
  );
}
