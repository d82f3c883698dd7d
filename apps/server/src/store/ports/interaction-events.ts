/**
 * Issue 16, historical reports (ADR 22): the append-only interaction events the routing shell and
 * the ingest write in the transaction of what they record, and the report queries over them.
 * Events name everything by id: no customer name, number or text is ever stored here.
 */

/** What happened; see ADR 22 for each kind's fields. */
export type InteractionEventKind =
  /** The conversation reached the center (its first customer message was routed to a queue). */
  | 'queued'
  /** An offer was made to an agent (`detail`: the offer's purpose: route, transfer, conference). */
  | 'offered'
  /** The first acceptance of a routing offer: `duration_ms` is the speed of answer. */
  | 'answered'
  /** Any later acceptance (a transfer, a conference, a requeued conversation): `detail` the purpose. */
  | 'accepted'
  /** An offer lapsed: the agent went to RONA. */
  | 'rona'
  /** The agent declined an offer (a transfer or a conference request). */
  | 'declined'
  /** The owner transferred it (`detail`: 'queue' | 'agent'); `agent_id` is who transferred. */
  | 'transferred'
  /** A conference guest joined (`agent_id`: the owner who asked; `detail`: the guest). */
  | 'conference'
  /** The first agent message to the customer: `duration_ms` since the conversation's arrival. */
  | 'first_response'
  /** The conversation ended: `detail` 'agent' (its owner ended it) or 'system' (it closed by itself). */
  | 'ended'
  /** A participant's wrap-up: `reason_id`, `detail` the role, `duration_ms` the handle time. */
  | 'wrapped_up'
  /** The customer wrote (the first message too). */
  | 'customer_message'
  /** It moved to the overflow queue (`queue_id`: the new queue; `detail`: the old one). */
  | 'overflowed'
  /** Its owner's desktop went away for good: it went back to its queue (`agent_id`: the owner). */
  | 'requeued'
  /** The customer answered the satisfaction survey (issue 18): `detail` the score, '1'..'5'. */
  | 'csat';

export interface InteractionEventRow {
  readonly id: string;
  readonly kind: InteractionEventKind;
  readonly at: number;
  readonly conversationId: string;
  readonly customerId: string | null;
  /** The conversation's arrival: every event of a conversation counts in the bucket it arrived in. */
  readonly startedAt: number;
  readonly queueId: string | null;
  readonly agentId: string | null;
  readonly businessNumberId: string | null;
  readonly durationMs: number | null;
  readonly reasonId: string | null;
  readonly detail: string | null;
}

/** What a report groups rows by beside time. */
export type ReportDimension = 'none' | 'queue' | 'agent' | 'number' | 'reason';

/** One report's question: contiguous buckets `[start, end)` of arrivals, and a dimension. */
export interface ReportSumsQuery {
  /** Sorted and contiguous; the report covers `[buckets[0].start, buckets.at(-1).end)`. */
  readonly buckets: readonly { readonly start: number; readonly end: number }[];
  readonly groupBy: ReportDimension;
  /** The instant the report is made: a conversation unanswered since long enough is abandoned. */
  readonly now: number;
  /** An unanswered conversation whose customer has been silent this long is abandoned (24 h). */
  readonly abandonAfterMs: number;
  /** The service-level threshold of a queue that has none. */
  readonly defaultServiceLevelMs: number;
}

/** The sums of one (bucket, key) cell; the service turns them into rates and averages. */
export interface ReportSums {
  /** Index into the query's buckets. */
  readonly bucket: number;
  /** The dimension's id (queue, agent, number, reason); null for none or events without it. */
  readonly key: string | null;
  readonly offered: number;
  readonly answered: number;
  readonly answeredWithinServiceLevel: number;
  readonly answerMs: number;
  readonly abandoned: number;
  readonly handled: number;
  readonly handleMs: number;
  readonly firstResponses: number;
  readonly firstResponseMs: number;
  readonly rona: number;
  readonly declined: number;
  readonly transfers: number;
  readonly conferences: number;
  /** Satisfaction answers (issue 18's CSAT) and the sum of their scores. */
  readonly csatAnswers: number;
  readonly csatScore: number;
}

/** Wrap-ups of one (bucket, key) cell by reason (null: wrapped up without a reason). */
export interface ReportWrapUps {
  readonly bucket: number;
  readonly key: string | null;
  readonly reasonId: string | null;
  readonly count: number;
}

export interface InteractionEventsRepository {
  /**
   * Appends the rows in one multi-row insert (nothing when empty); once the transaction commits,
   * the store's `onInteractionEvents` listeners are told (the wallboard counts them).
   */
  append(rows: readonly InteractionEventRow[]): Promise<void>;
  /** Every event of the conversations that arrived at or after `at` (the wallboard's day at start). */
  startedSince(at: number): Promise<InteractionEventRow[]>;
  /** Every event of these conversations (the wallboard reads again what another node committed). */
  eventsOf(conversationIds: readonly string[]): Promise<InteractionEventRow[]>;
  /** Which of these conversations already have an event of this kind. */
  conversationsWith(kind: InteractionEventKind, conversationIds: readonly string[]): Promise<Set<string>>;
  /** Every event of the conversations that arrived in `[from, to)`, in order (tests, export). */
  eventsStartedIn(from: number, to: number): Promise<InteractionEventRow[]>;
  /**
   * The report: the figures' sums per bucket and key (cells where something was counted) and the
   * wrap-ups by reason, from the roll-up (ADR 22, "Roll-up"); from the events when a bucket's bound
   * is not on a quarter hour.
   */
  report(query: ReportSumsQuery): Promise<{ sums: ReportSums[]; wrapUps: ReportWrapUps[] }>;
  /** Builds the report roll-up again from every stored event (a repair; migration 0023 does it once). */
  rebuildRollup(): Promise<void>;
  /** The figures' sums per bucket and key, straight from the events (the truth the roll-up is held to). */
  reportSums(query: ReportSumsQuery): Promise<ReportSums[]>;
  /** Wrap-ups per bucket, key and reason, straight from the events. */
  reportWrapUps(query: ReportSumsQuery): Promise<ReportWrapUps[]>;
}
