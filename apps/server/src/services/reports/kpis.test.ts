import { describe, expect, it } from 'vitest';
import { ABANDON_AFTER_MS, figuresOf, isAbandoned, sumEvents, type KpiQuery } from './kpis.ts';
import { SCRIPTED_NOW, scriptedEvents, scriptedServiceLevelMs } from './scripted-day.ts';
import { parseLocalDate, timeBuckets } from './time-buckets.ts';

const ROME = 'Europe/Rome';
const day = (text: string) => {
  const d = parseLocalDate(text);
  if (!d) throw new Error(text);
  return d;
};

function query(size: 'day' | 'hour' | 'total', groupBy: KpiQuery['groupBy'] = 'none'): KpiQuery {
  return {
    buckets: timeBuckets(day('2026-10-24'), day('2026-10-25'), ROME, size),
    groupBy,
    now: SCRIPTED_NOW,
    abandonAfterMs: ABANDON_AFTER_MS,
    serviceLevelMsOf: scriptedServiceLevelMs,
  };
}

/** Each cell's figures and wrap-ups, keyed by bucket index and key. */
function report(size: 'day' | 'hour' | 'total', groupBy: KpiQuery['groupBy'] = 'none') {
  const { sums, wrapUps } = sumEvents(scriptedEvents(), query(size, groupBy));
  return sums.map((cell) => ({
    bucket: cell.bucket,
    key: cell.key,
    ...figuresOf(cell),
    wrapUps: Object.fromEntries(
      wrapUps
        .filter((w) => w.bucket === cell.bucket && w.key === cell.key)
        .map((w) => [w.reasonId ?? 'none', w.count]),
    ),
  }));
}

