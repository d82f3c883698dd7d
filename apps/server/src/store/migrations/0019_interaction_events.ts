import type { Kysely, Migration } from 'kysely';

/**
 * Issue 16, historical reports (ADR 22): the append-only interaction-event table the routing shell
 * writes in the same transaction as each decision, and a queue's service-level threshold.
 *
 * Events name customers, conversations, agents, queues, numbers and reasons by id only: no names,
 * numbers or text, so erasing a customer leaves the figures untouched. `started_at` is the
 * conversation's arrival (its customer's first message): reports group a conversation's events
 * in the bucket it arrived in (ADR 22). The two indexes serve the two reads: a report's range of
 * arrivals, and one conversation's events of a kind (first answer, first response, abandonment).
 */
export const interactionEventsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('interaction_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('queue_id', 'text')
      .addColumn('agent_id', 'text')
      .addColumn('business_number_id', 'text')
      .addColumn('duration_ms', 'bigint')
      .addColumn('reason_id', 'text')
      .addColumn('detail', 'text')
      .execute();
    await db.schema
      .createIndex('interaction_events_started_idx')
      .on('interaction_events')
      .columns(['started_at', 'kind'])
      .execute();
    await db.schema
      .createIndex('interaction_events_conversation_idx')
      .on('interaction_events')
      .columns(['conversation_id', 'kind'])
      .execute();
    await db.schema.alterTable('queues').addColumn('service_level_ms', 'bigint').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('queues').dropColumn('service_level_ms').execute();
    await db.schema.dropTable('interaction_events').execute();
  },
};
