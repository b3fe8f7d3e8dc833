import { Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconRocket } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import type { Preview } from '../api/preview-broadcast.ts';
import { type ComposerValues, holdoutOf } from './composer-values.ts';
import { formatDuration, formatMoney, plural } from './display.ts';

function whenText(values: ComposerValues): string {
  if (values.scheduleKind === 'at') {
    const at = new Date(values.scheduleAt);
    return Number.isNaN(at.getTime())
      ? 'at the chosen time'
      : `on ${at.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })}`;
  }
  if (values.scheduleKind === 'local_time') return `on ${values.localDate} at ${values.localTime} in each member’s time zone`;
  return 'now';
}

/** The last look before sending: recipients, cost and time restated, one button to go. */
export function LaunchModal(props: {
  opened: boolean;
  onClose: () => void;
  values: ComposerValues;
  preview: Preview | undefined;
  onLaunch: () => Promise<unknown>;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { preview } = props;
  const scheduled = props.values.scheduleKind !== 'now';
  const holdout = holdoutOf(props.values);

  const launch = async () => {
    setPending(true);
    setError(null);
    try {
      await props.onLaunch();
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={scheduled ? 'Schedule this broadcast?' : 'Send this broadcast now?'}
      centered
    >
      <Stack>
        {preview ? (
          <List size="sm" spacing={4} data-testid="launch-summary">
            <List.Item>
              <b>{plural(preview.recipients.reachable, 'member', 'members')}</b> {holdout > 0 ? 'can be reached' : 'will get it'}
              {preview.recipients.total > preview.recipients.reachable
                ? ` (${(preview.recipients.total - preview.recipients.reachable).toLocaleString()} of the audience cannot be reached)`
                : ''}
              .
            </List.Item>
            {holdout > 0 && (
              <List.Item>
                About {holdout}% of them (≈ {Math.round((preview.recipients.reachable * holdout) / 100).toLocaleString()}) are held out at
                random and not sent it, to measure it against.
              </List.Item>
            )}
            {props.values.channel === 'sms' && (
              <List.Item>
                {plural(preview.segmentsPerMessage, 'segment', 'segments')} per message, about <b>{formatMoney(preview.costMicros)}</b> in
                all.
              </List.Item>
            )}
            <List.Item>
              Sending {whenText(props.values)} takes {formatDuration(preview.drainSeconds)}.
            </List.Item>
          </List>
        ) : (
          <Text size="sm">The summary is still being computed.</Text>
        )}
        <Text size="xs" c="dimmed">
          You can pause or cancel it from its report; messages already sent cannot be taken back.
        </Text>
        {error !== null && <ErrorAlert error={error} title="The broadcast was not launched" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Not yet
          </Button>
          <Button leftSection={<IconRocket size={16} />} loading={pending} onClick={() => void launch()} disabled={!preview}>
            {scheduled ? 'Schedule' : `Send to ${preview ? plural(preview.recipients.reachable, 'member', 'members') : '…'}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