describe('KPIs on a scripted weekend in Europe/Rome (ADR 22)', () => {
  it('counts each conversation in the local day it arrived: Saturday c1-c3, Sunday (25 h) c4-c6', () => {
    const [saturday, sunday] = report('day');
    // Offered: every conversation that reached the center (queued).
    expect([saturday?.offered, sunday?.offered]).toEqual([3, 3]);
    // Answered: the first acceptance of a routing offer (c1, c2 | c4); c2's transfer accept is not one.
    expect([saturday?.answered, sunday?.answered]).toEqual([2, 1]);
    // Abandoned: c3 (silent 24 h after 23:55 Saturday, counted Saturday) | c5 (ended unanswered);
    // c6 still waits and is neither.
    expect([saturday?.abandoned, sunday?.abandoned]).toEqual([1, 1]);
  });

  it('service level = answered within the queue threshold / (answered + abandoned)', () => {
    const [saturday, sunday] = report('day');
    // Saturday: c1 in 15 s (q1: 20 s) yes, c2 in 50 s no; c3 abandoned: 1 / 3.
    expect(saturday?.serviceLevelPercent).toBe(33.3);
    // Sunday: c4 in 40 s (q2: 60 s) yes; c5 abandoned: 1 / 2.
    expect(sunday?.serviceLevelPercent).toBe(50);
  });

  it('ASA, AHT and first response are averages in seconds', () => {
    const [saturday, sunday] = report('day');
    // ASA: (15 + 50) / 2 | 40.
    expect([saturday?.asaSeconds, sunday?.asaSeconds]).toEqual([32.5, 40]);
    // AHT (owners only): c1 a1 660-15 = 645, c2 a2 360-50 = 310, c2 a3 1260-310 = 950 -> 1905 / 3
    // | c4 a3 960-40 = 920 (the guest's wrap-up is no handle of the conversation).
    expect([saturday?.ahtSeconds, sunday?.ahtSeconds]).toEqual([635, 920]);
    // First response from arrival: (45 + 70) / 2 | 100.
    expect([saturday?.firstResponseSeconds, sunday?.firstResponseSeconds]).toEqual([57.5, 100]);
  });

  it('counts RONA, declines, transfers, conferences and wrap-ups by reason', () => {
    const [saturday, sunday] = report('day');
    expect(saturday).toMatchObject({ rona: 1, declined: 0, transfers: 1, conferences: 0 });
    expect(sunday).toMatchObject({ rona: 0, declined: 1, transfers: 0, conferences: 1 });
    // Every participant's wrap-up: c1 r1, c2 a2 r2, c2 a3 r1 | c4 a3 none, c4 a1 (guest) r1.
    expect(saturday?.wrapUps).toEqual({ r1: 2, r2: 1 });
    expect(sunday?.wrapUps).toEqual({ none: 1, r1: 1 });
  });

  it('a total over both days adds the days up', () => {
    const [total] = report('total');
    expect(total).toMatchObject({
      offered: 6,
      answered: 3,
      abandoned: 2,
      // 2 within (c1, c4) / (3 + 2)
      serviceLevelPercent: 40,
      // (15 + 50 + 40) / 3
      asaSeconds: 35,
      // (645 + 310 + 950 + 920) / 4
      ahtSeconds: 706.3,
      // (45 + 70 + 100) / 3
      firstResponseSeconds: 71.7,
      rona: 1,
      transfers: 1,
      conferences: 1,
      declined: 1,
    });
  });

  it('by queue: each event counts for the queue the conversation was in (c2 moved to q2 by its transfer)', () => {
    const rows = report('total', 'queue');
    expect(rows.map((r) => r.key)).toEqual(['q1', 'q2']);
    const [q1, q2] = rows;
    // q1: c1, c2, c3, c6 offered; c1, c2 answered; c3 abandoned; 1 within / 3; a1 645 + a2 310.
    expect(q1).toMatchObject({
      offered: 4,
      answered: 2,
      abandoned: 1,
      serviceLevelPercent: 33.3,
      ahtSeconds: 477.5,
    });
    expect(q1).toMatchObject({ rona: 1, transfers: 1, firstResponseSeconds: 57.5 });
    // q2: c4, c5 offered; c4 answered in 40 s (within 60 s); c5 abandoned; a3 950 (c2) + 920 (c4).
    expect(q2).toMatchObject({
      offered: 2,
      answered: 1,
      abandoned: 1,
      serviceLevelPercent: 50,
      ahtSeconds: 935,
    });
    expect(q2).toMatchObject({ conferences: 1, declined: 1, firstResponseSeconds: 100 });
  });

  it('by agent: answers, handle times and RONA of each agent (arrivals have no agent)', () => {
    const rows = report('total', 'agent');
    expect(rows.map((r) => r.key)).toEqual([null, 'a1', 'a2', 'a3']);
    const [none, a1, a2, a3] = rows;
    expect(none).toMatchObject({ offered: 6, answered: 0, abandoned: 2 });
    // a1: c1 answered in 15 s, RONA on c2; the only owner wrap-up is c1's (645 s).
    expect(a1).toMatchObject({ answered: 1, asaSeconds: 15, rona: 1, ahtSeconds: 645, wrapUps: { r1: 2 } });
    // a2: c2 in 50 s, transferred it, declined the conference.
    expect(a2).toMatchObject({ answered: 1, asaSeconds: 50, transfers: 1, declined: 1, ahtSeconds: 310 });
    // a3: c4 in 40 s; handled c2 (950) and c4 (920); asked the conference.
    expect(a3).toMatchObject({ answered: 1, asaSeconds: 40, ahtSeconds: 935, conferences: 1 });
  });

  it('by business number and by wrap-up reason', () => {
    const byNumber = report('total', 'number');
    // n1: c1, c2, c5, c6; n2: c3, c4.
    expect(byNumber.map((r) => [r.key, r.offered, r.answered, r.abandoned])).toEqual([
      ['n1', 4, 2, 1],
      ['n2', 2, 1, 1],
    ]);
    const byReason = report('total', 'reason');
    expect(byReason.map((r) => [r.key, r.wrapUps])).toEqual([
      [null, { none: 1 }],
      ['r1', { r1: 3 }],
      ['r2', { r2: 1 }],
    ]);
  });

  it('hours: the repeated 02:00 of the DST change is two buckets; c5 is in the second (+01:00)', () => {
    const q = query('hour');
    // Saturday 24 hours, Sunday 25.
    expect(q.buckets).toHaveLength(49);
    const hourLabels = timeBuckets(day('2026-10-24'), day('2026-10-25'), ROME, 'hour').map((b) => b.label);
    expect(hourLabels.filter((l) => l.startsWith('2026-10-25T02:00'))).toEqual([
      '2026-10-25T02:00+02:00',
      '2026-10-25T02:00+01:00',
    ]);
    const rows = report('hour');
    const offered = rows.filter((r) => r.offered > 0).map((r) => [hourLabels[r.bucket], r.offered]);
    expect(offered).toEqual([
      ['2026-10-24T09:00+02:00', 2],
      ['2026-10-24T23:00+02:00', 1],
      ['2026-10-25T00:00+02:00', 1],
      ['2026-10-25T02:00+01:00', 1],
      ['2026-10-25T20:00+01:00', 1],
    ]);
  });

  it('abandonment depends on when the report is made: c3 is not abandoned before 24 h of silence', () => {
    const c3 = scriptedEvents().filter((e) => e.conversationId === 'c3');
    const lastMessage = Math.max(...c3.filter((e) => e.kind === 'customer_message').map((e) => e.at));
    expect(isAbandoned(c3, lastMessage + ABANDON_AFTER_MS - 1, ABANDON_AFTER_MS)).toBe(false);
    expect(isAbandoned(c3, lastMessage + ABANDON_AFTER_MS, ABANDON_AFTER_MS)).toBe(true);
  });
});

