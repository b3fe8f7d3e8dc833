import { Alert, Button, Group, Modal, Radio, Select, SimpleGrid, Stack, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { isReservedKeyword, KEYWORD_PATTERN, normalizeKeyword } from '../../../../common/keywords.ts';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type CommunityInput, useCreateCommunity } from '../api/create-community.ts';
import { type Community, useCommunities, VISIBILITIES, type Visibility } from '../api/list-communities.ts';
import { type CommunityPatch, useUpdateCommunity } from '../api/update-community.ts';
import { subtreeIds, VISIBILITY_LOOK } from './community-tree.ts';

const FIELDS = ['name', 'slug', 'parentId', 'visibility', 'keywords', 'consentWording', 'description', 'guidelines'] as const;

type Values = {
  name: string;
  slug: string;
  parentId: string | null;
  visibility: Visibility;
  keywords: string[];
  consentWording: string;
  description: string;
  guidelines: string;
};

function valuesOf(community?: Community, parentId?: number): Values {
  return {
    name: community?.name ?? '',
    slug: community?.slug ?? '',
    parentId: community?.parentId != null ? String(community.parentId) : parentId !== undefined ? String(parentId) : null,
    visibility: community?.visibility ?? 'public',
    keywords: community?.keywords ?? [],
    consentWording: community?.consentWording ?? '',
    description: community?.description ?? '',
    guidelines: community?.guidelines ?? '',
  };
}

/** The slug the server makes from a name when none is given, shown as the placeholder ("Fearful flyers" → fearful-flyers). */
function slugOf(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** What is wrong with the keywords typed, as a sentence (the server checks the same, and uniqueness). */
function keywordProblem(keywords: string[]): string | null {
  const bad = keywords.find((keyword) => !KEYWORD_PATTERN.test(keyword));
  if (bad) return `${bad} is not a keyword: use 2 to 20 letters or digits, e.g. CLIMATE.`;
  const reserved = keywords.find((keyword) => isReservedKeyword(keyword));
  if (reserved) return `${reserved} is reserved for opt-out, opt-in and help; choose another word.`;
  return null;
}

/** A problem the server found with one keyword (`body.keywords.2`) lands on field "2": show it under the keywords. */
function keywordFieldError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const entry = Object.entries(error.fieldErrors).find(([field]) => /^\d+$/.test(field));
  return entry ? `Keyword ${Number(entry[0]) + 1} ${entry[1]}` : undefined;
}

/** Creates a community, or edits `community` when given. */
export function CommunityModal(props: { opened: boolean; onClose: () => void; community?: Community; parentId?: number }) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.community ? `Edit ${props.community.name}` : 'New community'}
      centered
      size="lg"
    >
      {/* Mounted only while open, so each opening starts from the saved values. */}
      {props.opened && <CommunityForm {...props} />}
    </Modal>
  );
}

function CommunityForm(props: { onClose: () => void; community?: Community; parentId?: number }) {
  const { workspaceId } = useCurrentWorkspace();
  const navigate = useNavigate();
  const all = useCommunities(workspaceId);
  const create = useCreateCommunity(workspaceId);
  const update = useUpdateCommunity(workspaceId, String(props.community?.id ?? ''));
  const mutation = props.community ? update : create;
  const [values, setValues] = useState(() => valuesOf(props.community, props.parentId));
  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));

  const excluded = props.community && all.data ? subtreeIds(all.data.communities, props.community.id) : new Set<number>();
  const parentOptions = (all.data?.communities ?? [])
    .filter((community) => !excluded.has(community.id) && !community.archived)
    .map((community) => ({ value: String(community.id), label: community.name }))
    .sort((a, b) => a.label.localeCompare(b.label));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: CommunityInput = {
      name: values.name.trim(),
      visibility: values.visibility,
      parentId: values.parentId ? Number(values.parentId) : null,
      keywords: values.keywords,
      description: values.description.trim(),
      guidelines: values.guidelines.trim(),
      consentWording: values.consentWording.trim() || null,
    };
    if (values.slug.trim()) body.slug = values.slug.trim();
    if (props.community) {
      update.mutate(body satisfies CommunityPatch, {
        onSuccess: (community) => {
          notifySuccess(`${community.name} was saved.`);
          props.onClose();
        },
      });
    } else {
      create.mutate(body, {
        onSuccess: (community) => {
          notifySuccess(`${community.name} was created.`);
          props.onClose();
          navigate(`/w/${workspaceId}/communities/${community.id}`);
        },
      });
    }
  };

  const error = mutation.error;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            placeholder="Climate – Austin"
            value={values.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={fieldError(error, 'name')}
            withAsterisk
            data-autofocus
          />
          <TextInput
            label="Short name in links"
            description="Letters, digits and dashes; made from the name when empty."
            placeholder={slugOf(values.name) || 'climate-austin'}
            value={values.slug}
            onChange={(event) => set('slug', event.currentTarget.value)}
            error={fieldError(error, 'slug')}
          />
        </SimpleGrid>
        <Select
          label="Part of"
          description="The network or chapter this community belongs to. Its members count towards the parent's total."
          placeholder="Nothing (top level)"
          data={parentOptions}
          value={values.parentId}
          onChange={(value) => set('parentId', value)}
          error={fieldError(error, 'parentId')}
          searchable
          clearable
        />
        <Radio.Group
          label="Who can join"
          value={values.visibility}
          onChange={(value) => set('visibility', value as Visibility)}
          error={fieldError(error, 'visibility')}
        >
          <Stack gap={6} mt={6}>
            {VISIBILITIES.map((visibility) => (
              <Radio
                key={visibility}
                value={visibility}
                label={VISIBILITY_LOOK[visibility].label}
                description={VISIBILITY_LOOK[visibility].hint}
              />
            ))}
          </Stack>
        </Radio.Group>
        <TagsInput
          label="Join keywords"
          description="People text one of these words to join. Unique in the workspace; press Enter after each."
          placeholder={values.keywords.length === 0 ? 'CLIMATE' : undefined}
          value={values.keywords}
          onChange={(keywords) => set('keywords', [...new Set(keywords.map(normalizeKeyword).filter(Boolean))])}
          error={keywordProblem(values.keywords) ?? fieldError(error, 'keywords') ?? keywordFieldError(error)}
          clearable
        />
        <Textarea
          label="Consent wording"
          description="What people agree to when they join by text or on the join page. Empty: the workspace's standard wording."
          placeholder="I agree to receive recurring texts from … Reply STOP to opt out."
          value={values.consentWording}
          onChange={(event) => set('consentWording', event.currentTarget.value)}
          error={fieldError(error, 'consentWording')}
          autosize
          minRows={2}
        />
        <Textarea
          label="Description"
          description="Shown on the public join page."
          value={values.description}
          onChange={(event) => set('description', event.currentTarget.value)}
          error={fieldError(error, 'description')}
          autosize
          minRows={2}
        />
        <Textarea
          label="Guidelines"
          description="How members treat each other here; shown to new members."
          value={values.guidelines}
          onChange={(event) => set('guidelines', event.currentTarget.value)}
          error={fieldError(error, 'guidelines')}
          autosize
          minRows={2}
        />
        {error && !onlyFieldErrors(error, FIELDS) && (
          <Alert color="red" variant="light" role="alert">
            {errorDetail(error)}
          </Alert>
        )}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {all.isError ? 'The list of communities could not be loaded; a parent cannot be chosen.' : ''}
          </Text>
          <Group gap="xs">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} disabled={!values.name.trim() || keywordProblem(values.keywords) !== null}>
              {props.community ? 'Save changes' : 'Create community'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
