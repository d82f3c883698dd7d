/** Counts per key over a trailing window, in 10-second buckets: constant memory at any rate. */
export class SlidingCounter {
  private static readonly BUCKET_MS = 10_000;
  private readonly buckets = new Map<string, Map<number, number>>();

  constructor(private readonly windowMs: number) {}

  add(key: string, now: number, count = 1): void {
    let perKey = this.buckets.get(key);
    if (!perKey) {
      perKey = new Map();
      this.buckets.set(key, perKey);
    }
    const bucket = Math.floor(now / SlidingCounter.BUCKET_MS);
    perKey.set(bucket, (perKey.get(bucket) ?? 0) + count);
    if (perKey.size > this.windowMs / SlidingCounter.BUCKET_MS + 2) this.prune(perKey, now);
  }

  /** The count of `key` within the window ending at `now` (to the bucket). */
  count(key: string, now: number): number {
    const perKey = this.buckets.get(key);
    if (!perKey) return 0;
    this.prune(perKey, now);
    let sum = 0;
    for (const n of perKey.values()) sum += n;
    return sum;
  }

  /** Every key with a non-zero count in the window. */
  counts(now: number): Map<string, number> {
    const result = new Map<string, number>();
    for (const key of this.buckets.keys()) {
      const n = this.count(key, now);
      if (n > 0) result.set(key, n);
    }
    return result;
  }

  private prune(perKey: Map<number, number>, now: number): void {
    const oldest = Math.floor((now - this.windowMs) / SlidingCounter.BUCKET_MS);
    for (const bucket of perKey.keys()) if (bucket <= oldest) perKey.delete(bucket);
  }
}
