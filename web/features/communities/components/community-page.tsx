import {
  ActionIcon,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  SimpleGrid,
  Spoiler,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArchive, IconArrowLeft, IconCheck, IconCopy, IconPencil, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { useDeleteCommunity } from '../api/delete-community.ts';
import { useCommunity } from '../api/get-community.ts';
import { type Community, useCommunities } from '../api/list-communities.ts';
import { useUpdateCommunity } from '../api/update-community.ts';
import { CommunityMembers } from './community-members.tsx';
import { CommunityModal } from './community-modal.tsx';
import { ancestry, VISIBILITY_LOOK } from './community-tree.ts';

export function CommunityPage() {
  const { communityId = '' } = useParams();
  const { workspaceId } = useCurrentWorkspace();
  const community = useCommunity(workspaceId, communityId);
  return (
    <Stack gap="md">
      <Anchor component={Link} to=".." relative="path" size="sm" w="fit-content">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          Communities
        </Group>
      </Anchor>
      <QueryView query={community} errorTitle="Could not load this community">
        {(data) => <CommunityView community={data} />}
      </QueryView>
    </Stack>
  );
}

function CommunityView(props: { community: Community }) {
  const { community } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const all = useCommunities(workspaceId);
  const [editOpened, editModal] = useDisclosure(false);
  const [subOpened, subModal] = useDisclosure(false);
  const look = VISIBILITY_LOOK[community.visibility];
  const parents = all.data ? ancestry(all.data.communities, community.id) : [];
  const children = (all.data?.communities ?? [])
    .filter((c) => c.parentId === community.id && !c.archived)
    .sort((a, b) => a.name.localeCompare(b.name));
  const manage = can('communities.manage');

  return (
    <>
      <title>{`${community.name} · Communities · Groundswell`}</title>
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Stack gap="sm">
          {parents.length > 0 && (
            <Breadcrumbs separatorMargin={6} style={{ flexWrap: 'wrap' }}>
              {parents.map((parent) => (
                <Anchor key={parent.id} component={Link} to={`../${parent.id}`} relative="path" size="xs">
                  {parent.name}
                </Anchor>
              ))}
              <Text size="xs" c="dimmed">
                {community.name}
              </Text>
            </Breadcrumbs>
          )}
          <Group justify="space-between" align="flex-start" gap="sm">
            <Stack gap={6} style={{ minWidth: 0 }}>
              <Group gap="xs">
                <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                  {community.name}
                </Title>
                <Tooltip label={look.hint} withArrow multiline w={240}>
                  <Badge color={look.color} variant="light" tt="none">
                    {look.label}
                  </Badge>
                </Tooltip>
                {community.archived && (
                  <Badge color="gray" variant="outline">
                    archived
                  </Badge>
                )}
              </Group>
              {community.description && (
                <Text size="sm" c="dimmed" maw={720} style={{ whiteSpace: 'pre-wrap' }}>
                  {community.description}
                </Text>
              )}
            </Stack>
            {manage && (
              <Group gap="xs">
                <Button variant="default" leftSection={<IconPencil size={16} />} onClick={editModal.open}>
                  Edit
                </Button>
                <ArchiveButton community={community} />
              </Group>
            )}
          </Group>

          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <Stat label="Members" value={community.memberCount.toLocaleString()} />
            <Stat label="With sub-communities" value={community.totalMemberCount.toLocaleString()} />
            <Stat label="Keywords" value={community.keywords.length > 0 ? community.keywords.join(', ') : '—'} mono />
            <Stat label="Leaders" value={community.leaders.length > 0 ? community.leaders.map((leader) => leader.name).join(', ') : '—'} />
          </SimpleGrid>

          {community.visibility !== 'invite' && !community.archived && <JoinLink url={community.joinUrl} />}

          {(children.length > 0 || manage) && (
            <Group gap="xs">
              <Text size="sm" fw={500}>
                Sub-communities:
              </Text>
              {children.map((child) => (
                <Anchor key={child.id} component={Link} to={`../${child.id}`} relative="path" size="sm">
                  {child.name} ({child.memberCount.toLocaleString()})
                </Anchor>
              ))}
              {children.length === 0 && (
                <Text size="sm" c="dimmed">
                  none
                </Text>
              )}
              {manage && !community.archived && (
                <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={subModal.open}>
                  Add sub-community
                </Button>
              )}
            </Group>
          )}

          {community.guidelines && (
            <div>
              <Text size="sm" fw={500}>
                Guidelines
              </Text>
              <Spoiler maxHeight={66} showLabel="Show all" hideLabel="Show less">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {community.guidelines}
                </Text>
              </Spoiler>
            </div>
          )}
        </Stack>
      </Paper>

      <CommunityMembers community={community} />

      {manage && (
        <>
          <CommunityModal opened={editOpened} onClose={editModal.close} community={community} />
          <CommunityModal opened={subOpened} onClose={subModal.close} parentId={community.id} />
        </>
      )}
    </>
  );
}

function Stat(props: { label: string; value: string; mono?: boolean }) {
  return (
    <Paper withBorder radius="md" p="xs" bg="var(--mantine-color-gray-0)" data-stat={props.label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="md" fw={600} ff={props.mono ? 'monospace' : undefined} lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
        {props.value}
      </Text>
    </Paper>
  );
}

function JoinLink(props: { url: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
        Join link
      </Text>
      <Code style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} data-testid="join-url">
        {props.url}
      </Code>
      <CopyButton value={props.url} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy the join link'} withArrow>
            <ActionIcon variant="light" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy the join link">
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

function ArchiveButton(props: { community: Community }) {
  const { community } = props;
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const update = useUpdateCommunity(workspaceId, String(community.id));
  const remove = useDeleteCommunity(workspaceId, String(community.id));
  if (community.archived) {
    return (
      <Button
        variant="default"
        loading={update.isPending}
        onClick={() =>
          update.mutate(
            { archived: false },
            {
              onSuccess: () => notifySuccess(`${community.name} is active again.`),
              onError: (error) => notifyError(error, 'Not restored'),
            },
          )
        }
      >
        Restore
      </Button>
    );
  }
  return (
    <ConfirmButton
      title={`Archive ${community.name}?`}
      message="Its keywords stop working and it disappears from the list. Members keep their history, and you can restore it from the archived communities."
      confirmLabel="Archive"
      buttonProps={{ variant: 'default', color: 'gray', size: 'sm', leftSection: <IconArchive size={16} /> }}
      onConfirm={() =>
        remove.mutateAsync().then(() => {
          notifySuccess(`${community.name} was archived.`);
          navigate(`/w/${workspaceId}/communities`);
        })
      }
    >
      Archive
    </ConfirmButton>
  );
}
