/**
 * Issue 16, reports over a million conversations (ADR 22, "Roll-up"): the pure half of the report
 * roll-up. The interaction events stay the truth; the roll-up keeps their sums per slot of arrival
 * so a report reads a few thousand rows instead of every event of its range.
 *
 * - A **measure** is one sum a figure needs (offered, answered, handled...), kept as a count `n`
 *   and a `total` (milliseconds, or the CSAT score), per dimension key (`''` for none or a missing id).
 * - Each measure is kept at three **grains** of the arrival instant (`started_at`): the UTC day,
 *   hour and quarter hour. Every zone's offset is a whole number of quarter hours, so any local day
 *   or hour is a range of quarter hours, and `rollupTerms` writes it as a few signed ranges of days,
 *   hours and quarters: a Rome day is its UTC day, minus the UTC day's last hour, plus the day
 *   before's last hour. Sums subtract exactly (they are counts and totals).
 * - **Abandonment** depends on when the report is made (ADR 22). A conversation that ended
 *   unanswered is counted once, when it ends (`abandoned`). One that is still unanswered keeps a
 *   **waiting** row (its queued event's dimensions and its customer's last message); the report
 *   counts the waiting rows silent for 24 hours at the report's instant. Answering or ending the
 *   conversation removes them.
 */
import type { InteractionEventRow, ReportDimension, ReportSums } from './ports/interaction-events.ts';

/** The service-level threshold of a queue without one (ADR 22). */
export const DEFAULT_SERVICE_LEVEL_MS = 20_000;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const QUARTER_MS = 900_000;
/** The grains a measure is kept at, as slot lengths. */
export const GRAINS = [DAY_MS, HOUR_MS, QUARTER_MS] as const;

export const DIMENSIONS: readonly ReportDimension[] = ['none', 'queue', 'agent', 'number', 'reason'];

/** A measure's name: a fixed one, or `wrap:<reason id>` (`wrap:` alone: no reason). */
export type Measure =
  | 'offered'
  | 'answered'
  | 'within_sl'
  | 'abandoned'
  | 'handled'
  | 'first_response'
  | 'rona'
  | 'declined'
  | 'transferred'
  | 'conference'
  | 'csat'
  | `wrap:${string}`;

export const WRAP_PREFIX = 'wrap:';

/** One roll-up row's increment. */
export interface RollupIncrement {
  readonly grain: number;
  readonly dim: ReportDimension;
  readonly slot: number;
  readonly key: string;
  readonly measure: Measure;
  n: number;
  total: number;
}

/** A queued event still unanswered: the row the silent-abandonment count reads. */
export interface WaitingRow {
  readonly queuedEventId: string;
  readonly conversationId: string;
  readonly startedAt: number;
  readonly queuedAt: number;
  readonly queueId: string | null;
  readonly businessNumberId: string | null;
  /** The customer's last message (null: none recorded). */
  lastMessageAt: number | null;
}

/** What the roll-up needs to know of a conversation before a batch (read from the store). */
export interface ConversationSoFar {
  answered: boolean;
  ended: boolean;
  /** Its queued events (their dimensions count an abandonment). */
  readonly queued: QueuedEvent[];
  /** Its customer's last message so far (null: none). */
  readonly lastMessageAt: number | null;
}

export type QueuedEvent = Pick<
  InteractionEventRow,
  'id' | 'at' | 'startedAt' | 'queueId' | 'businessNumberId' | 'conversationId'
>;

/** What one batch changes in the roll-up and the waiting rows. */
export interface RollupChanges {
  readonly increments: RollupIncrement[];
  /** Waiting rows to insert (new queued events still unanswered after the batch). */
  readonly waitingInserts: WaitingRow[];
  /** Conversations whose stored waiting rows go (answered or ended). */
  readonly waitingDeletes: string[];
  /** The latest customer message per conversation: stored waiting rows move their `lastMessageAt`. */
  readonly lastMessages: Map<string, number>;
}

const keyOf = (
  dim: ReportDimension,
  e: Pick<InteractionEventRow, 'queueId' | 'agentId' | 'businessNumberId' | 'reasonId'>,
): string => {
  switch (dim) {
    case 'none':
      return '';
    case 'queue':
      return e.queueId ?? '';
    case 'agent':
      return e.agentId ?? '';
    case 'number':
      return e.businessNumberId ?? '';
    case 'reason':
      return e.reasonId ?? '';
  }
};

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A cell with nothing counted yet (the reports' sums and the wallboard's counters start here). */
export const zeroSums = (bucket: number, key: string | null): Mutable<ReportSums> => ({
  bucket,
  key,
  offered: 0,
  answered: 0,
  answeredWithinServiceLevel: 0,
  answerMs: 0,
  abandoned: 0,
  handled: 0,
  handleMs: 0,
  firstResponses: 0,
  firstResponseMs: 0,
  rona: 0,
  declined: 0,
  transfers: 0,
  conferences: 0,
  csatAnswers: 0,
  csatScore: 0,
});

