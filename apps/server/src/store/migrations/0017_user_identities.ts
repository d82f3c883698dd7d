import type { Kysely, Migration } from 'kysely';

/**
 * Issue 17, single sign-on: a staff user linked to the subject (`sub`) an OpenID Connect issuer
 * vouches for. The pair (issuer, subject) is the identity: usernames may change at the provider,
 * the subject does not. A user may also keep a local password.
 */
export const userIdentitiesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('user_identities')
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_identities_pkey', ['issuer', 'subject'])
      .execute();
    await db.schema.createIndex('user_identities_user_idx').on('user_identities').column('user_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('user_identities').execute();
  },
};
