import type { Kysely, Migration } from 'kysely';

/**
 * Issue 17, retention: the job deletes messages and media by age, a batch at a time, oldest
 * first; these indexes keep each batch from scanning history. (Webhook deliveries, the audit log
 * and agent events are indexed by time already.) The retention periods themselves are settings.
 */
export const retentionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('messages_created_idx').on('messages').column('created_at').execute();
    await db.schema.createIndex('media_created_idx').on('media').column('created_at').execute();
    await db.schema.createIndex('media_conversation_idx').on('media').column('conversation_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('media_conversation_idx').execute();
    await db.schema.dropIndex('media_created_idx').execute();
    await db.schema.dropIndex('messages_created_idx').execute();
  },
};
