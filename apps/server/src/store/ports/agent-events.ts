/** One event of an agent's log, with its place in that agent's sequence. */
export interface AgentEventRow {
  readonly seq: number;
  /** JSON-serialisable protocol AgentEvent. */
  readonly event: unknown;
}

/**
 * The per-agent event log: what the desktop replays after a reconnect. Every method runs inside its
 * transaction.
 */
export interface AgentEventsRepository {
  /** Appends with the next seq of that agent (1, 2, ...) and returns it. */
  appendAgentEvent(agentId: string, event: unknown, at: number): Promise<number>;
  agentEventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]>;
  lastAgentSeq(agentId: string): Promise<number>;
  /** Drops events older than `before`, keeping each agent's newest. */
  pruneAgentEvents(before: number): Promise<number>;
}
