/**
 * The agents of a cluster test, as the real desktop behaves on the wire: REST commands with the
 * session cookie, and the agent socket (`/api/ws`) that says hello with its last seq, applies
 * snapshots and events in seq order, and reconnects with hello{lastSeq} after any close.
 */
import {
  PROTOCOL_VERSION,
  routes,
  serverFrameSchema,
  type AgentEvent,
  type AgentView,
  type ConversationView,
  type MessageView,
  type OfferView,
} from '@parlo/protocol';
import WebSocket from 'ws';
import { sleep, until } from './processes.ts';

export const DEMO_PASSWORD = 'parlo-demo-2026';

/** The answer of one REST call; status 0 when no answer came (connection refused or cut). */
export interface RestAnswer {
  readonly status: number;
  readonly json: unknown;
}

/** Sends one JSON request; never throws (a connection error is status 0). */
export async function rest(
  url: string,
  init: { method?: string; body?: unknown; cookie?: string; timeoutMs?: number } = {},
): Promise<RestAnswer> {
  try {
    const res = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        // The page's origin, as a browser on the same server sends it (issue 17: CSRF).
        origin: new URL(url).origin,
        ...(init.cookie === undefined ? {} : { cookie: init.cookie }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  } catch {
    return { status: 0, json: undefined };
  }
}

/** Signs a user in; resolves with the session cookie (any node accepts it: sessions are in the database). */
export async function signIn(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${baseUrl}${routes.login}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(baseUrl).origin },
      body: JSON.stringify({ username, password }),
    }).catch(() => undefined);
    const cookie = res?.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    await res?.arrayBuffer();
    if (res?.status === 200 && cookie) return cookie;
    if (attempt >= 5) throw new Error(`sign-in of ${username} failed: HTTP ${res?.status ?? 'no answer'}`);
    await sleep(200 * attempt);
  }
}

/** One signed-in user calling the REST API through a base URL (the balancer, or one node). */
export class RestClient {
  constructor(
    readonly username: string,
    readonly cookie: string,
    private readonly baseUrl: () => string,
  ) {}

  call(
    path: string,
    init: { method?: string; body?: unknown; timeoutMs?: number } = {},
  ): Promise<RestAnswer> {
    return rest(`${this.baseUrl()}${path}`, { ...init, cookie: this.cookie });
  }

  setAvailable(): Promise<RestAnswer> {
    return this.call(routes.agentState, { body: { kind: 'available' } });
  }

  setIdle(idleCodeId = 'idle_break'): Promise<RestAnswer> {
    return this.call(routes.agentState, { body: { kind: 'idle', idleCodeId } });
  }

  accept(offerId: string): Promise<RestAnswer> {
    return this.call(routes.acceptOffer(offerId), { body: {} });
  }

  send(conversationId: string, text: string, clientMessageId: string): Promise<RestAnswer> {
    return this.call(routes.conversationMessages(conversationId), { body: { text, clientMessageId } });
  }

  end(conversationId: string): Promise<RestAnswer> {
    return this.call(routes.endConversation(conversationId), { body: {} });
  }

  wrapUp(conversationId: string, reasonId = 'wr_resolved'): Promise<RestAnswer> {
    return this.call(routes.wrapUp(conversationId), { body: { reasonId } });
  }
}

/** One frame as the desktop received it. */
export interface ReceivedEvent {
  readonly seq: number;
  readonly event: AgentEvent;
  /** The node whose socket delivered it. */
  readonly node: string;
}

/**
 * A test desktop: a WebSocket client that keeps `lastSeq`, reconnects with hello{lastSeq} after a
 * close, records every event it got (and the node it got it from), and keeps the agent's view
 * (offers, conversations, messages) as the real desktop derives it.
 */
export class TestDesktop {
  lastSeq: number | null = null;
  readonly events: ReceivedEvent[] = [];
  /** Seq gaps or repeats inside one connection: the hub must never produce them. */
  readonly violations: string[] = [];
  /** The node each connection landed on (HAProxy's `X-Parlo-Node`, or the node dialled directly). */
  readonly landings: string[] = [];
  snapshots = 0;
  agent: AgentView | undefined;
  readonly offers = new Map<string, OfferView>();
  readonly conversations = new Map<string, ConversationView>();
  readonly messages = new Map<string, MessageView>();
  private socket: WebSocket | undefined;
  private closed = false;
  private synced = false;
  private currentNode = '?';
  private reconnectDelayMs = 100;

  /**
   * @param wsUrl where to connect, asked again at each reconnect (the balancer, or one node's URL)
   * @param directNode the node's name when `wsUrl` is one node (no balancer to name it)
   */
  constructor(
    readonly username: string,
    private readonly cookie: string,
    private readonly wsUrl: () => string,
    private readonly directNode?: () => string,
  ) {}

