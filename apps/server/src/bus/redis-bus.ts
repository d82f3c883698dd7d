import { Redis } from 'ioredis';
import type { ClusterBus, LatestSeqs, SharedPacer } from './port.ts';

/** The pub/sub channel of "agent X has events up to seq N" notices (after the key prefix). */
const SEQ_CHANNEL = 'seq';
/** A node's presence entry lives this long unless renewed: a node killed stops renewing it. */
export const PRESENCE_TTL_MS = 15_000;
/** How often a node renews the presence entries of the desktops it holds. */
const HEARTBEAT_MS = 5_000;
/** Keeps one pipeline (and one Redis reply) bounded however many agents a node holds. */
const PIPELINE_CHUNK = 500;

/** What a notice carries on the wire: the sender, and [agentId, seq] pairs. */
interface SeqNotice {
  readonly n: string;
  readonly s: ReadonlyArray<readonly [string, number]>;
}

function parseNotice(text: string): SeqNotice | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { n, s } = value as { n?: unknown; s?: unknown };
    if (typeof n !== 'string' || !Array.isArray(s)) return undefined;
    const pairs = s.filter(
      (pair): pair is [string, number] =>
        Array.isArray(pair) && typeof pair[0] === 'string' && Number.isSafeInteger(pair[1]),
    );
    return { n, s: pairs };
  } catch {
    return undefined;
  }
}

/** Options of {@link RedisBus}. */
export interface RedisBusOptions {
  readonly url: string;
  /** Put before every key and channel (several deployments may share one Redis). */
  readonly keyPrefix: string;
  readonly nodeId: string;
  /** Builds the shared pacer on the bus's command connection. */
  readonly pacer: (redis: Redis) => SharedPacer;
  /** Told when a connection drops or comes back (logged by the composition root). */
  readonly onConnectionChange?: (change: { connection: 'commands' | 'notices'; up: boolean }) => void;
  /** The clock presence entries are scored with (tests may move it). */
  readonly clock?: () => number;
}

/**
 * Cluster mode over Redis (ADR 0011). Two connections: one for commands (presence, pacing,
 * publishing), one subscribed to notices. Pub/sub is at most once, so a notice is only a hint
 * that the log has more: a node whose subscription was down calls its resume listeners, which
 * catch every desktop up from the log. Presence is one sorted set per agent (node id -> expiry),
 * renewed by heartbeats, so a node that dies drops out by itself within {@link PRESENCE_TTL_MS}.
 */
export class RedisBus implements ClusterBus {
  readonly shared = true;
  readonly nodeId: string;
  readonly pacer: SharedPacer;
  readonly #commands: Redis;
  readonly #notices: Redis;
  readonly #clock: () => number;
  readonly #prefix: string;
  /** Agents with a desktop on this node: renewed by each heartbeat. */
  readonly #local = new Set<string>();
  readonly #announceListeners: Array<(latest: LatestSeqs) => void> = [];
  readonly #resumeListeners: Array<() => void> = [];
  #heartbeat: NodeJS.Timeout | undefined;
  /** Whether the subscription was lost since it was last ready: the next ready is a resume. */
  #noticesLost = false;
  #closed = false;

  private constructor(options: RedisBusOptions) {
    this.nodeId = options.nodeId;
    this.#clock = options.clock ?? Date.now;
    this.#prefix = options.keyPrefix;
    const connect = (name: 'commands' | 'notices'): Redis => {
      const redis = new Redis(options.url, {
        connectionName: `parlo-${name}-${options.nodeId}`,
        // A command fails fast while Redis is away instead of queueing for ever; the callers
        // (presence, pacing) retry on their own schedule.
        maxRetriesPerRequest: 2,
        retryStrategy: (times) => Math.min(1000, 50 * 2 ** Math.min(times, 5)),
        lazyConnect: true,
      });
      // Without a listener an 'error' event would crash the process; reconnecting is automatic.
      redis.on('error', () => {});
      // A connection this node closes itself (stopping) is not Redis going away.
      redis.on('close', () => {
        if (!this.#closed) options.onConnectionChange?.({ connection: name, up: false });
      });
      redis.on('ready', () => options.onConnectionChange?.({ connection: name, up: true }));
      return redis;
    };
    this.#commands = connect('commands');
    this.#notices = connect('notices');
    this.pacer = options.pacer(this.#commands);
  }

  /** Where an agent's presence is kept: a sorted set of node ids scored by when each entry expires. */
  #presenceKey(agentId: string): string {
    return `${this.#prefix}presence:${agentId}`;
  }

  get #channel(): string {
    return `${this.#prefix}${SEQ_CHANNEL}`;
  }

