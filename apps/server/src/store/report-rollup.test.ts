import { describe, expect, it } from 'vitest';
import type { InteractionEventRow } from './ports/interaction-events.ts';
import { DAY_MS, HOUR_MS, QUARTER_MS, rollupChanges, rollupTerms, type RollupTerm } from './report-rollup.ts';

/** How many times the terms count the quarter hour starting at `q` (1 inside the range, 0 outside). */
function coverage(terms: readonly RollupTerm[], q: number): number {
  let n = 0;
  for (const t of terms) {
    const slot = Math.floor(q / t.grain) * t.grain;
    if (slot >= t.from && slot < t.to) n += t.sign;
  }
  return n;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    return s / 4_294_967_296;
  };
}

describe('issue 16, report roll-up (ADR 22): a range of arrivals as signed slots', () => {
  it('counts every quarter hour of the range exactly once and none outside, for any quarter-hour bounds', () => {
    const random = prng(22);
    const base = Date.parse('2026-10-20T00:00:00Z');
    for (let run = 0; run < 400; run++) {
      const from = base + Math.floor(random() * 4 * 96) * QUARTER_MS;
      const to = from + (1 + Math.floor(random() * 10 * 96)) * QUARTER_MS;
      const terms = rollupTerms(from, to);
      expect(terms).not.toBeNull();
      const wrong: string[] = [];
      for (let q = from - DAY_MS - QUARTER_MS; q < to + DAY_MS; q += QUARTER_MS)
        if (coverage(terms ?? [], q) !== (q >= from && q < to ? 1 : 0)) wrong.push(new Date(q).toISOString());
      expect(wrong, `run ${run}`).toEqual([]);
    }
  });

  it('reads a Rome day as its UTC day and two hours, a Kolkata day with quarters, whole days as one range', () => {
    const rome = rollupTerms(Date.parse('2026-10-23T22:00:00Z'), Date.parse('2026-10-24T22:00:00Z'));
    expect(rome).toEqual([
      {
        sign: 1,
        grain: HOUR_MS,
        from: Date.parse('2026-10-23T22:00:00Z'),
        to: Date.parse('2026-10-24T00:00:00Z'),
      },
      {
        sign: 1,
        grain: DAY_MS,
        from: Date.parse('2026-10-24T00:00:00Z'),
        to: Date.parse('2026-10-25T00:00:00Z'),
      },
      {
        sign: -1,
        grain: HOUR_MS,
        from: Date.parse('2026-10-24T22:00:00Z'),
        to: Date.parse('2026-10-25T00:00:00Z'),
      },
    ]);
    const kolkata = rollupTerms(Date.parse('2026-10-23T18:30:00Z'), Date.parse('2026-10-24T18:30:00Z')) ?? [];
    expect(kolkata.some((t) => t.grain === QUARTER_MS)).toBe(true);
    expect(kolkata.length).toBeLessThanOrEqual(7);
    const month = rollupTerms(Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z'));
    expect(month).toEqual([
      {
        sign: 1,
        grain: DAY_MS,
        from: Date.parse('2026-10-01T00:00:00Z'),
        to: Date.parse('2026-11-01T00:00:00Z'),
      },
    ]);
  });

  it('leaves a bound off the quarter hours to the events (a zone offset of the past)', () => {
    expect(
      rollupTerms(Date.parse('1890-01-01T00:00:00Z') + 2_996_000, Date.parse('1890-01-02T00:00:00Z')),
    ).toBeNull();
  });
});

const at = Date.parse('2026-10-24T09:00:00Z');
let id = 0;
function event(
  kind: InteractionEventRow['kind'],
  conversationId: string,
  offsetMs: number,
  extra: Partial<InteractionEventRow> = {},
): InteractionEventRow {
  return {
    id: `e${++id}`,
    kind,
    at: at + offsetMs,
    conversationId,
    customerId: 'cu1',
    startedAt: at,
    queueId: 'q1',
    agentId: null,
    businessNumberId: 'n1',
    durationMs: null,
    reasonId: null,
    detail: null,
    ...extra,
  };
}

const sumOf = (changes: ReturnType<typeof rollupChanges>, measure: string, dim = 'none', grain = DAY_MS) =>
  changes.increments
    .filter((r) => r.measure === measure && r.dim === dim && r.grain === grain)
    .reduce((n, r) => n + r.n, 0);

describe('issue 16, report roll-up (ADR 22): abandonment', () => {
  const twenty = () => 20_000;

  it('keeps an unanswered conversation waiting with its customer last message, and counts it when it ends unanswered', () => {
    const waiting = rollupChanges(
      [event('customer_message', 'c1', 0), event('queued', 'c1', 0), event('customer_message', 'c1', 60_000)],
      new Map(),
      twenty,
    );
    expect(sumOf(waiting, 'offered')).toBe(1);
    expect(waiting.waitingInserts).toMatchObject([{ conversationId: 'c1', lastMessageAt: at + 60_000 }]);
    expect(sumOf(waiting, 'abandoned')).toBe(0);

    const queued = waiting.waitingInserts.map((w) => ({ ...w, id: w.queuedEventId, at: w.queuedAt }));
    const before = new Map([['c1', { answered: false, ended: false, queued, lastMessageAt: at + 60_000 }]]);
    const ended = rollupChanges([event('ended', 'c1', 120_000, { detail: 'system' })], before, twenty);
    expect(sumOf(ended, 'abandoned')).toBe(1);
    expect(sumOf(ended, 'abandoned', 'queue')).toBe(1);
    expect(ended.increments.find((r) => r.measure === 'abandoned' && r.dim === 'queue')?.key).toBe('q1');
    expect(ended.waitingDeletes).toEqual(['c1']);
  });

  it('never counts an answered conversation abandoned, and takes back one answered after it ended', () => {
    const answered = rollupChanges(
      [
        event('queued', 'c2', 0),
        event('answered', 'c2', 10_000, { agentId: 'a1', durationMs: 10_000 }),
        event('ended', 'c2', 90_000, { agentId: 'a1', detail: 'agent' }),
      ],
      new Map(),
      twenty,
    );
    expect(sumOf(answered, 'abandoned')).toBe(0);
    expect(sumOf(answered, 'within_sl')).toBe(1);
    expect(answered.waitingInserts).toEqual([]);

    const late = rollupChanges(
      [
        event('queued', 'c3', 0),
        event('ended', 'c3', 5_000, { detail: 'system' }),
        event('answered', 'c3', 9_000, { agentId: 'a1', durationMs: 9_000 }),
      ],
      new Map(),
      twenty,
    );
    expect(sumOf(late, 'abandoned')).toBe(0);
  });

  it('counts a repeated end once and a slow answer outside the service level', () => {
    const changes = rollupChanges(
      [
        event('queued', 'c4', 0),
        event('ended', 'c4', 5_000, { detail: 'system' }),
        event('ended', 'c4', 6_000, { detail: 'system' }),
        event('queued', 'c5', 0),
        event('answered', 'c5', 30_000, { agentId: 'a2', durationMs: 30_000 }),
      ],
      new Map(),
      twenty,
    );
    expect(sumOf(changes, 'abandoned')).toBe(1);
    expect(sumOf(changes, 'answered', 'agent')).toBe(1);
    expect(sumOf(changes, 'within_sl')).toBe(0);
  });
});