  /** The node the current (or last) connection is on. */
  get node(): string {
    return this.currentNode;
  }

  /** Whether a socket is open and the node answered on it (a snapshot, an event or the pong after hello). */
  get isSynced(): boolean {
    return this.synced && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects and waits for the first frame after hello (snapshot on a first connect). */
  async open(timeoutMs = 15_000): Promise<void> {
    this.connect();
    await until(
      () => (this.isSynced && this.lastSeq !== null ? true : undefined),
      `${this.username}'s desktop to sync`,
      timeoutMs,
    );
  }

  /** Waits until the desktop is connected and synced again (after its node went away). */
  async resynced(timeoutMs = 30_000): Promise<void> {
    await until(() => (this.isSynced ? true : undefined), `${this.username}'s desktop to resync`, timeoutMs);
  }

  /** Closes for good (no reconnect). */
  close(): void {
    this.closed = true;
    this.socket?.terminate();
  }

  /** Waits until `probe` holds on this desktop's view. */
  waitFor<T>(probe: (desktop: this) => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    return until(() => probe(this), `${this.username}: ${what}`, timeoutMs);
  }

  /** Messages of a conversation seen on this desktop with this exact text. */
  messageWithText(text: string): MessageView | undefined {
    for (const message of this.messages.values()) if (message.text === text) return message;
    return undefined;
  }

  private connect(): void {
    if (this.closed) return;
    this.synced = false;
    const url = this.wsUrl();
    const socket = new WebSocket(url, {
      headers: { cookie: this.cookie },
      origin: new URL(url.replace(/^ws/, 'http')).origin,
      handshakeTimeout: 5_000,
    });
    this.socket = socket;
    socket.on('upgrade', (response) => {
      const header = response.headers['x-parlo-node'];
      this.currentNode = this.directNode?.() ?? (typeof header === 'string' ? header : '?');
      this.landings.push(this.currentNode);
    });
    socket.on('open', () => {
      this.reconnectDelayMs = 100;
      socket.send(
        JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: this.lastSeq }),
      );
      // A resume with nothing missed sends no frame: the pong says the socket is live and resumed.
      socket.send(JSON.stringify({ type: 'ping' }));
    });
    socket.on('message', (data: WebSocket.RawData) => {
      if (socket !== this.socket) return;
      this.receive(rawText(data));
    });
    // A refused or failed handshake emits 'error' then 'close'; the close handler reconnects.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (socket !== this.socket) return;
      this.synced = false;
      if (this.closed) return;
      const delay = this.reconnectDelayMs;
      this.reconnectDelayMs = Math.min(1_000, this.reconnectDelayMs * 2);
      setTimeout(() => this.connect(), delay);
    });
  }

  private receive(text: string): void {
    const frame = serverFrameSchema.parse(JSON.parse(text));
    switch (frame.type) {
      case 'snapshot':
        this.snapshots++;
        this.lastSeq = frame.seq;
        this.agent = frame.snapshot.agent;
        this.offers.clear();
        for (const offer of frame.snapshot.offers) this.offers.set(offer.id, offer);
        this.conversations.clear();
        for (const conversation of frame.snapshot.conversations)
          this.conversations.set(conversation.id, conversation);
        this.synced = true;
        return;
      case 'event':
        if (this.lastSeq !== null && frame.seq !== this.lastSeq + 1) {
          this.violations.push(`seq ${frame.seq} after ${this.lastSeq} on ${this.currentNode}`);
        }
        this.lastSeq = frame.seq;
        this.events.push({ seq: frame.seq, event: frame.event, node: this.currentNode });
        this.apply(frame.event);
        this.synced = true;
        return;
      case 'pong':
        this.synced = true;
        return;
      case 'error':
        this.violations.push(`error frame ${frame.code}: ${frame.message}`);
        return;
    }
  }

  private apply(event: AgentEvent): void {
    switch (event.type) {
      case 'agent.updated':
        this.agent = event.agent;
        return;
      case 'offer.added':
        this.offers.set(event.offer.id, event.offer);
        return;
      case 'offer.removed':
        this.offers.delete(event.offerId);
        return;
      case 'conversation.upserted':
        this.conversations.set(event.conversation.id, event.conversation);
        return;
      case 'conversation.removed':
        this.conversations.delete(event.conversationId);
        return;
      case 'message.upserted':
        this.messages.set(event.message.id, event.message);
        return;
      case 'conversation.monitoring':
      case 'conversation.labels':
      case 'note.mentioned':
        // Who monitors a conversation, who was mentioned (issues 16, 18): nothing the cluster tests check.
        return;
    }
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}
