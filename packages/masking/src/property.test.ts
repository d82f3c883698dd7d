/**
 * Property test: random and adversarial strings of up to 4096 characters (S-8: WhatsApp's
 * text limit) never throw, never take long, and always give sorted, disjoint findings on
 * code-point boundaries inside the string.
 */
import { describe, expect, it } from 'vitest';
import { findSensitive, maskText } from './index.ts';
import type { Finding } from './index.ts';

/** mulberry32: a tiny seeded PRNG so a failure is reproducible from its seed. */
function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = [
  ...'0123456789'.split(''),
  ...'0123456789'.split(''),
  ' ',
  ' ',
  '-',
  '.',
  '/',
  '(',
  ')',
  '+',
  '@',
  '#',
  ':',
  ',',
  '\n',
  'a',
  'e',
  'I',
  'T',
  'x',
  'Z',
  'é',
  'ß',
  'ñ',
  'ç',
  '\u200B',
  '\u200D',
  '\u00A0',
  '\u2013',
  '\u2212',
  '\uFEFF',
  '\u00AD',
  '４',
  '１',
  '＠',
  '＋',
  '٣',
  '𝟏',
  '😀',
  '👍🏽',
  '👨‍👩‍👧',
  '\uD83D',
  '\uDE00', // emoji, ZWJ sequence, lone surrogates
  'Привет',
  'مرحبا',
  '你好',
  'שלום',
  'IT60',
  'X054',
  'gmail.com',
  '.it',
  '00',
  '39',
  '347',
  '4111',
  'ssn ',
  'tel ',
  'ordine ',
];

function randomText(rand: () => number, maxLen: number): string {
  const target = Math.floor(rand() * maxLen);
  let s = '';
  while (s.length < target) s += ATOMS[Math.floor(rand() * ATOMS.length)] ?? '';
  return s.slice(0, maxLen);
}

function isLowSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}
function isHighSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}
/** True when `at` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, at: number): boolean {
  return at > 0 && at < text.length && isLowSurrogate(text, at) && isHighSurrogate(text, at - 1);
}

function checkInvariants(text: string, findings: readonly Finding[]): void {
  let prevEnd = 0;
  for (const f of findings) {
    expect(f.start).toBeGreaterThanOrEqual(prevEnd);
    expect(f.end).toBeGreaterThan(f.start);
    expect(f.end).toBeLessThanOrEqual(text.length);
    expect(splitsPair(text, f.start) || splitsPair(text, f.end)).toBe(false);
    prevEnd = f.end;
  }
}

const ADVERSARIAL: readonly string[] = [
  '',
  '1'.repeat(4096),
  '1 '.repeat(2048),
  '1-'.repeat(2048),
  '1.'.repeat(2048),
  '12 '.repeat(1365),
  '+1 '.repeat(1365),
  '(1)'.repeat(1365),
  '4111 '.repeat(819),
  '4111\u200B'.repeat(819),
  '４'.repeat(4096),
  'IT60'.repeat(1024),
  'it60 x'.repeat(682),
  'a'.repeat(4000) + '@',
  'a.'.repeat(2047) + '@',
  '@'.repeat(4096),
  'a@'.repeat(2048),
  'a@b.'.repeat(1024),
  'a@' + 'b.'.repeat(2046) + '1',
  'a@' + 'b'.repeat(4090) + '.c',
  ('x'.repeat(61) + '.').repeat(66),
  '😀'.repeat(2048),
  '\uD83D'.repeat(4096),
  '\u200B'.repeat(4096),
  'ssn 536228841 '.repeat(292),
  'tel 347 123 4567 '.repeat(240),
  '536-22-8841-'.repeat(341),
  '00'.repeat(2048),
  '+39 347 123 4567 / '.repeat(215),
];

describe('property: random and adversarial input', () => {
  it(
    'never throws, stays in bounds and on code points, for 3000 seeded random strings',
    { timeout: 30_000 },
    () => {
      const rand = prng(20240315);
      for (let i = 0; i < 3000; i++) {
        const text = randomText(rand, i % 10 === 0 ? 4096 : 300);
        const findings = findSensitive(text, { defaultRegion: 'IT' });
        checkInvariants(text, findings);
        expect(typeof maskText(text)).toBe('string');
      }
    },
  );

  it.each(ADVERSARIAL.map((t, i) => [i, t] as const))(
    'adversarial #%i is linear-time and well-formed',
    (_i, text) => {
      const t0 = performance.now();
      const findings = findSensitive(text);
      const masked = maskText(text);
      const ms = performance.now() - t0;
      checkInvariants(text, findings);
      expect(typeof masked).toBe('string');
      expect(ms).toBeLessThan(500);
    },
  );
});
