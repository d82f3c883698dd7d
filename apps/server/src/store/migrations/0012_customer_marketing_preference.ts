import type { Kysely, Migration } from 'kysely';

/**
 * A customer's marketing preference as WhatsApp reports it (`user_preferences`: they tapped "Stop"
 * on a business's marketing messages): when they opted out, null while they accept them.
 */
export const customerMarketingPreferenceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('customers').addColumn('marketing_opted_out_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('customers').dropColumn('marketing_opted_out_at').execute();
  },
};
