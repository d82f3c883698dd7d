import type { AgentEvent } from '@parlo/protocol';
import type { StoreTx } from '../store/index.ts';

/** An agent event stored in the log with its seq, to be pushed after the transaction commits. */
export interface Push {
  readonly agentId: string;
  readonly seq: number;
  readonly event: AgentEvent;
}

/** Collects the pushes of one transaction; `commit` hands them to the realtime hub after commit. */
export class Outgoing {
  readonly pushes: Push[] = [];
  /** Issue 16: conversations whose messages or state this transaction changed (their monitors refresh). */
  readonly touched = new Set<string>();

  constructor(
    private readonly tx: StoreTx,
    readonly now: number,
  ) {}

  /** Appends to the agent's event log (same transaction) and queues the push. */
  async emit(agentId: string, event: AgentEvent): Promise<void> {
    const seq = await this.tx.appendAgentEvent(agentId, event, this.now);
    this.pushes.push({ agentId, seq, event });
  }

  /** Marks a conversation changed: after commit its monitors (on any node) are sent its new view. */
  touch(conversationId: string): void {
    this.touched.add(conversationId);
  }
}
