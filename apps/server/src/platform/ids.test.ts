import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './ids.ts';

describe('[issue-13] time-ordered ids', () => {
  it('sort in the order they were made, within one millisecond too, and never repeat', () => {
    const made = [
      ...Array.from({ length: 1_000 }, () => timeOrderedId('ie', 1_700_000_000_000)),
      ...Array.from({ length: 10 }, (_, i) => timeOrderedId('ie', 1_700_000_000_001 + i * 999)),
      timeOrderedId('ie', 17_000_000_000_000),
    ];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(made[0]).toMatch(/^ie_0[0-9a-z]{8}_[0-9a-z]{4}_[0-9a-f]{16}$/);
    expect(timeOrderedId('con', Date.now())).toHaveLength(35);
  });
});
