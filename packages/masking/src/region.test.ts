import { describe, expect, it } from 'vitest';
import { regionOfNumber } from './region.ts';

describe('regionOfNumber', () => {
  it('reads the country of international numbers, with or without +', () => {
    expect(regionOfNumber('+393471234567')).toBe('IT');
    expect(regionOfNumber('447966197542')).toBe('GB');
    expect(regionOfNumber('+1 415 555 2671')).toBe('US');
  });

  it('is undefined for what is not a number', () => {
    expect(regionOfNumber('')).toBeUndefined();
    expect(regionOfNumber('hello')).toBeUndefined();
  });
});
