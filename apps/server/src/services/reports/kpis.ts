/**
 * The KPI definitions of the historical reports (ADR 22), as pure functions over interaction
 * events: the SQL of the report queries computes the same sums (a medium test holds them equal on
 * both databases), and `figuresOf` turns sums into the figures the API and the desktop show.
 *
 * Every event counts in the bucket of its conversation's arrival (`startedAt`), so a bucket's
 * figures describe the conversations that arrived in it and answered never exceeds offered.
 */
import {
  DEFAULT_SERVICE_LEVEL_MS,
  zeroSums,
  type InteractionEventRow,
  type Mutable,
  type ReportDimension,
  type ReportSums,
  type ReportWrapUps,
} from '../../store/index.ts';

export { DEFAULT_SERVICE_LEVEL_MS, type Mutable };

/** An unanswered conversation whose customer has been silent this long is abandoned: WhatsApp's reply window. */
export const ABANDON_AFTER_MS = 24 * 3_600_000;

export interface KpiQuery {
  readonly buckets: readonly { readonly start: number; readonly end: number }[];
  readonly groupBy: ReportDimension;
  readonly now: number;
  readonly abandonAfterMs: number;
  /** The service-level threshold of a queue (its own, or the default). */
  readonly serviceLevelMsOf: (queueId: string | null) => number;
}

const KEY_OF: Record<ReportDimension, (e: InteractionEventRow) => string | null> = {
  none: () => null,
  queue: (e) => e.queueId,
  agent: (e) => e.agentId,
  number: (e) => e.businessNumberId,
  reason: (e) => e.reasonId,
};

function bucketOf(query: KpiQuery, at: number): number {
  return query.buckets.findIndex((b) => at >= b.start && at < b.end);
}

/** A cell with nothing counted yet (the reports' sums and the wallboard's counters start here). */
export const emptySums = zeroSums;

/**
 * Whether a conversation is abandoned at `now`: it reached the center (queued), no agent ever
 * answered it, and it ended, or its customer's last message (else its arrival) is `abandonAfterMs`
 * old — the reply window closed with nobody answering.
 */
export function isAbandoned(
  events: readonly InteractionEventRow[],
  now: number,
  abandonAfterMs: number,
): boolean {
  const queued = events.find((e) => e.kind === 'queued');
  if (!queued || events.some((e) => e.kind === 'answered')) return false;
  if (events.some((e) => e.kind === 'ended')) return true;
  const lastCustomer = Math.max(
    ...events.filter((e) => e.kind === 'customer_message').map((e) => e.at),
    Number.NEGATIVE_INFINITY,
  );
  const since = Number.isFinite(lastCustomer) ? lastCustomer : queued.at;
  return since + abandonAfterMs <= now;
}

/** The sums of each (bucket, key) cell, and the wrap-ups by reason: what the SQL computes. */
export function sumEvents(
  events: readonly InteractionEventRow[],
  query: KpiQuery,
): { sums: ReportSums[]; wrapUps: ReportWrapUps[] } {
  const byConversation = new Map<string, InteractionEventRow[]>();
  for (const e of events) {
    const list = byConversation.get(e.conversationId) ?? [];
    list.push(e);
    byConversation.set(e.conversationId, list);
  }
  const cells = new Map<string, Mutable<ReportSums>>();
  const wrapUps = new Map<string, Mutable<ReportWrapUps>>();
  const keyOf = KEY_OF[query.groupBy];
  for (const e of events) {
    const bucket = bucketOf(query, e.startedAt);
    if (bucket < 0) continue;
    const key = keyOf(e);
    const id = JSON.stringify([bucket, key]);
    const cell = cells.get(id) ?? emptySums(bucket, key);
    cells.set(id, cell);
    const duration = e.durationMs ?? 0;
    switch (e.kind) {
      case 'queued':
        cell.offered++;
        if (isAbandoned(byConversation.get(e.conversationId) ?? [], query.now, query.abandonAfterMs))
          cell.abandoned++;
        break;
      case 'answered':
        cell.answered++;
        cell.answerMs += duration;
        if (e.durationMs !== null && e.durationMs <= query.serviceLevelMsOf(e.queueId))
          cell.answeredWithinServiceLevel++;
        break;
      case 'wrapped_up': {
        if (e.detail === 'owner') {
          cell.handled++;
          cell.handleMs += duration;
        }
        const wid = JSON.stringify([bucket, key, e.reasonId]);
        const w = wrapUps.get(wid) ?? { bucket, key, reasonId: e.reasonId, count: 0 };
        w.count++;
        wrapUps.set(wid, w);
        break;
      }
      case 'first_response':
        cell.firstResponses++;
        cell.firstResponseMs += duration;
        break;
      case 'rona':
        cell.rona++;
        break;
      case 'declined':
        cell.declined++;
        break;
      case 'transferred':
        cell.transfers++;
        break;
      case 'conference':
        cell.conferences++;
        break;
      case 'csat':
        cell.csatAnswers++;
        cell.csatScore += Number(e.detail);
        break;
      case 'offered':
      case 'accepted':
      case 'ended':
      case 'customer_message':
      case 'overflowed':
      case 'requeued':
        break;
    }
  }
  return { sums: sortCells([...cells.values()]), wrapUps: sortCells([...wrapUps.values()]) };
}

/** Cells in bucket order, then key (nulls first), then reason: one order for the SQL and here. */
export function sortCells<T extends { bucket: number; key: string | null; reasonId?: string | null }>(
  cells: T[],
): T[] {
  const text = (v: string | null | undefined): string => (v === null || v === undefined ? '' : `~${v}`);
  return cells.sort(
    (a, b) =>
      a.bucket - b.bucket ||
      text(a.key).localeCompare(text(b.key)) ||
      text(a.reasonId).localeCompare(text(b.reasonId)),
  );
}

/** The figures of one cell, as the API gives them. */
export interface Figures {
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  /** Answered within the queue's threshold ÷ (answered + abandoned), in %; null with neither. */
  readonly serviceLevelPercent: number | null;
  /** Average speed of answer: arrival -> first acceptance. */
  readonly asaSeconds: number | null;
  /** Average handle time: the owner's acceptance -> their wrap-up. */
  readonly ahtSeconds: number | null;
  /** Average first response: arrival -> the first agent message. */
  readonly firstResponseSeconds: number | null;
  readonly rona: number;
  readonly declined: number;
  readonly transfers: number;
  readonly conferences: number;
  /** Satisfaction answers (issue 18's CSAT) and their average score (1..5); null without answers. */
  readonly csatAnswers: number;
  readonly csatAverage: number | null;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const averageSeconds = (totalMs: number, count: number): number | null =>
  count === 0 ? null : round1(totalMs / count / 1000);

/** Rates and averages from a cell's sums (one decimal). */
export function figuresOf(s: ReportSums): Figures {
  const settled = s.answered + s.abandoned;
  return {
    offered: s.offered,
    answered: s.answered,
    abandoned: s.abandoned,
    serviceLevelPercent: settled === 0 ? null : round1((100 * s.answeredWithinServiceLevel) / settled),
    asaSeconds: averageSeconds(s.answerMs, s.answered),
    ahtSeconds: averageSeconds(s.handleMs, s.handled),
    firstResponseSeconds: averageSeconds(s.firstResponseMs, s.firstResponses),
    rona: s.rona,
    declined: s.declined,
    transfers: s.transfers,
    conferences: s.conferences,
    csatAnswers: s.csatAnswers,
    csatAverage: s.csatAnswers === 0 ? null : Math.round((100 * s.csatScore) / s.csatAnswers) / 100,
  };
}
