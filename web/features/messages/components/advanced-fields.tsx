import { NumberInput, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import type { ComposerValues, SetValue } from './composer-values.ts';

/** Link tracking with UTM tags, and a cap on the sending rate. */
export function AdvancedFields(props: { values: ComposerValues; set: SetValue; errorOf: (field: string) => string | undefined }) {
  const { values, set, errorOf } = props;
  return (
    <Stack gap="sm">
      <Switch
        label="Track links"
        description="Links are shortened per member, so the report counts who clicked and member profiles show it."
        checked={values.trackLinks}
        onChange={(event) => set('trackLinks', event.currentTarget.checked)}
      />
      {values.trackLinks && (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="UTM source"
            placeholder="groundswell"
            value={values.utmSource}
            onChange={(event) => set('utmSource', event.currentTarget.value)}
            error={errorOf('source')}
          />
          <TextInput
            label="UTM medium"
            placeholder="sms"
            value={values.utmMedium}
            onChange={(event) => set('utmMedium', event.currentTarget.value)}
            error={errorOf('medium')}
          />
          <TextInput
            label="UTM campaign"
            placeholder="council-vote"
            value={values.utmCampaign}
            onChange={(event) => set('utmCampaign', event.currentTarget.value)}
            error={errorOf('campaign')}
          />
        </SimpleGrid>
      )}
      <NumberInput
        label="Send at most … messages per minute"
        description="Empty: as fast as the sender allows. A slower pace spreads replies over time for your texters."
        placeholder="No limit"
        value={values.throttlePerMinute}
        onChange={(value) => set('throttlePerMinute', value)}
        error={errorOf('throttlePerMinute')}
        min={1}
        allowDecimal={false}
        thousandSeparator=","
        maw={320}
      />
    </Stack>
  );
}
