import { describe, expect, it } from 'vitest';
import { limitPaste } from './paste-limit.ts';

describe('a paste over the message limit', () => {
  it('fits: nothing to do', () => {
    expect(limitPaste('ab', 2, 2, 'cd', 4)).toBeNull();
    expect(limitPaste('abcd', 0, 4, 'wxyz', 4)).toBeNull();
  });

  it('[S-8] keeps the first characters that fit, at the caret, and tells how long the paste was', () => {
    expect(limitPaste('ab', 1, 1, 'xyz', 4)).toEqual({ value: 'axyb', caret: 3, pastedLength: 3 });
  });

  it('replaces the selection before counting', () => {
    expect(limitPaste('abcdef', 1, 5, '123456', 6)).toEqual({ value: 'a1234f', caret: 5, pastedLength: 6 });
  });

  it('a full composer takes nothing', () => {
    expect(limitPaste('abcd', 4, 4, 'x', 4)).toEqual({ value: 'abcd', caret: 4, pastedLength: 1 });
  });

  it('never splits an emoji (a surrogate pair) at the limit', () => {
    const result = limitPaste('abc', 3, 3, '😀x', 4);
    expect(result).toEqual({ value: 'abc', caret: 3, pastedLength: 3 });
  });

  it('a 5000-character paste into an empty composer keeps 4096', () => {
    const result = limitPaste('', 0, 0, 'x'.repeat(5000), 4096);
    expect(result?.value.length).toBe(4096);
    expect(result?.pastedLength).toBe(5000);
  });
});
