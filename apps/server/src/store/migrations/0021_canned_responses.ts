import type { Kysely, Migration } from 'kysely';

/**
 * Issue 18: canned responses — a queue's (kept by supervisors and administrators) and an agent's
 * own (personal) — found by a short shortcut in the composer (`/greet`), their text filled from
 * the customer and the conversation's CAD variables when used.
 */
export const cannedResponsesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('canned_responses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Exactly one of the two: a queue's response, or an agent's own.
      .addColumn('queue_id', 'text')
      .addColumn('owner_user_id', 'text')
      .addColumn('shortcut', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('language', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('canned_responses_queue_idx')
      .on('canned_responses')
      .column('queue_id')
      .execute();
    await db.schema
      .createIndex('canned_responses_owner_idx')
      .on('canned_responses')
      .column('owner_user_id')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('canned_responses').execute();
  },
};
