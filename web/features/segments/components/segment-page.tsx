import { Badge, Button, Fieldset, Grid, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDeviceFloppy, IconUsers } from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { describeRule, type SegmentNames, type SegmentRule } from '../../../../common/segments.ts';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { MembersTabs } from '../../../components/members-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { type Builder, BuilderContext } from '../../../components/rule-builder/builder-context.tsx';
import { RuleGroup } from '../../../components/rule-builder/rule-group.tsx';
import {
  type DraftGroup,
  emptyRoot,
  errorsByRow,
  localErrors,
  type RowErrors,
  toDraftRoot,
  toRule,
  treePath,
} from '../../../components/rule-builder/rule-tree.ts';
import { ApiError } from '../../../lib/api-client.ts';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { fieldError } from '../../../lib/errors.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { useActionOptions } from '../../../lib/options/action-options.ts';
import { useBroadcastOptions } from '../../../lib/options/broadcast-options.ts';
import { useCommunityOptions } from '../../../lib/options/community-options.ts';
import type { Option } from '../../../lib/options/keys.ts';
import { useTagOptions } from '../../../lib/options/tag-options.ts';
import { useDeleteSegment } from '../api/delete-segment.ts';
import { type Segment, useSegment } from '../api/get-segment.ts';
import { useSegmentPreview } from '../api/preview-segment.ts';
import { useSaveSegment } from '../api/save-segment.ts';
import { SegmentPreviewPanel } from './segment-preview.tsx';

/** A segment: build one at /new, edit a saved one at /:segmentId (rename, change the rules, delete). */
export function SegmentPage() {
  const { workspaceId } = useCurrentWorkspace();
  const segmentId = useParams().segmentId ?? null;
  const segment = useSegment(workspaceId, segmentId ?? '', segmentId !== null);
  if (segmentId === null) return <SegmentEditor segment={undefined} />;
  return (
    <QueryView query={segment} errorTitle="Could not load the segment">
      {(data) => <SegmentEditor key={data.id} segment={data} />}
    </QueryView>
  );
}

/** What saving would change, to tell whether there is anything unsaved. */
function fingerprint(segment: { name: string; description: string; rules: SegmentRule }): string {
  return JSON.stringify({ name: segment.name.trim(), description: segment.description.trim(), rules: toRule(toDraftRoot(segment.rules)) });
}

const byId = (options: Option[]) =>
  Object.fromEntries(
    options.map((o) => [Number(o.value), o.label.replace(/ \((petition|event|call|survey|share|story)(, draft)?\)$/, '')]),
  );

