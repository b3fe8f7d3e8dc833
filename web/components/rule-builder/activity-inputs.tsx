import { Button, MultiSelect, NativeSelect, NumberInput, Select } from '@mantine/core';
import { ACTIVITY_TYPES, type ActivityType } from '../../../common/activities.ts';
import {
  ACTIVITY_LABELS,
  type ActivityRule,
  type CountOp,
  MESSAGE_EVENT_LABELS,
  MESSAGE_EVENTS,
  type MessageEvent,
  type MessageRule,
  SEGMENT_WHEN_KINDS,
  SEGMENT_WHEN_LABELS,
  type SegmentWhen,
} from '../../../common/segments.ts';
import { useBuilder, useRowErrors } from './builder-context.tsx';
import { withUnknown } from './membership-inputs.tsx';
import { DayInput, daysAgo } from './value-input.tsx';

type Keyed<T> = T & { nodeId: string };

/** What members do when they take part in an action: "any action" picks these. */
export const ACTION_ACTIVITIES: readonly ActivityType[] = ['signed', 'called', 'rsvped', 'attended', 'answered', 'shared'];
const COMMUNITY_ACTIVITIES: readonly ActivityType[] = ['joined', 'left', 'role_changed', 'posted', 'badge_earned', 'referred'];

const ACTIVITY_OPTIONS = [
  { group: 'Actions', items: ACTION_ACTIVITIES.map(option) },
  { group: 'Community', items: COMMUNITY_ACTIVITIES.map(option) },
  {
    group: 'Other',
    items: ACTIVITY_TYPES.filter((t) => !ACTION_ACTIVITIES.includes(t) && !COMMUNITY_ACTIVITIES.includes(t)).map(option),
  },
];

function option(type: ActivityType) {
  return { value: type, label: ACTIVITY_LABELS[type].label };
}

type Scope = 'any' | 'only' | 'except';

/** Did (or did not) do something: which activities, on which action, in which community, how often, when. */
export function ActivityInputs(props: { rule: Keyed<ActivityRule>; onChange: (rule: Keyed<ActivityRule>) => void }) {
  const { rule, onChange } = props;
  const { actions, communities } = useBuilder();
  const errors = useRowErrors(rule.nodeId);
  const scope: Scope = rule.actionId !== undefined ? 'only' : rule.excludeActionId !== undefined ? 'except' : 'any';
  const chosenAction = rule.actionId ?? rule.excludeActionId;
  const { actionId: _a, excludeActionId: _e, ...unscoped } = rule;

  const setScope = (next: Scope) => {
    const id = chosenAction ?? Number(actions[0]?.value ?? Number.NaN);
    if (next === 'any' || Number.isNaN(id)) onChange(unscoped);
    else onChange(next === 'only' ? { ...unscoped, actionId: id } : { ...unscoped, excludeActionId: id });
  };
  const setAction = (value: string | null) => {
    if (value === null) return onChange(unscoped);
    onChange(scope === 'except' ? { ...unscoped, excludeActionId: Number(value) } : { ...unscoped, actionId: Number(value) });
  };
  const setCount = (op: CountOp | '') => {
    const { count: _count, ...rest } = rule;
    onChange(op === '' ? rest : { ...rest, count: { op, n: rule.count?.n ?? 1 } });
  };

  const sameTypes = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t) => b.includes(t));
  return (
    <>
      <NativeSelect
        aria-label="Did or did not"
        data={[
          { value: 'did', label: 'did' },
          { value: 'not', label: 'did not' },
        ]}
        value={rule.did ? 'did' : 'not'}
        onChange={(event) => onChange({ ...rule, did: event.currentTarget.value === 'did' })}
      />
      <MultiSelect
        aria-label="Activities"
        placeholder={rule.types.length ? undefined : 'Choose what they did'}
        data={ACTIVITY_OPTIONS}
        value={rule.types}
        onChange={(types) => onChange({ ...rule, types: types as ActivityType[] })}
        error={errors.types}
        w={300}
        maw="100%"
      />
      {!sameTypes(rule.types, ACTION_ACTIVITIES) && (
        <Button variant="subtle" size="compact-sm" mt={6} onClick={() => onChange({ ...rule, types: [...ACTION_ACTIVITIES] })}>
          Any kind of action
        </Button>
      )}
      <NativeSelect
        aria-label="Which action"
        data={[
          { value: 'any', label: 'on any action' },
          { value: 'only', label: 'on the action' },
          { value: 'except', label: 'on any action other than' },
        ]}
        value={scope}
        onChange={(event) => setScope(event.currentTarget.value as Scope)}
        disabled={actions.length === 0 && scope === 'any'}
      />
      {scope !== 'any' && (
        <Select
          aria-label="Action"
          placeholder="Choose an action"
          data={withUnknown(actions, chosenAction === undefined ? [] : [chosenAction])}
          value={chosenAction === undefined ? null : String(chosenAction)}
          onChange={setAction}
          error={errors.actionId ?? errors.excludeActionId}
          searchable
          nothingFoundMessage="No action by that name"
          w={300}
          maw="100%"
        />
      )}
      <Select
        aria-label="In community"
        placeholder="in any community"
        data={withUnknown(communities, rule.communityId === undefined ? [] : [rule.communityId])}
        value={rule.communityId === undefined ? null : String(rule.communityId)}
        onChange={(value) => {
          const { communityId: _c, ...rest } = rule;
          onChange(value === null ? rest : { ...rest, communityId: Number(value) });
        }}
        error={errors.communityId}
        clearable
        searchable
        w={200}
        maw="100%"
      />
      <NativeSelect
        aria-label="How many times"
        data={[
          { value: '', label: 'any number of times' },
          { value: 'gte', label: 'at least' },
          { value: 'lte', label: 'at most' },
          { value: 'eq', label: 'exactly' },
        ]}
        value={rule.count?.op ?? ''}
        onChange={(event) => setCount(event.currentTarget.value as CountOp | '')}
      />
      {rule.count && (
        <NumberInput
          aria-label="Times"
          value={rule.count.n}
          onChange={(n) => rule.count && onChange({ ...rule, count: { op: rule.count.op, n: typeof n === 'number' ? n : 0 } })}
          min={0}
          allowDecimal={false}
          suffix=" times"
          error={errors['count.n']}
          w={110}
          maw="100%"
        />
      )}
      <WhenInputs
        when={rule.when}
        errors={errors}
        onChange={(when) => {
          const { when: _w, ...rest } = rule;
          onChange(when ? { ...rest, when } : rest);
        }}
      />
    </>
  );
}

