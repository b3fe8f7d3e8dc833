import { ACTION_LINK_PATTERN, actionLinkIds } from '../../../common/workflows.ts';
import { actionPath } from '../actions/actions.repo.ts';
import { newLinkCode, shortLinkBase, shortLinkUrl, withUtm } from '../links/link-rewrite.ts';
import { ensureLinkTargets, type LinkRow } from '../links/links.repo.ts';
import { validateTemplates } from '../messaging/templates.ts';
import type { StepContext } from './steps/types.ts';

// `{{ links.action_<id> }}` in a workflow's SMS (common/workflows.ts): the member's own short link to an action's
// public page, made when the text is sent the way a petition keyword's answer makes it (links.routes.ts adds the member
// token when it is tapped, so the page opens prefilled for them). Each link is tracked: one link target per workflow
// step and action (UTM source sms, medium workflow, campaign workflow-<id>, content the step), one short link per
// member and text. Liquid never sees the variable: it is swapped for a marker before the template is compiled, and the
// marker for the link after it is rendered.

/** Private-use characters around the index of a link in the rendered text: nothing a template writes contains them. */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARKER = new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, 'g');

/** Why a text with links is not sent: an action that is gone, or not published (its page would say it is closed). */
export type LinkSkip = 'action_missing' | 'action_not_open';

/** The template with each link variable replaced by a marker, and the actions in the order of the markers' indexes. */
export function markActionLinks(source: string): { source: string; actionIds: number[] } {
  const actionIds = actionLinkIds(source);
  if (actionIds.length === 0) return { source, actionIds };
  const marked = source.replace(ACTION_LINK_PATTERN, (_match, id: string) => `${MARK_OPEN}${actionIds.indexOf(Number(id))}${MARK_CLOSE}`);
  return { source: marked, actionIds };
}

/** Liquid problems of an SMS template (link variables are fine), as messages for the field. */
export function smsTemplateProblems(source: string): string[] {
  const plain = source.replace(ACTION_LINK_PATTERN, '');
  if (plain.trim() === '' && actionLinkIds(source).length > 0) return [];
  return validateTemplates({ en: plain }, 'en').map((p) => p.message);
}

/** A template other than an SMS body may not use link variables (they are made per text). */
export function linkOutsideSms(source: string): string | null {
  const id = actionLinkIds(source)[0];
  return id === undefined ? null : `{{ links.action_${id} }} can only be used in an SMS text`;
}

export type MemberLinks = { urls: string[]; rows: Omit<LinkRow, 'messageId'>[] };

/** The member's short links to these actions (in the caller's transaction), or why the text cannot carry them. */
export async function memberActionLinks(ctx: StepContext, stepId: string, actionIds: number[]): Promise<MemberLinks | { skip: LinkSkip }> {
  const { trx, workspace, run, now } = ctx;
  if (ctx.publicUrl === undefined) throw new Error('this workflow engine has no public URL to build links to actions on');
  const pages: string[] = [];
  for (const actionId of actionIds) {
    const action = await ctx.cache.action(trx, workspace.id, actionId);
    if (!action) return { skip: 'action_missing' };
    if (action.status !== 'published') return { skip: 'action_not_open' };
    pages.push(
      withUtm(`${ctx.publicUrl}${actionPath(workspace.slug, action)}`, {
        source: 'sms',
        medium: 'workflow',
        campaign: `workflow-${run.workflowId}`,
        content: stepId,
      }),
    );
  }
  const targets = await ensureLinkTargets(trx, { workspaceId: workspace.id, broadcastId: null, urls: pages, now });
  const base = shortLinkBase(workspace.shortLinkBase, ctx.publicUrl);
  const urls: string[] = [];
  const rows: MemberLinks['rows'] = [];
  for (const page of pages) {
    const targetId = targets.get(page);
    if (targetId === undefined) throw new Error('the link target of an action link was not stored');
    const code = newLinkCode();
    rows.push({ code, workspaceId: workspace.id, targetId, memberId: run.memberId, broadcastId: null, createdAt: now });
    urls.push(shortLinkUrl(base, code));
  }
  return { urls, rows };
}

/** The rendered text with each marker replaced by its link. */
export function fillActionLinks(rendered: string, urls: readonly string[]): string {
  return rendered.replace(MARKER, (_match, index: string) => urls[Number(index)] ?? '');
}
