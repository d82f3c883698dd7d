import { agentEventSchema, clientFrameSchema, PROTOCOL_VERSION, type ServerFrame } from '@parlo/protocol';
import type { RawData, WebSocket } from 'ws';
import {
  CONVERSATION_NOTICE_PREFIX,
  SIGN_OUT_NOTICE_PREFIX,
  type AgentFeed,
  type Logger,
  type Push,
  TurnBudget,
} from '../platform/index.ts';
import type { DesktopFeed } from '../services/routing/index.ts';
import { MonitorHub } from './monitors.ts';

/** How many missed events a reconnecting desktop may replay before it is sent a snapshot instead. */
const MAX_REPLAY = 500;

/**
 * P7: after a restart a thousand desktops reconnect at once; their session reads, replays and
 * presence changes ran back to back in one turn of the loop (400-500 ms on SQLite). Past 10 ms of
 * that work in one turn, the rest waits for the next, so timers and pushes go on in between.
 */
const RECONNECT_TURN_BUDGET_MS = 10;
/** Reconnect work in flight at once: on PostgreSQL they wait on the pool together. */
const RECONNECT_CONCURRENCY = 8;

interface Connection {
  readonly socket: WebSocket;
  readonly agentId: string;
  /** The last seq this socket was sent; -1 until it said hello. */
  lastSentSeq: number;
  /** Serialises sends to one socket so frames go out in seq order. */
  chain: Promise<void>;
}

/**
 * Keeps the agents' sockets and pushes each agent its logged events in seq order. The log in the
 * store is the truth: a gap (an event this socket missed) is filled from it, so a push lost in
 * flight or a reconnect never leaves a desktop behind.
 */
export class RealtimeHub implements AgentFeed {
  private readonly connections = new Map<string, Set<Connection>>();
  private closing = false;
  /** Issue 16: supervisors' monitor sockets, refreshed when their conversation changes. */
  readonly monitors: MonitorHub;
  /**
   * Told when an agent's first desktop connects (true) and the last one goes (false). A server
   * shutting down is not agents leaving, so it reports nothing then.
   */
  onPresence: (agentId: string, present: boolean) => void = () => {};
  /**
   * Bursts of desktop work (reconnects, resyncs, catching up) go through this, spread over turns
   * of the loop; the socket route's session read and presence changes too.
   */
  readonly reconnects = new TurnBudget(RECONNECT_TURN_BUDGET_MS, RECONNECT_CONCURRENCY);

  constructor(
    private readonly feed: DesktopFeed,
    private readonly logger: Logger,
  ) {
    this.monitors = new MonitorHub(logger);
  }

  /** Takes over a freshly authenticated socket of `agentId`. */
  attach(socket: WebSocket, agentId: string): void {
    const connection: Connection = { socket, agentId, lastSentSeq: -1, chain: Promise.resolve() };
    let set = this.connections.get(agentId);
    if (!set) {
      set = new Set();
      this.connections.set(agentId, set);
      this.onPresence(agentId, true);
    }
    set.add(connection);

    socket.on('message', (data, isBinary) => {
      const frame = isBinary ? undefined : parseFrame(rawText(data));
      if (!frame) {
        this.send(connection, {
          type: 'error',
          code: 'BAD_FRAME',
          message: 'Frame does not match the protocol',
        });
        return;
      }
      switch (frame.type) {
        case 'ping':
          this.send(connection, { type: 'pong' });
          return;
        case 'hello':
          if (frame.protocolVersion !== PROTOCOL_VERSION) {
            this.send(connection, {
              type: 'error',
              code: 'PROTOCOL_MISMATCH',
              message: `Server speaks protocol ${PROTOCOL_VERSION}; reload the desktop`,
            });
            socket.close(4000, 'protocol mismatch');
            return;
          }
          this.enqueue(connection, () => this.reconnects.run(() => this.resume(connection, frame.lastSeq)));
          return;
      }
    });
    socket.on('close', () => {
      set.delete(connection);
      if (set.size > 0 || this.connections.get(agentId) !== set) return;
      this.connections.delete(agentId);
      if (!this.closing) this.onPresence(agentId, false);
    });
  }

  /** Pushes events committed by a transaction. */
  deliver(pushes: readonly Push[]): void {
    for (const push of pushes) {
      const connections = this.connections.get(push.agentId);
      if (!connections) continue;
      // Serialised once for all of the agent's desktops, and only if one is in step to take it.
      let text: string | undefined;
      const frame = () =>
        (text ??= JSON.stringify({ type: 'event', seq: push.seq, event: push.event } satisfies ServerFrame));
      for (const connection of connections) {
        this.enqueue(connection, async () => {
          if (connection.lastSentSeq < 0 || push.seq <= connection.lastSentSeq) return;
          if (push.seq === connection.lastSentSeq + 1) {
            connection.lastSentSeq = push.seq;
            this.sendText(connection, frame());
          } else {
            await this.fillGap(connection);
          }
        });
      }
    }
  }