/** Received, clicked, replied to or opted out of messages (of one broadcast or any), in a time window. */
export function MessageInputs(props: { rule: Keyed<MessageRule>; onChange: (rule: Keyed<MessageRule>) => void }) {
  const { rule, onChange } = props;
  const { broadcasts } = useBuilder();
  const errors = useRowErrors(rule.nodeId);
  return (
    <>
      <NativeSelect
        aria-label="Did or did not"
        data={[
          { value: 'did', label: 'did' },
          { value: 'not', label: 'did not' },
        ]}
        value={rule.did ? 'did' : 'not'}
        onChange={(event) => onChange({ ...rule, did: event.currentTarget.value === 'did' })}
      />
      <NativeSelect
        aria-label="Message event"
        data={MESSAGE_EVENTS.map((event) => ({ value: event, label: MESSAGE_EVENT_LABELS[event].label }))}
        value={rule.event}
        onChange={(event) => onChange({ ...rule, event: event.currentTarget.value as MessageEvent })}
      />
      <Select
        aria-label="Broadcast"
        placeholder="from any message"
        data={withUnknown(broadcasts, rule.broadcastId === undefined ? [] : [rule.broadcastId])}
        value={rule.broadcastId === undefined ? null : String(rule.broadcastId)}
        onChange={(value) => {
          const { broadcastId: _b, ...rest } = rule;
          onChange(value === null ? rest : { ...rest, broadcastId: Number(value) });
        }}
        error={errors.broadcastId}
        clearable
        searchable
        w={220}
        maw="100%"
      />
      <WhenInputs
        when={rule.when}
        errors={errors}
        onChange={(when) => {
          const { when: _w, ...rest } = rule;
          onChange(when ? { ...rest, when } : rest);
        }}
      />
    </>
  );
}

type WhenKind = SegmentWhen['kind'] | '';

/** A time window: any time, the last N days, since / before a day, between two days. */
function WhenInputs(props: {
  when: SegmentWhen | undefined;
  errors: Record<string, string>;
  onChange: (when: SegmentWhen | undefined) => void;
}) {
  const { when, errors, onChange } = props;
  const setKind = (kind: WhenKind) => {
    switch (kind) {
      case '':
        return onChange(undefined);
      case 'within_days':
        return onChange({ kind, days: 30 });
      case 'since':
      case 'before':
        return onChange({ kind, at: when && 'at' in when ? when.at : daysAgo(30) });
      case 'between':
        return onChange({ kind, from: daysAgo(30), to: daysAgo(0) });
    }
  };
  return (
    <>
      <NativeSelect
        aria-label="When"
        data={[
          { value: '', label: 'at any time' },
          ...SEGMENT_WHEN_KINDS.map((kind) => ({ value: kind, label: SEGMENT_WHEN_LABELS[kind] })),
        ]}
        value={when?.kind ?? ''}
        onChange={(event) => setKind(event.currentTarget.value as WhenKind)}
        error={errors.when}
      />
      {when?.kind === 'within_days' && (
        <NumberInput
          aria-label="Days"
          value={when.days}
          onChange={(days) => onChange({ kind: 'within_days', days: typeof days === 'number' ? days : 0 })}
          min={1}
          allowDecimal={false}
          suffix=" days"
          error={errors['when.days']}
          w={120}
          maw="100%"
        />
      )}
      {(when?.kind === 'since' || when?.kind === 'before') && (
        <DayInput label="Date" value={when.at} onChange={(at) => onChange({ kind: when.kind, at })} error={errors['when.at']} />
      )}
      {when?.kind === 'between' && (
        <>
          <DayInput label="From" value={when.from} onChange={(from) => onChange({ ...when, from })} error={errors['when.from']} />
          <DayInput label="To" value={when.to} onChange={(to) => onChange({ ...when, to })} error={errors['when.to']} />
        </>
      )}
    </>
  );
}
