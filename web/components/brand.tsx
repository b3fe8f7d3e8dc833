import { Group, Text } from '@mantine/core';

export function BrandMark(props: { size?: number }) {
  const size = props.size ?? 28;
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--mantine-color-teal-6)" />
      <path d="M5 22c4-7 7-9 11-9s7 2 11 9" stroke="white" strokeWidth="3" fill="none" strokeLinecap="round" />
    </svg>
  );
}

export function Brand() {
  return (
    <Group gap={8} wrap="nowrap">
      <BrandMark />
      <Text fw={700} size="lg">
        Groundswell
      </Text>
    </Group>
  );
}
