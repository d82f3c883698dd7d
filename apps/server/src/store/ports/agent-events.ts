/** One event of an agent's log, with its place in that agent's sequence. */
export interface AgentEventRow {
  readonly seq: number;
  /** JSON-serialisable protocol AgentEvent. */
  readonly event: unknown;
}

/** An event for an agent's log. */
export interface AgentEventToAppend {
  readonly agentId: string;
  /** JSON-serialisable protocol AgentEvent. */
  readonly event: unknown;
  readonly at: number;
}

/**
 * The per-agent event log: what the desktop replays after a reconnect. Every method runs inside its
 * transaction.
 */
export interface AgentEventsRepository {
  /**
   * Appends each event with the next seq of its agent (1, 2, ...), in the order given, and returns
   * their seqs in that order.
   */
  appendAgentEvents(events: readonly AgentEventToAppend[]): Promise<number[]>;
  agentEventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]>;
  lastAgentSeq(agentId: string): Promise<number>;
  /** Drops events older than `before`, keeping each agent's newest. */
  pruneAgentEvents(before: number): Promise<number>;
}
