import {
  CompiledQuery,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Deferred writes (ADR 38). On PostgreSQL every statement of a transaction is a round trip, and the
 * webhook batch's transaction holds the routing lock, which the next batch waits for, from its
 * decision to its commit: the statements it runs there bound the ingest (P6). Most of them are
 * writes whose result nobody reads: the raw deliveries, the new conversations, the customers' last
 * message times, the report sums and waiting rows, the interaction events, the routing change log
 * and version.
 *
 * Such a write, marked by `deferredWrite`, is kept by the transaction's connection instead of sent,
 * and goes with the writes kept after it, as one statement (`with w0 as (...), w1 as (...) select 1`),
 * just before the next statement that is not one of them: a read, a write whose result is used, or
 * the commit. So they run in the order written and before anything could observe them; the
 * transaction's outcome is the same, in fewer round trips. A rollback drops them.
 *
 * Rules that keep the one statement equal to the writes one after another:
 * - the statements of one PostgreSQL statement all see the database as it was before it, and one
 *   row changed twice in it is undefined: a deferred write on a table that already has one waiting
 *   sends the waiting ones first (`table`);
 * - constraints are checked at the end of the statement, which is what the writes one by one would
 *   pass too (a row inserted before the write that refers to it);
 * - a deferred write's result is empty: only writes whose caller ignores it are marked, and only
 *   inside a transaction (outside one, each statement has a connection of its own: it is sent now);
 * - its error, if any, is the error of the statement that sends it: the transaction fails and rolls
 *   back as it would have; no deferred write has an error its caller handles.
 *
 * A statement marked by `carrier` with the tables it reads or changes (a read, or a write whose
 * result is used) carries the kept writes when it touches none of theirs: `with w0 as (...) select
 * ...` or `with w0 as (...) insert ... returning ...`. It could not see them anyway, and they cost no
 * round trip of their own. The tables its foreign keys name do not count: constraints are checked
 * at the end of the statement, after the kept writes (a message may refer to a conversation kept
 * before it). A table a kept write changes includes one its triggers or cascades change; none of
 * the marked writes has either.
 *
 * SQLite has no round trips: there the marks are ignored and every statement runs at once.
 */

/** What each deferred write changes, by its compiled query: a table, or a part of one. */
const deferredTables = new WeakMap<CompiledQuery, DeferredTarget>();

interface DeferredTarget {
  readonly table: string;
  readonly part: string | undefined;
}
/** The tables each carrier reads or changes. */
const carrierTables = new WeakMap<CompiledQuery, readonly string[]>();

/**
 * `query`, marked to be deferred on PostgreSQL (see above); `table` is the one it changes. With a
 * `part`, its caller vouches that it changes no row that a kept write of another part of the table
 * changes or reads (a delete, an update and an insert of disjoint rows): writes of different parts
 * of one table go in one statement; a second write of one part, or a write of the table without a
 * part, sends the kept ones first.
 */
export function deferredWrite<R>(query: CompiledQuery<R>, table: string, part?: string): CompiledQuery<R> {
  refuseLiterals(query);
  deferredTables.set(query, { table, part });
  return query;
}

/**
 * `query`, marked as reading or changing `tables` and no other (see above); its SQL must not begin
 * with its own `with`.
 */
export function carrier<R>(query: CompiledQuery<R>, tables: readonly string[]): CompiledQuery<R> {
  refuseLiterals(query);
  carrierTables.set(query, tables);
  return query;
}

/** SQL texts `refuseLiterals` passed: a template's text is marked at every call, read once. */
const withoutLiterals = new Set<string>();

/** A quoted literal (`''` inside one ends and starts one: the same for this check). */
const QUOTED = /'[^']*'/g;

/**
 * A marked statement is renumbered (`renumbered`): where `$1` could be text (a literal holding a
 * `$`, or dollar quoting), it is refused.
 */
export function refuseLiterals(query: CompiledQuery): void {
  if (withoutLiterals.has(query.sql)) return;
  if (query.sql.includes('$$') || (query.sql.match(QUOTED) ?? []).some((q) => q.includes('$')))
    throw new Error('deferred writes: a marked statement must hold no literal with a $');
  // Templates are a bounded set of texts (query-template.ts); a guard against one that is not.
  if (withoutLiterals.size >= 2000) withoutLiterals.clear();
  withoutLiterals.add(query.sql);
}

