import type { Kysely, Migration } from 'kysely';

/**
 * Issue 18 (ADR 28): customer satisfaction surveys — one per conversation, sent after its wrap-up
 * when the administrator turned CSAT on, and the customer's answer once recorded.
 */
export const csatMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('csat_surveys')
      .addColumn('conversation_id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      // The outbound message row that asks (its wamid, once sent, is what a reply's context names).
      .addColumn('message_id', 'text', (c) => c.notNull())
      // The owner who wrapped the conversation up: whom the answer is about.
      .addColumn('agent_id', 'text')
      .addColumn('scale', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('answered_at', 'bigint')
      .addColumn('score', 'integer')
      .addColumn('answer_wamid', 'text')
      .execute();
    // The customer's latest survey (a reply without context), and a reply's survey by its message.
    await db.schema
      .createIndex('csat_surveys_customer_idx')
      .on('csat_surveys')
      .columns(['customer_id', 'sent_at'])
      .execute();
    await db.schema.createIndex('csat_surveys_message_idx').on('csat_surveys').column('message_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('csat_surveys').execute();
  },
};
