/**
 * Masking output (S-11). A phone keeps its last 4 digits; whitespace is dropped and every
 * other character (digits, '+', brackets, dashes) becomes '*':
 * `+ 1 (123) 456 7890` -> `**********7890`. An email keeps the first character of the local
 * part and the domain: `melissa@gmail.com` -> `m******@gmail.com`. Cards, IBANs and SSNs
 * keep their last 4 characters and drop every separator: `4111 1111 1111 1111` ->
 * `************1111` (PCI DSS allows at most the last 4 on display).
 */
import { findInText, resolveRegions } from './find.ts';
import { normalize } from './normalize.ts';
import { isWholePhoneNumber } from './phone.ts';
import type { FindOptions, FindingType } from './types.ts';

const KEEP = 4;

/**
 * Masks all but the last KEEP digits (or alphanumerics) of `chars`: one '*' per char before
 * them, and the kept tail is written without the separators inside it
 * (`333.123.45.67` -> `********4567`, not `********45*67`).
 */
function keepLast(chars: readonly string[], isKept: (c: string) => boolean): string {
  let kept = 0;
  let i = chars.length - 1;
  let tail = '';
  for (; i >= 0 && kept < KEEP; i--) {
    const c = chars[i] ?? '';
    if (isKept(c)) {
      tail = c + tail;
      kept++;
    }
  }
  return '*'.repeat(i + 1) + tail;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

/**
 * Masks one value of a known type, e.g. a customer's phone number in a title. The value is
 * read in its normalised form (full-width digits become ASCII, invisible characters go), so
 * the visible last 4 are plain digits.
 */
export function maskValue(type: FindingType, raw: string): string {
  return maskView(type, normalize(raw).view);
}

/** `maskValue` of a value already in its normalised form. */
function maskView(type: FindingType, view: string): string {
  switch (type) {
    case 'EMAIL': {
      const at = view.lastIndexOf('@');
      if (at <= 0) return keepLast(Array.from(view.replace(/\s/g, '')), isAlnum);
      // The local part's first code point, then one '*' per further code point.
      const firstWidth = codePointWidth(view, 0);
      return `${view.slice(0, firstWidth)}${stars(codePoints(view, firstWidth, at))}${view.slice(at)}`;
    }
    case 'PHONE':
      return keepLast(Array.from(view.replace(/\s/g, '')), isDigit);
    case 'CREDIT_CARD':
    case 'IBAN':
    case 'SSN':
      return keepLastAlnum(view, 0, view.length);
  }
}

/** The UTF-16 length of the code point at `i`: 2 for a surrogate pair, else 1. */
function codePointWidth(view: string, i: number): number {
  return (view.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
}

/** The number of code points in `view[from, to)`, a surrogate pair counting once. */
function codePoints(view: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++, count++) {
    const c = view.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const next = view.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

// The short runs of '*' a masked value is made of, made once: a text of a million addresses
// would otherwise make a million small strings.
const STAR_RUNS = Array.from({ length: 64 }, (_, n) => '*'.repeat(n));

/** `n` asterisks. */
function stars(n: number): string {
  return STAR_RUNS[n] ?? '*'.repeat(n);
}

/**
 * `keepLast` over the ASCII letters and digits of `view[start, end)` (separators dropped): one '*'
 * per alphanumeric but the last KEEP, then those. A loop instead of a regex and an array: a hostile
 * text can hold a hundred thousand card numbers.
 */
function keepLastAlnum(view: string, start: number, end: number): string {
  let count = 0;
  let tail = '';
  for (let i = end - 1; i >= start; i--) {
    const c = view.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      if (count < KEEP) tail = view.charAt(i) + tail;
      count++;
    }
  }
  return stars(count - tail.length) + tail;
}

/** Returns `text` with every sensitive value found by `findSensitive` masked by `maskValue`. */
export function maskText(text: string, options?: FindOptions): string {
  const { findings, plain } = findInText(text, options);
  if (findings.length === 0) return text;
  const out = new Output();
  let at = 0;
  for (const f of findings) {
    const atSign = f.type === 'EMAIL' ? text.lastIndexOf('@', f.end - 1) : -1;
    if (plain && atSign > f.start) {
      // An email in a plain text, masked in place: the text up to the local part's first code
      // point, the '*'s, and the domain kept as written (`maskView`'s EMAIL, without its strings).
      const firstEnd = f.start + codePointWidth(text, f.start);
      out.add(text.slice(at, firstEnd));
      out.add(stars(codePoints(text, firstEnd, atSign)));
      at = atSign;
      continue;
    }
    out.add(text.slice(at, f.start));
    // A plain text needs no normalising (any slice of it is in view form already).
    if (!plain) out.add(maskValue(f.type, text.slice(f.start, f.end)));
    else if (f.type === 'EMAIL' || f.type === 'PHONE') out.add(maskView(f.type, text.slice(f.start, f.end)));
    else out.add(keepLastAlnum(text, f.start, f.end));
    at = f.end;
  }
  out.add(text.slice(at));
  return out.toString();
}

/**
 * The masked text, built from its pieces. A hostile text has hundreds of thousands of findings:
 * a rope of that many small strings stays alive to the end and the garbage collector copies it
 * again and again; joined every PIECES pieces, only a few flat strings live.
 */
class Output {
  private static readonly PIECES = 256;
  private readonly joined: string[] = [];
  private readonly pieces: string[] = [];

  add(piece: string): void {
    this.pieces.push(piece);
    if (this.pieces.length >= Output.PIECES) {
      this.joined.push(this.pieces.join(''));
      this.pieces.length = 0;
    }
  }

  toString(): string {
    this.joined.push(this.pieces.join(''));
    this.pieces.length = 0;
    return this.joined.length === 1 ? (this.joined[0] ?? '') : this.joined.join('');
  }
}

/**
 * S-13: masks a whole string as a phone number when it is one (e.g. a customer name that
 * WhatsApp set to the mobile number, `+39 347 123 4567` or `393471234567`); otherwise returns
 * it unchanged.
 */
export function maskIfPhoneNumber(value: string, options?: FindOptions): string {
  const view = normalize(value).view;
  return isWholePhoneNumber(view, resolveRegions(options)) ? maskValue('PHONE', value.trim()) : value;
}
