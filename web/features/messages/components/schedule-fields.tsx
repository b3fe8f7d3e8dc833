import { SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { ComposerValues, ScheduleKind, SetValue } from './composer-values.ts';

const HINTS: Record<ScheduleKind, string> = {
  now: 'Sending starts right after launch. Members in quiet hours get it when their quiet hours end.',
  at: 'Sending starts at this moment (your time zone). Quiet hours still apply in each member’s time zone.',
  local_time: 'Each member gets it at this time in their own time zone: a 6 pm text arrives at 6 pm in Austin and in Denver.',
};

export function ScheduleFields(props: { values: ComposerValues; set: SetValue; errorOf: (field: string) => string | undefined }) {
  const { values, set, errorOf } = props;
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label="When to send"
        value={values.scheduleKind}
        onChange={(value) => set('scheduleKind', value as ScheduleKind)}
        data={[
          { value: 'now', label: 'Send now' },
          { value: 'at', label: 'At a date and time' },
          { value: 'local_time', label: 'Member’s local time' },
        ]}
        fullWidth
        styles={{ label: { whiteSpace: 'normal' } }}
      />
      <Text size="xs" c="dimmed">
        {HINTS[values.scheduleKind]}
      </Text>
      {values.scheduleKind === 'at' && (
        <TextInput
          type="datetime-local"
          label="Send at"
          value={values.scheduleAt}
          onChange={(event) => set('scheduleAt', event.currentTarget.value)}
          error={errorOf('at')}
          maw={280}
        />
      )}
      {values.scheduleKind === 'local_time' && (
        <SimpleGrid cols={{ base: 1, xs: 2 }} maw={420}>
          <TextInput
            type="date"
            label="Date"
            value={values.localDate}
            onChange={(event) => set('localDate', event.currentTarget.value)}
            error={errorOf('date')}
          />
          <TextInput
            type="time"
            label="Time in each member’s zone"
            value={values.localTime}
            onChange={(event) => set('localTime', event.currentTarget.value)}
            error={errorOf('time')}
          />
        </SimpleGrid>
      )}
    </Stack>
  );
}
