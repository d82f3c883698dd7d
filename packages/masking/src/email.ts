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
    // No leading dot, no trailing dot, no ".." : keep the part after the last "..".
    const local = view.slice(start, at);
    const dd = local.lastIndexOf('..');
    if (dd >= 0) start += dd + 2;
    while (view[start] === '.' && start < at) start++;
    if (start === at || view[at - 1] === '.') continue;
    DOMAIN.lastIndex = at + 1;
    const m = DOMAIN.exec(view);
    charge(1 + at - start + (m?.[0].length ?? 0));
    if (m === null) continue;
    const end = at + 1 + m[0].length;
    out.push({ type: 'EMAIL', start, end });
    minStart = end;
    at = end - 1;
  }
  return out;
}
