import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import { carrier, deferredWrite } from './deferred-writes.ts';
import type { StoreDialect } from './dialect.ts';
import type { Database } from './schema.ts';

/** Where each parameter of a compiled query comes from: an argument by name, or a constant. */
type Slot = { readonly arg: string } | { readonly constant: unknown };

interface Template {
  readonly query: CompiledQuery;
  readonly slots: readonly Slot[];
}

/** A parameter of a `runRows` template: a row's column, or a constant (or, never, a stray argument). */
type Cell = { readonly row: number; readonly column: PropertyKey } | Slot;

interface RowTemplate {
  readonly query: CompiledQuery;
  readonly cells: readonly Cell[];
}

/**
 * Past this many shapes the cache starts over (shapes are a fixed set; a guard, not a limit). On
 * PostgreSQL `runRows` has a template per row count up to MAX_ROWS: a dozen names make ~700.
 */
const MAX_TEMPLATES = 1000;

/**
 * A query built and compiled by Kysely once per dialect and shape, then run with new parameters.
 * Building and compiling a small query cost more than SQLite running it (the ingest profile:
 * Kysely 2 s of 13, the statements 3 s), and the webhook ingest runs a dozen per delivery.
 *
 * `build` is called once, with a placeholder for every argument, so it must not branch on the
 * arguments' values: the same SQL must serve every call with the same argument names. Each
 * placeholder must reach the query as a parameter (never `sql.lit`), which `run` checks.
 */
export class QueryTemplates {
  readonly #templates = new Map<string, Template>();
  /** The templates of `runRows`: each parameter is a cell (row, column) of the rows inserted. */
  readonly #rowTemplates = new Map<string, RowTemplate>();

  constructor(private readonly dialect: StoreDialect) {}

  async run<Row, Args extends object>(
    db: Kysely<Database>,
    name: string,
    args: Args,
    build: (args: Args) => Compilable<Row>,
    /** What the statement writes (its result unused: deferred), or touches: deferred-writes.ts. */
    mark?: StatementMark,
  ): Promise<QueryResult<Row>> {
    return db.executeQuery<Row>(marked(this.compiled(name, args, build), mark));
  }

