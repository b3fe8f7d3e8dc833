import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { BrandMark } from './brand.tsx';

/** The frame of the signed-out pages (sign in, accept an invitation). */
export function CenteredCard(props: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <Center mih="100dvh" p="md" bg="var(--mantine-color-gray-0)">
      <Stack w="100%" maw={420} gap="lg">
        <Stack align="center" gap={6}>
          <BrandMark size={44} />
          <Title order={1} size="h2" ta="center">
            {props.title}
          </Title>
          {props.subtitle && (
            <Text c="dimmed" size="sm" ta="center">
              {props.subtitle}
            </Text>
          )}
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          {props.children}
        </Paper>
      </Stack>
    </Center>
  );
}
