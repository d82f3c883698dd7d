import type { Kysely, Migration } from 'kysely';

/**
 * Issue 18: a queue's business hours (weekly intervals and holidays, read in the center's time
 * zone), what becomes of a conversation arriving out of hours (`wait` or `overflow` to another
 * queue), and the out-of-hours reply in English and Italian. No row: always open. ADR 27.
 */
export const businessHoursMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('queue_business_hours')
      .addColumn('queue_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      // JSON: [{ day, from, to }] and ['YYYY-MM-DD'].
      .addColumn('intervals', 'text', (c) => c.notNull())
      .addColumn('holidays', 'text', (c) => c.notNull())
      .addColumn('out_of_hours', 'text', (c) => c.notNull())
      .addColumn('overflow_queue_id', 'text')
      .addColumn('reply_en', 'text', (c) => c.notNull())
      .addColumn('reply_it', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('queue_business_hours').execute();
  },
};
