import { MultiSelect, NumberInput, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useActionOptions } from '../../../lib/options/action-options.ts';
import { type ComposerValues, holdoutOf, type SetValue } from './composer-values.ts';
import { plural } from './display.ts';

/**
 * What a goal can be. Clicks and replies are left out: a held-out member never gets the message to click or answer,
 * so those goals would always show the broadcast "working".
 */
export const GOAL_TYPE_LABELS: Record<string, string> = {
  signed: 'Signed a petition',
  called: 'Made a call',
  rsvped: 'RSVPed to an event',
  attended: 'Attended an event',
  answered: 'Answered a survey',
  shared: 'Shared an action',
  posted: 'Posted',
  joined: 'Joined a community',
  referred: 'Referred someone',
};

const TYPE_OPTIONS = Object.entries(GOAL_TYPE_LABELS).map(([value, label]) => ({ value, label }));

/** The holdout group: how many members keep out of the send, and the goal the report compares them on. */
export function HoldoutFields(props: {
  values: ComposerValues;
  set: SetValue;
  errorOf: (field: string) => string | undefined;
  /** Members the broadcast can reach now, for the estimate. */
  reachable: number | undefined;
}) {
  const { values, set, errorOf } = props;
  const { workspaceId } = useCurrentWorkspace();
  const percent = holdoutOf(values);
  const actions = useActionOptions(workspaceId);
  const estimate = props.reachable !== undefined && percent > 0 ? Math.round((props.reachable * percent) / 100) : null;

  return (
    <Stack gap="sm">
      <NumberInput
        label="Hold out (% of the audience)"
        description="0 to 50. Chosen at random among members who can be reached, when sending starts."
        value={values.holdoutPercent}
        onChange={(value) => set('holdoutPercent', value)}
        error={errorOf('holdoutPercent')}
        min={0}
        max={50}
        allowDecimal={false}
        allowNegative={false}
        suffix="%"
        maw={380}
      />
      {percent > 0 && (
        <>
          {estimate !== null && (
            <Text size="sm" data-testid="holdout-estimate">
              About {plural(estimate, 'member', 'members')} of {props.reachable?.toLocaleString()} will not get this message.
            </Text>
          )}
          <MultiSelect
            label="Goal: members who"
            description="Any of these counts as reaching the goal."
            data={TYPE_OPTIONS}
            value={values.goalTypes}
            onChange={(types) => set('goalTypes', types)}
            error={errorOf('types')}
            placeholder={values.goalTypes.length === 0 ? 'Choose at least one' : undefined}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Of the action"
              placeholder="Any action"
              data={actions.data ?? []}
              value={values.goalActionId}
              onChange={(value) => set('goalActionId', value)}
              error={errorOf('actionId')}
              clearable
              searchable
              nothingFoundMessage="No action with that name"
            />
            <NumberInput
              label="Within (days of sending)"
              value={values.goalDays}
              onChange={(value) => set('goalDays', value)}
              error={errorOf('withinDays')}
              min={1}
              max={365}
              allowDecimal={false}
              allowNegative={false}
            />
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
