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

/**
 * Entries whose hashes agree on the bits above the leaf, in insertion order: keys and values
 * alternate in one array (two objects a leaf: a map of 50,000 has about 25,000 leaves). Hashes
 * are not kept: a leaf splits rarely, and then hashes its keys again.
 */
class Leaf {
  constructor(readonly kv: readonly unknown[]) {}
}

type Slot = TrieNode | Leaf | undefined;
type TrieNode = readonly Slot[];

function emptyNode(): Slot[] {
  return new Array<Slot>(WIDTH).fill(undefined);
}

const EMPTY_ROOT: TrieNode = Object.freeze(emptyNode());

/** A leaf may split while the hash has bits left for the level below. */
function canSplit(shift: number): boolean {
  return shift + BITS < 32;
}

/** Index of `key` in a leaf's `kv`, or -1. */
function indexIn(kv: readonly unknown[], key: string): number {
  for (let e = 0; e < kv.length; e += 2) if (kv[e] === key) return e;
  return -1;
}

/** A node below `shift` holding a leaf's entries and one more: what a full leaf becomes. */
function split(kv: readonly unknown[], shift: number, hash: number, key: string, value: unknown): Slot[] {
  const sub = emptyNode();
  for (let e = 0; e < kv.length; e += 2) {
    const k = kv[e] as string;
    insertInto(sub, hashOf(k), shift + BITS, k, kv[e + 1]);
  }
  insertInto(sub, hash, shift + BITS, key, value);
  return sub;
}

/** Set by `setIn`: whether the key was new. A module variable rather than a tuple per call. */
let added = false;

function setIn(node: TrieNode, hash: number, shift: number, key: string, value: unknown): TrieNode {
  const i = (hash >>> shift) & MASK;
  const slot = node[i];
  let next: Slot;
  if (slot === undefined) {
    next = new Leaf([key, value]);
    added = true;
  } else if (slot instanceof Leaf) {
    const e = indexIn(slot.kv, key);
    if (e >= 0) {
      if (slot.kv[e + 1] === value) return node;
      const kv = slot.kv.slice();
      kv[e + 1] = value;
      next = new Leaf(kv);
    } else if (slot.kv.length < 2 * LEAF_MAX || !canSplit(shift)) {
      next = new Leaf([...slot.kv, key, value]);
      added = true;
    } else {
      next = split(slot.kv, shift, hash, key, value);
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
function insertInto(node: Slot[], hash: number, shift: number, key: string, value: unknown): void {
  const i = (hash >>> shift) & MASK;
  const slot = node[i];
  if (slot === undefined) {
    node[i] = new Leaf([key, value]);
  } else if (slot instanceof Leaf) {
    const kv = slot.kv as unknown[];
    const e = indexIn(kv, key);
    if (e >= 0) kv[e + 1] = value;
    else if (kv.length < 2 * LEAF_MAX || !canSplit(shift)) kv.push(key, value);
    else node[i] = split(kv, shift, hash, key, value);
  } else {
    insertInto(slot as Slot[], hash, shift + BITS, key, value);
  }
}

/** Without `key`; this same node when it is not there; undefined when nothing is left. */
function deleteIn(node: TrieNode, hash: number, shift: number, key: string): TrieNode | undefined {
  const i = (hash >>> shift) & MASK;
  const slot = node[i];
  if (slot === undefined) return node;
  let next: Slot;
  if (slot instanceof Leaf) {
    const e = indexIn(slot.kv, key);
    if (e < 0) return node;
    next = slot.kv.length === 2 ? undefined : new Leaf([...slot.kv.slice(0, e), ...slot.kv.slice(e + 2)]);
  } else {
    next = deleteIn(slot, hash, shift + BITS, key);
    if (next === slot) return node;
  }
  const copy = node.slice();
  copy[i] = next;
  return copy.some((s) => s !== undefined) ? copy : undefined;
}

/** Every leaf's entries, depth first. */
function forEachEntry(root: TrieNode, visit: (key: string, value: unknown) => void): void {
  const stack: TrieNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    for (const slot of node) {
      if (slot === undefined) continue;
      if (slot instanceof Leaf)
        for (let e = 0; e < slot.kv.length; e += 2) visit(slot.kv[e] as string, slot.kv[e + 1]);
      else stack.push(slot);
    }
  }
}

export class PMap<V> {
  private constructor(
    private readonly root: TrieNode,
    readonly size: number,
  ) {}

  static empty<V>(): PMap<V> {
    return new PMap<V>(EMPTY_ROOT, 0);
  }

  static fromRecord<V>(record: Readonly<Record<string, V>>): PMap<V> {
    const root = emptyNode();
    let size = 0;
    for (const key of Object.keys(record)) {
      insertInto(root, hashOf(key), 0, key, record[key]);
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
        const e = indexIn(slot.kv, key);
        return e < 0 ? undefined : (slot.kv[e + 1] as V);
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
    const stack: TrieNode[] = [this.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const slot of node) {
        if (slot === undefined) continue;
        if (slot instanceof Leaf) for (let e = 1; e < slot.kv.length; e += 2) yield slot.kv[e] as V;
        else stack.push(slot);
      }
    }
  }

  /** A plain record of the entries, in key order so that it does not depend on hashing. */
  toRecord(): Record<string, V> {
    const keys: string[] = [];
    const values = new Map<string, V>();
    forEachEntry(this.root, (key, value) => {
      keys.push(key);
      values.set(key, value as V);
    });
    keys.sort();
    const record: Record<string, V> = {};
    for (const key of keys) record[key] = values.get(key) as V;
    return record;
  }
}
