import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase as KyselySqlite,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';
import { createKyselyStore, type Durability } from './kysely-store.ts';
import { migrateToLatest } from './migrate.ts';
import { openSqliteReader } from './sqlite-reader.ts';
import type { Store } from './port.ts';
import type { Database } from './schema.ts';
import { BACKSTOP_PAGES, DEFAULT_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer.ts';
import { WalFlush } from './wal-flush.ts';

/** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating it and its directory if needed) the SQLite database at `path` and migrates it.
 * `:memory:` gives a private in-memory database, for tests.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  try {
    // WAL lets readers run beside the writer. A file's commits do not fsync (NORMAL): the store
    // fsyncs the WAL off the event loop before a transaction that wrote is acted on (WalFlush,
    // ADR 12), which is as durable as FULL — NORMAL alone could lose acknowledged commits on power
    // loss (PERFORMANCE.md), and we acknowledge webhooks only after commit.
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(inMemory ? 'synchronous = FULL' : 'synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: statements }) });
  let durability: Durability | undefined;
  let reader: Kysely<Database> | undefined;
  try {
    await migrateToLatest(db, 'sqlite');
    if (!inMemory) {
      const wal = new WalFlush(path);
      // Checkpoints on a thread of their own; the connection's own only past the backstop, or
      // every 1,000 pages again if that thread is gone (ADR 31).
      sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      const checkpointer = new WalCheckpointer(path, {
        onGone: () => sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`),
      });
      durability = {
        writes: () => statements.writes,
        flush: () => {
          checkpointer.poke();
          return wal.flush();
        },
        onFlushed: (listener) => {
          wal.onFlushed = listener;
        },
        // The thread stops before the server's connection closes, which checkpoints what is left.
        close: async () => {
          await checkpointer.close();
          wal.close();
        },
      };
      // Long reads (search) on a thread and a connection of their own (ADR 36). An in-memory
      // database is private to its connection: there they run on it.
      reader = openSqliteReader(path, BUSY_TIMEOUT_MS);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, 'sqlite', durability, reader);
}

/** Distinct SQL texts kept prepared; past this the cache starts over (queries are a fixed set). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew, and better-sqlite3 compiles SQL on each prepare: reusing the
 * prepared statement of the same SQL text roughly halves the cost of a small query (webhook ingest
 * runs a dozen per delivery). Safe because one connection runs one statement at a time.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqlite & { readonly writes: number } {
  const cache = new Map<string, SqliteDatabase.Statement>();
  let writes = 0;
  return {
    close: () => sqlite.close(),
    get writes() {
      return writes;
    },
    prepare(text: string): SqliteStatement {
      let statement = cache.get(text);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = sqlite.prepare(text);
        cache.set(text, statement);
      }
      // Kysely prepares each statement right before running it: this counts the statements that
      // write (the store fsyncs the WAL after a transaction that ran one).
      if (!statement.readonly) writes++;
      return statement;
    },
  };
}

/**
 * Transactions begin IMMEDIATE: they take the write lock at BEGIN, waiting up to the busy timeout.
 * A deferred transaction that reads first and writes later fails at once with SQLITE_BUSY ("database
 * is locked", no wait) when another connection committed in between — the server's single
 * connection never meets that, but a second process on the same file does (a CLI, the crash test).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
