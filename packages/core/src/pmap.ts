/**
 * A persistent (immutable, structurally shared) string-keyed map: a hash trie of 32-way nodes
 * whose leaves hold up to 8 entries. `set` copies the nodes on the key's path (3 of 32 slots at
 * 50,000 keys) and one small leaf: an update costs O(log n) and a few hundred bytes, whatever the
 * size, which is what keeps a routing decision cheap with tens of thousands of records (a 5,000-key
 * object spread alone costs ~1.5 ms). Internal to the core.
 *
 * It replaced a flat array of 1,024 buckets, each a `Map`: every `set` copied the 8 KB array and a
 * bucket, even in maps of five queues, and that was a quarter of the bytes the webhook ingest
 * allocated (issue 13). Hashes are computed, never cached: a cache would be mutated state that
 * lives long, which the young generation's collections must scan.
 */

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** A leaf past this many entries becomes a node, unless the hash has no bits left. */
const LEAF_MAX = 8;

function hashOf(key: string): number {
  // FNV-1a, 32 bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Entries whose hashes agree on the bits above the leaf: parallel arrays, in insertion order. */
class Leaf<V> {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly V[],
    readonly hashes: readonly number[],
  ) {}
}

type Slot<V> = TrieNode<V> | Leaf<V> | undefined;
type TrieNode<V> = readonly Slot<V>[];

function emptyNode<V>(): Slot<V>[] {
  return new Array<Slot<V>>(WIDTH).fill(undefined);
}

const EMPTY_ROOT: TrieNode<never> = Object.freeze(emptyNode<never>());

/** A leaf may split while the hash has bits left for the level below. */
function canSplit(shift: number): boolean {
  return shift + BITS < 32;
}

/** Set by `setIn`: whether the key was new. A module variable rather than a tuple per call. */
let added = false;

function setIn<V>(node: TrieNode<V>, hash: number, shift: number, key: string, value: V): TrieNode<V> {
  const i = (hash >>> shift) & MASK;
  const slot = node[i];
  let next: Slot<V>;
  if (slot === undefined) {
    next = new Leaf([key], [value], [hash]);
    added = true;
  } else if (slot instanceof Leaf) {
    const k = slot.keys.indexOf(key);
    if (k >= 0) {
      if (slot.values[k] === value) return node;
      const values = slot.values.slice();
      values[k] = value;
      next = new Leaf(slot.keys, values, slot.hashes);
    } else if (slot.keys.length < LEAF_MAX || !canSplit(shift)) {
      next = new Leaf([...slot.keys, key], [...slot.values, value], [...slot.hashes, hash]);
      added = true;
    } else {
      const sub = emptyNode<V>();
      for (let e = 0; e < slot.keys.length; e++)
        insertInto(sub, slot.hashes[e] as number, shift + BITS, slot.keys[e] as string, slot.values[e] as V);
      insertInto(sub, hash, shift + BITS, key, value);
      next = sub;
      added = true;
    }
  } else {
    next = setIn(slot, hash, shift + BITS, key, value);
    if (next === slot) return node;
  }
  const copy = node.slice();
  copy[i] = next;
  return copy;
}

/** `setIn` on a node nobody else holds yet (being built): in place, no copies. */
function insertInto<V>(node: Slot<V>[], hash: number, shift: number, key: string, value: V): void {
  const i = (hash >>> shift) & MASK;
  const slot = node[i];
  if (slot === undefined) {
    node[i] = new Leaf([key], [value], [hash]);
  } else if (slot instanceof Leaf) {
    const k = slot.keys.indexOf(key);
    if (k >= 0) {
      (slot.values as V[])[k] = value;
    } else if (slot.keys.length < LEAF_MAX || !canSplit(shift)) {
      (slot.keys as string[]).push(key);
      (slot.values as V[]).push(value);
      (slot.hashes as number[]).push(hash);
    } else {
      const sub = emptyNode<V>();
      for (let e = 0; e < slot.keys.length; e++)
        insertInto(sub, slot.hashes[e] as number, shift + BITS, slot.keys[e] as string, slot.values[e] as V);
      insertInto(sub, hash, shift + BITS, key, value);
      node[i] = sub;
    }
  } else {
    insertInto(slot as Slot<V>[], hash, shift + BITS, key, value);
  }
}

/** Without `key`; this same node when it is not there; undefined when nothing is left. */
function deleteIn<V>(node: TrieNode<V>, hash: number, shift: number, key: string): TrieNode<V> | undefined {
  const i = (hash >>> shift) & MASK;
  const slot = node[i];
  if (slot === undefined) return node;
  let next: Slot<V>;
  if (slot instanceof Leaf) {
    const k = slot.keys.indexOf(key);
    if (k < 0) return node;
    next =
      slot.keys.length === 1
        ? undefined
        : new Leaf(
            slot.keys.filter((_, e) => e !== k),
            slot.values.filter((_, e) => e !== k),
            slot.hashes.filter((_, e) => e !== k),
          );
  } else {
    next = deleteIn(slot, hash, shift + BITS, key);
    if (next === slot) return node;
  }
  const copy = node.slice();
  copy[i] = next;
  return copy.some((s) => s !== undefined) ? copy : undefined;
}

export class PMap<V> {
  private constructor(
    private readonly root: TrieNode<V>,
    readonly size: number,
  ) {}

  static empty<V>(): PMap<V> {
    return new PMap<V>(EMPTY_ROOT, 0);
  }

  static fromRecord<V>(record: Readonly<Record<string, V>>): PMap<V> {
    const root = emptyNode<V>();
    let size = 0;
    for (const key of Object.keys(record)) {
      insertInto(root, hashOf(key), 0, key, record[key] as V);
      size++;
    }
    return new PMap<V>(root, size);
  }

  get(key: string): V | undefined {
    const hash = hashOf(key);
    let node = this.root;
    for (let shift = 0; ; shift += BITS) {
      const slot = node[(hash >>> shift) & MASK];
      if (slot === undefined) return undefined;
      if (slot instanceof Leaf) {
        const k = slot.keys.indexOf(key);
        return k < 0 ? undefined : slot.values[k];
      }
      node = slot;
    }
  }

  /** Returns this same map when `value` is already stored under `key`. */
  set(key: string, value: V): PMap<V> {
    added = false;
    const root = setIn(this.root, hashOf(key), 0, key, value);
    if (root === this.root) return this;
    return new PMap<V>(root, added ? this.size + 1 : this.size);
  }

  delete(key: string): PMap<V> {
    const root = deleteIn(this.root, hashOf(key), 0, key);
    if (root === this.root) return this;
    return new PMap<V>(root ?? EMPTY_ROOT, this.size - 1);
  }

  *values(): IterableIterator<V> {
    const stack: TrieNode<V>[] = [this.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const slot of node) {
        if (slot === undefined) continue;
        if (slot instanceof Leaf) yield* slot.values;
        else stack.push(slot);
      }
    }
  }

  /** A plain record of the entries, in key order so that it does not depend on hashing. */
  toRecord(): Record<string, V> {
    const entries: Array<[string, V]> = [];
    const stack: TrieNode<V>[] = [this.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const slot of node) {
        if (slot === undefined) continue;
        if (slot instanceof Leaf)
          for (let e = 0; e < slot.keys.length; e++)
            entries.push([slot.keys[e] as string, slot.values[e] as V]);
        else stack.push(slot);
      }
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const record: Record<string, V> = {};
    for (const [key, value] of entries) record[key] = value;
    return record;
  }
}
