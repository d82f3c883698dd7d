import type { InteractionEventRow, ReportSums } from '../../store/index.ts';
import { emptySums, type Mutable } from '../reports/index.ts';

/**
 * Issue 16: the wallboard's counts of one local day, kept as counters updated from each committed
 * interaction event (never recomputed), with the historical reports' definitions (ADR 22): an
 * event counts for the day its conversation arrived in, under its own queue; a conversation is
 * abandoned when it ended never answered (the 24-hour silence rule cannot fall within the day its
 * conversation arrived). Each event is counted once, however often it is applied (an event read
 * again after a notice from another node). Per queue, and the whole center under `null`.
 */
export class DayCounters {
  readonly #cells = new Map<string | null, Mutable<ReportSums>>();
  readonly #seen = new Set<string>();
  /** What decides each of the day's conversations' abandonment, whatever order its events come in. */
  readonly #fate = new Map<string, Fate>();

  constructor(
    /** The day: `[start, end)`, local midnight to local midnight. */
    readonly start: number,
    readonly end: number,
    private readonly serviceLevelMsOf: (queueId: string | null) => number,
  ) {}

  /** Counts the events of this day not counted yet; true when any was. */
  apply(rows: readonly InteractionEventRow[]): boolean {
    let changed = false;
    for (const e of rows) {
      if (e.startedAt < this.start || e.startedAt >= this.end || this.#seen.has(e.id)) continue;
      this.#seen.add(e.id);
      changed = this.#count(e) || changed;
    }
    return changed;
  }

  /** The sums of a queue (`null`: the whole center); zeros when nothing happened there. */
  sums(queueId: string | null): ReportSums {
    return this.#cells.get(queueId) ?? emptySums(0, queueId);
  }

  #cell(queueId: string | null): Mutable<ReportSums>[] {
    const cells: Mutable<ReportSums>[] = [];
    for (const key of queueId === null ? [null] : [queueId, null]) {
      let cell = this.#cells.get(key);
      if (!cell) {
        cell = emptySums(0, key);
        this.#cells.set(key, cell);
      }
      cells.push(cell);
    }
    return cells;
  }

  #count(e: InteractionEventRow): boolean {
    const duration = e.durationMs ?? 0;
    const each = (update: (cell: Mutable<ReportSums>) => void, queueId = e.queueId): true => {
      for (const cell of this.#cell(queueId)) update(cell);
      return true;
    };
    switch (e.kind) {
      case 'queued':
        this.#settle(e.conversationId, (f) => {
          f.queue = e.queueId;
        });
        return each((c) => c.offered++);
      case 'answered':
        this.#settle(e.conversationId, (f) => {
          f.answered = true;
        });
        return each((c) => {
          c.answered++;
          c.answerMs += duration;
          if (e.durationMs !== null && e.durationMs <= this.serviceLevelMsOf(e.queueId))
            c.answeredWithinServiceLevel++;
        });
      case 'ended':
        this.#settle(e.conversationId, (f) => {
          f.ended = true;
        });
        return true;
      case 'wrapped_up':
        if (e.detail !== 'owner') return false;
        return each((c) => {
          c.handled++;
          c.handleMs += duration;
        });
      case 'first_response':
        return each((c) => {
          c.firstResponses++;
          c.firstResponseMs += duration;
        });
      case 'rona':
        return each((c) => c.rona++);
      case 'declined':
        return each((c) => c.declined++);
      case 'transferred':
        return each((c) => c.transfers++);
      case 'conference':
        return each((c) => c.conferences++);
      case 'csat':
        return each((c) => {
          c.csatAnswers++;
          c.csatScore += Number(e.detail);
        });
      case 'offered':
      case 'accepted':
      case 'customer_message':
      case 'overflowed':
      case 'requeued':
        return false;
    }
  }

  /**
   * Updates what is known of a conversation, then its abandonment (reached the center, ended,
   * never answered) in the cell of the queue it arrived in: counted, or taken back when an
   * answer read later shows it was not.
   */
  #settle(conversationId: string, learn: (fate: Fate) => void): void {
    let fate = this.#fate.get(conversationId);
    if (!fate) {
      fate = { queue: undefined, answered: false, ended: false, counted: false };
      this.#fate.set(conversationId, fate);
    }
    learn(fate);
    const abandoned = fate.queue !== undefined && fate.ended && !fate.answered;
    if (abandoned === fate.counted || fate.queue === undefined) return;
    fate.counted = abandoned;
    for (const cell of this.#cell(fate.queue)) cell.abandoned += abandoned ? 1 : -1;
  }
}

interface Fate {
  /** The queue it arrived in (undefined: its `queued` event is not known yet). */
  queue: string | null | undefined;
  answered: boolean;
  ended: boolean;
  /** Whether it is counted as abandoned now. */
  counted: boolean;
}
