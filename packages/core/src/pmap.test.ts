import { describe, expect, it } from 'vitest';
import { PMap } from './pmap.ts';
import { seededRandom } from './seeded-random.ts';

function contentOf<V>(map: PMap<V>): Record<string, V> {
  return map.toRecord();
}

function sorted<V>(model: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries([...model].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

describe('PMap (the routing world index, issue 13)', () => {
  it('[issue 13] agrees with a Map through 60,000 random sets and deletes, every old version unchanged', () => {
    const rand = seededRandom(7);
    let map = PMap.empty<number>();
    const model = new Map<string, number>();
    const versions: Array<{ map: PMap<number>; model: Record<string, number> }> = [];
    for (let step = 0; step < 60_000; step++) {
      // Keys from a pool that grows, so that maps get deep (20,000 keys) and keys come back.
      const key = `con_${Math.floor(rand() * Math.min(20_000, step + 10))}`;
      if (rand() < 0.3) {
        const before = map;
        map = map.delete(key);
        if (!model.has(key)) expect(map).toBe(before);
        model.delete(key);
      } else {
        const value = Math.floor(rand() * 5);
        const before = map;
        map = map.set(key, value);
        if (model.get(key) === value) expect(map).toBe(before);
        model.set(key, value);
      }
      expect(map.size).toBe(model.size);
      if (step % 5_000 === 0) versions.push({ map, model: sorted(model) });
    }
    for (const [key, value] of model) expect(map.get(key)).toBe(value);
    expect(map.get('con_absent')).toBeUndefined();
    expect(contentOf(map)).toEqual(sorted(model));
    expect([...map.values()].sort()).toEqual([...model.values()].sort());
    for (const v of versions) expect(contentOf(v.map)).toEqual(v.model);
  });

  it('[issue 13] keeps keys whose 32-bit hashes are equal apart, through set, get and delete', () => {
    // FNV-1a collisions: each pair has the same hash, so they share a leaf at the bottom level.
    const pairs = [
      ['con_1149599', 'con_1312382'],
      ['con_1149598', 'con_1312383'],
      ['con_1149593', 'con_1312388'],
    ] as const;
    let map = PMap.empty<string>();
    for (let i = 0; i < 5_000; i++) map = map.set(`filler_${i}`, 'f');
    for (const [a, b] of pairs) map = map.set(a, `${a}!`).set(b, `${b}!`);
    for (const [a, b] of pairs) {
      expect(map.get(a)).toBe(`${a}!`);
      expect(map.get(b)).toBe(`${b}!`);
    }
    const without = map.delete(pairs[0][0]);
    expect(without.get(pairs[0][0])).toBeUndefined();
    expect(without.get(pairs[0][1])).toBe(`${pairs[0][1]}!`);
    expect(without.size).toBe(map.size - 1);
    expect(map.get(pairs[0][0])).toBe(`${pairs[0][0]}!`);
  });

  it('[issue 13] built from a record, it holds the same entries as one built by sets', () => {
    const record = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`agent_${i}`, i]));
    let bySets = PMap.empty<number>();
    for (const [key, value] of Object.entries(record)) bySets = bySets.set(key, value);
    const built = PMap.fromRecord(record);
    expect(built.size).toBe(3_000);
    expect(contentOf(built)).toEqual(contentOf(bySets));
    // Changing the built map leaves it as it was.
    const changed = built.set('agent_1', -1).delete('agent_2');
    expect(built.get('agent_1')).toBe(1);
    expect(built.get('agent_2')).toBe(2);
    expect(changed.get('agent_1')).toBe(-1);
    expect(changed.get('agent_2')).toBeUndefined();
    expect(PMap.empty<number>().delete('x').size).toBe(0);
  });
});
