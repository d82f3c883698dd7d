/**
 * Context words: short stems matched at the start of a word, case-insensitively, in a window
 * of text just before a candidate. Stems (not whole words) so `chiam` covers chiamare,
 * chiamatemi; matching at word start is what keeps `tel` out of `hotel` and
 * `cell` out of `cancellare`.
 */
import { charge } from './meter.ts';

/** A compiled list of stems; `lastIn` finds the match nearest to the end of a window. */
export interface ContextMatcher {
  /** Offset (in `text`) of the last stem that starts inside `[from, to)`, or -1. */
  lastIn(text: string, from: number, to: number): number;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles stems into one alternation; linear: no nested quantifiers. A stem ending in `!` must
 * be a whole word (`cap!` matches "CAP" but not "capito").
 */
export function contextMatcher(stems: readonly string[]): ContextMatcher {
  const sorted = [...stems].sort((a, b) => b.length - a.length);
  const alternatives = sorted.map((s) =>
    s.endsWith('!') ? `${escape(s.slice(0, -1))}(?![\\p{L}\\p{N}])` : escape(s),
  );
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'giu');
  return {
    lastIn(text: string, from: number, to: number): number {
      const window = text.slice(Math.max(0, from), to);
      charge(window.length);
      re.lastIndex = 0;
      let last = -1;
      for (let m = re.exec(window); m !== null; m = re.exec(window)) last = m.index;
      return last < 0 ? -1 : last + Math.max(0, from);
    },
  };
}
