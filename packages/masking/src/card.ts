/**
 * Payment card numbers (PAN): 13-19 digits in groups separated by up to two of ` .-`, that
 * pass Luhn and whose issuer prefix (IIN) agrees with the length.
 */
import { contextMatcher } from './context.ts';
import { charge } from './meter.ts';
import { gluedBefore, isDigitCode, runEnd } from './runs.ts';
import type { ViewSpan } from './types.ts';

// A candidate is a maximal digit run with 1-2 separator chars (` .-`) between digits, not glued to
// a letter before (tracking codes like 1Z999AA10123456784) nor to a '+' (an international phone):
// `(?<![\p{L}\p{N}_+])[0-9](?:[ .-]{1,2}[0-9]|[0-9])*`, scanned by hand (runs.ts).
const isSeparator = (c: number): boolean => c === 32 || c === 46 || c === 45; // ' ' '.' '-'

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

/**
 * True when the prefix (IIN) of `digits` belongs to a card brand that issues numbers of
 * this length. Table from the brands' published ranges (see NOTES §5.2); UATP (1...) is left
 * out on purpose: rare, and 13-digit numbers starting with 1 are mostly not cards.
 */
export function brandMatches(digits: string): boolean {
  return digits.length >= 4 && brandFits(Number(digits.slice(0, 4)), digits.length);
}

/** `brandMatches` for a number of `n` digits whose first four digits read as `head` (0-9999). */
function brandFits(head: number, n: number): boolean {
  const two = Math.floor(head / 100);
  switch (Math.floor(head / 1000)) {
    case 4: // Visa
      return n === 13 || n === 16 || n === 19;
    case 5:
      if (two >= 51 && two <= 55) return n === 16; // Mastercard
      return n >= 12 && n <= 19; // Maestro 50, 56-59
    case 2:
      if (head >= 2221 && head <= 2720) return n === 16; // Mastercard 2-series
      if (head >= 2200 && head <= 2204) return n >= 16 && n <= 19; // Mir
      return false;
    case 3: {
      if (two === 34 || two === 37) return n === 15; // Amex
      if (head >= 3528 && head <= 3589) return n >= 16 && n <= 19; // JCB
      const three = Math.floor(head / 10);
      if ((three >= 300 && three <= 305) || head === 3095 || two === 36 || two === 38 || two === 39) {
        return n >= 14 && n <= 19; // Diners
      }
      return false;
    }
    case 6: // Discover 6011/644-649/65, UnionPay 62, Maestro 6x: all 6 is some brand
      return n >= 12 && n <= 19;
    default:
      return false;
  }
}

/** Groups read at a time from a run: bounds the scratch memory whatever the run's length. */
const GROUPS_PER_READ = 4096;
/** The longest card number: a window has at most 19 digits, so at most 19 groups. */
const MAX_CARD_DIGITS = 19;

/**
 * Scratch space for a stretch of one candidate run, reused (a run can be megabytes of digits):
 * up to GROUPS_PER_READ digit groups, and per digit two running Luhn sums, so any window's
 * checksum is two subtractions instead of a string built and walked. A group longer than 19
 * digits is in no window: its digits are not kept.
 */
class RunScratch {
  /** View offsets of each group's first digit and just past its last. */
  readonly groupStart = new Int32Array(GROUPS_PER_READ);
  readonly groupEnd = new Int32Array(GROUPS_PER_READ);
  /** Digits in each group. */
  readonly groupDigits = new Int32Array(GROUPS_PER_READ);
  /** Ordinal of each group's first kept digit. */
  readonly groupOrdinal = new Int32Array(GROUPS_PER_READ);
  /** The kept digits, by ordinal. */
  readonly digit = new Uint8Array(GROUPS_PER_READ * MAX_CARD_DIGITS);
  /**
   * `evenPlain[k]`: the Luhn sum of kept digits 0..k-1 with even ordinals taken as they are and
   * odd ones doubled; `oddPlain[k]`: the other way round. A window whose last digit has an even
   * ordinal keeps its even-ordinal digits plain (Luhn doubles every second digit from the right).
   */
  readonly evenPlain = new Int32Array(GROUPS_PER_READ * MAX_CARD_DIGITS + 1);
  readonly oddPlain = new Int32Array(GROUPS_PER_READ * MAX_CARD_DIGITS + 1);
  /** Groups read. */
  groups = 0;
  /** Where the next group starts (or the run's end): where the next read begins. */
  next = 0;
  /** Whether the run's last group has been read. */
  done = false;

