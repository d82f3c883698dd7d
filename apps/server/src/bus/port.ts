import type { PacingDecision } from './pacing.ts';

/**
 * Send pacing shared by every node that sends for the same business numbers: a number's rate
 * (130429) and a recipient's pair rate (131056) hold for the cluster as a whole.
 */
export interface SharedPacer {
  /**
   * A message to `recipient` from `numberId` (`recipient` undefined for a read receipt). Takes a
   * slot of both buckets or neither: one further off than `maxWaitMs` is told when to come back.
   * `now` and the instants returned are this node's clock.
   */
  reserve(
    numberId: string,
    recipient: string | undefined,
    now: number,
    maxWaitMs: number,
  ): Promise<PacingDecision>;
  /** WhatsApp answered 130429: nothing more from this number for a while, on any node. */
  throttleNumber(numberId: string, now: number): Promise<void>;
  /** WhatsApp answered 131056: slow down for that contact, on every node. */
  throttleRecipient(numberId: string, recipient: string, now: number): Promise<void>;
}

/** The latest event seq of each agent a commit logged events for. */
export type LatestSeqs = ReadonlyMap<string, number>;

/**
 * What crosses nodes (ADR 0011). On one node (no REDIS_URL) everything stays in the process; in
 * cluster mode Redis carries it. Pub/sub is at most once: a notice only says "agent X has events
 * up to seq N", the event log in the database stays the truth, and after the bus was away every
 * node catches its desktops up from the log.
 */
export interface ClusterBus {
  /** This process, unique among the live nodes. */
  readonly nodeId: string;
  /** Whether other nodes can hear this one (Redis configured). */
  readonly shared: boolean;
  readonly pacer: SharedPacer;
  /** Tells every other node that these agents have events up to these seqs (fire and forget). */
  announce(latest: LatestSeqs): void;
  /** Notices from other nodes. */
  onAnnounce(listener: (latest: LatestSeqs) => void): void;
  /** The bus was away and is back: notices may have been missed, so catch up from the log. */
  onResume(listener: () => void): void;
  /** This node now holds at least one desktop of the agent (true), or none any more (false). */
  setPresence(agentId: string, present: boolean): Promise<void>;
  /** Of `agentIds`, those with a desktop on some live node. */
  presentAnywhere(agentIds: readonly string[]): Promise<Set<string>>;
  /** Whether the bus answers now (for /healthz). */
  ping(): Promise<boolean>;
  /** Stops heartbeats and forgets this node's presence; the other nodes keep going. */
  close(): Promise<void>;
}
