import type { Kysely, Migration } from 'kysely';

/**
 * The approved message templates of each business number, synced from its WhatsApp Business
 * Account (`GET /{waba_id}/message_templates`): what an agent may send outside the 24-hour window.
 * Replaced as a whole per number at each sync.
 */
export const messageTemplatesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('message_templates')
      .addColumn('business_number_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      /** JSON: Meta's components (HEADER, BODY, FOOTER, BUTTONS) as listed. */
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('synced_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('message_templates_pk', ['business_number_id', 'name', 'language'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('message_templates').execute();
  },
};
