/**
 * Email addresses, including Unicode local parts and domains (jürgen.müller@web.de). Anchored
 * on each '@': the local part is read backwards with a bounded loop and the domain with a
 * sticky regex, so the cost is linear in the text and nothing runs without an '@'.
 */
import { charge } from './meter.ts';
import type { ViewSpan } from './types.ts';

// Local-part characters: WHATWG's set minus '=', '/', '?', '#', '{|}' and the apostrophe,
// which in chat text belong to URLs and Italian/French elisions (dell'...) far more often.
const LOCAL_CHAR = /[\p{L}\p{M}\p{N}._%+!$&*^`~-]/u;
// Domain labels then a TLD of letters (or punycode); not followed by more label characters. At
// most 127 labels (a domain name is at most 253 characters): V8 keeps a backtrack entry per label,
// so an unbounded repetition overflows the stack on megabytes of "a.a.a.".
const DOMAIN =
  /(?:[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.){1,127}(?:\p{L}{2,63}|xn--[a-z0-9-]{2,59})(?![\p{L}\p{M}\p{N}-])/uy;
const MAX_LOCAL = 64;

/** Finds email addresses in a normalised view. */
export function findEmails(view: string): ViewSpan[] {
  const out: ViewSpan[] = [];
  let minStart = 0; // a local part may not reach back into the previous address
  for (let at = view.indexOf('@'); at >= 0; at = view.indexOf('@', at + 1)) {
    let start = at;
    while (start > minStart && at - start < MAX_LOCAL + 1) {
      const prev = start - 1;
      const code = view.charCodeAt(prev);
      // Step over a surrogate pair as one code point so a span never splits it.
      const cpStart = code >= 0xdc00 && code <= 0xdfff && prev > 0 ? prev - 1 : prev;
      if (!LOCAL_CHAR.test(view.slice(cpStart, start))) break;
      start = cpStart;
    }
    // No leading dot, no trailing dot, no ".." : keep the part after the last "..". Read in place:
    // a text of a million addresses makes no string per address but the spans.
    // (A loop over the local part, at most 64 characters: `lastIndexOf` would search on to the
    // start of the text, quadratic in a text of many addresses.)
    for (let i = at - 2; i >= start; i--) {
      if (view.charCodeAt(i) === 46 && view.charCodeAt(i + 1) === 46) {
        start = i + 2;
        break;
      }
    }
    while (view.charCodeAt(start) === 46 && start < at) start++;
    if (start === at || view.charCodeAt(at - 1) === 46) continue;
    DOMAIN.lastIndex = at + 1;
    const matched = DOMAIN.test(view);
    const end = matched ? DOMAIN.lastIndex : at + 1;
    charge(1 + end - start);
    if (!matched) continue;
    out.push({ type: 'EMAIL', start, end });
    minStart = end;
    at = end - 1;
  }
  return out;
}
