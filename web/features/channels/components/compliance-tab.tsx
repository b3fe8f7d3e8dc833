import { Alert, Button, Divider, Group, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { NoAccess } from '../../../components/no-access.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type MessagingSettings, useMessagingSettings } from '../api/get-messaging-settings.ts';
import { type MessagingSettingsPatch, useUpdateMessagingSettings } from '../api/update-messaging-settings.ts';
import { ComplianceTexts } from './compliance-texts.tsx';

const FIELDS = [
  'quietHoursStart',
  'quietHoursEnd',
  'frequencyCap',
  'frequencyWindowDays',
  'failurePausePercent',
  'helpText',
  'optOutText',
  'optInText',
  'firstMessageFooter',
  'shortLinkBase',
] as const;

type Field = (typeof FIELDS)[number];
const NUMBERS: ReadonlySet<Field> = new Set(['frequencyCap', 'frequencyWindowDays', 'failurePausePercent']);
type Values = { [K in Field]: K extends 'frequencyCap' | 'frequencyWindowDays' | 'failurePausePercent' ? number | string : string };

function pick(settings: MessagingSettings): Values {
  return {
    quietHoursStart: settings.quietHoursStart,
    quietHoursEnd: settings.quietHoursEnd,
    frequencyCap: settings.frequencyCap,
    frequencyWindowDays: settings.frequencyWindowDays,
    failurePausePercent: settings.failurePausePercent,
    helpText: settings.helpText,
    optOutText: settings.optOutText,
    optInText: settings.optInText,
    firstMessageFooter: settings.firstMessageFooter,
    shortLinkBase: settings.shortLinkBase ?? '',
  };
}

/** The changed fields, typed as the API wants them. */
function patchOf(values: Values, saved: Values): MessagingSettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (values[field] === saved[field]) continue;
    const value = values[field];
    if (field === 'shortLinkBase') patch[field] = String(value).trim() || null;
    else patch[field] = NUMBERS.has(field) ? Number(value) : value;
  }
  return patch as MessagingSettingsPatch;
}

/** Settings → Compliance: everyone who reads messaging sees it, owners and admins change it. */
export function ComplianceTab() {
  const { workspaceId, can } = useCurrentWorkspace();
  const settings = useMessagingSettings(workspaceId);
  if (!can('messaging.read')) return <NoAccess>Your role does not include messaging.</NoAccess>;
  return (
    <QueryView query={settings} errorTitle="Could not load the compliance settings">
      {(data) => <ComplianceForm settings={data} />}
    </QueryView>
  );
}

function ComplianceForm(props: { settings: MessagingSettings }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const editable = can('compliance.manage');
  const update = useUpdateMessagingSettings(workspaceId);
  const saved = pick(props.settings);
  const [values, setValues] = useState(saved);
  const patch = patchOf(values, saved);
  const dirty = Object.keys(patch).length > 0;
  const set = <K extends Field>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  const error = update.error;
  const errorOf = (field: Field) => fieldError(error, field);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate(patch, {
      onSuccess: (settings) => {
        setValues(pick(settings));
        notifySuccess('Compliance settings saved.');
      },
    });
  };

  return (
    <Paper withBorder radius="md" p="lg" maw={760}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {!editable && (
            <Alert color="gray" variant="light" icon={<IconInfoCircle />}>
              Only owners and admins can change these settings.
            </Alert>
          )}
          <div>
            <Text size="sm" fw={500}>
              Sending hours
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              Texts go out only between these times in each member's local time (members without one: {props.settings.timezone}). Outside
              them they wait.
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <TextInput
                type="time"
                label="From"
                value={values.quietHoursStart}
                onChange={(event) => set('quietHoursStart', event.currentTarget.value)}
                error={errorOf('quietHoursStart')}
                readOnly={!editable}
              />
              <TextInput
                type="time"
                label="Until"
                value={values.quietHoursEnd}
                onChange={(event) => set('quietHoursEnd', event.currentTarget.value)}
                error={errorOf('quietHoursEnd')}
                readOnly={!editable}
              />
            </SimpleGrid>
          </div>
          <div>
            <Text size="sm" fw={500}>
              Frequency cap
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              At most this many broadcast messages per member, across all communities. Members over it are skipped and counted in the
              report.
            </Text>
            <Group gap="xs" align="flex-start" wrap="wrap">
              <NumberInput
                aria-label="Messages"
                value={values.frequencyCap}
                onChange={(value) => set('frequencyCap', value)}
                error={errorOf('frequencyCap')}
                min={1}
                max={100}
                allowDecimal={false}
                w={100}
                readOnly={!editable}
              />
              <Text size="sm" mt={8}>
                messages every
              </Text>
              <NumberInput
                aria-label="Days"
                value={values.frequencyWindowDays}
                onChange={(value) => set('frequencyWindowDays', value)}
                error={errorOf('frequencyWindowDays')}
                min={1}
                max={90}
                allowDecimal={false}
                w={100}
                readOnly={!editable}
              />
              <Text size="sm" mt={8}>
                days
              </Text>
            </Group>
          </div>
          <NumberInput
            label="Pause a broadcast when this share of its messages fails"
            description="A spike in failures usually means a carrier block or bad numbers: sending pauses and the report says why."
            value={values.failurePausePercent}
            onChange={(value) => set('failurePausePercent', value)}
            error={errorOf('failurePausePercent')}
            min={1}
            max={100}
            allowDecimal={false}
            suffix=" %"
            maw={320}
            readOnly={!editable}
          />
          <Divider label="Replies and footer" labelPosition="left" />
          <ComplianceTexts
            values={values}
            defaults={props.settings.defaults}
            onChange={(key, value) => set(key, value)}
            errorOf={errorOf}
            readOnly={!editable}
          />
          <Divider label="Links" labelPosition="left" />
          <TextInput
            label="Short-link domain"
            description="Tracked links look like <domain>/l/abc123. Empty: this server's own address. The domain must point to this server."
            placeholder="https://act.example.org"
            value={values.shortLinkBase}
            onChange={(event) => set('shortLinkBase', event.currentTarget.value)}
            error={errorOf('shortLinkBase')}
            readOnly={!editable}
            type="url"
          />
          {error && !onlyFieldErrors(error, FIELDS) && (
            <Alert color="red" variant="light" role="alert">
              {errorDetail(error)}
            </Alert>
          )}
          {editable && (
            <Group justify="flex-end">
              <Button variant="default" disabled={!dirty || update.isPending} onClick={() => setValues(saved)}>
                Reset
              </Button>
              <Button type="submit" disabled={!dirty} loading={update.isPending}>
                Save changes
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
