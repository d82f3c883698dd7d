import type { GraphClient } from '@parlo/whatsapp';
import type { ClusterBus } from '../bus/index.ts';
import type { Store, StoreTx } from '../store/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { NodeState } from './node-state.ts';
import { Outgoing, type Push } from './outgoing.ts';

/**
 * What the shell needs of the agents' sockets (the realtime hub implements it): pushing what a
 * transaction logged, knowing who is connected, and resending every desktop its picture.
 */
export interface AgentFeed {
  /** Pushes events committed by a transaction. */
  deliver(pushes: readonly Push[]): void;
  /** Sends every connected desktop a fresh snapshot (after a change to how everything is presented). */
  resyncAll(): void;
}

/** What every part of the shell is given: the composition root builds one. */
export interface ServerContext {
  readonly config: Config;
  readonly store: Store;
  readonly hub: AgentFeed;
  /** What crosses nodes: push notices, presence, shared pacing (a local one on a single node). */
  readonly bus: ClusterBus;
  /** Draining or misconfigured: what `/healthz` reports besides its live checks. */
  readonly node: NodeState;
  readonly logger: Logger;
  readonly graph: GraphClient;
  /** The only clock of the server; tests may pass their own. */
  readonly clock: () => number;
  /** Wakes the outbox drainer after a commit that enqueued work. */
  readonly kickOutbox: () => void;
}

/**
 * Runs `work` in one store transaction and, after it commits, pushes the agent events it logged.
 * A throw rolls everything back and pushes nothing.
 */
export async function commit<T>(
  ctx: ServerContext,
  work: (tx: StoreTx, out: Outgoing, now: number) => Promise<T>,
): Promise<T> {
  const now = ctx.clock();
  let out: Outgoing | undefined;
  const result = await ctx.store.transaction(async (tx) => {
    out = new Outgoing(tx, now);
    return work(tx, out, now);
  });
  if (out && out.pushes.length > 0) {
    ctx.hub.deliver(out.pushes);
    ctx.bus.announce(latestSeqs(out.pushes));
  }
  return result;
}

/** Each agent's highest seq among `pushes`: what other nodes are told to catch up to. */
function latestSeqs(pushes: readonly Push[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const { agentId, seq } of pushes) latest.set(agentId, Math.max(seq, latest.get(agentId) ?? 0));
  return latest;
}
