import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './schema.ts';

const WORKER = new URL('./read-worker.mjs', import.meta.url);

/** What the thread answers to one statement (read-worker.mjs). */
type Answer =
  | { readonly id: number; readonly rows: unknown[] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/** An error the thread reported, with SQLite's code as better-sqlite3 gives it (`SQLITE_BUSY`). */
export class SqliteReaderError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteReaderError';
  }
}

/**
 * A connection to a SQLite file on a worker thread of its own that cannot write (ADR 36): each
 * statement is posted to the thread and its rows come back, so a statement that reads for 100 ms
 * holds that thread, not the event loop. WAL mode lets it read beside the server's connection: it
 * sees what committed before its statement (or its transaction) began. A thread that dies fails
 * what it was running; the next statement starts another.
 */
class ReaderThread implements DatabaseConnection {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
  ) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const worker = this.#running();
    const id = this.#nextId++;
    // Referenced while a statement is under way, so a process whose last work is a read waits for it.
    if (this.#pending.size === 0) worker.ref();
    return new Promise<QueryResult<R>>((resolve, reject) => {
      this.#pending.set(id, { resolve: (rows) => resolve({ rows: rows as R[] }), reject });
      worker.postMessage({ id, sql: compiled.sql, parameters: compiled.parameters });
    });
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('The SQLite reader does not stream: its rows come back from the thread at once');
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    // Referenced until it is gone: unreferenced, a process whose last work is the store's close
    // could exit in the middle of it (ADR 31 met that with the checkpointer's thread).
    worker?.ref();
    await worker?.terminate();
  }

  #running(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(WORKER, { workerData: { path: this.path, busyTimeoutMs: this.busyTimeoutMs } });
    // Idle, it never keeps the process alive.
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (pending === undefined) return;
      this.#pending.delete(answer.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in answer) pending.reject(new SqliteReaderError(answer.error.message, answer.error.code));
      else pending.resolve(answer.rows);
    });
    const gone = (reason: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(reason);
      this.#pending.clear();
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`The SQLite reader's thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}

/** One statement (or transaction) at a time on the thread's one connection, as Kysely's SqliteDriver. */
class ReaderDriver implements Driver {
  readonly #connection: ReaderThread;
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  constructor(path: string, busyTimeoutMs: number) {
    this.#connection = new ReaderThread(path, busyTimeoutMs);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    while (this.#held !== undefined) await this.#held;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
    return this.#connection;
  }

  releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
    return Promise.resolve();
  }

  // A deferred BEGIN: the statements of one transaction read one snapshot, and take no write lock.
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.#connection.close();
  }
}

/** Kysely over a read-only connection to the SQLite file at `path`, on a thread of its own. */
export function openSqliteReader(path: string, busyTimeoutMs: number): Kysely<Database> {
  const dialect: Dialect = {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ReaderDriver(path, busyTimeoutMs),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
  return new Kysely<Database>({ dialect });
}
