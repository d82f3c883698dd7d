/**
 * `findSensitive`: normalise, run the detectors that can possibly match, resolve overlaps by
 * priority, map spans back to the original text.
 */
import { findCards } from './card.ts';
import { findEmails } from './email.ts';
import { findIbans } from './iban.ts';
import { charge } from './meter.ts';
import { normalize, toOriginal } from './normalize.ts';
import { DEFAULT_REGIONS, findPhones } from './phone.ts';
import { sortByRank, sortByStart } from './spans.ts';
import { findSsns } from './ssn.ts';
import { FINDING_TYPES } from './types.ts';
import type { CountryCode, FindOptions, Finding, FindingType, ViewSpan } from './types.ts';

/** The ordered, de-duplicated region list: default region first, then `regions`. */
export function resolveRegions(options?: FindOptions): readonly CountryCode[] {
  const list = options?.regions ?? DEFAULT_REGIONS;
  if (options?.defaultRegion === undefined) return list;
  return [options.defaultRegion, ...list.filter((r) => r !== options.defaultRegion)];
}

const PRIORITY: Readonly<Record<FindingType, number>> = {
  EMAIL: 0,
  IBAN: 1,
  CREDIT_CARD: 2,
  SSN: 3,
  PHONE: 4,
};

/** Counts ASCII digits, stopping early once `enough` is reached. */
function countDigits(view: string, enough: number): number {
  let n = 0;
  for (let i = 0; i < view.length && n < enough; i++) {
    const c = view.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

// Anything a detector can use: a digit (in any script, or full-width) or an at sign.
const MAYBE_SENSITIVE = /[0-9@\uFF10-\uFF19\uFF20]|(?![0-9])\p{Nd}/u;

/**
 * Finds card numbers, IBANs, US SSNs, email addresses and phone numbers in `text`.
 *
 * Returns spans as UTF-16 offsets into the original `text` (end exclusive), sorted and
 * non-overlapping; where two detections overlap the higher-priority type wins
 * (EMAIL > IBAN > CREDIT_CARD > SSN > PHONE), then the longer span.
 */
export function findSensitive(text: string, options?: FindOptions): Finding[] {
  return findInText(text, options).findings;
}

/**
 * `findSensitive`, and whether the text was already in view form (no character rewritten), in
 * which case any slice of it is too and the masker can skip normalising each finding.
 */
export function findInText(text: string, options?: FindOptions): { findings: Finding[]; plain: boolean } {
  // Most chat messages have no digit and no '@': nothing to do.
  if (text.length === 0 || !MAYBE_SENSITIVE.test(text)) return { findings: [], plain: true };
  const types = typeSet(options?.types ?? FINDING_TYPES);
  const norm = normalize(text);
  const view = norm.view;
  const plain = norm.starts === null;
  const digits = countDigits(view, 13);
  let spans: ViewSpan[] = [];
  if (types.has('EMAIL') && view.includes('@')) spans = joined(spans, findEmails(view));
  if (digits >= 2 && types.has('IBAN')) spans = joined(spans, findIbans(view));
  if (digits >= 13 && types.has('CREDIT_CARD')) spans = joined(spans, findCards(view));
  if (digits >= 9 && types.has('SSN')) spans = joined(spans, findSsns(view));
  if (digits >= 7 && types.has('PHONE'))
    spans = joined(spans, findPhones(view, resolveRegions(options), spans));
  if (spans.length === 0) return { findings: [], plain };
  const kept = resolveOverlaps(spans);
  // In a plain text the view's spans are the findings.
  if (plain) return { findings: kept, plain };
  return { findings: kept.map((s) => ({ type: s.type, ...toOriginal(norm, s.start, s.end) })), plain };
}

const typeSets = new WeakMap<readonly FindingType[], ReadonlySet<FindingType>>();

/** `types` as a set, made once per list: callers pass the same options message after message. */
function typeSet(types: readonly FindingType[]): ReadonlySet<FindingType> {
  let set = typeSets.get(types);
  if (set === undefined) {
    set = new Set(types);
    typeSets.set(types, set);
  }
  return set;
}

/** `found` added to `spans`; the first detector's spans are taken as they are (a text of a million addresses is not copied). */
function joined(spans: ViewSpan[], found: ViewSpan[]): ViewSpan[] {
  if (spans.length === 0) return found;
  append(spans, found);
  return spans;
}

/** `to.push(...from)` without the spread, which overflows the stack past ~100k findings. */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}

/**
 * Keeps the higher-priority (then longer) of overlapping spans; returns them sorted by start.
 *
 * Greedy in rank order (type priority, then longest, then leftmost), as a pairwise check against
 * every span kept so far would be, but linear: the kept spans are disjoint, so they are marked in
 * one array over the text and a span is checked by reading its own positions only. Each
 * detector's spans come left to right and almost never overlap one another; among spans of one
 * type that do not overlap, the order does not change what is kept, so only a type whose spans
 * overlap is ranked by length (phones, seldom).
 */
export function resolveOverlaps(spans: ViewSpan[]): ViewSpan[] {
  // One type, left to right and disjoint (a detector's usual output): all are kept, uncopied.
  if (oneTypeLeftToRight(spans)) return spans;
  const byType: ViewSpan[][] = FINDING_TYPES.map(() => []);
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const s of spans) {
    if (s.end <= s.start) continue;
    byType[PRIORITY[s.type]]?.push(s);
    lo = Math.min(lo, s.start);
    hi = Math.max(hi, s.end);
  }
  charge(spans.length);
  const groups = byType.filter((group) => group.length > 0);
  const marks = new Uint8Array(Math.max(0, hi - lo));
  const keptByType: ViewSpan[][] = [];
  for (const group of groups) {
    const ordered = leftToRightDisjoint(group);
    const kept: ViewSpan[] = [];
    for (const s of ordered ? group : sortByRank(group, PRIORITY)) {
      const from = s.start - lo;
      const to = s.end - lo;
      let free = true;
      let i = from;
      for (; i < to; i++) {
        if (marks[i] !== 0) {
          free = false;
          break;
        }
      }
      charge(1 + i - from);
      if (!free) continue;
      marks.fill(1, from, to);
      kept.push(s);
    }
    keptByType.push(ordered ? kept : sortByStart(kept));
  }
  return keptByType.reduce(mergeByStart, []);
}

/** Whether `spans` are all of one type, none empty, in order of start and none overlapping the next. */
function oneTypeLeftToRight(spans: readonly ViewSpan[]): boolean {
  const type = spans[0]?.type;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of spans) {
    if (s.type !== type || s.end <= s.start || s.start < end) return false;
    end = s.end;
  }
  charge(spans.length);
  return true;
}

/** Whether `spans` are in order of start and none overlaps the next. */
function leftToRightDisjoint(spans: readonly ViewSpan[]): boolean {
  for (let i = 1; i < spans.length; i++) if ((spans[i]?.start ?? 0) < (spans[i - 1]?.end ?? 0)) return false;
  return true;
}

/** Merges two lists of spans sorted by start. */
function mergeByStart(a: ViewSpan[], b: ViewSpan[]): ViewSpan[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: ViewSpan[] = [];
  let i = 0;
  let j = 0;
  for (let x = a[0], y = b[0]; x !== undefined || y !== undefined;) {
    if (y === undefined || (x !== undefined && x.start <= y.start)) {
      out.push(x as ViewSpan);
      x = a[++i];
    } else {
      out.push(y);
      y = b[++j];
    }
  }
  charge(out.length);
  return out;
}
