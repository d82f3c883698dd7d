/**
 * Context words: short stems matched at the start of a word, case- and accent-insensitively, in
 * a window of text just before a candidate. Stems (not whole words) so `chiam` covers chiamare,
 * chiamatemi; matching at word start is what keeps `tel` out of `hotel` and `cell` out of
 * `cancellare`, also when the window's first character falls inside a word (the character just
 * before the window is read to tell). Accents are folded on both sides, so `llam` matches
 * "llámame" and `telemovel` "telemóvel" (people type with and without them).
 */
import { charge } from './meter.ts';

/** Where a stem matched: `[start, end)` in the text searched. */
export interface ContextHit {
  readonly start: number;
  readonly end: number;
}

/** A compiled list of stems; `lastIn` finds the match nearest to the end of a window. */
export interface ContextMatcher {
  /** Offset (in `text`) of the last stem that starts inside `[from, to)`, or -1. */
  lastIn(text: string, from: number, to: number): number;
  /** The last stem that starts inside `[from, to)`, with its end, or undefined. */
  lastHit(text: string, from: number, to: number): ContextHit | undefined;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `s` has a Latin letter with a diacritic (U+00C0..U+024F). */
function hasAccents(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xc0 && c <= 0x24f) return true;
  }
  return false;
}

/**
 * Folds accents one UTF-16 unit at a time (`é` -> `e`, `ü` -> `u`), so offsets are unchanged.
 * Only precomposed Latin letters change; anything else stays as it is.
 */
export function foldAccents(s: string): string {
  if (!hasAccents(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xc0 || c > 0x24f) out += s.charAt(i);
    else {
      const base = s.charAt(i).normalize('NFD').charAt(0);
      out += base.length === 1 ? base : s.charAt(i);
    }
  }
  return out;
}

/**
 * Compiles stems into one alternation; linear: no nested quantifiers. A stem ending in `!` must
 * be a whole word (`cap!` matches "CAP" but not "capito").
 */
export function contextMatcher(stems: readonly string[]): ContextMatcher {
  const folded = [...new Set(stems.map((s) => foldAccents(s.toLowerCase())))];
  const sorted = folded.sort((a, b) => b.length - a.length);
  const alternatives = sorted.map((s) =>
    s.endsWith('!') ? `${escape(s.slice(0, -1))}(?![\\p{L}\\p{N}])` : escape(s),
  );
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'giu');
  const lastHit = (text: string, from: number, to: number): ContextHit | undefined => {
    // One character more on the left, so a stem is matched only where a word starts.
    const lead = from > 0 ? 1 : 0;
    const base = Math.max(0, from) - lead;
    const window = foldAccents(text.slice(base, to));
    charge(window.length);
    re.lastIndex = 0;
    let last: ContextHit | undefined;
    for (let m = re.exec(window); m !== null; m = re.exec(window)) {
      if (m.index >= lead) last = { start: base + m.index, end: base + m.index + m[0].length };
      if (m[0].length === 0) re.lastIndex++;
    }
    return last;
  };
  return {
    lastHit,
    lastIn(text: string, from: number, to: number): number {
      return lastHit(text, from, to)?.start ?? -1;
    },
  };
}
