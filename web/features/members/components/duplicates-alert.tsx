import { Alert, Badge, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowMerge } from '@tabler/icons-react';
import { useState } from 'react';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail } from '../../../lib/errors.ts';
import { formatRelative } from '../../../lib/format.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { formatPhone } from '../../../lib/phone.ts';
import type { Member } from '../api/get-member.ts';
import { type DuplicateCandidate, useDuplicates } from '../api/list-duplicates.ts';
import { useMergeMember } from '../api/merge-member.ts';
import { memberName } from './member-display.ts';

const REASONS: Record<string, string> = {
  same_email: 'same email',
  same_name_postal_code: 'same name and postal code',
  same_name_phone_last4: 'same name, phone ends the same',
};

/** Shown when other records look like the same person; reviewing them leads to a merge into this profile. */
export function DuplicatesAlert(props: { member: Member }) {
  const { workspaceId } = useCurrentWorkspace();
  const memberId = String(props.member.id);
  const duplicates = useDuplicates(workspaceId, memberId, true);
  const merge = useMergeMember(workspaceId, memberId);
  const [opened, modal] = useDisclosure(false);
  const [chosen, setChosen] = useState<DuplicateCandidate | null>(null);
  const candidates = duplicates.data?.candidates ?? [];
  if (candidates.length === 0) return null;

  const name = memberName(props.member);
  const close = () => {
    setChosen(null);
    merge.reset();
    modal.close();
  };
  // mutateAsync, not mutate's callbacks: with no candidates left, the refreshed list unmounts this alert first.
  const confirm = (candidate: DuplicateCandidate) =>
    merge
      .mutateAsync(candidate.member.id)
      .then(() => {
        notifySuccess(`${memberName(candidate.member)} was merged into ${name}.`);
        close();
      })
      .catch(() => {
        // Shown in the dialog from merge.error.
      });

  return (
    <>
      <Alert
        color="yellow"
        variant="light"
        icon={<IconArrowMerge />}
        title={`${candidates.length} possible duplicate${candidates.length === 1 ? '' : 's'}`}
      >
        <Group justify="space-between" gap="xs">
          <Text size="sm">Other records look like the same person. Merging keeps one profile with everyone's history and consent.</Text>
          <Button size="compact-sm" variant="light" color="yellow" onClick={modal.open}>
            Review
          </Button>
        </Group>
      </Alert>
      <Modal opened={opened} onClose={close} title={chosen ? 'Merge these records?' : 'Possible duplicates'} centered size="lg">
        {chosen ? (
          <Stack>
            <Text size="sm">
              <b>{memberName(chosen.member)}</b> (#{chosen.member.id}) will be merged into <b>{name}</b> (#{props.member.id}). Their
              activity, consent history, tags, notes and communities move to this profile, missing details are filled in, and the other
              record is closed. An opt-out on either record still applies.
            </Text>
            {merge.error && (
              <Alert color="red" variant="light" role="alert">
                {errorDetail(merge.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setChosen(null)}>
                Back
              </Button>
              <Button loading={merge.isPending} onClick={() => confirm(chosen)} leftSection={<IconArrowMerge size={16} />}>
                Merge into this profile
              </Button>
            </Group>
          </Stack>
        ) : (
          <Stack gap="xs">
            {candidates.map((candidate) => (
              <Paper key={candidate.member.id} withBorder radius="md" p="sm">
                <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Text size="sm" fw={500}>
                      {memberName(candidate.member)}{' '}
                      <Text span size="xs" c="dimmed">
                        #{candidate.member.id} · added {formatRelative(candidate.member.createdAt)}
                      </Text>
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {[formatPhone(candidate.member.phone), candidate.member.email, candidate.member.postalCode]
                        .filter(Boolean)
                        .join(' · ') || 'No contact details'}
                    </Text>
                    <Group gap={4}>
                      {candidate.reasons.map((reason) => (
                        <Badge key={reason} size="xs" variant="light" color="yellow" tt="none">
                          {REASONS[reason] ?? reason.replaceAll('_', ' ')}
                        </Badge>
                      ))}
                    </Group>
                  </Stack>
                  <Button size="compact-sm" variant="light" onClick={() => setChosen(candidate)}>
                    Merge…
                  </Button>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </Modal>
    </>
  );
}
