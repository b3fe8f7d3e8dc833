import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Grid,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ActionBasicsFields } from '../../../components/action-basics-fields.tsx';
import { ActionStatusControls } from '../../../components/action-status-controls.tsx';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { PhonePreview } from '../../../components/phone-preview.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { NETWORK_LABELS, NETWORKS, type Network, type Share, useShare } from '../api/get-share.ts';
import { useShareResults } from '../api/get-share-results.ts';
import { useCommunityOptions, useTargetOptions } from '../api/list-options.ts';
import { type ShareInput, useSaveShare } from '../api/save-share.ts';
import { useSetShareStatus } from '../api/set-share-status.ts';
import { ShareStatusBadge } from './share-status-badge.tsx';

const FIELDS = [
  'title',
  'slug',
  'summary',
  'description',
  'communityId',
  'targetActionId',
  'targetUrl',
  'posts',
  'mastodonInstance',
  'consentWording',
];

type PostValues = { on: boolean; text: string; hashtags: string; subject: string };
type Values = {
  title: string;
  slug: string;
  summary: string;
  description: string;
  communityId: string | null;
  targetActionId: string | null;
  targetUrl: string;
  mastodonInstance: string;
  consentWording: string;
  posts: Record<Network, PostValues>;
};

function valuesOf(s?: Share): Values {
  const posts = Object.fromEntries(
    NETWORKS.map((n) => {
      const post = s?.posts[n];
      return [
        n,
        {
          on: post !== undefined,
          text: post?.text ?? '',
          hashtags: (post?.hashtags ?? []).map((h) => `#${h}`).join(' '),
          subject: post?.subject ?? '',
        },
      ];
    }),
  ) as Record<Network, PostValues>;
  return {
    title: s?.title ?? '',
    slug: s?.slug ?? '',
    summary: s?.summary ?? '',
    description: s?.description ?? '',
    communityId: s?.communityId != null ? String(s.communityId) : null,
    targetActionId: s?.targetActionId != null ? String(s.targetActionId) : null,
    targetUrl: s?.targetUrl ?? '',
    mastodonInstance: s?.mastodonInstance ?? '',
    consentWording: s?.consentWording ?? '',
    posts,
  };
}

/** A share action: create at /new, edit at /:actionId with publish / close, results and a phone preview. */
export function SharePage() {
  const { workspaceId } = useCurrentWorkspace();
  const shareId = useParams().actionId ?? null;
  const share = useShare(workspaceId, shareId ?? '', shareId !== null);
  if (shareId === null) return <ShareView share={undefined} />;
  return (
    <QueryView query={share} errorTitle="Could not load the share action">
      {(data) => <ShareView key={data.id} share={data} />}
    </QueryView>
  );
}

