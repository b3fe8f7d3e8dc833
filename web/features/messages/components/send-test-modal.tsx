import { Button, Group, Modal, Stack, TagsInput, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { MAX_TEST_PHONES } from '../api/send-test.ts';

/** Asks for up to five phones and sends them the message as it is now (the draft is saved first). */
export function SendTestModal(props: { opened: boolean; onClose: () => void; onSend: (phones: string[]) => Promise<unknown> }) {
  const [phones, setPhones] = useState<string[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const send = async () => {
    setPending(true);
    setError(null);
    try {
      await props.onSend(phones);
      props.onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Send a test" centered>
      <Stack>
        <Text size="sm" c="dimmed">
          The draft is saved, then sent to these numbers with sample values for the variables. Tests do not count in the report.
        </Text>
        <TagsInput
          label="Phone numbers"
          description={`Up to ${MAX_TEST_PHONES}; press Enter after each.`}
          placeholder={phones.length === 0 ? '+1 512 555 0100' : undefined}
          value={phones}
          onChange={setPhones}
          maxTags={MAX_TEST_PHONES}
          data-autofocus
        />
        {error !== null && <ErrorAlert error={error} title="The test was not sent" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={() => void send()} loading={pending} disabled={phones.length === 0}>
            Send test
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
