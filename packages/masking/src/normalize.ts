/**
 * Evasion handling. Detectors run on a "view" of the text in which full-width and other
 * Unicode digits are ASCII, every space separator (NBSP, thin space, ideographic space) is a
 * plain space, every dash is `-`, and invisible format characters (zero-width space/joiner,
 * soft hyphen, BOM, bidi marks) are gone. `toOriginal` maps a view span back to the original
 * text, so a zero-width character inside a card number is covered by the finding and masked.
 */

import { charge } from './meter.ts';

/** The text detectors see, plus the way back to the original. */
export interface NormalizedText {
  readonly view: string;
  /** `starts[i]`: original UTF-16 index of the code point view char `i` came from; null = identity. */
  readonly starts: ArrayLike<number> | null;
  /** `ends[i]`: original UTF-16 index just after that code point; null = identity. */
  readonly ends: ArrayLike<number> | null;
}

/**
 * Up to this length the maps back are plain arrays, filled in order: a typed array's backing store
 * costs microseconds to allocate, more than the rest of a chat message's normalisation (P8, one
 * message at a time: 660 -> 140 us per pass over the corpus). Past it, 4 bytes an entry, not 8.
 */
const PLAIN_UP_TO = 4096;

/** An empty map of `length` entries at most, written from index 0 up. */
function positions(length: number): Int32Array | number[] {
  return length > PLAIN_UP_TO ? new Int32Array(length) : [];
}

// Characters that need rewriting. ASCII space, digits and '-' are already in view form; the
// regex is the fast path: most chat messages match nothing and are used as they are.
const NEEDS_REWRITE = /(?![ 0-9-])[\p{Nd}\p{Zs}\p{Cf}\p{Pd}\u2212\uFF01-\uFF5E]/gu;
const NON_ASCII = /[^\0-\x7F]/g;
const IS_ND = /^\p{Nd}$/u;
const IS_ZS = /^\p{Zs}$/u;
const IS_PD = /^\p{Pd}$/u;
const ASCII_DIGIT = /^[0-9]$/;

/** What a code point becomes in the view: a single char, or '' to drop it. */
function rewrite(cp: number): string {
  if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0); // full-width ASCII
  if (cp === 0x2212) return '-';
  const ch = String.fromCodePoint(cp);
  if (IS_ZS.test(ch)) return ' ';
  if (IS_PD.test(ch)) return '-';
  if (IS_ND.test(ch)) {
    const nfkc = ch.normalize('NFKC');
    if (ASCII_DIGIT.test(nfkc)) return nfkc;
    // Unicode lays every decimal digit set out as ten consecutive code points 0..9; NFKC leaves
    // most scripts (Arabic-Indic, Devanagari, ...) alone, so find the zero by walking back.
    let zero = cp;
    while (zero > cp - 9 && IS_ND.test(String.fromCodePoint(zero - 1))) zero--;
    return String.fromCharCode(0x30 + (cp - zero));
  }
  return ''; // \p{Cf}: invisible, dropped
}

/** The first `n` entries of a map `positions` made (a plain array holds only those). */
function upTo(map: Int32Array | number[], n: number): ArrayLike<number> {
  return Array.isArray(map) ? map : map.subarray(0, n);
}

/** Builds the detection view of `text`. Linear in the text length. */
export function normalize(text: string): NormalizedText {
  charge(text.length);
  // Every character to rewrite is outside ASCII: the Unicode-class regex starts at the first one.
  NON_ASCII.lastIndex = 0;
  if (!NON_ASCII.test(text)) return { view: text, starts: null, ends: null };
  NEEDS_REWRITE.lastIndex = NON_ASCII.lastIndex - 1;
  let m = NEEDS_REWRITE.exec(text);
  if (m === null) return { view: text, starts: null, ends: null };
  const starts = positions(text.length);
  const ends = positions(text.length);
  const parts: string[] = [];
  let n = 0; // view length so far
  let copied = 0; // original index up to which text is already copied
  while (m !== null) {
    const at = m.index;
    for (let i = copied; i < at; i++) {
      starts[n] = i;
      ends[n] = i + 1;
      n++;
    }
    if (at > copied) parts.push(text.slice(copied, at));
    const cp = text.codePointAt(at) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const out = rewrite(cp);
    if (out !== '') {
      parts.push(out);
      starts[n] = at;
      ends[n] = at + width;
      n++;
    }
    copied = at + width;
    m = NEEDS_REWRITE.exec(text);
  }
  for (let i = copied; i < text.length; i++) {
    starts[n] = i;
    ends[n] = i + 1;
    n++;
  }
  parts.push(text.slice(copied));
  return { view: parts.join(''), starts: upTo(starts, n), ends: upTo(ends, n) };
}

/** Maps the view span `[start, end)` (non-empty) back to the original text. */
export function toOriginal(norm: NormalizedText, start: number, end: number): { start: number; end: number } {
  if (norm.starts === null || norm.ends === null) return { start, end };
  return { start: norm.starts[start] ?? 0, end: norm.ends[end - 1] ?? 0 };
}
