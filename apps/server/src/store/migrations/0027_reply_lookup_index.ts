import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The reactions of a page of messages are found by the wamids they point at, in any conversation
 * (a wamid is unique): `messages_reply_to_idx` began with `conversation_id`, so that lookup read
 * the whole messages table each time a conversation was opened (40 ms at 29k messages, on the
 * event loop). It now holds only the messages that point at another, by that wamid: inbound text,
 * nearly every row, no longer writes an index entry at all.
 */
export const replyLookupIndexMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('messages_reply_to_idx').execute();
    await db.schema
      .createIndex('messages_reply_to_idx')
      .on('messages')
      .column('reply_to_wamid')
      .where(sql.ref('reply_to_wamid'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('messages_reply_to_idx').execute();
    await db.schema
      .createIndex('messages_reply_to_idx')
      .on('messages')
      .columns(['conversation_id', 'reply_to_wamid'])
      .execute();
  },
};
