/**
 * A queue's waiting conversations in serving order, persistent (never changed once built): entries
 * are kept in chunks, so a change copies the chunk list and one chunk, not the whole list. With
 * 50,000 waiting, copying the list on every arrival cost milliseconds and most of the garbage.
 */

/** One waiting conversation and the instant it is ordered by. */
export interface WaitEntry {
  readonly id: string;
  readonly at: number;
}

/** Serving order: earlier first, then by id. */
export function compareWait(a: WaitEntry, b: WaitEntry): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const CHUNK = 256;

/** Index of `entry` in a list sorted by `compareWait`, or where it would be inserted. */
function position(list: readonly WaitEntry[], entry: WaitEntry): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareWait(list[mid] as WaitEntry, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class WaitList implements Iterable<WaitEntry> {
  private constructor(
    private readonly chunks: ReadonlyArray<readonly WaitEntry[]>,
    /** How many conversations wait. */
    readonly length: number,
  ) {}

  static readonly EMPTY = new WaitList([], 0);

  /** From entries already in serving order. */
  static fromSorted(entries: readonly WaitEntry[]): WaitList {
    const chunks: WaitEntry[][] = [];
    for (let i = 0; i < entries.length; i += CHUNK) chunks.push(entries.slice(i, i + CHUNK));
    return new WaitList(chunks, entries.length);
  }

  *[Symbol.iterator](): Iterator<WaitEntry> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** The entries ordered after instant `at` (strictly later), in serving order: O(log n) to the first. */
  *after(at: number): Generator<WaitEntry> {
    let c = 0;
    let hi = this.chunks.length;
    while (c < hi) {
      const mid = (c + hi) >>> 1;
      const chunk = this.chunks[mid] as readonly WaitEntry[];
      if ((chunk[chunk.length - 1] as WaitEntry).at <= at) c = mid + 1;
      else hi = mid;
    }
    for (; c < this.chunks.length; c++) {
      for (const entry of this.chunks[c] as readonly WaitEntry[]) if (entry.at > at) yield entry;
    }
  }

  /** The entries from `start` up to (not including) `end`, in serving order. */
  slice(start: number, end = this.length): WaitEntry[] {
    const out: WaitEntry[] = [];
    let index = 0;
    for (const chunk of this.chunks) {
      if (index + chunk.length <= start) {
        index += chunk.length;
        continue;
      }
      for (const entry of chunk) {
        if (index >= end) return out;
        if (index >= start) out.push(entry);
        index++;
      }
    }
    return out;
  }

  /** The chunk `entry` belongs in: the first whose last entry is not before it (else the last). */
  private chunkOf(entry: WaitEntry): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid] as readonly WaitEntry[];
      if (compareWait(chunk[chunk.length - 1] as WaitEntry, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(entry: WaitEntry): WaitList {
    if (this.chunks.length === 0) return new WaitList([[entry]], 1);
    const c = this.chunkOf(entry);
    const chunk = (this.chunks[c] as readonly WaitEntry[]).slice();
    chunk.splice(position(chunk, entry), 0, entry);
    const chunks = this.chunks.slice();
    // A full chunk splits in two, so every change stays O(chunks + CHUNK).
    if (chunk.length > 2 * CHUNK) chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
    else chunks[c] = chunk;
    return new WaitList(chunks, this.length + 1);
  }

  /** Without `entry` (found by id and instant); this same list if it is not there. */
  remove(entry: WaitEntry): WaitList {
    if (this.chunks.length === 0) return this;
    const c = this.chunkOf(entry);
    const old = this.chunks[c] as readonly WaitEntry[];
    const i = position(old, entry);
    if (old[i]?.id !== entry.id) return this;
    const chunk = old.slice();
    chunk.splice(i, 1);
    const chunks = this.chunks.slice();
    if (chunk.length === 0) chunks.splice(c, 1);
    else chunks[c] = chunk;
    return new WaitList(chunks, this.length - 1);
  }
}
