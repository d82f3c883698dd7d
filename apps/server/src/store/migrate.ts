import { Migrator, type Kysely } from 'kysely';
import { staticMigrationProvider, type MigrationDialect } from './migrations/index.ts';
import type { Database } from './schema.ts';

/**
 * Runs every migration not yet applied. Kysely's migrator locks first (on PostgreSQL a session
 * advisory lock; SQLite has one connection anyway), so nodes starting together migrate once.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: MigrationDialect,
  schema?: string,
): Promise<void> {
  // With a schema, Kysely's bookkeeping tables go there too: its existence check looks across all
  // schemas, so another schema's tables would otherwise be mistaken for ours.
  const migrator = new Migrator({
    db,
    provider: staticMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
}
