import type { Kysely, Migration } from 'kysely';

/** The administration data an admin can delete; a deleted row stays so history keeps its name. */
const SOFT_DELETED_TABLES = ['users', 'queues', 'business_numbers', 'wrap_up_reasons', 'idle_codes'] as const;

/**
 * Soft delete (S-7) and the per-queue wrap-up reasons.
 *
 * `deleted_at` marks a deleted row: lists, catalogs and routing targets skip it, while old
 * conversations still show its name. A deleted business number frees its `phone_number_id` (the
 * unique column gets a placeholder, the real id moves to `deleted_phone_number_id`) so the number
 * can be added again, yet later webhooks for it are still recognised and stored. `queues.wrap_up_reason_ids`
 * (JSON array; null = every reason) lists the reasons offered for the queue's conversations.
 */
export const softDeleteMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const table of SOFT_DELETED_TABLES) {
      await db.schema.alterTable(table).addColumn('deleted_at', 'bigint').execute();
    }
    await db.schema.alterTable('business_numbers').addColumn('deleted_phone_number_id', 'text').execute();
    await db.schema.alterTable('queues').addColumn('wrap_up_reason_ids', 'text').execute();
    await db.schema
      .createIndex('business_numbers_deleted_phone_idx')
      .on('business_numbers')
      .column('deleted_phone_number_id')
      .execute();
    await db.schema
      .createIndex('conversations_business_number_idx')
      .on('conversations')
      .column('business_number_id')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('conversations_business_number_idx').execute();
    await db.schema.dropIndex('business_numbers_deleted_phone_idx').execute();
    await db.schema.alterTable('queues').dropColumn('wrap_up_reason_ids').execute();
    await db.schema.alterTable('business_numbers').dropColumn('deleted_phone_number_id').execute();
    for (const table of SOFT_DELETED_TABLES) {
      await db.schema.alterTable(table).dropColumn('deleted_at').execute();
    }
  },
};
