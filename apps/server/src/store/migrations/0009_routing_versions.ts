import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The routing world kept in memory (ADR 0010): every routing transaction bumps one version stamp
 * and logs which agents, queues, conversations and offers it wrote, so a process whose copy is
 * older reads only those rows to catch up. `pruned_through` is the newest version whose log rows
 * are gone: a process older than it reloads the world instead.
 */
export const routingVersionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('routing_version')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('pruned_through', 'bigint', (c) => c.notNull())
      .execute();
    await db
      .insertInto('routing_version' as never)
      .values({ id: 1, version: 0, pruned_through: 0 })
      .execute();
    await db.schema
      .createTable('routing_changes')
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('routing_changes_pk', ['version', 'kind', 'id'])
      .execute();
    // The world's load at start reads exactly these rows; a closed conversation whose
    // participants all wrapped up (history) is outside the index.
    await db.schema
      .createIndex('conversations_routing_live_idx')
      .on('conversations')
      .column('id')
      .where(sql<boolean>`phase_kind <> 'closed' or departed <> '[]'`)
      .execute();
    await db.schema
      .createIndex('offers_pending_idx')
      .on('offers')
      .column('id')
      .where(sql<boolean>`status_kind = 'pending'`)
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('offers_pending_idx').execute();
    await db.schema.dropIndex('conversations_routing_live_idx').execute();
    await db.schema.dropTable('routing_changes').execute();
    await db.schema.dropTable('routing_version').execute();
  },
};
