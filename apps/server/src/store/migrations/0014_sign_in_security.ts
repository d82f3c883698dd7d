import type { Kysely, Migration } from 'kysely';

/**
 * Sign-in protection (issue 17): failed sign-ins per username and per client address with the lock
 * they earned (growing delays, lifted by an administrator), and an administrator's TOTP second
 * factor: the confirmed secret, one pending enrollment, and the last time step used (no replay).
 */
export const signInSecurityMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sign_in_throttles')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .execute();
    await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_pending_secret', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
    await db.schema.alterTable('users').dropColumn('totp_pending_secret').execute();
    await db.schema.alterTable('users').dropColumn('totp_secret').execute();
    await db.schema.dropTable('sign_in_throttles').execute();
  },
};
