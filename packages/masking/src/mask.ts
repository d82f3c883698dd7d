/**
 * Masking output (S-11). A phone keeps its last 4 digits; whitespace is dropped and every
 * other character (digits, '+', brackets, dashes) becomes '*':
 * `+ 1 (123) 456 7890` -> `**********7890`. An email keeps the first character of the local
 * part and the domain: `melissa@gmail.com` -> `m******@gmail.com`. Cards, IBANs and SSNs
 * keep their last 4 characters and drop every separator: `4111 1111 1111 1111` ->
 * `************1111` (PCI DSS allows at most the last 4 on display).
 */
import { findSensitive, resolveRegions } from './find.ts';
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
  const view = normalize(raw).view;
  switch (type) {
    case 'EMAIL': {
      const at = view.lastIndexOf('@');
      if (at <= 0) return keepLast(Array.from(view.replace(/\s/g, '')), isAlnum);
      const local = Array.from(view.slice(0, at));
      return `${local[0] ?? ''}${'*'.repeat(local.length - 1)}${view.slice(at)}`;
    }
    case 'PHONE':
      return keepLast(Array.from(view.replace(/\s/g, '')), isDigit);
    case 'CREDIT_CARD':
    case 'IBAN':
    case 'SSN':
      return keepLast(Array.from(view.replace(/[^0-9A-Za-z]/g, '')), isAlnum);
  }
}

/** Returns `text` with every sensitive value found by `findSensitive` masked by `maskValue`. */
export function maskText(text: string, options?: FindOptions): string {
  const findings = findSensitive(text, options);
  if (findings.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + maskValue(f.type, text.slice(f.start, f.end));
    at = f.end;
  }
  return out + text.slice(at);
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