/** A kept write (or a read sent with others): its SQL and parameters. */
export interface Kept {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** PostgreSQL's parameter placeholders (`$1`): Kysely's, as marked statements hold no literal. */
const PLACEHOLDER = /\$(\d+)/g;

/**
 * One statement running `writes` in order, then `last` (or nothing), each renumbered past the
 * parameters of those before it.
 */
export function combinedWrites(writes: readonly Kept[], last?: Kept): CompiledQuery {
  const only = writes[0];
  if (writes.length === 1 && only && !last) return CompiledQuery.raw(only.sql, [...only.parameters]);
  const { texts, parameters } = renumbered(last ? [...writes, last] : writes);
  const parts = writes.map((_, i) => `w${i} as (${texts[i]})`);
  return CompiledQuery.raw(
    `with ${parts.join(', ')} ${last ? texts[writes.length] : 'select 1'}`,
    parameters,
  );
}

/**
 * The statements' texts, each renumbered past the parameters of those before it, and all their
 * parameters in order: for one statement that holds them all. Each must have passed
 * `refuseLiterals`.
 */
export function renumbered(statements: readonly Kept[]): { texts: string[]; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const texts = statements.map((k) => {
    const offset = parameters.length;
    parameters.push(...k.parameters);
    return offset === 0 ? k.sql : k.sql.replace(PLACEHOLDER, (_, n: string) => `$${Number(n) + offset}`);
  });
  return { texts, parameters };
}

const PLAIN = /^(select|insert|update|delete)\s/i;

/** Whether `query` is a carrier of none of `tables`, without a `with` of its own. */
function carriesPast(query: CompiledQuery, tables: ReadonlyMap<string, unknown>): boolean {
  const touches = carrierTables.get(query);
  return touches !== undefined && PLAIN.test(query.sql) && !touches.some((t) => tables.has(t));
}

/** A pooled connection that keeps deferred writes while it runs a transaction. */
class DeferringConnection implements DatabaseConnection {
  #inTransaction = false;
  #kept: Kept[] = [];
  /** The tables of the kept writes, with their parts (undefined: the whole table). */
  #tables = new Map<string, Set<string | undefined>>();

  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const target = deferredTables.get(query);
    if (target !== undefined && this.#inTransaction) {
      if (this.#overlaps(target)) await this.#send();
      this.#kept.push({ sql: query.sql, parameters: query.parameters });
      const parts = this.#tables.get(target.table) ?? new Set();
      this.#tables.set(target.table, parts.add(target.part));
      return { rows: [] };
    }
    if (this.#kept.length > 0 && carriesPast(query, this.#tables)) {
      const writes = this.#kept;
      this.#drop();
      return this.inner.executeQuery<R>(combinedWrites(writes, query));
    }
    const head = query.sql.trimStart().slice(0, 20).toLowerCase();
    // Undone with the transaction: never sent. (The driver has no savepoints: see DeferringDriver.)
    if (head.startsWith('rollback')) this.#drop();
    else await this.#send();
    if (head === 'begin' || head.startsWith('start transaction')) this.#inTransaction = true;
    else if (head === 'commit' || head === 'rollback') this.#inTransaction = false;
    return this.inner.executeQuery<R>(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.#kept.length > 0) throw new Error('deferred writes: stream a query only after a statement');
    return this.inner.streamQuery<R>(query, chunkSize);
  }

  /** Sends the kept writes, as one statement. */
  async #send(): Promise<void> {
    if (this.#kept.length === 0) return;
    const writes = this.#kept;
    this.#drop();
    await this.inner.executeQuery(combinedWrites(writes));
  }

  /** Whether a kept write may change a row `target` changes: then it must be sent first. */
  #overlaps({ table, part }: DeferredTarget): boolean {
    const parts = this.#tables.get(table);
    return parts !== undefined && (part === undefined || parts.has(undefined) || parts.has(part));
  }

  #drop(): void {
    this.#kept = [];
    this.#tables = new Map();
  }
}

/**
 * A driver whose connections are `DeferringConnection`s. It offers no savepoints (Parlo uses none):
 * a rollback to one would have to keep the writes kept before it.
 */
class DeferringDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new DeferringConnection(await this.inner.acquireConnection());
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as DeferringConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Kysely's PostgreSQL dialect whose transactions defer the writes marked by `deferredWrite`. */
export class DeferringPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new DeferringDriver(super.createDriver());
  }
}