function SegmentEditor(props: { segment: Segment | undefined }) {
  const { segment } = props;
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const manage = can('communities.manage');
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [nameMissing, setNameMissing] = useState(false);
  const [root, setRoot] = useState<DraftGroup>(() => (segment ? toDraftRoot(segment.rules) : emptyRoot()));
  const [saved, setSaved] = useState(() => (segment ? fingerprint(segment) : ''));

  const communities = useCommunityOptions(workspaceId);
  const actions = useActionOptions(workspaceId);
  const broadcasts = useBroadcastOptions(workspaceId, can('messaging.read'));
  const tagOptions = useTagOptions(workspaceId);
  const save = useSaveSegment(workspaceId, segment ? String(segment.id) : null);
  const remove = useDeleteSegment(workspaceId, segment ? String(segment.id) : '0');

  // The tree is checked here first (the same schema the server uses); only a complete tree is counted.
  const local = useMemo(() => localErrors(root), [root]);
  const rule = useMemo(() => toRule(root), [root]);
  const json = local ? null : JSON.stringify(rule);
  const [debounced] = useDebouncedValue(json, 400);
  const preview = useSegmentPreview(workspaceId, debounced);

  const names: SegmentNames = useMemo(
    () => ({
      communities: byId(communities.data ?? []),
      actions: byId(actions.data ?? []),
      broadcasts: byId(broadcasts.data ?? []),
    }),
    [communities.data, actions.data, broadcasts.data],
  );

  const errors = useMemo(() => {
    const merged: RowErrors = new Map(local ?? []);
    for (const failure of [debounced === json ? preview.error : null, save.error]) {
      if (!(failure instanceof ApiError) || failure.status !== 400) continue;
      const issues = failure.issues.flatMap((issue) => {
        const path = treePath(issue.path);
        return path ? [{ path, message: issue.message }] : [];
      });
      for (const [nodeId, fields] of errorsByRow(root, issues)) merged.set(nodeId, { ...fields, ...merged.get(nodeId) });
    }
    return merged;
  }, [local, root, preview.error, save.error, debounced, json]);

  const builder: Builder = {
    communities: communities.data ?? [],
    actions: actions.data ?? [],
    broadcasts: broadcasts.data ?? [],
    tags: tagOptions.data ?? [],
    errors,
  };

  const dirty = fingerprint({ name, description, rules: rule }) !== saved;
  const edit = (next: DraftGroup) => {
    setRoot(next);
    if (save.error) save.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (local) return;
    if (name.trim() === '') return setNameMissing(true);
    save.mutate(
      { name: name.trim(), description: description.trim(), rules: rule },
      {
        onSuccess: (result) => {
          setSaved(fingerprint(result));
          notifySuccess(segment ? 'Segment saved.' : 'Segment created.');
          if (!segment) navigate(`/w/${workspaceId}/members/segments/${result.id}`, { replace: true });
        },
      },
    );
  };

  const nameError = nameMissing ? 'Give the segment a name' : fieldError(save.error, 'name');
  const descriptionError = fieldError(save.error, 'description');
  const otherFailure =
    save.error && !(save.error instanceof ApiError && save.error.status === 400 && save.error.issues.length > 0) ? save.error : null;

  return (
    <form onSubmit={submit} noValidate>
      <PageHeader
        title={segment ? segment.name : 'New segment'}
        description="Describe who you mean; the count and a sample update as you go."
        actions={
          <Group gap="xs">
            {dirty && segment && (
              <Badge variant="light" color="yellow">
                Unsaved changes
              </Badge>
            )}
            {segment && (
              <Button
                component={Link}
                to={`/w/${workspaceId}/members/segments/${segment.id}/members`}
                variant="default"
                leftSection={<IconUsers size={16} />}
              >
                Members
              </Button>
            )}
            {segment && manage && (
              <ConfirmButton
                title="Delete this segment?"
                message={`"${segment.name}" is deleted for good. Its members stay as they are.`}
                confirmLabel="Delete segment"
                onConfirm={async () => {
                  await remove.mutateAsync();
                  notifySuccess('Segment deleted.');
                  navigate(`/w/${workspaceId}/members/segments`, { replace: true });
                }}
                buttonProps={{ variant: 'default', color: 'red', size: 'sm' }}
              >
                Delete
              </ConfirmButton>
            )}
            {manage && (
              <Button
                type="submit"
                loading={save.isPending}
                disabled={local !== null || (segment !== undefined && !dirty)}
                leftSection={<IconDeviceFloppy size={16} />}
              >
                {segment ? 'Save' : 'Save segment'}
              </Button>
            )}
          </Group>
        }
      />
      <MembersTabs workspaceId={workspaceId} value="segments" />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Fieldset variant="unstyled" disabled={!manage} p={0}>
            <Stack>
              <TextInput
                label="Name"
                placeholder="e.g. Petition signers who did nothing since"
                value={name}
                onChange={(event) => {
                  setName(event.currentTarget.value);
                  setNameMissing(false);
                }}
                error={nameError}
                required
                maw={480}
              />
              <Textarea
                label="Description"
                description="Optional: what this segment is for, for the rest of the team."
                value={description}
                onChange={(event) => setDescription(event.currentTarget.value)}
                error={descriptionError}
                autosize
                minRows={1}
                maxRows={4}
                maw={640}
              />
              {otherFailure !== null && <ErrorAlert error={otherFailure} title="Could not save the segment" />}
              <BuilderContext value={builder}>
                <RuleGroup node={root} depth={1} label="All conditions" path="" onChange={edit} />
              </BuilderContext>
            </Stack>
          </Fieldset>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <div style={{ position: 'sticky', top: 76 }}>
            <SegmentPreviewPanel
              preview={preview}
              sentence={describeRule(rule, names)}
              incomplete={local !== null}
              waiting={debounced !== json}
            />
          </div>
        </Grid.Col>
      </Grid>
    </form>
  );
}
