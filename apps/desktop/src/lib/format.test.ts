import { describe, expect, it } from 'vitest';
import { formatDuration, initialsOf } from './format.ts';

describe('formatDuration', () => {
  it('shows mm:ss below an hour', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_000)).toBe('01:05');
    expect(formatDuration(3_599_999)).toBe('59:59');
  });

  it('shows h:mm:ss from an hour on', () => {
    expect(formatDuration(3_600_000)).toBe('1:00:00');
    expect(formatDuration(26 * 3_600_000 + 61_000)).toBe('26:01:01');
  });

  it('clamps a negative duration (server clock ahead) to 00:00', () => {
    expect(formatDuration(-5_000)).toBe('00:00');
  });
});

describe('[S-6] initialsOf', () => {
  it('takes the first and last word initials', () => {
    expect(initialsOf('Maria Rossi')).toBe('MR');
    expect(initialsOf('maria de la cruz')).toBe('MC');
    expect(initialsOf('Zoë')).toBe('Z');
    expect(initialsOf('  Élodie   Martin ')).toBe('ÉM');
  });

  it('[S-13] a name that is a (masked) number gets "#"', () => {
    expect(initialsOf('+447966197542')).toBe('#');
    expect(initialsOf('*********7542')).toBe('#');
    expect(initialsOf('**********7890')).toBe('#');
    expect(initialsOf('+1 (415) 555-2671')).toBe('#');
    expect(initialsOf('')).toBe('#');
    expect(initialsOf('   ')).toBe('#');
  });

  it('[S-10][S-11] a masked name gets "#", never "**" or a letter left over by the mask', () => {
    expect(initialsOf('**')).toBe('#');
    expect(initialsOf('********* Smith')).toBe('#');
    expect(initialsOf('  ****@gmail.com')).toBe('#');
    expect(initialsOf('*')).toBe('#');
  });

  it('keeps initials of names with a star or masked part that do not start masked', () => {
    expect(initialsOf('m******@gmail.com')).toBe('M');
    expect(initialsOf('Sheena ****** Nelson')).toBe('SN');
    expect(initialsOf('Ravi **********7890')).toBe('R');
  });

  it('[issue-18] right-to-left, emoji and decomposed names get whole characters', () => {
    expect(initialsOf('محمد علي')).toBe('مع');
    expect(initialsOf('דוד לוי')).toBe('דל');
    expect(initialsOf('王小明')).toBe('王');
    // "Élodie" written as E + a combining accent keeps the accent on its initial.
    expect(initialsOf('E\u0301lodie Martin')).toBe('E\u0301M');
    expect(initialsOf('🌸🌸')).toBe('🌸');
    expect(initialsOf('🇮🇹 ')).toBe('🇮🇹');
    expect(initialsOf('🌸 Anna')).toBe('A');
    expect(initialsOf('12345 🙂')).toBe('🙂');
    expect(initialsOf('12345')).toBe('#');
  });
});
