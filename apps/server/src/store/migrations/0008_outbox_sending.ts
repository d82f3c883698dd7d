import type { Kysely, Migration } from 'kysely';

/**
 * At-most-once sending (ADR 0008): an outbox row is marked `sending_at` in its own committed
 * transaction before the Graph call. A row found still marked after a crash is never resent blindly.
 */
export const outboxSendingMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('outbox').addColumn('sending_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('outbox').dropColumn('sending_at').execute();
  },
};
