import type { Db } from '../../db/database.ts';
import { insertCampaign } from './p2p.repo.ts';
import { DEFAULT_BATCH_SIZE, type Script } from './p2p.schema.ts';

const DEMO_SCRIPT: Script = {
  initial:
    'Hi {{ member.first_name | default: "there" }}, it\'s {{ texter.first_name }} with {{ workspace.name }}. ' +
    'The city council votes on the Lamar bike lanes Tuesday. Can you come speak up for 2 minutes?',
  question: 'Coming to the council meeting?',
  answers: [
    {
      key: 'yes',
      label: 'Yes, coming',
      tag: 'council-yes',
      reply: "Amazing, thank you {{ member.first_name }}! It's Tuesday 6pm at City Hall, 301 W 2nd St. I'll text you a reminder.",
    },
    {
      key: 'maybe',
      label: 'Maybe',
      tag: 'council-maybe',
      reply: 'No pressure! Could you send a quick comment online instead? https://example.org/comment',
    },
    { key: 'no', label: "Can't come", tag: null, reply: 'Thanks for letting me know. We will keep you posted on the vote.' },
  ],
  responses: [
    { title: 'Who are you?', body: "I'm a volunteer with {{ workspace.name }}, texting neighbors about safe streets." },
    { title: 'Parking', body: 'There is free parking at the garage on Lavaca St after 5pm.' },
  ],
};

/**
 * A draft P2P campaign for the demo workspace (the seed's "something to look at"): its first community as the
 * audience, a script with a question and branching answers. Returns the campaign id.
 */
export async function seedDemoP2p(db: Db, input: { workspaceId: number; userId: number; now: number }): Promise<number> {
  const community = await db
    .selectFrom('communities')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  const row = await insertCampaign(db, {
    workspace_id: input.workspaceId,
    name: 'Council vote turnout',
    status: 'draft',
    audience: JSON.stringify(community ? { communityIds: [community.id], tags: [] } : { communityIds: [], tags: ['volunteer'] }),
    sender_id: null,
    script: JSON.stringify(DEMO_SCRIPT),
    batch_size: DEFAULT_BATCH_SIZE,
    created_by: input.userId,
    created_at: input.now,
    updated_at: input.now,
  });
  return row.id;
}