  /**
   * Another node committed events for these agents (up to these seqs): each desktop of theirs
   * held here catches up from the log, which is the truth whatever the notice said.
   */
  notice(latest: ReadonlyMap<string, number>): void {
    const conversations: string[] = [];
    for (const [agentId, seq] of latest) {
      if (agentId.startsWith(CONVERSATION_NOTICE_PREFIX)) {
        conversations.push(agentId.slice(CONVERSATION_NOTICE_PREFIX.length));
        continue;
      }
      if (agentId.startsWith(SIGN_OUT_NOTICE_PREFIX)) {
        this.closeDesktops(agentId.slice(SIGN_OUT_NOTICE_PREFIX.length));
        continue;
      }
      for (const connection of this.connections.get(agentId) ?? []) {
        this.enqueue(connection, async () => {
          if (connection.lastSentSeq >= 0 && seq > connection.lastSentSeq) await this.fillGap(connection);
        });
      }
    }
    if (conversations.length > 0) this.monitors.changed(conversations);
  }

  /** Issue 16: these conversations changed (committed here); their monitors here refresh. */
  conversationsChanged(conversationIds: ReadonlySet<string>): void {
    this.monitors.changed(conversationIds);
  }

  /**
   * Issue 16: a supervisor signed the agent out: their desktops here close (sessions are gone, so
   * they cannot come back), and the disconnect rules take care of their work.
   */
  closeDesktops(agentId: string): void {
    for (const connection of this.connections.get(agentId) ?? []) connection.socket.close(4001, 'signed out');
  }

  /** Catches every desktop held here up from the log: after notices may have been missed. */
  catchUpAll(): void {
    for (const set of this.connections.values()) {
      for (const connection of set) {
        this.enqueue(connection, async () => {
          if (connection.lastSentSeq >= 0) await this.reconnects.run(() => this.fillGap(connection));
        });
      }
    }
  }

  /** Sockets open for an agent on this node. */
  isConnected(agentId: string): boolean {
    return (this.connections.get(agentId)?.size ?? 0) > 0;
  }

  /**
   * Sends every connected desktop a fresh snapshot: after a change that alters how everything is
   * presented (masking turned on or off), so no desktop keeps showing data the old way.
   */
  resyncAll(): void {
    for (const set of this.connections.values()) {
      for (const connection of set) {
        if (connection.lastSentSeq >= 0) {
          this.enqueue(connection, () => this.reconnects.run(() => this.resume(connection, null)));
        }
      }
    }
  }

  closeAll(): void {
    this.closing = true;
    this.monitors.closeAll();
    for (const set of this.connections.values()) for (const c of set) c.socket.close(1001, 'server stopping');
    this.connections.clear();
  }

  private async resume(connection: Connection, lastSeq: number | null): Promise<void> {
    if (lastSeq !== null) {
      // One transaction (one pooled connection on PostgreSQL): a reconnect storm waits for half as many.
      const { missed, last } = await this.feed.missedSince(connection.agentId, lastSeq, MAX_REPLAY + 1);
      const contiguous =
        missed.length <= MAX_REPLAY &&
        (missed.length === 0 ? last === lastSeq : missed[0]?.seq === lastSeq + 1);
      if (contiguous) {
        connection.lastSentSeq = lastSeq;
        for (const row of missed) this.sendStored(connection, row.seq, row.event);
        return;
      }
    }
    const result = await this.feed.snapshot(connection.agentId);
    if (!result.snapshot) {
      this.send(connection, {
        type: 'error',
        code: 'UNAUTHENTICATED',
        message: 'Only agents have a desktop feed',
      });
      connection.socket.close(4003, 'not an agent');
      return;
    }
    connection.lastSentSeq = result.seq;
    this.send(connection, { type: 'snapshot', seq: result.seq, snapshot: result.snapshot });
  }

  /** Sends what the log holds beyond what this socket was sent, in pages, until none is left. */
  private async fillGap(connection: Connection): Promise<void> {
    for (;;) {
      const before = connection.lastSentSeq;
      const missed = await this.feed.eventsAfter(connection.agentId, before, MAX_REPLAY);
      for (const row of missed) this.sendStored(connection, row.seq, row.event);
      const more = missed.length === MAX_REPLAY && connection.lastSentSeq > before;
      if (!more || connection.socket.readyState !== connection.socket.OPEN) return;
    }
  }

  private sendStored(connection: Connection, seq: number, event: unknown): void {
    // The log holds only events this server wrote, but parsing keeps a bad row from reaching a desktop.
    this.sendEvent(connection, seq, agentEventSchema.parse(event));
  }

  private sendEvent(
    connection: Connection,
    seq: number,
    event: Extract<ServerFrame, { type: 'event' }>['event'],
  ): void {
    if (seq !== connection.lastSentSeq + 1) return;
    connection.lastSentSeq = seq;
    this.send(connection, { type: 'event', seq, event });
  }

  private send(connection: Connection, frame: ServerFrame): void {
    this.sendText(connection, JSON.stringify(frame));
  }

  private sendText(connection: Connection, text: string): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(text);
  }

  private enqueue(connection: Connection, work: () => Promise<void>): void {
    connection.chain = connection.chain.then(work).catch((err: unknown) => {
      this.logger.error({ err, agentId: connection.agentId }, 'realtime push failed');
      connection.socket.close(1011, 'resync needed');
    });
  }
}

function parseFrame(text: string): ReturnType<typeof clientFrameSchema.parse> | undefined {
  try {
    const result = clientFrameSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}
