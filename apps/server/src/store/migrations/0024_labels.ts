import type { Kysely, Migration } from 'kysely';

/**
 * Issue 18 (ADR 26): labels on conversations. `labels` are the administrator's (a name unique
 * case-insensitively through `name_key`, a color token of the palette, a description);
 * `conversation_labels` say which conversation carries which, with the conversation's arrival
 * instant (`started_at`, as in interaction_events) so the labels report counts by arrival bucket
 * without joining conversations.
 */
export const labelsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('labels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      // The name lower-cased: unique, so "Refund" and "refund" are one label.
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('color', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('conversation_labels')
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('label_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('set_at', 'bigint', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label_id'])
      .execute();
    // The search filter and deleting a label go by label; the report by label and arrival.
    await db.schema
      .createIndex('conversation_labels_label_idx')
      .on('conversation_labels')
      .columns(['label_id', 'started_at'])
      .execute();
    await db.schema
      .createIndex('conversation_labels_started_idx')
      .on('conversation_labels')
      .column('started_at')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('conversation_labels').execute();
    await db.schema.dropTable('labels').execute();
  },
};
