import type { Executor } from '../members/members.repo.ts';

/** Saved replies the demo workspace starts with, showing the variables a reply can use. */
const DEMO_REPLIES = [
  {
    title: 'Thanks for writing',
    body: 'Thanks for writing, {{ member.first_name | default: "friend" }}! This is {{ texter.first_name }} with {{ workspace.name }}. I will get back to you shortly.',
  },
  {
    title: 'Event details',
    body: 'Hi {{ member.first_name | default: "there" }}, the rally is Saturday at 10am at City Hall. Bring a friend! – {{ texter.first_name }}',
  },
  {
    title: 'How to stop texts',
    body: 'No problem, {{ member.first_name | default: "friend" }}. Reply STOP at any time and {{ workspace.name }} will not text you again.',
  },
] as const;

/** Creates the demo workspace's saved replies (once: nothing is added when it already has some). */
export async function seedDemoInbox(db: Executor, input: { workspaceId: number; now: number }): Promise<void> {
  const existing = await db
    .selectFrom('canned_responses')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .limit(1)
    .executeTakeFirst();
  if (existing) return;
  await db
    .insertInto('canned_responses')
    .values(
      DEMO_REPLIES.map((reply) => ({
        workspace_id: input.workspaceId,
        title: reply.title,
        body: reply.body,
        created_by: null,
        created_at: input.now,
        updated_at: input.now,
      })),
    )
    .execute();
}