  /** Reads up to GROUPS_PER_READ groups of the run from `from` (a group's first digit) to `to`. */
  read(view: string, from: number, to: number): void {
    const { groupStart, groupEnd, groupDigits, groupOrdinal, digit, evenPlain, oddPlain } = this;
    let groups = 0;
    let k = 0;
    let even = 0;
    let odd = 0;
    let j = from;
    while (j < to && groups < GROUPS_PER_READ) {
      const start = j;
      while (j < to && isDigitCode(view.charCodeAt(j))) j++;
      const count = j - start;
      groupStart[groups] = start;
      groupEnd[groups] = j;
      groupDigits[groups] = count;
      groupOrdinal[groups] = k;
      if (count <= MAX_CARD_DIGITS) {
        for (let p = start; p < j; p++, k++) {
          const d = view.charCodeAt(p) - 48;
          const doubled = d > 4 ? d * 2 - 9 : d * 2;
          digit[k] = d;
          if ((k & 1) === 0) {
            even += d;
            odd += doubled;
          } else {
            even += doubled;
            odd += d;
          }
          evenPlain[k + 1] = even;
          oddPlain[k + 1] = odd;
        }
      }
      groups++;
      while (j < to && !isDigitCode(view.charCodeAt(j))) j++; // the separators
    }
    charge(j - from);
    this.groups = groups;
    this.next = j;
    this.done = j >= to;
  }

  /** The first four digits of group `g` onwards as a number (its window has 13+ digits). */
  head(g: number): number {
    const k = this.groupOrdinal[g] ?? 0;
    const d = this.digit;
    return (d[k] ?? 0) * 1000 + (d[k + 1] ?? 0) * 100 + (d[k + 2] ?? 0) * 10 + (d[k + 3] ?? 0);
  }

  /** Luhn over the digits of groups `first..last` (each of 19 digits or fewer). */
  luhn(first: number, last: number): boolean {
    const a = this.groupOrdinal[first] ?? 0;
    const b = (this.groupOrdinal[last] ?? 0) + (this.groupDigits[last] ?? 0);
    const sums = (b - 1) % 2 === 0 ? this.evenPlain : this.oddPlain;
    return ((sums[b] ?? 0) - (sums[a] ?? 0)) % 10 === 0;
  }
}

const scratch = new RunScratch();

/** Finds card numbers in a normalised view. */
export function findCards(view: string): ViewSpan[] {
  const out: ViewSpan[] = [];
  const n = view.length;
  let i = 0;
  while (i < n) {
    if (!isDigitCode(view.charCodeAt(i)) || gluedBefore(view, i)) {
      i++;
      continue;
    }
    const end = runEnd(view, i, 2, isSeparator);
    charge(end - i);
    if (end - i >= 13 && countDigits(view, i, end, 13) >= 13) {
      // Digits right after an IBAN head ("AT19 2609 ...") are the BBAN of an IBAN that failed
      // its check, not a card: drop the first group's windows by dropping the candidate's start.
      const first = IBAN_HEAD.test(view.slice(Math.max(0, i - 6), i)) ? 1 : 0;
      scanGroups(view, i, end, first, out);
    }
    i = end;
  }
  return out;
}

/** ASCII digits in `view[from, to)`, counting no further than `enough`. */
function countDigits(view: string, from: number, to: number, enough: number): number {
  let count = 0;
  for (let j = from; j < to && count < enough; j++) if (isDigitCode(view.charCodeAt(j))) count++;
  return count;
}

/**
 * Tries group-aligned windows of 13-19 digits of the run `view[from, to)`, longest first, from
 * each starting group (from the `first`-th on), so a trailing expiry date or a leading quantity
 * does not hide the card. Each starting group looks at most 19 groups ahead: linear in the number
 * of groups. The run is read GROUPS_PER_READ groups at a time, again from the current group when
 * fewer than 19 are left ahead of it.
 */
function scanGroups(view: string, from: number, to: number, first: number, out: ViewSpan[]): void {
  const run = scratch;
  run.read(view, from, to);
  const windowEnds: number[] = [];
  let s = first;
  for (;;) {
    if (!run.done && s + MAX_CARD_DIGITS > run.groups) {
      run.read(view, s < run.groups ? (run.groupStart[s] ?? to) : run.next, to);
      s = 0;
    }
    if (s >= run.groups) return;
    windowEnds.length = 0;
    let total = 0;
    let e = s;
    for (; e < run.groups; e++) {
      const d = run.groupDigits[e] ?? 0;
      total += d;
      if (total > MAX_CARD_DIGITS) break;
      // No card is written with a group of seven digits; Amazon's order numbers (304-1234567-
      // 1234567) are, and one in ten passes Luhn.
      if (e > s && (d === 7 || run.groupDigits[s] === 7)) break;
      if (total >= 13) windowEnds.push(e);
    }
    charge(1 + e - s);
    let accepted = -1;
    if (windowEnds.length > 0) {
      const head = run.head(s);
      const two = Math.floor(head / 100);
      for (let k = windowEnds.length - 1; k >= 0 && accepted < 0; k--) {
        const last = windowEnds[k] ?? s;
        const digits =
          (run.groupOrdinal[last] ?? 0) + (run.groupDigits[last] ?? 0) - (run.groupOrdinal[s] ?? 0);
        if (!brandFits(head, digits) || !run.luhn(s, last)) continue;
        const start = run.groupStart[s] ?? 0;
        if (digits === 15 && two !== 34 && two !== 37 && NEGATIVE.lastIn(view, start - 30, start) >= 0)
          continue;
        out.push({ type: 'CREDIT_CARD', start, end: run.groupEnd[last] ?? start });
        accepted = last;
      }
    }
    s = accepted >= 0 ? accepted + 1 : s + 1;
  }
}
