import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { SurveySendStatus, SurveySendsTable } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';
import { countAudience, type ResolvedAudience, resolveAudience } from '../messaging/audience.ts';

// Survey sends as stored: who they are for (members chosen by id, communities, tags), where the job is, what it did.

export type SurveySendRow = Selectable<SurveySendsTable>;

/** Statuses in which a send still has members to ask: at most one per survey (survey_sends_active_uq). */
export const ACTIVE_SEND_STATUSES: readonly SurveySendStatus[] = ['queued', 'running'];

const storedAudienceSchema = z.object({
  memberIds: z.array(z.number().int().positive()).default([]),
  communityIds: z.array(z.number().int().positive()).default([]),
  tags: z.array(z.string()).default([]),
});

/** A send's audience; member ids in ascending order (the order the job asks them in). */
export type SendAudience = { memberIds: number[]; communityIds: number[]; tags: string[] };

export function storeSendAudience(audience: SendAudience): string {
  return JSON.stringify({
    memberIds: [...new Set(audience.memberIds)].sort((a, b) => a - b),
    communityIds: [...new Set(audience.communityIds)].sort((a, b) => a - b),
    tags: [...new Set(audience.tags)],
  });
}

export function storedSendAudience(json: string): SendAudience {
  const parsed = storedAudienceSchema.parse(JSON.parse(json));
  return { ...parsed, memberIds: [...parsed.memberIds].sort((a, b) => a - b) };
}

export async function findSend(executor: Executor, workspaceId: number, sendId: number): Promise<SurveySendRow | undefined> {
  return executor
    .selectFrom('survey_sends')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', sendId)
    .executeTakeFirst();
}

/** The survey's send that is queued or running, if any. */
export async function activeSend(executor: Executor, workspaceId: number, surveyId: number): Promise<SurveySendRow | undefined> {
  return executor
    .selectFrom('survey_sends')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('status', 'in', [...ACTIVE_SEND_STATUSES])
    .executeTakeFirst();
}

/**
 * How many members a send is for: every member chosen by id (found or not: each is counted when processed), and the
 * live members of its communities (sub-communities included) or tags who were not chosen by id.
 */
export async function countSendAudience(executor: Executor, workspaceId: number, audience: SendAudience): Promise<number> {
  const listed = audience.memberIds;
  if (audience.communityIds.length === 0 && audience.tags.length === 0) return listed.length;
  const resolved = await resolveAudience(executor, workspaceId, { communityIds: audience.communityIds, tags: audience.tags });
  const { total } = await countAudience(executor, workspaceId, resolved, 'sms');
  if (listed.length === 0) return total;
  return listed.length + total - (await countListedInAudience(executor, workspaceId, resolved, listed));
}

/** Live members chosen by id who are also in the communities or tags (counted once). */
async function countListedInAudience(executor: Executor, workspaceId: number, audience: ResolvedAudience, listed: readonly number[]) {
  const row = await executor
    .selectFrom('members as m')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.workspace_id', '=', workspaceId)
    .where('m.id', 'in', [...listed])
    .where('m.merged_into', 'is', null)
    .where('m.erased_at', 'is', null)
    .where((eb) => {
      const branches = [];
      if (audience.communityIds.length > 0) {
        branches.push(
          eb(
            'm.id',
            'in',
            eb
              .selectFrom('memberships')
              .select('memberships.member_id')
              .where('memberships.workspace_id', '=', workspaceId)
              .where('memberships.community_id', 'in', [...audience.communityIds])
              .where('memberships.status', '=', 'active'),
          ),
        );
      }
      if (audience.tags.length > 0) {
        branches.push(
          eb(
            'm.id',
            'in',
            eb
              .selectFrom('member_tags')
              .select('member_tags.member_id')
              .where('member_tags.workspace_id', '=', workspaceId)
              .where('member_tags.tag', 'in', [...audience.tags]),
          ),
        );
      }
      return eb.or(branches);
    })
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sends of a survey with what the list shows about them: the names of their communities and of who sent them. */
export async function sendViews(executor: Executor, workspaceId: number, rows: readonly SurveySendRow[]) {
  const audiences = new Map(rows.map((row) => [row.id, storedSendAudience(row.audience)]));
  const communityIds = [...new Set([...audiences.values()].flatMap((a) => a.communityIds))];
  const userIds = [...new Set(rows.flatMap((row) => (row.created_by === null ? [] : [row.created_by])))];
  const [communities, users] = await Promise.all([
    communityIds.length === 0
      ? []
      : executor
          .selectFrom('communities')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', communityIds)
          .execute(),
    userIds.length === 0 ? [] : executor.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute(),
  ]);
  const communityName = new Map(communities.map((c) => [Number(c.id), c.name]));
  const userName = new Map(users.map((u) => [Number(u.id), u.name]));
  return rows.map((row) => {
    const audience = audiences.get(row.id) as SendAudience;
    return {
      id: row.id,
      surveyId: row.survey_id,
      status: row.status,
      audience: {
        memberCount: audience.memberIds.length,
        communities: audience.communityIds.flatMap((id) => {
          const name = communityName.get(id);
          return name === undefined ? [] : [{ id, name }];
        }),
        tags: audience.tags,
      },
      total: row.total,
      processed: row.processed,
      started: row.started_count,
      skipped: {
        noConsent: row.skipped_no_consent,
        alreadyStarted: row.skipped_already_started,
        alreadyCompleted: row.skipped_already_completed,
        notFound: row.skipped_not_found,
        frequencyCap: row.skipped_frequency_cap,
      },
      error: row.error,
      createdBy: row.created_by === null ? null : { id: row.created_by, name: userName.get(row.created_by) ?? '' },
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  });
}
