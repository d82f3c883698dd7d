import type { Kysely, Migration } from 'kysely';

/**
 * What a message carries besides its text (media, location, contacts, replies...) as JSON, the
 * wamid a reply quotes, and the media files of messages: downloaded from WhatsApp after ingest
 * (inbound) or uploaded by an agent (outbound), with the fetcher's retry state.
 */
export const messageContentAndMediaMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('messages').addColumn('content', 'text').execute();
    await db.schema.alterTable('messages').addColumn('reply_to_wamid', 'text').execute();
    // Reactions and quotes find their target by wamid within a conversation.
    await db.schema
      .createIndex('messages_reply_to_idx')
      .on('messages')
      .columns(['conversation_id', 'reply_to_wamid'])
      .execute();

    await db.schema
      .createTable('media')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('business_number_id', 'text', (c) => c.notNull())
      /** Null for an agent's upload until it is sent. */
      .addColumn('message_id', 'text')
      .addColumn('direction', 'text', (c) => c.notNull())
      /** WhatsApp's media id: the inbound one to fetch, or the id our upload got. */
      .addColumn('wa_media_id', 'text')
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('sha256', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      /** When the fetcher should try next; null unless pending. */
      .addColumn('due_at', 'bigint')
      .addColumn('storage_key', 'text')
      .addColumn('size', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('media_due_idx').on('media').columns(['status', 'due_at']).execute();
    await db.schema.createIndex('media_message_idx').on('media').column('message_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('media').execute();
    await db.schema.dropIndex('messages_reply_to_idx').execute();
    await db.schema.alterTable('messages').dropColumn('reply_to_wamid').execute();
    await db.schema.alterTable('messages').dropColumn('content').execute();
  },
};