  /** Connects both connections and subscribes; throws if Redis cannot be reached at start. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    try {
      await Promise.all([bus.#commands.connect(), bus.#notices.connect()]);
      await bus.#notices.subscribe(bus.#channel);
    } catch (error) {
      bus.#commands.disconnect();
      bus.#notices.disconnect();
      throw error;
    }
    bus.#notices.on('message', (_channel: string, text: string) => bus.#received(text));
    bus.#notices.on('close', () => {
      bus.#noticesLost = true;
    });
    // ioredis subscribes again by itself on reconnect; 'ready' comes after that.
    bus.#notices.on('ready', () => {
      if (!bus.#noticesLost || bus.#closed) return;
      bus.#noticesLost = false;
      for (const listener of bus.#resumeListeners) listener();
    });
    bus.#commands.on('ready', () => {
      // Redis may have restarted empty: put this node's presence back at once.
      bus.#renew().catch(() => {});
    });
    bus.#heartbeat = setInterval(() => {
      bus.#renew().catch(() => {});
    }, HEARTBEAT_MS);
    bus.#heartbeat.unref();
    return bus;
  }

  announce(latest: LatestSeqs): void {
    if (latest.size === 0 || this.#closed) return;
    const notice: SeqNotice = { n: this.nodeId, s: [...latest] };
    // At most once by design: a lost notice is made good by the receivers' catch-up on resume.
    this.#commands.publish(this.#channel, JSON.stringify(notice)).catch(() => {});
  }

  onAnnounce(listener: (latest: LatestSeqs) => void): void {
    this.#announceListeners.push(listener);
  }

  onResume(listener: () => void): void {
    this.#resumeListeners.push(listener);
  }

  async setPresence(agentId: string, present: boolean): Promise<void> {
    if (present) {
      this.#local.add(agentId);
      const key = this.#presenceKey(agentId);
      await this.#commands
        .multi()
        .zadd(key, this.#clock() + PRESENCE_TTL_MS, this.nodeId)
        .pexpire(key, PRESENCE_TTL_MS * 2)
        .exec();
    } else {
      this.#local.delete(agentId);
      await this.#commands.zrem(this.#presenceKey(agentId), this.nodeId);
    }
  }

  async presentAnywhere(agentIds: readonly string[]): Promise<Set<string>> {
    const present = new Set<string>();
    const now = this.#clock();
    for (let i = 0; i < agentIds.length; i += PIPELINE_CHUNK) {
      const chunk = agentIds.slice(i, i + PIPELINE_CHUNK);
      const pipeline = this.#commands.pipeline();
      for (const id of chunk) pipeline.zcount(this.#presenceKey(id), now, '+inf');
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, count], index) => {
        if (error) throw error;
        const id = chunk[index];
        if (id !== undefined && typeof count === 'number' && count > 0) present.add(id);
      });
    }
    return present;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.#commands.ping()) === 'PONG' && this.#notices.status === 'ready';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    // This node's presence entries are left to expire: its desktops have that long to reconnect
    // to another node before anyone treats their agents as gone.
    await Promise.allSettled([this.#commands.quit(), this.#notices.quit()]);
  }

  #received(text: string): void {
    const notice = parseNotice(text);
    // Our own commits were pushed to our sockets already.
    if (!notice || notice.n === this.nodeId) return;
    const latest = new Map(notice.s);
    for (const listener of this.#announceListeners) listener(latest);
  }

  /** Renews the presence entry of every agent with a desktop here. */
  async #renew(): Promise<void> {
    if (this.#closed) return;
    const agents = [...this.#local];
    for (let i = 0; i < agents.length; i += PIPELINE_CHUNK) {
      const expiresAt = this.#clock() + PRESENCE_TTL_MS;
      const pipeline = this.#commands.pipeline();
      for (const id of agents.slice(i, i + PIPELINE_CHUNK)) {
        const key = this.#presenceKey(id);
        // Entries of nodes long gone are dropped as the live ones renew theirs.
        pipeline
          .zremrangebyscore(key, '-inf', expiresAt - 2 * PRESENCE_TTL_MS)
          .zadd(key, expiresAt, this.nodeId)
          .pexpire(key, PRESENCE_TTL_MS * 2);
      }
      await pipeline.exec();
    }
  }
}
