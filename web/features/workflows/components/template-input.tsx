import { Group, Text, Textarea } from '@mantine/core';
import { analyzeSms } from '../../../../common/sms-encoding.ts';

/**
 * A Liquid template; for a text message, the live character and segment count the network will charge (GSM-7: 160
 * characters, 153 per part; one character outside it makes the whole text UCS-2: 70, 67 per part).
 */
export function TemplateInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  required: boolean;
  sms: boolean;
  rows?: number;
}) {
  const analysis = analyzeSms(props.value);
  const ucs2 = analysis.encoding === 'ucs2';
  return (
    <div>
      <Textarea
        label={props.label}
        description={props.hint}
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
        error={props.error}
        withAsterisk={props.required}
        autosize
        minRows={props.rows ?? 3}
        maxRows={10}
      />
      {props.sms && (
        <Group justify="space-between" gap="xs" mt={4} data-testid="sms-count">
          <Text size="xs" c={ucs2 ? 'orange.8' : 'dimmed'}>
            {ucs2 ? `Unicode (UCS-2) because of ${analysis.ucs2Chars.join(' ')}` : 'GSM-7'} · {analysis.units.toLocaleString()}{' '}
            {ucs2 ? 'code units' : 'characters'}
          </Text>
          <Text size="xs" fw={600} c={analysis.segments > 1 ? 'orange.8' : undefined}>
            {analysis.segments} {analysis.segments === 1 ? 'segment' : 'segments'}
          </Text>
        </Group>
      )}
    </div>
  );
}
