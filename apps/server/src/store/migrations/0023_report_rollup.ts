import { sql, type Kysely, type Migration } from 'kysely';
import { rebuildReportRollup } from '../report-rollup-rows.ts';
import type { MigrationDialect } from './0001_initial.ts';

/**
 * Issue 16, reports over a million conversations (ADR 22, "Roll-up"): the interaction events'
 * sums per slot of arrival, dimension and measure, and the queued events still unanswered, both
 * kept in the transaction that appends the events; then built from the events already stored.
 *
 * On SQLite the roll-up is a `WITHOUT ROWID` table: its primary key is the table, so a report's
 * range scan reads the sums in the index it walks.
 */
export function reportRollupMigration(dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('report_rollup')
        .addColumn('grain', 'bigint', (c) => c.notNull())
        .addColumn('dim', 'text', (c) => c.notNull())
        .addColumn('slot', 'bigint', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('measure', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_rollup_pk', ['grain', 'dim', 'slot', 'key', 'measure'])
        .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      await db.schema
        .createTable('report_waiting')
        .addColumn('queued_event_id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        .addColumn('queue_id', 'text')
        .addColumn('business_number_id', 'text')
        .addColumn('last_message_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('report_waiting_conversation_idx')
        .on('report_waiting')
        .column('conversation_id')
        .execute();
      await db.schema
        .createIndex('report_waiting_started_idx')
        .on('report_waiting')
        .column('started_at')
        .execute();
      await rebuildReportRollup(db, dialect);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('report_waiting').execute();
      await db.schema.dropTable('report_rollup').execute();
    },
  };
}
