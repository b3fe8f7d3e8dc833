import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { keywordProblem, normalizeKeyword } from '../../../../common/keywords.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { errorDetail, fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { type KeywordInput, useCreateKeyword } from '../api/create-keyword.ts';
import { KEYWORD_MATCHES, KEYWORD_TARGETS, type Keyword, type KeywordMatch, type KeywordTarget } from '../api/list-keywords.ts';
import { useTargetActions } from '../api/list-target-actions.ts';
import { useTargetCommunities } from '../api/list-target-communities.ts';
import { useTargetSurveys } from '../api/list-target-surveys.ts';
import { useUpdateKeyword } from '../api/update-keyword.ts';
import { MATCH_LOOK, TARGET_LOOK } from './describe.ts';

const FIELDS = ['keyword', 'match', 'targetType', 'targetId', 'linkUrl', 'reply', 'confirm'] as const;
const MAX_REPLY = 640;

type Values = {
  keyword: string;
  match: KeywordMatch;
  targetType: KeywordTarget;
  targetId: string | null;
  linkUrl: string;
  reply: string;
  confirm: boolean;
};

function valuesOf(keyword?: Keyword): Values {
  return {
    keyword: keyword?.keyword ?? '',
    match: keyword?.match ?? 'exact',
    targetType: keyword?.targetType ?? 'community',
    targetId: keyword?.targetId != null ? String(keyword.targetId) : null,
    linkUrl: keyword?.linkUrl ?? '',
    reply: keyword?.reply ?? '',
    confirm: keyword?.confirm ?? true,
  };
}

const REPLY_PLACEHOLDER: Record<KeywordTarget, string> = {
  community: 'Welcome to {{ community.name }}! (the default)',
  survey: 'Thanks {{ member.first_name | default: "friend" }}! A few quick questions…',
  link: 'Here is your link: {{ link }} (the default)',
  action: '{{ action.title }}: {{ link }} (the default)',
  reply: 'Thanks! An organizer will text you about volunteer shifts this week.',
};

/** Creates a keyword, or edits `keyword` when given. */
export function KeywordModal(props: { opened: boolean; onClose: () => void; keyword?: Keyword }) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.keyword ? `Edit ${props.keyword.keyword}` : 'New keyword'}
      centered
      size="lg"
    >
      {/* Mounted only while open, so each opening starts from the saved values. */}
      {props.opened && <KeywordForm {...props} />}
    </Modal>
  );
}

