/**
 * A translation's shape from the English object: every string widened to `string`, so the Italian
 * object must have the same keys but its own words. Its own file: a feature's strings import it
 * without importing `en.ts`, which imports them.
 */
export type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
