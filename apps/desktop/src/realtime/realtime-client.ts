import {
  PROTOCOL_VERSION,
  routes,
  serverFrameSchema,
  type ClientFrame,
  type ServerFrame,
} from '@parlo/protocol';
import {
  applyEvent,
  applyLocal,
  initialDesktopState,
  type DesktopState,
  type LocalAction,
} from './desktop-state.ts';
import { reconnectDelay } from './backoff.ts';

const PING_EVERY_MS = 20_000;
/** No frame at all for this long means the connection is dead even if the browser has not noticed. */
const SILENCE_LIMIT_MS = 50_000;

export interface RealtimeClientOptions {
  /** Called when the server refuses the session: the cookie expired. */
  onUnauthenticated: () => void;
  /**
   * Called after a few failed reconnects in a row: an upgrade refused with HTTP 401 only shows as
   * a close, so the app checks the session over REST.
   */
  onConnectionTrouble?: () => void;
  /** Builds the socket URL; the default is same-origin `/api/ws`. */
  url?: () => string;
}

/**
 * The desktop's live link to the server. It owns the DesktopState, exposed as an external store
 * for `useSyncExternalStore`, and keeps the socket open: `hello` with the last applied `seq` on
 * every (re)connect, so the server replays what was missed and no reload is ever needed.
 */
export class RealtimeClient {
  private state: DesktopState = initialDesktopState;
  private readonly listeners = new Set<() => void>();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private stopped = true;
  private readonly options: RealtimeClientOptions;

  constructor(options: RealtimeClientOptions) {
    this.options = options;
  }

  /** Current state; stable between changes (required by useSyncExternalStore). */
  readonly getState = (): DesktopState => this.state;

  /** Subscribes to state changes; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Applies a change made by this desktop (REST answers, optimistic bubbles). */
  readonly dispatch = (action: LocalAction): void => {
    this.setState(applyLocal(this.state, action));
  };

  /** Opens the socket and keeps it open until `stop()`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.reconnectNow);
    this.pingTimer = setInterval(this.heartbeat, PING_EVERY_MS);
    this.dispatch({ type: 'connection.changed', status: 'connecting' });
    this.open();
  }

  /** Closes the socket for good (sign out). */
  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.clearReconnect();
    this.detach()?.close(1000, 'signed out');
    this.dispatch({ type: 'connection.changed', status: 'closed' });
  }

  private setState(next: DesktopState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private socketUrl(): string {
    if (this.options.url) return this.options.url();
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${window.location.host}${routes.socket}`;
  }

  private open(): void {
    this.clearReconnect();
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.socketUrl());
    } catch (error) {
      console.warn('WebSocket could not be created', error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.lastFrameAt = Date.now();
    socket.onopen = () => {
      this.lastFrameAt = Date.now();
      this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: this.state.lastSeq });
      this.dispatch({ type: 'connection.changed', status: 'connected' });
    };
    socket.onmessage = (message: MessageEvent) => {
      this.lastFrameAt = Date.now();
      this.receive(message.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.detach();
      this.scheduleReconnect();
    };
    // `error` is always followed by `close`, which does the work.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('Ignoring a socket frame that is not JSON');
      return;
    }
    const parsed = serverFrameSchema.safeParse(json);
    if (!parsed.success) {
      console.warn('Ignoring a socket frame outside the protocol', parsed.error);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(frame: ServerFrame): void {
    if (frame.type === 'error') {
      switch (frame.code) {
        case 'PROTOCOL_MISMATCH':
          // Retrying cannot help: this build speaks another protocol version.
          this.stop();
          this.dispatch({ type: 'connection.changed', status: 'outdated' });
          return;
        case 'UNAUTHENTICATED':
          this.stop();
          this.options.onUnauthenticated();
          return;
        case 'BAD_FRAME':
          console.warn('Server rejected a frame:', frame.message);
          return;
      }
    }
    if (frame.type === 'snapshot' || frame.type === 'event') this.attempt = 0;
    this.setState(applyEvent(this.state, frame));
  }

  private send(frame: ClientFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private readonly heartbeat = (): void => {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastFrameAt > SILENCE_LIMIT_MS) {
      // A half-open TCP connection can stay "open" for minutes; drop it and resume elsewhere.
      this.detach()?.close(4000, 'silent');
      this.scheduleReconnect();
      return;
    }
    this.send({ type: 'ping' });
  };

  /** Forgets the current socket without triggering its close handler's reconnect. */
  private detach(): WebSocket | null {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
    }
    return socket;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== null) return;
    this.dispatch({ type: 'connection.changed', status: 'reconnecting' });
    const delay = reconnectDelay(this.attempt, Math.random());
    this.attempt += 1;
    if (this.attempt === 3) this.options.onConnectionTrouble?.();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private readonly reconnectNow = (): void => {
    if (this.stopped || this.socket) return;
    this.attempt = 0;
    this.open();
  };

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}
