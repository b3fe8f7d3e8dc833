import { Alert, Anchor, Avatar, Badge, Button, Group, Paper, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconArrowMerge, IconDownload, IconEraser } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ConsentBadge } from '../../../components/consent-badge.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { formatPhone } from '../../../lib/phone.ts';
import { memberExportUrl } from '../api/export-member.ts';
import { type Member, useMember } from '../api/get-member.ts';
import { ConsentTab } from './consent-tab.tsx';
import { DetailsTab } from './details-tab.tsx';
import { DuplicatesAlert } from './duplicates-alert.tsx';
import { MemberCommunitiesTab } from './member-communities-tab.tsx';
import { memberName, PHONE_TYPE_LABELS } from './member-display.ts';
import { MemberTags } from './member-tags.tsx';
import { NotesTab } from './notes-tab.tsx';
import { TimelineTab } from './timeline-tab.tsx';

const TABS = ['timeline', 'consent', 'communities', 'notes', 'details', 'messages'] as const;
type Tab = (typeof TABS)[number];

export function MemberProfilePage() {
  const { memberId = '' } = useParams();
  const { workspaceId } = useCurrentWorkspace();
  const member = useMember(workspaceId, memberId);
  return (
    <Stack gap="md">
      <Anchor component={Link} to=".." relative="path" size="sm" w="fit-content">
        <Group gap={4}>
          <IconArrowLeft size={14} />
          Members
        </Group>
      </Anchor>
      {member.isError && mergedInto(member.error) ? (
        <Alert color="blue" variant="light" icon={<IconArrowMerge />} title="This member was merged">
          {errorDetail(member.error)}{' '}
          <Anchor component={Link} to={`../${mergedInto(member.error)}`} relative="path">
            Open member {mergedInto(member.error)}
          </Anchor>
        </Alert>
      ) : (
        <QueryView query={member} errorTitle="Could not load this member">
          {(data) => <Profile member={data} />}
        </QueryView>
      )}
    </Stack>
  );
}

function Profile(props: { member: Member }) {
  const { member } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = TABS.includes(requested as Tab) ? (requested as Tab) : 'timeline';
  const name = memberName(member);
  const memberId = String(member.id);

  return (
    <>
      <title>{`${name} · Members · Groundswell`}</title>
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Group justify="space-between" align="flex-start" gap="md">
          <Group gap="md" align="flex-start" wrap="nowrap" style={{ minWidth: 0 }}>
            <Avatar size={56} radius="xl" color="teal" name={name} visibleFrom="xs" />
            <Stack gap={6} style={{ minWidth: 0 }}>
              <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                {name}
              </Title>
              <Group gap="md" style={{ rowGap: 4 }}>
                {member.phoneRaw && (
                  <Tooltip label="This number could not be read as a phone number; fix it under Details." withArrow>
                    <Badge color="orange" variant="light" tt="none" leftSection={<IconAlertTriangle size={12} />}>
                      {member.phoneRaw} (not a valid number)
                    </Badge>
                  </Tooltip>
                )}
                {member.phone && (
                  <Text size="sm">
                    {formatPhone(member.phone)}
                    {member.phoneType !== 'unknown' && (
                      <Text span size="xs" c={member.phoneType === 'landline' ? 'orange' : 'dimmed'}>
                        {' '}
                        ({PHONE_TYPE_LABELS[member.phoneType]}
                        {member.phoneType === 'landline' ? ', cannot receive texts' : ''})
                      </Text>
                    )}
                  </Text>
                )}
                {member.email && (
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {member.email}
                  </Text>
                )}
                {!member.phone && !member.email && (
                  <Text size="sm" c="dimmed">
                    No phone number or email
                  </Text>
                )}
              </Group>
              <Group gap="xs">
                <ConsentBadge channel="sms" state={member.smsConsent} />
                <ConsentBadge channel="email" state={member.emailConsent} />
                {member.suppressed.sms && member.smsConsent !== 'revoked' && (
                  <Tooltip
                    label="This number opted out before (or belonged to an erased member). It gets no texts until the member agrees again."
                    withArrow
                    multiline
                    w={280}
                  >
                    <Badge color="red" variant="outline" tt="none">
                      number suppressed
                    </Badge>
                  </Tooltip>
                )}
              </Group>
              <MemberTags memberId={memberId} tags={member.tags} editable={can('members.write') && !member.erasedAt} />
              <Text size="xs" c="dimmed">
                Added {formatRelative(member.createdAt)}
                {member.source ? ` via ${member.source}` : ''} · last active {formatRelative(member.lastActiveAt)}
              </Text>
            </Stack>
          </Group>
          {can('members.export') && !member.erasedAt && (
            <Button
              component="a"
              href={memberExportUrl(workspaceId, memberId)}
              download
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              Export data
            </Button>
          )}
        </Group>
      </Paper>

      {member.erasedAt && (
        <Alert color="gray" variant="light" icon={<IconEraser />} title="Personal data erased">
          This member's personal data was erased on {formatDateTime(member.erasedAt)}. An opt-out they gave still blocks texts to their
          number.
        </Alert>
      )}
      {can('members.write') && !member.erasedAt && <DuplicatesAlert member={member} />}

      <Tabs
        value={tab}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          if (!value || value === 'timeline') next.delete('tab');
          else next.set('tab', value);
          setParams(next, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
          <Tabs.Tab value="consent">Consent</Tabs.Tab>
          <Tabs.Tab value="communities" rightSection={<CountBadge count={member.communities.length} />}>
            Communities
          </Tabs.Tab>
          <Tabs.Tab value="notes" rightSection={<CountBadge count={member.notesCount} />}>
            Notes
          </Tabs.Tab>
          <Tabs.Tab value="details">Details</Tabs.Tab>
          <Tabs.Tab value="messages">Messages</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="timeline" pt="md">
          <TimelineTab memberId={memberId} />
        </Tabs.Panel>
        <Tabs.Panel value="consent" pt="md">
          <ConsentTab member={member} />
        </Tabs.Panel>
        <Tabs.Panel value="communities" pt="md">
          <MemberCommunitiesTab member={member} />
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="md">
          <NotesTab member={member} />
        </Tabs.Panel>
        <Tabs.Panel value="details" pt="md">
          <DetailsTab key={member.id} member={member} />
        </Tabs.Panel>
        <Tabs.Panel value="messages" pt="md">
          <Text size="sm" c="dimmed">
            Text messages to and from this member will appear here once SMS sending arrives.
          </Text>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

/** The survivor of a merge, from a 410 member.merged ("Member 7 was merged into member 12; …"). */
function mergedInto(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'member.merged') return null;
  return /merged into member (\d+)/.exec(error.detail)?.[1] ?? null;
}

function CountBadge(props: { count: number }) {
  if (props.count === 0) return null;
  return (
    <Badge size="xs" variant="light" color="gray" circle={props.count < 10}>
      {props.count}
    </Badge>
  );
}
