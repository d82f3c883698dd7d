import type { ServerContext } from '../../platform/index.ts';

/** A node's heartbeat row lives this long unless renewed. */
export const NODE_TTL_MS = 15_000;
const HEARTBEAT_MS = 5_000;
/** Rows of nodes gone this long are deleted (each restart without NODE_ID is a new node id). */
const FORGET_AFTER_MS = 24 * 3600_000;
const NODE_PREFIX = 'node:';

/**
 * Every node on PostgreSQL keeps a heartbeat row (a lease named `node:<bus>:<id>`), so that nodes
 * sharing a database know of each other. A node without the Redis bus that finds another live node
 * is running broken (pushes and presence would not cross): it says so in the log and `/healthz`
 * reports it not ready, rather than serving silently wrong. A row counts only once renewed after
 * this node started, so a crashed predecessor's leftover row does not count.
 */
export class NodeHeartbeat {
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  readonly #startedAt: number;
  readonly #name: string;

  constructor(private readonly ctx: ServerContext) {
    this.#startedAt = ctx.clock();
    this.#name = `${NODE_PREFIX}${ctx.bus.shared ? 'redis' : 'local'}:${ctx.bus.nodeId}`;
  }

  /** Beats now and every few seconds. One node on SQLite has no one to meet: it does nothing. */
  start(): void {
    if (this.ctx.store.dialect !== 'postgres') return;
    const beat = (): void => {
      this.#beating = this.beat().catch((err: unknown) =>
        this.ctx.logger.warn({ err, event: 'cluster.heartbeatFailed' }, 'node heartbeat failed'),
      );
    };
    beat();
    this.#timer = setInterval(beat, HEARTBEAT_MS);
    this.#timer.unref();
  }

  /** Renews this node's row and looks at the others'. Exposed for tests. */
  async beat(): Promise<void> {
    const now = this.ctx.clock();
    const others = await this.ctx.store.transaction(async (tx) => {
      await tx.renewLease(this.#name, this.ctx.bus.nodeId, now + NODE_TTL_MS);
      await tx.pruneLeases(NODE_PREFIX, now - FORGET_AFTER_MS);
      return (await tx.liveLeases(NODE_PREFIX, now)).filter(
        (lease) => lease.name !== this.#name && lease.heldUntil > this.#startedAt + NODE_TTL_MS,
      );
    });
    const problem =
      !this.ctx.bus.shared && others.length > 0
        ? `another node shares this database (${others.map((o) => o.holder).join(', ')}) but REDIS_URL is not set: pushes and presence would not cross nodes`
        : undefined;
    if (problem !== undefined && this.ctx.node.misconfiguration === undefined) {
      this.ctx.logger.error({ event: 'cluster.misconfigured', nodes: others.length }, problem);
    }
    const unbussed = others.filter((o) => o.name.startsWith(`${NODE_PREFIX}local:`));
    if (this.ctx.bus.shared && unbussed.length > 0) {
      this.ctx.logger.error(
        { event: 'cluster.peerMisconfigured', nodes: unbussed.map((o) => o.holder) },
        'a node shares this database without REDIS_URL: it is not part of the cluster',
      );
    }
    this.ctx.node.setMisconfiguration(problem);
  }

  /** Stops beating and gives the row up, so a restart is not mistaken for a second node. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#beating;
    if (this.ctx.store.dialect !== 'postgres') return;
    await this.ctx.store
      .transaction((tx) => tx.releaseLease(this.#name, this.ctx.bus.nodeId))
      .catch(() => undefined);
  }
}
