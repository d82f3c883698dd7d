import type { Snapshot } from '@parlo/protocol';
import type { AgentEventRow, Store } from '../../store/index.ts';
import { buildSnapshot } from './snapshot.ts';

/**
 * What an agent's desktop is sent besides live pushes, read from the agent event log (the truth):
 * the events it missed, or its whole picture at a seq.
 */
export class DesktopFeed {
  constructor(private readonly store: Store) {}

  /** Up to `limit` logged events after `afterSeq`, in seq order. */
  eventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]> {
    return this.store.transaction((tx) => tx.agentEventsAfter(agentId, afterSeq, limit));
  }

  /** Up to `limit` logged events after `afterSeq` and the agent's newest seq, read together. */
  missedSince(
    agentId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ missed: AgentEventRow[]; last: number }> {
    return this.store.transaction(async (tx) => ({
      missed: await tx.agentEventsAfter(agentId, afterSeq, limit),
      last: await tx.lastAgentSeq(agentId),
    }));
  }

  /** The agent's snapshot and the seq it stands at (one transaction); undefined for a non-agent. */
  snapshot(agentId: string): Promise<{ snapshot: Snapshot | undefined; seq: number }> {
    return this.store.transaction(async (tx) => ({
      snapshot: await buildSnapshot(tx, agentId),
      seq: await tx.lastAgentSeq(agentId),
    }));
  }
}
