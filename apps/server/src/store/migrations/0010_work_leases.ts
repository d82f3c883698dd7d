import type { Kysely, Migration } from 'kysely';

/**
 * Leases on background work that is not a row of its own (a number's periodic template sync), so
 * that with several nodes on one database one node does it per period: a lease is held by one
 * holder until `held_until` (epoch ms), then anyone may take it over (a dead node's lease lapses).
 */
export const workLeasesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('work_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('held_until', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('work_leases').execute();
  },
};
