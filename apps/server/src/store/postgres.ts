import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { DeferringPostgresDialect } from './deferred-writes.ts';
import { createKyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrate.ts';
import type { Store } from './port.ts';
import type { Database } from './schema.ts';

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /**
   * Schema to keep the tables in: created if missing and put first on every connection's
   * search_path. Tests use a fresh one each so they never see each other's rows.
   */
  readonly schema?: string;
  /** Most pooled connections (pg's default: 10). */
  readonly maxConnections?: number;
  /**
   * Called when an idle pooled connection fails (server restart, network): pg drops it and the
   * next query opens another. Without a listener the pool's 'error' event would crash the process.
   */
  readonly onIdleError?: (error: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * int8 (bigint) arrives from pg as a string, so that no precision is lost silently; our int8
 * columns hold epoch milliseconds and counters, always safe integers, so they come back as
 * numbers (and anything else fails loudly). Set per pool rather than on pg's global registry, so
 * other users of pg in the process are untouched.
 */
const INT8_OID: number = pg.types.builtins.INT8;
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error('int8 value out of the safe integer range');
  return value;
}

/** Connects to PostgreSQL at `url` (postgres://...), migrates, and returns the store. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error('schema name must be lower-case letters, digits and underscores');
  }
  const pool = new pg.Pool({ connectionString: url, types: PG_TYPES, max: options.maxConnections });
  pool.on('error', (error) => options.onIdleError?.(error));
  // A connection checked out by a transaction that the server cuts between two queries emits
  // 'error' on its client, not on the pool: unheard, it would crash the process. The transaction's
  // next query fails (the request answers 503) and the pool drops the client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onIdleError?.(error));
  });
  const db = new Kysely<Database>({
    dialect: new DeferringPostgresDialect({
      pool,
      // Kysely runs this once per new pooled connection.
      onCreateConnection: async (connection) => {
        if (schema !== undefined)
          await connection.executeQuery(sql`set search_path to ${sql.id(schema)}`.compile(db));
      },
    }),
  });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db, 'postgres', schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, 'postgres');
}