/** Whether a cell counted anything (a report lists only those, with the cells that have wrap-ups). */
export function counted(cell: ReportSums): boolean {
  return Object.entries(cell).some(([k, v]) => k !== 'bucket' && k !== 'key' && v !== 0);
}

/** The measures one event adds (without abandonment, which depends on the conversation). */
export function measuresOf(
  e: InteractionEventRow,
  serviceLevelMsOf: (queueId: string | null) => number,
): { measure: Measure; total: number }[] {
  const duration = e.durationMs ?? 0;
  switch (e.kind) {
    case 'queued':
      return [{ measure: 'offered', total: 0 }];
    case 'answered':
      return e.durationMs !== null && e.durationMs <= serviceLevelMsOf(e.queueId)
        ? [
            { measure: 'answered', total: duration },
            { measure: 'within_sl', total: 0 },
          ]
        : [{ measure: 'answered', total: duration }];
    case 'wrapped_up': {
      const wrap = { measure: `${WRAP_PREFIX}${e.reasonId ?? ''}` as Measure, total: 0 };
      return e.detail === 'owner' ? [wrap, { measure: 'handled', total: duration }] : [wrap];
    }
    case 'first_response':
      return [{ measure: 'first_response', total: duration }];
    case 'rona':
      return [{ measure: 'rona', total: 0 }];
    case 'declined':
      return [{ measure: 'declined', total: 0 }];
    case 'transferred':
      return [{ measure: 'transferred', total: 0 }];
    case 'conference':
      return [{ measure: 'conference', total: 0 }];
    case 'csat': {
      const score = Number(e.detail);
      return Number.isInteger(score) ? [{ measure: 'csat', total: score }] : [];
    }
    case 'offered':
    case 'accepted':
    case 'ended':
    case 'customer_message':
    case 'overflowed':
    case 'requeued':
      return [];
  }
}

/** Adds `sign` x a measure of an event (or a queued event's abandonment) at every grain and dimension. */
class Increments {
  readonly #rows = new Map<string, RollupIncrement>();

  add(
    e: Pick<InteractionEventRow, 'startedAt' | 'queueId' | 'agentId' | 'businessNumberId' | 'reasonId'>,
    measure: Measure,
    n: number,
    total: number,
  ): void {
    for (const grain of GRAINS) {
      const slot = Math.floor(e.startedAt / grain) * grain;
      for (const dim of DIMENSIONS) {
        const key = keyOf(dim, e);
        const id = `${grain}|${dim}|${slot}|${key}|${measure}`;
        const row = this.#rows.get(id);
        if (row) {
          row.n += n;
          row.total += total;
        } else this.#rows.set(id, { grain, dim, slot, key, measure, n, total });
      }
    }
  }

