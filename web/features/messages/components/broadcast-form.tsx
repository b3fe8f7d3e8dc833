import { Accordion, Alert, Button, Grid, Group, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconRocket } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import { useLaunchBroadcast } from '../api/launch-broadcast.ts';
import { useSenders } from '../api/list-senders.ts';
import type { Preview } from '../api/preview-broadcast.ts';
import { useSendTest } from '../api/send-test.ts';
import { useLivePreview } from '../hooks/use-live-preview.ts';
import { useSaveBroadcast } from '../hooks/use-save-broadcast.ts';
import { AdvancedFields } from './advanced-fields.tsx';
import { AudiencePicker } from './audience-picker.tsx';
import { BasicsFields } from './basics-fields.tsx';
import { type ComposerValues, emptyValues, hasMessage, type SetValue, valuesFromBroadcast } from './composer-values.ts';
import { plural } from './display.ts';
import { FormSection } from './form-section.tsx';
import { HoldoutFields } from './holdout-fields.tsx';
import { LaunchModal } from './launch-modal.tsx';
import { MessageEditor } from './message-editor.tsx';
import { PreviewSummary } from './preview-summary.tsx';
import { ScheduleFields } from './schedule-fields.tsx';
import { SendTestModal } from './send-test-modal.tsx';

// Fields whose server messages show under the field itself (the last segment of the error path).
const FIELDS = [
  'name',
  'senderId',
  'subject',
  'mediaUrl',
  'communityIds',
  'tags',
  'at',
  'date',
  'time',
  'source',
  'medium',
  'campaign',
  'throttlePerMinute',
  'holdoutPercent',
  'types',
  'actionId',
  'withinDays',
];

/** A problem the preview found in one language version (`templates.es`). */
function templateProblem(preview: Preview | undefined, language: string): string | undefined {
  return preview?.problems.find((problem) => problem.field === `templates.${language}` || problem.field.endsWith(`.templates.${language}`))
    ?.message;
}

function hasAdvanced(values: ComposerValues): boolean {
  return (
    !values.trackLinks || values.utmSource !== '' || values.utmMedium !== '' || values.utmCampaign !== '' || values.throttlePerMinute !== ''
  );
}

/** The broadcast composer: a new one, or a draft / scheduled broadcast being changed. */
export function BroadcastForm(props: { broadcast?: Broadcast }) {
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const senders = useSenders(workspaceId);
  const [values, setValues] = useState(() => (props.broadcast ? valuesFromBroadcast(props.broadcast) : emptyValues()));
  const set: SetValue = (field, value) => setValues((current) => ({ ...current, [field]: value }));
  const { preview, settling } = useLivePreview(workspaceId, values);
  const saver = useSaveBroadcast(workspaceId, props.broadcast?.id);
  const launch = useLaunchBroadcast(workspaceId);
  const sendTest = useSendTest(workspaceId);
  const [testOpened, testModal] = useDisclosure(false);
  const [launchOpened, launchModal] = useDisclosure(false);
  const scheduled = props.broadcast?.status === 'scheduled';
  const base = `/w/${workspaceId}/messages`;

  const errorOf = (field: string) => fieldError(saver.error, field);
  const data = preview.data;
  const written = hasMessage(values);
  const blocked =
    !values.name.trim() || !written || !data || data.problems.length > 0 || data.recipients.reachable === 0 || preview.isError || settling;

  /** Saves; a new broadcast moves to its own address so a reload keeps it. */
  const save = async () => {
    const broadcast = await saver.save(values);
    if (!props.broadcast) navigate(`${base}/${broadcast.id}/edit`, { replace: true });
    return broadcast;
  };

  const saveDraft = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    save().then(
      () => notifySuccess(scheduled ? 'Changes saved.' : 'Draft saved.'),
      () => undefined,
    );
  };

  const sendTestTo = async (phones: string[]) => {
    const broadcast = await saver.save(values);
    const answer = await sendTest.mutateAsync({ broadcastId: String(broadcast.id), phones });
    notifySuccess(`${plural(answer.queued, 'test message', 'test messages')} on the way.`);
    if (!props.broadcast) navigate(`${base}/${broadcast.id}/edit`, { replace: true });
  };

  const launchNow = async () => {
    const broadcast = await saver.save(values);
    await launch.mutateAsync(String(broadcast.id));
    notifySuccess(values.scheduleKind === 'now' ? `${broadcast.name} is being sent.` : `${broadcast.name} is scheduled.`);
    navigate(`${base}/${broadcast.id}`);
  };

  return (
    <form onSubmit={saveDraft} noValidate>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <FormSection title="Basics">
              <BasicsFields values={values} set={set} senders={senders.data ?? []} errorOf={errorOf} />
            </FormSection>
            <FormSection title="Audience" description="Only members who agreed to receive messages on this channel get it.">
              <AudiencePicker
                channel={values.channel}
                communityIds={values.communityIds}
                tags={values.tags}
                onCommunities={(ids) => set('communityIds', ids)}
                onTags={(tags) => set('tags', tags)}
                recipients={data?.recipients}
                counting={preview.isFetching || settling}
                errors={{ communityIds: errorOf('communityIds'), tags: errorOf('tags') }}
              />
            </FormSection>
            <FormSection
              title="Message"
              description="The first message a member ever receives also gets the organization's name and how to opt out."
            >
              <MessageEditor
                channel={values.channel}
                defaultLanguage={values.defaultLanguage}
                templates={values.templates}
                onChange={(templates) => set('templates', templates)}
                errorOf={(language) => errorOf(language) ?? templateProblem(data, language)}
              />
            </FormSection>
            <FormSection title="When">
              <ScheduleFields values={values} set={set} errorOf={errorOf} />
            </FormSection>
            <FormSection
              title="Holdout group"
              description="Keep a random share of the audience from getting this message, then compare how many of them reach a goal with those who got it. The report shows the difference with a 95% confidence interval, so you can tell whether the message made people act."
            >
              <HoldoutFields values={values} set={set} errorOf={errorOf} reachable={data?.recipients.reachable} />
            </FormSection>
            <Accordion variant="contained" radius="md" bg="white" defaultValue={hasAdvanced(values) ? 'advanced' : null}>
              <Accordion.Item value="advanced">
                <Accordion.Control>Advanced: link tracking and sending pace</Accordion.Control>
                <Accordion.Panel>
                  <AdvancedFields values={values} set={set} errorOf={errorOf} />
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <PreviewSummary
            channel={values.channel}
            preview={data}
            error={preview.error}
            loading={preview.isFetching || settling}
            hasMessage={written}
          >
            {saver.error !== null && !onlyFieldErrors(saver.error, FIELDS) && (
              <Alert color="red" variant="light" role="alert" p="xs" title="Not saved">
                {errorDetail(saver.error)}
              </Alert>
            )}
            <Group grow gap="xs">
              <Button type="submit" variant="default" loading={saver.isPending && !launchOpened} px="xs">
                {scheduled ? 'Save changes' : 'Save draft'}
              </Button>
              {values.channel === 'sms' && (
                <Button variant="default" onClick={testModal.open} disabled={!written} px="xs">
                  Send test
                </Button>
              )}
            </Group>
            {!scheduled && (
              <Button leftSection={<IconRocket size={16} />} onClick={launchModal.open} disabled={blocked}>
                Launch
              </Button>
            )}
          </PreviewSummary>
        </Grid.Col>
      </Grid>
      <SendTestModal opened={testOpened} onClose={testModal.close} onSend={sendTestTo} />
      <LaunchModal opened={launchOpened} onClose={launchModal.close} values={values} preview={data} onLaunch={launchNow} />
    </form>
  );
}
