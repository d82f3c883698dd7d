import type { Kysely, Migration } from 'kysely';

/**
 * When an agent's desktop went away (routing rescinds their offers and holds their conversations
 * for a grace period), and the queue policies of the routing engine: auto wrap-up with a default
 * reason, and a maximum wait after which a conversation overflows to another queue.
 */
export const presenceAndQueuePoliciesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('agents').addColumn('disconnected_at', 'bigint').execute();
    await db.schema.alterTable('queues').addColumn('auto_wrap_up_ms', 'bigint').execute();
    await db.schema.alterTable('queues').addColumn('default_wrap_up_reason_id', 'text').execute();
    await db.schema.alterTable('queues').addColumn('max_wait_ms', 'bigint').execute();
    await db.schema.alterTable('queues').addColumn('overflow_queue_id', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of [
      'overflow_queue_id',
      'max_wait_ms',
      'default_wrap_up_reason_id',
      'auto_wrap_up_ms',
    ]) {
      await db.schema.alterTable('queues').dropColumn(column).execute();
    }
    await db.schema.alterTable('agents').dropColumn('disconnected_at').execute();
  },
};
