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
  /** Issue 18: lines to log once the transaction committed (never message bodies or numbers). */
  readonly logs: { readonly message: string; readonly fields: Readonly<Record<string, unknown>> }[] = [];
  /** Issue 18: set when the transaction queued an outbox send: the drainer is woken after commit. */
  outboxQueued = false;

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

  /** Logs `message` at info after commit (a rollback drops it): ids and reasons only. */
  log(message: string, fields: Readonly<Record<string, unknown>>): void {
    this.logs.push({ message, fields });
  }
}
