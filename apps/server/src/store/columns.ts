/**
 * Helpers the row mappings of every repository share: stored enums are checked rather than cast,
 * JSON lives in text columns (the same on both dialects), and writes say whether they hit a row.
 */
import { sql, type Kysely } from 'kysely';
import type { QueryTemplates } from './query-template.ts';
import type { Database } from './schema.ts';

/** Keeps `IN (...)` lists well below either database's bound-parameter limit. */
export const IN_LIST_CHUNK = 500;

/** Checks a stored enum value rather than trusting a cast. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((item) => item === value);
  if (found === undefined) throw new Error(`unknown ${what}`);
  return found;
}

/** A value as the text of a JSON column; throws for what JSON cannot hold (e.g. `undefined`). */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('value is not JSON-serialisable');
  return json;
}

/** The value a JSON column holds. */
export function fromJson(json: string): unknown {
  return JSON.parse(json);
}

/** Whether an UPDATE changed at least one row (the "false if there is no such row" of the ports). */
export function updatedAny(result: { readonly numUpdatedRows: bigint }): boolean {
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Sets `column` to each row's time where that is later than the stored one (or none is stored), in
 * one statement per 500 rows: a webhook batch names dozens of rows, and a round trip each was the
 * ingest's most frequent statement on PostgreSQL. `rows` holds one entry per key. The statement is
 * built and compiled once per table and row count (`templates`): it runs in every webhook
 * transaction, where building it cost more than SQLite running it.
 */
export async function keepLaterTimes(
  db: Kysely<Database>,
  templates: QueryTemplates,
  target: {
    readonly table: 'conversations' | 'report_waiting';
    readonly key: string;
    readonly column: string;
    /** The part of the table its rows are (deferred-writes.ts), if the caller vouches for one. */
    readonly part?: string;
  },
  rows: readonly (readonly [key: string, at: number])[],
): Promise<void> {
  const table = sql.table(target.table);
  const key = sql.ref(`${target.table}.${target.key}`);
  const column = sql.ref(target.column);
  const stored = sql.ref(`${target.table}.${target.column}`);
  for (let start = 0; start < rows.length; start += IN_LIST_CHUNK) {
    const chunk = rows.slice(start, start + IN_LIST_CHUNK);
    await templates.runRows(
      db,
      `keepLaterTimes:${target.table}.${target.column}`,
      chunk,
      (built) => {
        // Each row as runRows rebuilds it for the template: its cells by index, not a real tuple.
        const values = built.map((row) => sql`(${row[0]}, cast(${row[1]} as bigint))`);
        const update = sql`with v(id, at) as (values ${sql.join(values)})
        update ${table} set ${column} = v.at from v
        where ${key} = v.id and (${stored} is null or ${stored} < v.at)`;
        return { compile: () => update.compile(db) };
      },
      target.part === undefined ? { writes: target.table } : { writes: target.table, part: target.part },
    );
  }
}
