/**
 * The storage layer: the `Store` port and its two adapters. Callers depend on the port; the
 * composition root picks an adapter with `openStore`.
 */
import { openPostgresStore } from './postgres.ts';
import type { Store } from './port.ts';
import { openSqliteStore } from './sqlite.ts';

export type * from './port.ts';
export { openPostgresStore, type PostgresStoreOptions } from './postgres.ts';
export { openSqliteStore } from './sqlite.ts';
export { isTextLikeType } from './privacy-repository.ts';
export { counted, DEFAULT_SERVICE_LEVEL_MS, zeroSums, type Mutable } from './report-rollup.ts';
export { rebuildReportRollup } from './report-rollup-rows.ts';

/**
 * Opens the store a database URL names, running pending migrations:
 * `postgres://...` or `postgresql://...` for PostgreSQL; `sqlite:<path>`, a plain file path, or
 * `:memory:` for SQLite.
 */
export function openStore(databaseUrl: string, postgresSchema?: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    return openPostgresStore(databaseUrl, postgresSchema === undefined ? {} : { schema: postgresSchema });
  }
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl;
  if (path === '') throw new Error('openStore: empty SQLite path');
  return openSqliteStore(path);
}
