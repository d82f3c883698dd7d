import type { GraphClient } from '@parlo/whatsapp';
import type { Config } from './config/index.ts';
import type { Logger } from './logger.ts';
import type { RealtimeHub } from './realtime/hub.ts';
import { Outgoing } from './routing/engine.ts';
import type { Store, StoreTx } from './store/index.ts';

/** What every part of the shell is given: the composition root builds one. */
export interface ServerContext {
  readonly config: Config;
  readonly store: Store;
  readonly hub: RealtimeHub;
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
  if (out) ctx.hub.deliver(out.pushes);
  return result;
}