function KeywordForm(props: { onClose: () => void; keyword?: Keyword }) {
  const { workspaceId } = useCurrentWorkspace();
  const [values, setValues] = useState(() => valuesOf(props.keyword));
  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  const create = useCreateKeyword(workspaceId);
  const update = useUpdateKeyword(workspaceId, props.keyword?.id ?? 0);
  const mutation = props.keyword ? update : create;
  const communities = useTargetCommunities(workspaceId);
  const surveys = useTargetSurveys(workspaceId, values.targetType === 'survey');
  const actions = useTargetActions(workspaceId, values.targetType === 'action');

  // The same rule the server applies, as the organizer types; uniqueness comes back from the server on save.
  const word = normalizeKeyword(values.keyword);
  const wordProblem = values.keyword.trim() === '' ? null : keywordProblem(values.keyword);
  const needsTarget = values.targetType === 'community' || values.targetType === 'survey' || values.targetType === 'action';
  const ready =
    word !== '' &&
    wordProblem === null &&
    (!needsTarget || values.targetId !== null) &&
    (values.targetType !== 'link' || values.linkUrl.trim() !== '') &&
    (values.targetType !== 'reply' || values.reply.trim() !== '') &&
    values.reply.length <= MAX_REPLY;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: KeywordInput = {
      keyword: values.keyword,
      match: values.match,
      targetType: values.targetType,
      targetId: needsTarget && values.targetId ? Number(values.targetId) : null,
      linkUrl: values.targetType === 'link' ? values.linkUrl.trim() : null,
      reply: values.reply.trim() === '' ? null : values.reply,
      confirm: values.confirm,
    };
    const done = (keyword: Keyword) => {
      notifySuccess(`${keyword.keyword} was ${props.keyword ? 'saved' : 'created'}.`);
      props.onClose();
    };
    if (props.keyword) update.mutate(body, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  const error = mutation.error;
  const targetOptions = values.targetType === 'community' ? communities.data : values.targetType === 'action' ? actions.data : surveys.data;
  const targetNoun = values.targetType === 'community' ? 'community' : values.targetType === 'action' ? 'action' : 'survey';
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Keyword"
          description="One word of 2 to 20 letters or digits; case, accents and punctuation do not matter."
          placeholder="CLIMATE"
          value={values.keyword}
          onChange={(event) => set('keyword', event.currentTarget.value)}
          onBlur={() => wordProblem === null && word !== '' && set('keyword', word)}
          error={wordProblem ? `${word || values.keyword} ${wordProblem}` : fieldError(error, 'keyword')}
          withAsterisk
          data-autofocus
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Match
          </Text>
          <SegmentedControl
            aria-label="Match"
            value={values.match}
            onChange={(value) => set('match', value as KeywordMatch)}
            data={KEYWORD_MATCHES.map((match) => ({ value: match, label: MATCH_LOOK[match].label }))}
          />
          <Text size="xs" c="dimmed">
            Triggers on {MATCH_LOOK[values.match].example(word || 'CLIMATE')}; never when the word comes later in a sentence.
          </Text>
        </Stack>
        <Select
          label="What it does"
          description={TARGET_LOOK[values.targetType].hint}
          data={KEYWORD_TARGETS.map((target) => ({ value: target, label: TARGET_LOOK[target].label }))}
          value={values.targetType}
          onChange={(value) => value && setValues((current) => ({ ...current, targetType: value as KeywordTarget, targetId: null }))}
          error={fieldError(error, 'targetType')}
          allowDeselect={false}
        />
        {needsTarget && (
          <Select
            label={targetNoun.charAt(0).toUpperCase() + targetNoun.slice(1)}
            placeholder={`Choose ${targetNoun === 'action' ? 'an' : 'a'} ${targetNoun}`}
            data={targetOptions ?? []}
            value={values.targetId}
            onChange={(value) => set('targetId', value)}
            error={fieldError(error, 'targetId')}
            nothingFoundMessage={`No ${targetNoun} yet`}
            searchable
            withAsterisk
          />
        )}
        {values.targetType === 'link' && (
          <TextInput
            label="Link"
            placeholder="https://example.org/donate"
            value={values.linkUrl}
            onChange={(event) => set('linkUrl', event.currentTarget.value)}
            error={fieldError(error, 'linkUrl')}
            withAsterisk
          />
        )}
        {values.targetType === 'community' && (
          <Switch
            label="Ask for a YES first (double opt-in)"
            description="Members we have no consent from are asked to reply YES before they join; their YES is recorded as consent. Opted-out members are always asked."
            checked={values.confirm}
            onChange={(event) => set('confirm', event.currentTarget.checked)}
          />
        )}
        <Textarea
          label="Auto-reply"
          description={
            <>
              Variables: {'{{ member.first_name }}'}, {'{{ community.name }}'}, {'{{ workspace.name }}'}
              {values.targetType === 'link' ? ', {{ link }}' : values.targetType === 'action' ? ', {{ action.title }}, {{ link }}' : ''}.{' '}
              {values.targetType === 'reply' ? 'Required.' : 'Empty: the default.'}
            </>
          }
          placeholder={REPLY_PLACEHOLDER[values.targetType]}
          value={values.reply}
          onChange={(event) => set('reply', event.currentTarget.value)}
          error={values.reply.length > MAX_REPLY ? `Must be at most ${MAX_REPLY} characters` : fieldError(error, 'reply')}
          autosize
          minRows={2}
          withAsterisk={values.targetType === 'reply'}
        />
        <Text size="xs" c="dimmed" ta="right" mt={-12}>
          {values.reply.length} / {MAX_REPLY}
        </Text>
        {error && !onlyFieldErrors(error, FIELDS) && (
          <Alert color="red" variant="light" role="alert">
            {errorDetail(error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!ready}>
            {props.keyword ? 'Save changes' : 'Create keyword'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
