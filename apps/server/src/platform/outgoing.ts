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
  /** Events emitted and appended to their agents' logs (`flush`), in the order emitted. */
  readonly pushes: Push[] = [];
  /** Issue 16: conversations whose messages or state this transaction changed (their monitors refresh). */
  readonly touched = new Set<string>();
  /** Issue 18: lines to log once the transaction committed (never message bodies or numbers). */
  readonly logs: { readonly message: string; readonly fields: Readonly<Record<string, unknown>> }[] = [];
  /** Issue 18: set when the transaction queued an outbox send: the drainer is woken after commit. */
  outboxQueued = false;
  /** Emitted, not yet appended. */
  #emitted: { readonly agentId: string; readonly event: AgentEvent }[] = [];

  constructor(
    private readonly tx: StoreTx,
    readonly now: number,
  ) {}

  /** Queues the event for the agent's log and push; `flush` appends it, with the transaction's others. */
  emit(agentId: string, event: AgentEvent): void {
    this.#emitted.push({ agentId, event });
  }

  /**
   * Appends what was emitted to the agents' logs, in the same transaction, at its end (`commit`
   * calls it after the work): two statements for the transaction instead of two per event, and
   * each agent's counter locked at the end, in agent-id order, never midway in the order the work
   * happened to emit (two transactions emitting for two agents in opposite orders deadlocked).
   */
  async flush(): Promise<void> {
    const emitted = this.#emitted;
    if (emitted.length === 0) return;
    this.#emitted = [];
    const seqs = await this.tx.appendAgentEvents(
      emitted.map(({ agentId, event }) => ({ agentId, event, at: this.now })),
    );
    emitted.forEach(({ agentId, event }, i) => {
      const seq = seqs[i];
      if (seq === undefined) throw new Error('Outgoing.flush: an event got no seq');
      this.pushes.push({ agentId, seq, event });
    });
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
