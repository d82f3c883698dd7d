import type { Kysely, Migration } from 'kysely';

/**
 * Issue 15's search filtered by business number or queue (ADR 16): conversations in the order
 * search lists them, per number and per queue, so a filtered search reads its first page and stops
 * instead of sorting every conversation of that number (SQLite, which has no statistics, picks the
 * single-column index and sorts: 150 ms over 1M messages, 0.3 ms with this one; bench/src/search.ts).
 */
export const searchFilterOrderMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('conversations_business_number_received_idx')
      .on('conversations')
      .columns(['business_number_id', 'received_at', 'id'])
      .execute();
    await db.schema
      .createIndex('conversations_queue_received_idx')
      .on('conversations')
      .columns(['queue_id', 'received_at', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('conversations_queue_received_idx').execute();
    await db.schema.dropIndex('conversations_business_number_received_idx').execute();
  },
};
