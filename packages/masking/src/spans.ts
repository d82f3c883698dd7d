/**
 * Sorting spans in time linear in their number and the text's length: a hostile text yields
 * hundreds of thousands of findings, and a comparison sort's n log n is what broke the "8x the
 * text, at most 9x the time" goal (P8). Counting sorts are stable, so each gives exactly the
 * order the equivalent comparison sort would.
 */
import { charge } from './meter.ts';
import type { FindingType, ViewSpan } from './types.ts';

/** Below this many spans a comparison sort is a bounded cost, and cheaper than a counting sort. */
const SMALL = 32;

/**
 * Stable counting sort of `spans` by the integer `key(span)`, which lies in `[lo, hi]`. Costs
 * `spans.length + (hi - lo)` steps.
 */
function countingSort(
  spans: readonly ViewSpan[],
  key: (s: ViewSpan) => number,
  lo: number,
  hi: number,
): ViewSpan[] {
  const counts = new Int32Array(hi - lo + 2);
  for (const s of spans) {
    const k = key(s) - lo + 1;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (counts[i - 1] ?? 0);
  const out = new Array<ViewSpan>(spans.length);
  for (const s of spans) {
    const k = key(s) - lo;
    const at = counts[k] ?? 0;
    counts[k] = at + 1;
    out[at] = s;
  }
  charge(spans.length + counts.length);
  return out;
}

function bounds(spans: readonly ViewSpan[], key: (s: ViewSpan) => number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of spans) {
    const k = key(s);
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  return [lo, hi];
}

const startOf = (s: ViewSpan): number => s.start;

/** `spans` in order of start (stable). */
export function sortByStart(spans: readonly ViewSpan[]): ViewSpan[] {
  if (spans.length <= SMALL) return [...spans].sort((a, b) => a.start - b.start);
  const [lo, hi] = bounds(spans, startOf);
  return countingSort(spans, startOf, lo, hi);
}

/**
 * `spans` ranked by `priority` of their type, then longest first, then by start: the order in
 * which the overlap resolution keeps them.
 */
export function sortByRank(
  spans: readonly ViewSpan[],
  priority: Readonly<Record<FindingType, number>>,
): ViewSpan[] {
  if (spans.length <= SMALL) {
    return [...spans].sort(
      (a, b) =>
        priority[a.type] - priority[b.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
    );
  }
  // Least significant key first; each pass is stable.
  let ranked = sortByStart(spans);
  const shortness = (s: ViewSpan): number => s.start - s.end; // longest first
  const [lo, hi] = bounds(ranked, shortness);
  ranked = countingSort(ranked, shortness, lo, hi);
  const rank = (s: ViewSpan): number => priority[s.type];
  const [plo, phi] = bounds(ranked, rank);
  return countingSort(ranked, rank, plo, phi);
}
