import { CompiledQuery, type QueryResult } from 'kysely';
import { refuseLiterals, renumbered } from './deferred-writes.ts';
import type { StoreDialect } from './dialect.ts';

/**
 * Reads sent together (ADR 41). On PostgreSQL each statement is a round trip, and a webhook batch's
 * transaction runs its statements one after the other (the next batch waits for it). The reads a
 * batch makes before it writes do not depend on one another once each names its rows by what the
 * batch already knows (wamids, customers' keys, setting keys), so they go as one statement:
 *
 *   select (select coalesce(json_agg(r), '[]') from (<read 1>) r) as r0,
 *          (select coalesce(json_agg(r), '[]') from (<read 2>) r) as r1, ...
 *
 * Each read's rows come back as JSON objects keyed by its column names, with the same values pg
 * gives (Parlo's columns are text, integers, whose int8 pg gives as numbers here too, and booleans).
 * A read's order is not kept: callers must not depend on it. SQLite has no round trips: each read
 * runs alone, as before.
 */

/** Parameters in one combined statement at most: PostgreSQL allows 65,535. */
const MAX_PARAMETERS = 30_000;

/** Each query's rows, in the order of `queries`. */
export async function readTogether(
  db: { executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> },
  dialect: StoreDialect,
  queries: readonly CompiledQuery[],
): Promise<unknown[][]> {
  const results: unknown[][] = [];
  if (dialect !== 'postgres') {
    for (const query of queries) results.push((await db.executeQuery(query)).rows);
    return results;
  }
  for (const group of groups(queries)) {
    if (group.length === 1 && group[0]) {
      results.push((await db.executeQuery(group[0])).rows);
      continue;
    }
    const { rows } = await db.executeQuery<Record<string, unknown>>(combinedReads(group));
    const row = rows[0] ?? {};
    group.forEach((_, i) => results.push(jsonRows(row[`r${i}`])));
  }
  return results;
}

/** One statement answering every read of `queries` in one row: read i's rows in column `ri`. */
export function combinedReads(queries: readonly CompiledQuery[]): CompiledQuery {
  for (const query of queries) refuseLiterals(query);
  const { texts, parameters } = renumbered(queries);
  const columns = texts.map((text, i) => `(select coalesce(json_agg(r), '[]') from (${text}) r) as r${i}`);
  return CompiledQuery.raw(`select ${columns.join(', ')}`, parameters);
}

/** `queries` in runs whose parameters fit one statement. */
function groups(queries: readonly CompiledQuery[]): CompiledQuery[][] {
  const out: CompiledQuery[][] = [];
  let current: CompiledQuery[] = [];
  let count = 0;
  for (const query of queries) {
    if (current.length > 0 && count + query.parameters.length > MAX_PARAMETERS) {
      out.push(current);
      current = [];
      count = 0;
    }
    current.push(query);
    count += query.parameters.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function jsonRows(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error('reads together: a read answered no JSON array');
  return value;
}

/** A read another repository sends with one that reads together: its query, and its rows' use. */
export interface AlongRead {
  readonly query: CompiledQuery;
  take(rows: readonly unknown[]): void;
}
