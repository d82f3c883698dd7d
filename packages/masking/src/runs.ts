/**
 * Digit runs, scanned by hand: a run of a few megabytes of digits and separators is one
 * candidate, and V8's regex engine keeps a backtrack entry per repetition of a group, so a
 * `(?:sep{1,2}\d|\d)*` regex throws a stack overflow on a long enough run. These loops read each
 * character once and keep nothing.
 */

const GLUE = /[\p{L}\p{N}_+]/u;

/** True for an ASCII digit code unit. */
export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * True when the code point just before `i` is a letter, a digit (of any script), `_` or `+`:
 * the regex lookbehind `(?<![\p{L}\p{N}_+])` with the `u` flag.
 */
export function gluedBefore(view: string, i: number): boolean {
  if (i <= 0) return false;
  const c = view.charCodeAt(i - 1);
  if (c < 0x80) {
    return (
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 43 // 0-9 A-Z a-z _ +
    );
  }
  // A low surrogate: the code point is the pair.
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = view.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return GLUE.test(view.slice(i - 2, i));
  }
  return GLUE.test(view.charAt(i - 1));
}

/**
 * The end of the longest run starting with the digit at `i` in which digits follow one another
 * directly or across 1..`maxSeps` separator characters: the regex `\d(?:sep{1,maxSeps}\d|\d)*`.
 */
export function runEnd(view: string, i: number, maxSeps: number, isSep: (c: number) => boolean): number {
  const n = view.length;
  let j = i + 1;
  for (;;) {
    if (j < n && isDigitCode(view.charCodeAt(j))) {
      j++;
      continue;
    }
    let k = j;
    while (k < n && k - j < maxSeps && isSep(view.charCodeAt(k))) k++;
    if (k > j && k < n && isDigitCode(view.charCodeAt(k))) {
      j = k + 1;
      continue;
    }
    return j;
  }
}
