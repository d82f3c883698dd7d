/**
 * `findSensitive`: normalise, run the detectors that can possibly match, resolve overlaps by
 * priority, map spans back to the original text.
 */
import { findCards } from './card.ts';
import { findEmails } from './email.ts';
import { findIbans } from './iban.ts';
import { normalize, toOriginal } from './normalize.ts';
import { DEFAULT_REGIONS, findPhones } from './phone.ts';
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
  // Most chat messages have no digit and no '@': nothing to do.
  if (text.length === 0 || !MAYBE_SENSITIVE.test(text)) return [];
  const types = new Set<FindingType>(options?.types ?? FINDING_TYPES);
  const norm = normalize(text);
  const view = norm.view;
  const digits = countDigits(view, 13);
  const spans: ViewSpan[] = [];
  if (types.has('EMAIL') && view.includes('@')) spans.push(...findEmails(view));
  if (digits >= 2 && types.has('IBAN')) spans.push(...findIbans(view));
  if (digits >= 13 && types.has('CREDIT_CARD')) spans.push(...findCards(view));
  if (digits >= 9 && types.has('SSN')) spans.push(...findSsns(view));
  if (digits >= 7 && types.has('PHONE')) spans.push(...findPhones(view, resolveRegions(options), spans));
  if (spans.length === 0) return [];
  return resolveOverlaps(spans).map((s) => ({ type: s.type, ...toOriginal(norm, s.start, s.end) }));
}

/** Keeps the higher-priority (then longer) of overlapping spans; returns them sorted by start. */
export function resolveOverlaps(spans: readonly ViewSpan[]): ViewSpan[] {
  const ranked = [...spans].sort(
    (a, b) => PRIORITY[a.type] - PRIORITY[b.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: ViewSpan[] = [];
  for (const s of ranked) {
    if (s.end <= s.start) continue;
    if (kept.every((k) => k.end <= s.start || k.start >= s.end)) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}
