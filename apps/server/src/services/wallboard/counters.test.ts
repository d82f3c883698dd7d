import { describe, expect, it } from 'vitest';
import type { InteractionEventRow, ReportDimension } from '../../store/index.ts';
import {
  ABANDON_AFTER_MS,
  SCRIPTED_NOW,
  scriptedEvents,
  scriptedServiceLevelMs,
  sumEvents,
} from '../reports/index.ts';
import { DayCounters } from './counters.ts';

const SATURDAY = {
  start: Date.parse('2026-10-24T00:00:00+02:00'),
  end: Date.parse('2026-10-25T00:00:00+02:00'),
};
// The 25-hour day of the autumn DST change.
const SUNDAY = { start: SATURDAY.end, end: Date.parse('2026-10-26T00:00:00+01:00') };

/** A seeded shuffle: the counters must not depend on the order events arrive in. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function reportSums(day: { start: number; end: number }, groupBy: ReportDimension, now: number) {
  return sumEvents(scriptedEvents(), {
    buckets: [day],
    groupBy,
    now,
    abandonAfterMs: ABANDON_AFTER_MS,
    serviceLevelMsOf: scriptedServiceLevelMs,
  }).sums;
}

function counted(day: { start: number; end: number }, rows: readonly InteractionEventRow[]) {
  const counters = new DayCounters(day.start, day.end, scriptedServiceLevelMs);
  counters.apply(rows);
  return counters;
}

describe('[issue-16] the wallboard counts the day as the reports do (ADR 22)', () => {
  for (const [name, day, now] of [
    // Saturday seen at its end: c3 is not abandoned yet (its customer wrote 5 minutes before).
    ['Saturday', SATURDAY, SATURDAY.end - 1],
    ['Sunday, 25 hours', SUNDAY, SCRIPTED_NOW],
  ] as const) {
    it(`${name}: per queue and for the center, the same sums as the report, in any order, each event once`, () => {
      for (const seed of [1, 2, 3]) {
        const events = scriptedEvents().filter((e) => e.at <= now);
        // Every event applied twice, in a shuffled order: as if read again after a notice.
        const counters = counted(day, shuffled([...events, ...events], seed));
        const byQueue = reportSums(day, 'queue', now);
        expect(byQueue.length).toBeGreaterThan(0);
        for (const cell of byQueue)
          expect(counters.sums(cell.key), `${name} ${String(cell.key)}`).toEqual({ ...cell, bucket: 0 });
        const [total] = reportSums(day, 'none', now);
        expect(counters.sums(null)).toEqual({ ...total, bucket: 0, key: null });
      }
    });
  }

  it('events of conversations that arrived on another day are not counted', () => {
    const counters = counted(SUNDAY, scriptedEvents());
    const saturdayOnly = counted(SATURDAY, scriptedEvents());
    expect(counters.sums(null).offered + saturdayOnly.sums(null).offered).toBe(6);
    expect(counters.sums(null).offered).toBe(3);
  });

  it('an ended conversation never answered is abandoned once, however its events come', () => {
    const counters = counted(SUNDAY, []);
    const c5 = scriptedEvents().filter((e) => e.conversationId === 'c5');
    expect(counters.apply(c5.filter((e) => e.kind === 'ended'))).toBe(true);
    expect(counters.sums('q2').abandoned).toBe(0);
    counters.apply(c5);
    counters.apply(c5);
    expect(counters.sums('q2')).toMatchObject({ offered: 1, abandoned: 1 });
    expect(counters.apply(c5)).toBe(false);
  });
});