describe('time buckets in a zone', () => {
  it('a Rome day starts at local midnight; the spring DST day is 23 hours, the autumn one 25', () => {
    const [spring] = timeBuckets(day('2026-03-29'), day('2026-03-29'), ROME, 'day');
    expect(spring?.start).toBe(Date.parse('2026-03-29T00:00:00+01:00'));
    expect(spring?.end).toBe(Date.parse('2026-03-30T00:00:00+02:00'));
    expect(((spring?.end ?? 0) - (spring?.start ?? 0)) / 3_600_000).toBe(23);
    const [autumn] = timeBuckets(day('2026-10-25'), day('2026-10-25'), ROME, 'day');
    expect(((autumn?.end ?? 0) - (autumn?.start ?? 0)) / 3_600_000).toBe(25);
    expect(timeBuckets(day('2026-03-29'), day('2026-03-29'), ROME, 'hour')).toHaveLength(23);
  });

  it('UTC and a zone west of it; a range across a month end; days in order', () => {
    const utc = timeBuckets(day('2026-01-31'), day('2026-02-01'), 'UTC', 'day');
    expect(utc.map((b) => [b.label, new Date(b.start).toISOString()])).toEqual([
      ['2026-01-31', '2026-01-31T00:00:00.000Z'],
      ['2026-02-01', '2026-02-01T00:00:00.000Z'],
    ]);
    const [ny] = timeBuckets(day('2026-07-04'), day('2026-07-04'), 'America/New_York', 'day');
    expect(ny?.start).toBe(Date.parse('2026-07-04T00:00:00-04:00'));
    const [total] = timeBuckets(day('2026-07-01'), day('2026-07-31'), ROME, 'total');
    expect(total).toMatchObject({
      start: Date.parse('2026-07-01T00:00:00+02:00'),
      end: Date.parse('2026-08-01T00:00:00+02:00'),
    });
  });

  it('refuses dates that do not exist', () => {
    expect(parseLocalDate('2026-02-30')).toBeUndefined();
    expect(parseLocalDate('2026-2-3')).toBeUndefined();
  });
});
