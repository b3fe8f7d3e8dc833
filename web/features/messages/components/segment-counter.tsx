import { Alert, Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconWand } from '@tabler/icons-react';
import { analyzeSms, gsmFriendly } from '../../../../common/sms-encoding.ts';
import { plural } from './display.ts';

/** How a printable name of a character looks in a badge (spaces and controls would be invisible). */
function shown(character: string): string {
  if (/^\s$/u.test(character)) return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return character;
}

/**
 * The live character and segment count of an SMS, computed here as the phone network will: GSM-7 fits 160 characters
 * in one segment, but a single character outside it (an emoji, a curly quote) turns the whole text into UCS-2 with
 * 70. Those characters are listed, with a one-click replacement for the ones that have a GSM look-alike.
 */
export function SegmentCounter(props: { text: string; onReplace: (text: string) => void }) {
  const analysis = analyzeSms(props.text);
  const friendly = gsmFriendly(props.text, { accents: true });
  const capacity = Math.max(1, analysis.segments) * analysis.perSegment;
  const ucs2 = analysis.encoding === 'ucs2';

  return (
    <div>
      <Group justify="space-between" gap="xs" data-testid="segment-counter">
        <Group gap={6}>
          <Tooltip
            label={
              ucs2 ? 'Unicode (UCS-2): 70 characters per segment, 67 once split.' : 'GSM-7: 160 characters per segment, 153 once split.'
            }
            withArrow
          >
            <Badge color={ucs2 ? 'orange' : 'teal'} variant="light" tt="none" size="sm" style={{ cursor: 'default' }}>
              {ucs2 ? 'UCS-2' : 'GSM-7'}
            </Badge>
          </Tooltip>
          <Text size="xs" c="dimmed">
            {analysis.units.toLocaleString()} / {capacity.toLocaleString()} {ucs2 ? 'code units' : 'characters'}
          </Text>
        </Group>
        <Text size="xs" fw={600} c={analysis.segments > 1 ? 'orange' : undefined}>
          {plural(analysis.segments, 'segment', 'segments')} per message
        </Text>
      </Group>
      {ucs2 && (
        <Alert
          color="orange"
          variant="light"
          mt="xs"
          p="xs"
          icon={<IconAlertTriangle size={18} />}
          title="This text is sent as Unicode (UCS-2)"
        >
          <Text size="xs" mb={6}>
            Each segment then holds 70 characters instead of 160, so the broadcast can cost two or three times as much. These characters
            cause it:
          </Text>
          <Group gap={4} mb={friendly !== props.text ? 8 : 0} aria-label="Characters that force UCS-2" role="list">
            {analysis.ucs2Chars.map((character) => (
              <Badge key={character} role="listitem" variant="outline" color="orange" tt="none" size="lg" radius="sm">
                {shown(character)}
              </Badge>
            ))}
          </Group>
          {friendly !== props.text && (
            <Button
              size="compact-xs"
              variant="light"
              color="orange"
              leftSection={<IconWand size={14} />}
              onClick={() => props.onReplace(friendly)}
            >
              Replace with GSM characters
            </Button>
          )}
        </Alert>
      )}
    </div>
  );
}
