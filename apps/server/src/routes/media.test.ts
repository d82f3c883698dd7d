import { describe, expect, it } from 'vitest';
import { byteRange } from './media.ts';

describe('[issue-4] byte ranges of served media (seeking in audio and video)', () => {
  it('reads start-end, open ends and suffixes; refuses ranges past the end', () => {
    expect(byteRange(undefined, 10)).toBeUndefined();
    expect(byteRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5 });
    expect(byteRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(byteRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(byteRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(byteRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(byteRange('bytes=6-2', 10)).toBe('unsatisfiable');
    expect(byteRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(byteRange('items=0-1', 10)).toBeUndefined();
  });
});