  /** The non-zero increments in one order (the store locks rows in it: no deadlock between two batches). */
  list(): RollupIncrement[] {
    return [...this.#rows.entries()]
      .filter(([, r]) => r.n !== 0 || r.total !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => r);
  }
}

const asAbandonment = (q: QueuedEvent) => ({
  startedAt: q.startedAt,
  queueId: q.queueId,
  agentId: null,
  businessNumberId: q.businessNumberId,
  reasonId: null,
});

/**
 * What a batch of events (in the order they happened) changes, given what the store knew of their
 * conversations before it (`before`; a conversation missing there had no events). The same
 * function rebuilds the roll-up from the events, a conversation at a time (`rebuildReportRollup`).
 */
export function rollupChanges(
  batch: readonly InteractionEventRow[],
  before: ReadonlyMap<string, ConversationSoFar>,
  serviceLevelMsOf: (queueId: string | null) => number,
): RollupChanges {
  const increments = new Increments();
  const state = new Map<string, ConversationSoFar>();
  const stateOf = (conversationId: string): ConversationSoFar => {
    let s = state.get(conversationId);
    if (!s) {
      const known = before.get(conversationId);
      s = {
        answered: known?.answered ?? false,
        ended: known?.ended ?? false,
        queued: [...(known?.queued ?? [])],
        lastMessageAt: known?.lastMessageAt ?? null,
      };
      state.set(conversationId, s);
    }
    return s;
  };
  const waitingInserts = new Map<string, WaitingRow>();
  const waitingDeletes = new Set<string>();
  const lastMessages = new Map<string, number>();
  const settle = (conversationId: string): void => {
    waitingDeletes.add(conversationId);
    for (const [id, row] of waitingInserts)
      if (row.conversationId === conversationId) waitingInserts.delete(id);
  };
  for (const e of batch) {
    for (const { measure, total } of measuresOf(e, serviceLevelMsOf)) increments.add(e, measure, 1, total);
    const s = stateOf(e.conversationId);
    switch (e.kind) {
      case 'customer_message':
        lastMessages.set(e.conversationId, Math.max(lastMessages.get(e.conversationId) ?? e.at, e.at));
        break;
      case 'queued': {
        const queued: QueuedEvent = e;
        s.queued.push(queued);
        if (s.answered) break;
        if (s.ended) increments.add(asAbandonment(queued), 'abandoned', 1, 0);
        else
          waitingInserts.set(e.id, {
            queuedEventId: e.id,
            conversationId: e.conversationId,
            startedAt: e.startedAt,
            queuedAt: e.at,
            queueId: e.queueId,
            businessNumberId: e.businessNumberId,
            lastMessageAt: null,
          });
        break;
      }
      case 'answered':
        if (s.answered) break;
        s.answered = true;
        // An ended conversation counted abandoned is answered after all: it no longer is.
        if (s.ended) for (const q of s.queued) increments.add(asAbandonment(q), 'abandoned', -1, 0);
        settle(e.conversationId);
        break;
      case 'ended':
        if (s.ended) break;
        s.ended = true;
        if (!s.answered) for (const q of s.queued) increments.add(asAbandonment(q), 'abandoned', 1, 0);
        settle(e.conversationId);
        break;
      case 'offered':
      case 'accepted':
      case 'rona':
      case 'declined':
      case 'transferred':
      case 'conference':
      case 'first_response':
      case 'wrapped_up':
      case 'overflowed':
      case 'requeued':
      case 'csat':
        break;
    }
  }
  for (const row of waitingInserts.values()) {
    const earlier = before.get(row.conversationId)?.lastMessageAt ?? null;
    const latest = lastMessages.get(row.conversationId) ?? null;
    row.lastMessageAt = earlier === null ? latest : latest === null ? earlier : Math.max(earlier, latest);
  }
  return {
    increments: increments.list(),
    waitingInserts: [...waitingInserts.values()],
    waitingDeletes: [...waitingDeletes],
    lastMessages,
  };
}

/** A signed range of slots of one grain: `sign` x the sums of the slots starting in `[from, to)`. */
export interface RollupTerm {
  readonly sign: 1 | -1;
  readonly grain: number;
  readonly from: number;
  readonly to: number;
}

const floorTo = (t: number, g: number): number => Math.floor(t / g) * g;
const ceilTo = (t: number, g: number): number => Math.ceil(t / g) * g;

/** `[a, b)` inside one UTC day as hours, with quarters at ragged ends. */
function hoursAndQuarters(a: number, b: number, sign: 1 | -1): RollupTerm[] {
  if (a >= b) return [];
  const h1 = ceilTo(a, HOUR_MS);
  const h2 = floorTo(b, HOUR_MS);
  if (h1 >= h2) return [{ sign, grain: QUARTER_MS, from: a, to: b }];
  return [
    { sign, grain: QUARTER_MS, from: a, to: h1 },
    { sign, grain: HOUR_MS, from: h1, to: h2 },
    { sign, grain: QUARTER_MS, from: h2, to: b },
  ].filter((t) => t.from < t.to);
}

/** `[a, b)` inside the UTC day starting at `day`: directly when short, else the day minus the rest. */
function partOfDay(day: number, a: number, b: number): RollupTerm[] {
  if (b - a <= DAY_MS / 2) return hoursAndQuarters(a, b, 1);
  return [
    { sign: 1, grain: DAY_MS, from: day, to: day + DAY_MS },
    ...hoursAndQuarters(day, a, -1),
    ...hoursAndQuarters(b, day + DAY_MS, -1),
  ];
}

/**
 * `[from, to)` as signed ranges of roll-up slots whose sums add up to exactly the arrivals in it;
 * null when a bound is not on a quarter hour (a zone's offset of the past, e.g. local mean time):
 * the report then reads the events.
 */
export function rollupTerms(from: number, to: number): RollupTerm[] | null {
  if (from % QUARTER_MS !== 0 || to % QUARTER_MS !== 0 || from >= to) return null;
  const firstDay = floorTo(from, DAY_MS);
  const lastDay = floorTo(to - 1, DAY_MS);
  if (firstDay === lastDay) return partOfDay(firstDay, from, to);
  const terms: RollupTerm[] = [];
  const fullFrom = from === firstDay ? firstDay : firstDay + DAY_MS;
  const fullTo = to === lastDay + DAY_MS ? to : lastDay;
  if (from !== firstDay) terms.push(...partOfDay(firstDay, from, firstDay + DAY_MS));
  if (fullFrom < fullTo) terms.push({ sign: 1, grain: DAY_MS, from: fullFrom, to: fullTo });
  if (to !== lastDay + DAY_MS) terms.push(...partOfDay(lastDay, lastDay, to));
  return terms;
}
