import {
  findPlaybook,
  inactiveSegmentRule,
  PLAYBOOK_KEYS,
  type PlaybookKey,
  type PlaybookMeta,
  type PlaybookNames,
  type PlaybookParams,
  parsePlaybookParams,
} from '../../../common/playbooks.ts';
import { actionLinkIds } from '../../../common/workflows.ts';
import type { ActionType } from '../../db/schema.ts';
import type { FieldError } from '../../http/errors.ts';
import type { Executor } from '../members/members.repo.ts';
import { insertSegment } from '../segments/segments.repo.ts';
import { smsTemplateProblems } from './action-links.ts';

// Playbooks on the server (common/playbooks.ts has the catalogue and builds the definitions): the parameters checked
// against the workspace (a petition parameter must be a petition of this workspace, a community one of its live
// communities…), every problem on `body.params.<key>` at once, and the saved segment the re-engagement playbook
// creates when the organizer names none.

const ACTION_NOUNS: Record<ActionType, string> = {
  petition: 'a petition',
  call: 'a call page',
  event: 'an event',
  survey: 'a survey',
  share: 'a share toolkit',
  story: 'a story',
};

const PLAYBOOK_LIST = PLAYBOOK_KEYS.join(', ');

export type CheckedPlaybook = { playbook: PlaybookMeta; params: PlaybookParams; names: PlaybookNames };

/** The playbook and its parameters, checked and completed, with the names of the ids; or the field problems. */
export async function checkPlaybook(
  executor: Executor,
  workspaceId: number,
  key: string,
  input: Record<string, unknown>,
): Promise<{ ok: true; value: CheckedPlaybook } | { ok: false; fields: FieldError[] }> {
  const playbook = findPlaybook(key);
  if (!playbook) {
    return { ok: false, fields: [{ path: 'body.playbook', message: `is not a playbook (one of ${PLAYBOOK_LIST})` }] };
  }
  const parsed = parsePlaybookParams(playbook.key as PlaybookKey, input);
  if (!parsed.ok) return { ok: false, fields: parsed.problems.map((p) => ({ path: `body.${p.path}`, message: p.message })) };
  const { params } = parsed;
  const fields: FieldError[] = [];
  const names: Required<PlaybookNames> = { actions: {}, communities: {}, segments: {} };

  const actionRefs: { key: string; id: number; types: readonly ActionType[] | undefined }[] = [];
  for (const param of playbook.params) {
    const value = params[param.key];
    const path = `body.params.${param.key}`;
    if (param.type === 'template' && typeof value === 'string') {
      const problem = smsTemplateProblems(value)[0];
      if (problem) fields.push({ path, message: problem });
      for (const id of actionLinkIds(value)) actionRefs.push({ key: param.key, id, types: undefined });
    }
    if (typeof value !== 'number') continue;
    if (param.type === 'action') actionRefs.push({ key: param.key, id: value, types: param.actionTypes });
    if (param.type === 'community') {
      const community = await executor
        .selectFrom('communities')
        .select(['id', 'name'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', value)
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      if (community) names.communities[value] = community.name;
      else fields.push({ path, message: `is not a community of this workspace (${value})` });
    }
    if (param.type === 'segment') {
      const segment = await executor
        .selectFrom('segments')
        .select(['id', 'name'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', value)
        .executeTakeFirst();
      if (segment) names.segments[value] = segment.name;
      else fields.push({ path, message: `is not a segment of this workspace (${value})` });
    }
  }
  if (actionRefs.length > 0) {
    const rows = await executor
      .selectFrom('actions')
      .select(['id', 'type', 'title'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...new Set(actionRefs.map((r) => r.id))])
      .execute();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    for (const ref of actionRefs) {
      const path = `body.params.${ref.key}`;
      const action = byId.get(ref.id);
      const wanted = ref.types ?? [];
      if (!action) {
        const noun = wanted.length === 1 ? ACTION_NOUNS[wanted[0] as ActionType] : 'an action';
        fields.push({ path, message: `is not ${noun} of this workspace (${ref.id})` });
      } else if (wanted.length > 0 && !wanted.includes(action.type)) {
        fields.push({
          path,
          message: `must be ${wanted.map((t) => ACTION_NOUNS[t]).join(' or ')}: ${action.title} (${ref.id}) is ${ACTION_NOUNS[action.type]}`,
        });
      } else names.actions[ref.id] = action.title;
    }
  }
  if (fields.length === 0) return { ok: true, value: { playbook, params, names } };
  // In the order of the form.
  const order = (f: FieldError) => playbook.params.findIndex((p) => `body.params.${p.key}` === f.path);
  return { ok: false, fields: fields.sort((a, b) => order(a) - order(b)) };
}

/** The saved segment "Inactive for N days" (members who can be texted), created for a re-engagement playbook. */
export async function createInactiveSegment(
  executor: Executor,
  input: { workspaceId: number; days: number; createdBy: number | null; now: number },
): Promise<{ id: number; name: string }> {
  const name = `Inactive for ${input.days} days`;
  const row = await insertSegment(executor, {
    workspace_id: input.workspaceId,
    name,
    description: `Members who can be texted and have done nothing for ${input.days} days (made by the re-engagement playbook).`,
    rules: JSON.stringify(inactiveSegmentRule(input.days)),
    created_by: input.createdBy,
    last_count: null,
    last_counted_at: null,
    created_at: input.now,
    updated_at: input.now,
  });
  return { id: Number(row.id), name };
}
