import { Checkbox, MultiSelect, NativeSelect, TagsInput } from '@mantine/core';
import { type CommunityRule, MEMBERSHIP_ROLES, type SegmentMembershipRole, type TagRule } from '../../../common/segments.ts';
import { useBuilder, useRowErrors } from './builder-context.tsx';

type Keyed<T> = T & { nodeId: string };

const ROLE_OPTIONS = MEMBERSHIP_ROLES.map((role) => ({ value: role, label: role.charAt(0).toUpperCase() + role.slice(1) }));

/** Has (or has none of) some tags. */
export function TagInputs(props: { rule: Keyed<TagRule>; onChange: (rule: Keyed<TagRule>) => void }) {
  const { rule, onChange } = props;
  const { tags } = useBuilder();
  const errors = useRowErrors(rule.nodeId);
  return (
    <>
      <NativeSelect
        aria-label="Has or has not"
        data={[
          { value: 'has', label: 'has any of the tags' },
          { value: 'not', label: 'has none of the tags' },
        ]}
        value={rule.has ? 'has' : 'not'}
        onChange={(event) => onChange({ ...rule, has: event.currentTarget.value === 'has' })}
      />
      <TagsInput
        aria-label="Tags"
        placeholder="Type a tag, press Enter"
        data={tags}
        value={rule.tags}
        onChange={(tags) => onChange({ ...rule, tags })}
        error={errors.tags}
        w={240}
        maw="100%"
        maxTags={50}
      />
    </>
  );
}

/** In (or not in) communities, optionally with a role there, optionally counting the communities within them. */
export function CommunityInputs(props: { rule: Keyed<CommunityRule>; onChange: (rule: Keyed<CommunityRule>) => void }) {
  const { rule, onChange } = props;
  const { communities } = useBuilder();
  const errors = useRowErrors(rule.nodeId);
  return (
    <>
      <NativeSelect
        aria-label="In or not in"
        data={[
          { value: 'in', label: 'is in' },
          { value: 'not', label: 'is not in' },
        ]}
        value={rule.in ? 'in' : 'not'}
        onChange={(event) => onChange({ ...rule, in: event.currentTarget.value === 'in' })}
      />
      <MultiSelect
        aria-label="Communities"
        placeholder={rule.communityIds.length ? undefined : 'Choose communities'}
        data={withUnknown(communities, rule.communityIds)}
        value={rule.communityIds.map(String)}
        onChange={(ids) => onChange({ ...rule, communityIds: ids.map(Number) })}
        error={errors.communityIds}
        searchable
        nothingFoundMessage="No community by that name"
        w={240}
        maw="100%"
      />
      <MultiSelect
        aria-label="Roles"
        placeholder={rule.roles?.length ? undefined : 'any role'}
        data={ROLE_OPTIONS}
        value={rule.roles ?? []}
        onChange={(roles) => {
          const { roles: _roles, ...rest } = rule;
          onChange(roles.length ? { ...rest, roles: roles as SegmentMembershipRole[] } : rest);
        }}
        error={errors.roles}
        w={140}
        maw="100%"
      />
      <Checkbox
        label="or a community within it"
        checked={rule.includeDescendants ?? false}
        onChange={(event) => onChange({ ...rule, includeDescendants: event.currentTarget.checked })}
        mt={8}
      />
    </>
  );
}

/** Options plus a "#12" entry for any chosen id the list no longer has, so a saved rule still shows what it holds. */
export function withUnknown(options: { value: string; label: string }[], ids: readonly number[]) {
  const missing = ids.map(String).filter((id) => !options.some((o) => o.value === id));
  return [...options, ...missing.map((id) => ({ value: id, label: `#${id}` }))];
}
