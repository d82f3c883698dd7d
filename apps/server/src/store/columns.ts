/**
 * Helpers the row mappings of every repository share: stored enums are checked rather than cast,
 * JSON lives in text columns (the same on both dialects), and writes say whether they hit a row.
 */

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
