/**
 * Payment card numbers (PAN): 13-19 digits in groups separated by up to two of ` .-`, that
 * pass Luhn and whose issuer prefix (IIN) agrees with the length.
 */
import { contextMatcher } from './context.ts';
import type { ViewSpan } from './types.ts';

// A maximal digit run with 1-2 separator chars between digits, not glued to a letter before
// (tracking codes like 1Z999AA10123456784) nor to a '+' (an international phone). Unambiguous alternation: linear.
const CANDIDATE = /(?<![\p{L}\p{N}_+])[0-9](?:[ .-]{1,2}[0-9]|[0-9])*/gu;

// A 15-digit Luhn-valid IMEI could pass as a card only through an ambiguous prefix; these
// words before it mean "device/SIM serial", not a card.
const NEGATIVE = contextMatcher([
  'imei',
  'iccid',
  'serial',
  'seriale',
  'serie',
  'seriennummer',
  'ean',
  'barcode',
  'sim',
]);

const IBAN_HEAD = /[A-Za-z]{2}[0-9]{2}[ -]?$/;

/** Luhn (mod 10) over an ASCII digit string of any length. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function inRange(digits: string, width: number, lo: number, hi: number): boolean {
  const p = Number(digits.slice(0, width));
  return p >= lo && p <= hi;
}

/**
 * True when the prefix (IIN) of `digits` belongs to a card brand that issues numbers of
 * this length. Table from the brands' published ranges (see NOTES §5.2); UATP (1...) is left
 * out on purpose: rare, and 13-digit numbers starting with 1 are mostly not cards.
 */
export function brandMatches(digits: string): boolean {
  const n = digits.length;
  switch (digits.charAt(0)) {
    case '4': // Visa
      return n === 13 || n === 16 || n === 19;
    case '5':
      if (inRange(digits, 2, 51, 55)) return n === 16; // Mastercard
      return n >= 12 && n <= 19; // Maestro 50, 56-59
    case '2':
      if (inRange(digits, 4, 2221, 2720)) return n === 16; // Mastercard 2-series
      if (inRange(digits, 4, 2200, 2204)) return n >= 16 && n <= 19; // Mir
      return false;
    case '3':
      if (digits.startsWith('34') || digits.startsWith('37')) return n === 15; // Amex
      if (inRange(digits, 4, 3528, 3589)) return n >= 16 && n <= 19; // JCB
      if (
        inRange(digits, 3, 300, 305) ||
        digits.startsWith('3095') ||
        digits.startsWith('36') ||
        digits.startsWith('38') ||
        digits.startsWith('39')
      ) {
        return n >= 14 && n <= 19; // Diners
      }
      return false;
    case '6': // Discover 6011/644-649/65, UnionPay 62, Maestro 6x: all 6 is some brand
      return n >= 12 && n <= 19;
    default:
      return false;
  }
}

interface Group {
  readonly start: number;
  readonly end: number;
}

/** Finds card numbers in a normalised view. */
export function findCards(view: string): ViewSpan[] {
  const out: ViewSpan[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(view); m !== null; m = CANDIDATE.exec(view)) {
    const run = m[0];
    if (run.length < 13) continue;
    const groups: Group[] = [];
    let digitCount = 0;
    let gStart = -1;
    for (let i = 0; i <= run.length; i++) {
      const isDigit = i < run.length && run.charCodeAt(i) >= 48 && run.charCodeAt(i) <= 57;
      if (isDigit) {
        digitCount++;
        if (gStart < 0) gStart = i;
      } else if (gStart >= 0) {
        groups.push({ start: m.index + gStart, end: m.index + i });
        gStart = -1;
      }
    }
    if (digitCount < 13) continue;
    // Digits right after an IBAN head ("AT19 2609 ...") are the BBAN of an IBAN that failed
    // its check, not a card: drop the first group's windows by dropping the candidate's start.
    if (IBAN_HEAD.test(view.slice(Math.max(0, m.index - 6), m.index))) groups.shift();
    scanGroups(view, groups, out);
  }
  return out;
}

/**
 * Tries group-aligned windows of 13-19 digits, longest first, from each starting group, so a
 * trailing expiry date or a leading quantity does not hide the card.
 */
function scanGroups(view: string, groups: readonly Group[], out: ViewSpan[]): void {
  let s = 0;
  while (s < groups.length) {
    const ends: number[] = [];
    let total = 0;
    for (let e = s; e < groups.length; e++) {
      const g = groups[e];
      if (g === undefined) break;
      total += g.end - g.start;
      if (total > 19) break;
      if (total >= 13) ends.push(e);
    }
    let accepted = -1;
    for (let k = ends.length - 1; k >= 0 && accepted < 0; k--) {
      const e = ends[k] ?? s;
      let digits = '';
      for (let j = s; j <= e; j++) {
        const g = groups[j];
        if (g !== undefined) digits += view.slice(g.start, g.end);
      }
      if (!luhnValid(digits) || !brandMatches(digits)) continue;
      const first = groups[s];
      const last = groups[e];
      if (first === undefined || last === undefined) continue;
      if (
        digits.length === 15 &&
        !digits.startsWith('34') &&
        !digits.startsWith('37') &&
        NEGATIVE.lastIn(view, first.start - 30, first.start) >= 0
      )
        continue;
      out.push({ type: 'CREDIT_CARD', start: first.start, end: last.end });
      accepted = e;
    }
    s = accepted >= 0 ? accepted + 1 : s + 1;
  }
}
