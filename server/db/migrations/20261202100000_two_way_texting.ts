import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Two-way texting: keyword triggers (match rules, auto-replies, double opt-in confirmations), the inbox
// (conversations per member with assignment, tags, notes, canned responses), SMS surveys (questions, responses,
// answers and live tallies) and peer-to-peer campaigns (a script, contacts handed to texters in batches).
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  // ── Keywords: any kind of trigger, not only community joins ─────────────
  await db.schema
    .alterTable('keywords')
    .addColumn('match', 'text', (c) => c.notNull().defaultTo('exact')) // exact | first_word
    .execute();
  await db.schema.alterTable('keywords').addColumn('reply', 'text').execute(); // auto-reply (Liquid); NULL: the default
  await db.schema
    .alterTable('keywords')
    .addColumn('confirm', 'integer', (c) => c.notNull().defaultTo(1)) // double opt-in before joining without consent
    .execute();
  await db.schema.alterTable('keywords').addColumn('link_url', 'text').execute(); // target_type 'link'
  await db.schema
    .alterTable('keywords')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('keywords').addColumn('updated_at', ts).execute();

  // A keyword join waiting for the member's YES: the exact confirmation text sent is what consent is recorded with.
  await withId(db.schema.createTable('keyword_confirmations'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('keyword_id', ts, (c) => c.notNull().references('keywords.id').onDelete('cascade'))
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | confirmed | expired
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('confirmed_at', ts)
    .execute();
  await db.schema
    .createIndex('keyword_confirmations_member_idx')
    .on('keyword_confirmations')
    .columns(['workspace_id', 'member_id', 'status'])
    .execute();

  // ── SMS surveys ────────────────────────────────────────────────────────
  await withId(db.schema.createTable('surveys'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | open | closed
    .addColumn('intro', 'text', (c) => c.notNull().defaultTo('')) // sent before the first question
    .addColumn('outro', 'text', (c) => c.notNull().defaultTo('')) // sent after the last answer
    .addColumn('started_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('handed_off_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('surveys_workspace_idx').on('surveys').columns(['workspace_id', 'id']).execute();

  await withId(db.schema.createTable('survey_questions'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('survey_id', ts, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // choice | scale | nps | text | yes_no
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}')) // JSON: { choices: [{ key, label }] } | { min, max }
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_questions_survey_idx').on('survey_questions').columns(['survey_id', 'position']).execute();

  // One response per member and survey; `question_id` is the question waiting for an answer.
  await withId(db.schema.createTable('survey_responses'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('survey_id', ts, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull()) // sms | web
    .addColumn('status', 'text', (c) => c.notNull()) // in_progress | completed | handed_off | stopped
    .addColumn('question_id', ts)
    .addColumn('reasks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sender_id', ts)
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('completed_at', ts)
    .addUniqueConstraint('survey_responses_uq', ['survey_id', 'member_id'])
    .execute();
  await db.schema
    .createIndex('survey_responses_member_idx')
    .on('survey_responses')
    .columns(['workspace_id', 'member_id', 'status'])
    .execute();

  await withId(db.schema.createTable('survey_answers'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('survey_id', ts, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('response_id', ts, (c) => c.notNull().references('survey_responses.id').onDelete('cascade'))
    .addColumn('question_id', ts, (c) => c.notNull().references('survey_questions.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull()) // choice key, number, yes | no, or the text
    .addColumn('raw', 'text', (c) => c.notNull()) // what the member wrote
    .addColumn('message_id', ts)
    .addColumn('answered_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('survey_answers_uq', ['response_id', 'question_id'])
    .execute();
  await db.schema.createIndex('survey_answers_question_idx').on('survey_answers').columns(['question_id', 'id']).execute();

  // Live results without scanning answers: one counter per question and value ('*' counts free-text answers).
  await db.schema
    .createTable('survey_tallies')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('survey_id', ts, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('question_id', ts, (c) => c.notNull().references('survey_questions.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('survey_tallies_pk', ['question_id', 'value'])
    .execute();

  // ── Peer-to-peer campaigns ──────────────────────────────────────────────
  await withId(db.schema.createTable('p2p_campaigns'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | loading | active | paused | closed
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON: { communityIds, tags }
    .addColumn('sender_id', ts, (c) => c.references('senders.id').onDelete('set null'))
    .addColumn('script', 'text', (c) => c.notNull()) // JSON: { initial, question, answers, responses }
    .addColumn('batch_size', 'integer', (c) => c.notNull().defaultTo(50))
    .addColumn('load_cursor', ts, (c) => c.notNull().defaultTo(0))
    .addColumn('contact_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replied_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opted_out_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('launched_at', ts)
    .addColumn('closed_at', ts)
    .execute();
  await db.schema.createIndex('p2p_campaigns_workspace_idx').on('p2p_campaigns').columns(['workspace_id', 'id']).execute();

  await withId(db.schema.createTable('p2p_contacts'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('campaign_id', ts, (c) => c.notNull().references('p2p_campaigns.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('texter_id', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull()) // pending | assigned | sent | skipped
    .addColumn('skip_reason', 'text')
    .addColumn('message_id', ts)
    .addColumn('answer', 'text') // the answer key the texter tagged
    .addColumn('assigned_at', ts)
    .addColumn('sent_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('p2p_contacts_uq', ['campaign_id', 'member_id'])
    .execute();
  await db.schema.createIndex('p2p_contacts_queue_idx').on('p2p_contacts').columns(['campaign_id', 'status', 'id']).execute();
  await db.schema.createIndex('p2p_contacts_texter_idx').on('p2p_contacts').columns(['campaign_id', 'texter_id', 'status', 'id']).execute();

  // ── The inbox ───────────────────────────────────────────────────────────
  // One conversation per member: the thread is every message to and from the member (messages.member_id).
  await withId(db.schema.createTable('conversations'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('assignee_id', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('campaign_id', ts, (c) => c.references('p2p_campaigns.id').onDelete('set null'))
    .addColumn('needs_response', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unread', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flag', 'text') // possible_opt_out | opted_out
    .addColumn('preview', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_direction', 'text') // in | out
    .addColumn('last_message_id', ts)
    .addColumn('last_message_at', ts, (c) => c.notNull())
    .addColumn('last_inbound_at', ts)
    .addColumn('last_outbound_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('conversations_member_uq', ['workspace_id', 'member_id'])
    .execute();
  // Live updates: what changed since the last look.
  await db.schema.createIndex('conversations_updated_idx').on('conversations').columns(['workspace_id', 'updated_at']).execute();
  await db.schema
    .createIndex('conversations_list_idx')
    .on('conversations')
    .columns(['workspace_id', 'status', 'last_message_at'])
    .execute();
  await db.schema
    .createIndex('conversations_assignee_idx')
    .on('conversations')
    .columns(['workspace_id', 'assignee_id', 'status', 'last_message_at'])
    .execute();

  await db.schema
    .createTable('conversation_tags')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('conversation_id', ts, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_tags_pk', ['conversation_id', 'tag'])
    .execute();
  await db.schema.createIndex('conversation_tags_tag_idx').on('conversation_tags').columns(['workspace_id', 'tag']).execute();

  await withId(db.schema.createTable('conversation_notes'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('conversation_id', ts, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_notes_idx').on('conversation_notes').columns(['conversation_id', 'id']).execute();

  await withId(db.schema.createTable('canned_responses'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // Liquid: {{ member.first_name }}, {{ texter.first_name }}
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('archived_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('canned_responses_workspace_idx').on('canned_responses').columns(['workspace_id', 'id']).execute();

  // Who typed an outbound text (a texter in the inbox or a P2P campaign), and the campaign it belongs to.
  await db.schema.alterTable('messages').addColumn('sent_by', ts).execute();
  await db.schema.alterTable('messages').addColumn('campaign_id', ts).execute();
  await db.schema
    .createIndex('messages_campaign_idx')
    .on('messages')
    .columns(['campaign_id'])
    .where(sql.ref('campaign_id'), 'is not', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('messages_campaign_idx').ifExists().execute();
  await db.schema.alterTable('messages').dropColumn('campaign_id').execute();
  await db.schema.alterTable('messages').dropColumn('sent_by').execute();
  for (const table of [
    'canned_responses',
    'conversation_notes',
    'conversation_tags',
    'conversations',
    'p2p_contacts',
    'p2p_campaigns',
    'survey_tallies',
    'survey_answers',
    'survey_responses',
    'survey_questions',
    'surveys',
    'keyword_confirmations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  for (const column of ['match', 'reply', 'confirm', 'link_url', 'uses', 'updated_at']) {
    await db.schema.alterTable('keywords').dropColumn(column).execute();
  }
}