function ShareView(props: { share: Share | undefined }) {
  const { share } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const manage = can('actions.manage');
  const [values, setValues] = useState(() => valuesOf(share));
  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  const setPost = (network: Network, patch: Partial<PostValues>) =>
    setValues((current) => ({ ...current, posts: { ...current.posts, [network]: { ...current.posts[network], ...patch } } }));
  const save = useSaveShare(workspaceId, share ? String(share.id) : null);
  const status = useSetShareStatus(workspaceId, share ? String(share.id) : '0');
  const communities = useCommunityOptions(workspaceId);
  const targets = useTargetOptions(workspaceId, share?.id ?? null);
  const [previewKey, setPreviewKey] = useState(0);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const posts: ShareInput['posts'] = {};
    for (const n of NETWORKS) {
      const p = values.posts[n];
      if (!p.on) continue;
      const hashtags = p.hashtags.split(/[\s,]+/).filter((tag) => tag.replace(/^#+/, '') !== '');
      posts[n] = { text: p.text, hashtags, ...(n === 'email' ? { subject: p.subject } : {}) };
    }
    const body: ShareInput = {
      title: values.title,
      ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
      summary: values.summary,
      description: values.description,
      communityId: values.communityId ? Number(values.communityId) : null,
      targetActionId: values.targetActionId ? Number(values.targetActionId) : null,
      targetUrl: values.targetActionId ? '' : values.targetUrl.trim(),
      posts,
      mastodonInstance: values.mastodonInstance.trim(),
      consentWording: values.consentWording.trim() === '' ? null : values.consentWording,
    };
    save.mutate(body, {
      onSuccess: (saved) => {
        notifySuccess(share ? 'Share action saved.' : 'Draft share action created.');
        setPreviewKey((k) => k + 1);
        if (!share) navigate(`/w/${workspaceId}/actions/shares/${saved.id}`, { replace: true });
      },
    });
  };

  const changeStatus = (action: 'publish' | 'close') =>
    status.mutate(action, {
      onSuccess: () => {
        notifySuccess(action === 'publish' ? 'Published: members can get their share links.' : 'Closed: taps no longer count.');
        setPreviewKey((k) => k + 1);
      },
      onError: (error) => notifyError(error, action === 'publish' ? 'Could not publish' : 'Could not close'),
    });

  const error = save.error;
  return (
    <>
      <PageHeader
        title={share ? share.title : 'New share action'}
        description={
          share ? (
            <>
              {share.status === 'draft' ? 'Draft: only staff can see it. ' : ''}
              {share.status !== 'draft' && (
                <Anchor href={share.url} target="_blank" rel="noreferrer">
                  {share.url} <IconExternalLink size={12} />
                </Anchor>
              )}
            </>
          ) : (
            'Choose what to share, write a post per network, save it as a draft, check the phone preview, then publish.'
          )
        }
        actions={
          share && (
            <ActionStatusControls
              status={share.status}
              badge={<ShareStatusBadge status={share.status} />}
              manage={manage}
              pending={status.isPending}
              onPublish={() => changeStatus('publish')}
              close={{
                title: 'Close this share action?',
                message: 'The page stays online and says the campaign has ended; taps no longer count. You can reopen it.',
                confirmLabel: 'Close',
                // The page now says it is closed: the preview shows it.
                onConfirm: () => status.mutateAsync('close').then(() => setPreviewKey((k) => k + 1)),
              }}
              onDelete={async () => {
                await status.mutateAsync('delete');
                navigate(`/w/${workspaceId}/actions/shares`);
              }}
            />
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="shares" />
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            {share && share.status !== 'draft' && <ShareResults share={share} />}
            <Paper withBorder radius="md" p="lg">
              <form onSubmit={submit} noValidate aria-label="Share action">
                <fieldset disabled={!manage} style={{ border: 0, padding: 0, margin: 0 }}>
                  <Stack>
                    <ActionBasicsFields
                      values={values}
                      onChange={set}
                      error={error}
                      consentDescription="The words beside the optional checkbox for people who give their number on the page. Empty: the default."
                    >
                      <Textarea
                        label="Description"
                        description="What you ask members to share, and why. Blank lines make paragraphs."
                        value={values.description}
                        onChange={(e) => set('description', e.currentTarget.value)}
                        error={fieldError(error, 'description')}
                        autosize
                        minRows={3}
                      />
                      <Select
                        label="The posts link to"
                        description="One of your actions: each member’s link carries their share code, so sign-ups are credited to them."
                        data={targets.data ?? []}
                        value={values.targetActionId}
                        onChange={(value) => set('targetActionId', value)}
                        error={fieldError(error, 'targetActionId')}
                        clearable
                        searchable
                      />
                      {!values.targetActionId && (
                        <TextInput
                          label="…or an outside address"
                          description="Tagged with utm_source per network. Empty: the posts link to this share page."
                          placeholder="https://"
                          value={values.targetUrl}
                          onChange={(e) => set('targetUrl', e.currentTarget.value)}
                          error={fieldError(error, 'targetUrl')}
                        />
                      )}
                      <Title order={5}>Suggested posts</Title>
                      <Text size="sm" c="dimmed">
                        Tick the networks to offer. Members can change the words before posting; the link is added for them.
                      </Text>
                      {NETWORKS.map((n) => {
                        const p = values.posts[n];
                        return (
                          <Paper key={n} withBorder radius="sm" p="sm" data-network={n}>
                            <Stack gap="xs">
                              <Checkbox
                                label={NETWORK_LABELS[n]}
                                checked={p.on}
                                onChange={(e) => setPost(n, { on: e.currentTarget.checked })}
                              />
                              {p.on && (
                                <>
                                  {n === 'email' && (
                                    <TextInput
                                      label="Subject"
                                      value={p.subject}
                                      onChange={(e) => setPost(n, { subject: e.currentTarget.value })}
                                    />
                                  )}
                                  <Textarea
                                    label={`${NETWORK_LABELS[n]} post`}
                                    description={
                                      n === 'facebook' ? 'Facebook only takes the link; the text is shown on the page to copy.' : undefined
                                    }
                                    value={p.text}
                                    onChange={(e) => setPost(n, { text: e.currentTarget.value })}
                                    error={fieldError(error, `posts.${n}.text`)}
                                    autosize
                                    minRows={2}
                                    maxLength={n === 'x' || n === 'bluesky' ? 250 : 1000}
                                  />
                                  <TextInput
                                    label={`${NETWORK_LABELS[n]} hashtags`}
                                    placeholder="#SaveTheOaks #Austin"
                                    value={p.hashtags}
                                    onChange={(e) => setPost(n, { hashtags: e.currentTarget.value })}
                                    error={fieldError(error, `posts.${n}.hashtags`)}
                                  />
                                  {n === 'mastodon' && (
                                    <TextInput
                                      label="Mastodon server"
                                      description="Where the post opens; default mastodon.social."
                                      value={values.mastodonInstance}
                                      onChange={(e) => set('mastodonInstance', e.currentTarget.value)}
                                      error={fieldError(error, 'mastodonInstance')}
                                    />
                                  )}
                                </>
                              )}
                            </Stack>
                          </Paper>
                        );
                      })}
                      <Select
                        label="Community"
                        description="Counts its shares and recruits (optional)."
                        data={communities.data ?? []}
                        value={values.communityId}
                        onChange={(value) => set('communityId', value)}
                        error={fieldError(error, 'communityId')}
                        clearable
                        searchable
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
                          {share ? 'Save changes' : 'Create draft'}
                        </Button>
                      </Group>
                    )}
                  </Stack>
                </fieldset>
              </form>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PhonePreview
            src={share ? `/api/workspaces/${workspaceId}/shares/${share.id}/preview` : null}
            label="the share page"
            version={previewKey}
          />
        </Grid.Col>
      </Grid>
    </>
  );
}

function ShareResults(props: { share: Share }) {
  const { workspaceId } = useCurrentWorkspace();
  const results = useShareResults(workspaceId, String(props.share.id));
  const label = (network: string) => NETWORK_LABELS[network as Network] ?? network;
  return (
    <Paper withBorder radius="md" p="lg">
      <QueryView query={results} errorTitle="Could not load the results">
        {(data) => (
          <Stack>
            <SimpleGrid cols={3}>
              <div>
                <Text size="xl" fw={700} data-count="shares">
                  {data.shares.toLocaleString()}
                </Text>
                <Text size="sm" c="dimmed">
                  shares
                </Text>
              </div>
              <div>
                <Text size="xl" fw={700} data-count="sharers">
                  {data.sharers.toLocaleString()}
                </Text>
                <Text size="sm" c="dimmed">
                  members sharing
                </Text>
              </div>
              <div>
                <Text size="xl" fw={700} data-count="signups">
                  {data.signups.toLocaleString()}
                </Text>
                <Text size="sm" c="dimmed">
                  sign-ups they brought
                </Text>
              </div>
            </SimpleGrid>
            {data.perNetwork.length > 0 && (
              <Table aria-label="Shares per network" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Network</Table.Th>
                    <Table.Th>Shares</Table.Th>
                    <Table.Th>Sign-ups</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.perNetwork.map((n) => (
                    <Table.Tr key={n.network}>
                      <Table.Td>{label(n.network)}</Table.Td>
                      <Table.Td>{n.shares.toLocaleString()}</Table.Td>
                      <Table.Td>{n.signups.toLocaleString()}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Title order={5}>Top sharers</Title>
            {data.topSharers.length === 0 ? (
              <Text c="dimmed" size="sm">
                Nobody has shared yet.
              </Text>
            ) : (
              <Table aria-label="Top sharers" verticalSpacing="xs">
                <Table.Tbody>
                  {data.topSharers.map((s) => (
                    <Table.Tr key={s.memberId}>
                      <Table.Td>
                        <Anchor href={`/w/${workspaceId}/members/${s.memberId}`} size="sm">
                          {s.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{s.shares.toLocaleString()} shares</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{s.signups.toLocaleString()} sign-ups</Text>
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