  /** `run`'s statement, compiled and not run: for statements sent together (reads-together.ts). */
  compiled<Row, Args extends object>(
    name: string,
    args: Args,
    build: (args: Args) => Compilable<Row>,
  ): CompiledQuery<Row> {
    const names = Object.keys(args);
    const key = `${name}(${names.join(',')})`;
    let template = this.#templates.get(key);
    if (!template) {
      // Placeholders stand for the values while the query is built: its shape, never its values.
      template = compileTemplate(names, (p) => build(p as Args), this.dialect, key);
      if (this.#templates.size >= MAX_TEMPLATES) this.#templates.clear();
      this.#templates.set(key, template);
    }
    const parameters = template.slots.map((slot) => {
      if (!('arg' in slot)) return slot.constant;
      const value = (args as Record<string, unknown>)[slot.arg];
      // Kysely leaves an undefined column out of an insert; a template cannot: say so, never guess.
      if (value === undefined) throw new Error(`query template ${key}: ${slot.arg} is undefined`);
      return value;
    });
    return CompiledQuery.raw(template.query.sql, parameters);
  }

  /**
   * `run` for an insert of many rows at once: one template per name, row count and columns, whose
   * parameters are read from the rows by position. No argument object is built per call: the rows
   * themselves are the arguments. Every row has the columns of the first. Results are concatenated,
   * affected rows summed.
   *
   * How the rows are cut into statements depends on the database (`statementLength`). SQLite
   * prepares every new statement, so the rows go in chunks of the lengths `templateLength` allows:
   * a name has at most a dozen templates whatever the batch sizes. PostgreSQL parses every
   * statement pg sends anyway, and each statement is a round trip inside the webhook batch's
   * transaction, which holds the next batch back: there the rows go MAX_ROWS at a time, one
   * statement for a batch's 31 messages instead of three (16 + 8 + 7).
   */
  async runRows<Row, R extends object>(
    db: Kysely<Database>,
    name: string,
    rows: readonly R[],
    build: (rows: R[]) => Compilable<Row>,
    /** As `run`'s. */
    mark?: StatementMark,
  ): Promise<QueryResult<Row>> {
    if (rows.length === 0) return { rows: [] };
    if (statementLength(this.dialect, rows.length) === rows.length)
      return this.#runChunk(db, name, rows, build, mark);
    const out: Row[] = [];
    let affected: bigint | undefined;
    for (let start = 0; start < rows.length;) {
      const length = statementLength(this.dialect, rows.length - start);
      const result = await this.#runChunk(db, name, rows.slice(start, start + length), build, mark);
      for (const row of result.rows) out.push(row);
      if (result.numAffectedRows !== undefined) affected = (affected ?? 0n) + result.numAffectedRows;
      start += length;
    }
    return affected === undefined ? { rows: out } : { rows: out, numAffectedRows: affected };
  }

  async #runChunk<Row, R extends object>(
    db: Kysely<Database>,
    name: string,
    rows: readonly R[],
    build: (rows: R[]) => Compilable<Row>,
    mark: StatementMark | undefined,
  ): Promise<QueryResult<Row>> {
    const columns = Object.keys(rows[0] ?? {}) as (keyof R & string)[];
    const key = `${name}[${rows.length}](${columns.join(',')})`;
    let template = this.#rowTemplates.get(key);
    if (!template) {
      const names = rows.flatMap((_, i) => columns.map((c) => `${i}.${c}`));
      const compiled = compileTemplate(
        names,
        (a) => build(rows.map((_, i) => Object.fromEntries(columns.map((c) => [c, a[`${i}.${c}`]])) as R)),
        this.dialect,
        key,
      );
      const cells = new Map(
        names.map((n, k) => [
          n,
          { row: Math.floor(k / columns.length), column: columns[k % columns.length] as keyof R },
        ]),
      );
      template = {
        query: compiled.query,
        cells: compiled.slots.map((slot) => ('arg' in slot ? (cells.get(slot.arg) ?? slot) : slot)),
      };
      if (this.#rowTemplates.size >= MAX_TEMPLATES) this.#rowTemplates.clear();
      this.#rowTemplates.set(key, template);
    }
    const parameters = template.cells.map((cell) => {
      if ('constant' in cell) return cell.constant;
      if ('arg' in cell) throw new Error(`query template ${key}: ${cell.arg} is not a cell`);
      const value = rows[cell.row]?.[cell.column as keyof R];
      if (value === undefined)
        throw new Error(`query template ${key}: row ${cell.row} has no ${String(cell.column)}`);
      return value;
    });
    return db.executeQuery<Row>(marked(CompiledQuery.raw(template.query.sql, parameters), mark));
  }
}

/** The most rows one `runRows` statement takes (23 columns x 64 rows: far below either database's limit on parameters). */
const MAX_ROWS = 64;

/**
 * The lengths a template is compiled for: every length up to 8, then powers of two. Batches come in
 * every size, and a template per size meant compiling (building with Kysely, and SQLite preparing)
 * dozens of new statements a second under load, the more the larger the batches.
 */
export function templateLength(n: number): number {
  if (n <= 8) return n;
  let length = 16;
  while (length < n) length *= 2;
  return length;
}

/**
 * How many of `remaining` rows the next `runRows` statement takes: on PostgreSQL all of them up to
 * MAX_ROWS; on SQLite the longest template length that fits (capped at MAX_ROWS).
 */
export function statementLength(dialect: StoreDialect, remaining: number): number {
  if (dialect === 'postgres') return Math.min(remaining, MAX_ROWS);
  if (remaining <= 8) return remaining;
  let length = 8;
  while (length * 2 <= Math.min(remaining, MAX_ROWS)) length *= 2;
  return length;
}

/**
 * A list's values as arguments (`v0`, `v1`, ...), for `in (...)` lists: one template per
 * `templateLength`, the last value repeated up to it (a value twice in an `in` list changes
 * nothing). The build reads them back, in order, with `Object.values`.
 */
export function listArgs(values: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  const last = values[values.length - 1];
  if (last === undefined) return args;
  const length = templateLength(values.length);
  for (let i = 0; i < length; i++) args[`v${i}`] = values[i] ?? last;
  return args;
}

/** One set of templates per dialect, shared by every transaction of the process. */
const byDialect = new Map<StoreDialect, QueryTemplates>();

export function queryTemplates(dialect: StoreDialect): QueryTemplates {
  let templates = byDialect.get(dialect);
  if (!templates) {
    templates = new QueryTemplates(dialect);
    byDialect.set(dialect, templates);
  }
  return templates;
}

function compileTemplate(
  names: readonly string[],
  build: (args: Readonly<Record<string, unknown>>) => Compilable<unknown>,
  dialect: StoreDialect,
  key: string,
): Template {
  // Placeholders no real value equals: a control character and the argument's rank.
  const placeholders = new Map(names.map((n, i) => [`\u0000parlo-arg-${i}\u0000`, n]));
  const query = build(Object.fromEntries([...placeholders].map(([p, n]) => [n, p]))).compile();
  const seen = new Set<string>();
  const slots = query.parameters.map((value): Slot => {
    const arg = typeof value === 'string' ? placeholders.get(value) : undefined;
    if (arg === undefined) return { constant: value };
    seen.add(arg);
    return { arg };
  });
  if (query.sql.includes('\u0000') || seen.size !== names.length)
    throw new Error(`query template ${key} (${dialect}): every argument must be a parameter`);
  return { query, slots };
}

/**
 * How a statement is marked for PostgreSQL's deferred writes (deferred-writes.ts): a write whose
 * result is not used, by the table it changes; or a carrier, by the tables it reads or changes.
 */
export type StatementMark =
  { readonly writes: string; readonly part?: string } | { readonly touches: readonly string[] };

function marked<R>(query: CompiledQuery<R>, mark: StatementMark | undefined): CompiledQuery<R> {
  if (mark === undefined) return query;
  return 'writes' in mark ? deferredWrite(query, mark.writes, mark.part) : carrier(query, mark.touches);
}
