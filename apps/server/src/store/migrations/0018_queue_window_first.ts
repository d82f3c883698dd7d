import type { Kysely, Migration } from 'kysely';

/**
 * A queue's window-first option (issue 14): conversations whose customer's reply window closes
 * within the threshold are offered first, never ahead of one that arrived more than the bound
 * before them. Both null: the option is off (arrival order).
 *
 * A queue's sticky-agent time (issue 15), and a waiting conversation's reservation for the agent
 * who last served its customer (until `preferred_until`).
 */
export const queueWindowFirstMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('queues').addColumn('window_first_threshold_ms', 'bigint').execute();
    await db.schema.alterTable('queues').addColumn('window_first_max_overtake_ms', 'bigint').execute();
    await db.schema.alterTable('queues').addColumn('sticky_agent_ms', 'bigint').execute();
    await db.schema.alterTable('conversations').addColumn('preferred_agent_id', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('preferred_until', 'bigint').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('conversations').dropColumn('preferred_until').execute();
    await db.schema.alterTable('conversations').dropColumn('preferred_agent_id').execute();
    await db.schema.alterTable('queues').dropColumn('sticky_agent_ms').execute();
    await db.schema.alterTable('queues').dropColumn('window_first_max_overtake_ms').execute();
    await db.schema.alterTable('queues').dropColumn('window_first_threshold_ms').execute();
  },
};
