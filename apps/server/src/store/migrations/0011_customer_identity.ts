import type { Kysely, Migration } from 'kysely';

/**
 * A customer's WhatsApp identity beyond the phone number (2026: business-scoped user ids). A
 * customer stays one row keyed by `wa_id` — Meta's wa_id when their number is known, else their
 * business-scoped user id (the two never look alike: a wa_id is digits) — and gains `user_id`
 * (the BSUID, unique per business number when present) and `username`.
 */
export const customerIdentityMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('customers').addColumn('user_id', 'text').execute();
    await db.schema.alterTable('customers').addColumn('username', 'text').execute();
    // NULLs never collide in a unique index (SQLite and PostgreSQL): customers without one are free.
    await db.schema
      .createIndex('customers_number_user_id_key')
      .unique()
      .on('customers')
      .columns(['business_number_id', 'user_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('customers_number_user_id_key').execute();
    await db.schema.alterTable('customers').dropColumn('username').execute();
    await db.schema.alterTable('customers').dropColumn('user_id').execute();
  },
};
