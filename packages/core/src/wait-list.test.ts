import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';
import { compareWait, WaitList, type WaitEntry } from './wait-list.ts';

describe('WaitList', () => {
  it('[S-3] keeps serving order through thousands of random inserts and removals, old lists unchanged', () => {
    const rand = seededRandom(42);
    let list = WaitList.EMPTY;
    let model: WaitEntry[] = [];
    const versions: Array<{ list: WaitList; model: WaitEntry[] }> = [];
    for (let step = 0; step < 4_000; step++) {
      if (model.length > 0 && rand() < 0.3) {
        const victim = model[Math.floor(rand() * model.length)] as WaitEntry;
        list = list.remove(victim);
        model = model.filter((e) => e !== victim);
      } else {
        const entry = { id: `c${step}`, at: Math.floor(rand() * 1_000) };
        list = list.insert(entry);
        model = [...model, entry].sort(compareWait);
      }
      if (step % 500 === 0) versions.push({ list, model });
    }
    expect(list.length).toBe(model.length);
    expect([...list]).toEqual(model);
    expect(list.slice(10, 20)).toEqual(model.slice(10, 20));
    expect(list.remove({ id: 'absent', at: 5 })).toBe(list);
    // Persistent: every earlier version still reads as it was.
    for (const v of versions) expect([...v.list]).toEqual(v.model);
    expect(WaitList.fromSorted(model).slice(0)).toEqual(model);
  });
});
