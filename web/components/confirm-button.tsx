import { Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode, useState } from 'react';
import { ErrorAlert } from './error-alert.tsx';

/** A button that asks before doing something that cannot be undone. The dialog stays open if it fails. */
export function ConfirmButton(props: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  buttonProps?: ButtonProps & { 'aria-label'?: string };
  /** The confirm button's colour, for steps that are not destructive (pausing); red by default. */
  confirmColor?: string;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await props.onConfirm();
      close();
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <>
      <Button color="red" variant="subtle" size="compact-sm" {...props.buttonProps} onClick={open}>
        {props.children}
      </Button>
      <Modal opened={opened} onClose={close} title={props.title} centered>
        <Stack>
          <Text size="sm">{props.message}</Text>
          {error !== null && <ErrorAlert error={error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color={props.confirmColor ?? 'red'} loading={pending} onClick={() => void confirm()}>
              {props.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
