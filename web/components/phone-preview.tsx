import { Stack, Text, Title } from '@mantine/core';

/**
 * "Phone preview": an action's public page as members will see it (drafts too), in a phone-sized frame beside its
 * editor. `src` is the action's preview address (null before the draft exists); a new `version` reloads the frame,
 * so the page shows what was just saved.
 */
export function PhonePreview(props: { src: string | null; label: string; version: number }) {
  return (
    <Stack gap="xs" style={{ position: 'sticky', top: 16 }}>
      <Title order={4}>Phone preview</Title>
      {props.src ? (
        <iframe
          key={props.version}
          title={`Phone preview of ${props.label}`}
          src={props.src}
          style={{ width: 375, maxWidth: '100%', height: 700, border: '10px solid #1a1b1e', borderRadius: 28, background: '#fff' }}
          data-preview
        />
      ) : (
        <Text c="dimmed" size="sm">
          Create the draft to see how it looks on a phone.
        </Text>
      )}
    </Stack>
  );
}
