/**
 * A persistent (immutable, structurally shared) string-keyed map: a fixed array of hash buckets.
 * `set` copies the bucket array and one bucket, so an update costs O(buckets + n / buckets)
 * instead of copying every entry, which is what keeps a routing decision cheap with tens of
 * thousands of records (a 5,000-key object spread alone costs ~1.5 ms). Internal to the core.
 */

const BUCKET_BITS = 10;
const BUCKETS = 1 << BUCKET_BITS;
const MASK = BUCKETS - 1;

function bucketOf(key: string): number {
  // FNV-1a, 32 bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ (h >>> BUCKET_BITS)) & MASK;
}

export class PMap<V> {
  private constructor(
    private readonly buckets: ReadonlyArray<ReadonlyMap<string, V> | undefined>,
    readonly size: number,
  ) {}

  static empty<V>(): PMap<V> {
    return new PMap<V>(new Array<ReadonlyMap<string, V> | undefined>(BUCKETS).fill(undefined), 0);
  }

  static fromRecord<V>(record: Readonly<Record<string, V>>): PMap<V> {
    const buckets: Array<Map<string, V> | undefined> = new Array<Map<string, V> | undefined>(BUCKETS).fill(
      undefined,
    );
    let size = 0;
    for (const key of Object.keys(record)) {
      const value = record[key] as V;
      const i = bucketOf(key);
      let bucket = buckets[i];
      if (!bucket) buckets[i] = bucket = new Map();
      bucket.set(key, value);
      size++;
    }
    return new PMap<V>(buckets, size);
  }

  get(key: string): V | undefined {
    return this.buckets[bucketOf(key)]?.get(key);
  }

  /** Returns this same map when `value` is already stored under `key`. */
  set(key: string, value: V): PMap<V> {
    const i = bucketOf(key);
    const bucket = this.buckets[i];
    const had = bucket?.has(key) ?? false;
    if (had && bucket?.get(key) === value) return this;
    const nextBucket = new Map(bucket);
    nextBucket.set(key, value);
    const buckets = this.buckets.slice();
    buckets[i] = nextBucket;
    return new PMap<V>(buckets, had ? this.size : this.size + 1);
  }

  delete(key: string): PMap<V> {
    const i = bucketOf(key);
    const bucket = this.buckets[i];
    if (!bucket?.has(key)) return this;
    const nextBucket = new Map(bucket);
    nextBucket.delete(key);
    const buckets = this.buckets.slice();
    buckets[i] = nextBucket.size > 0 ? nextBucket : undefined;
    return new PMap<V>(buckets, this.size - 1);
  }

  *values(): IterableIterator<V> {
    for (const bucket of this.buckets) if (bucket) yield* bucket.values();
  }

  /** A plain record of the entries, in key order so that it does not depend on hashing. */
  toRecord(): Record<string, V> {
    const entries: Array<[string, V]> = [];
    for (const bucket of this.buckets) if (bucket) for (const entry of bucket) entries.push(entry);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const record: Record<string, V> = {};
    for (const [key, value] of entries) record[key] = value;
    return record;
  }
}
