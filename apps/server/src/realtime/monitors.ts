import type { MonitorFrame, MonitorView } from '@parlo/protocol';
import type { WebSocket } from 'ws';
import type { Logger } from '../platform/index.ts';

/** How a monitor socket's view is read: undefined once the conversation is no longer live. */
export type MonitorLoader = (
  supervisorId: string,
  conversationId: string,
) => Promise<MonitorView | undefined>;

interface Monitor {
  readonly socket: WebSocket;
  readonly supervisorId: string;
  readonly conversationId: string;
  /** A refresh asked for while one runs: run once more after it (never two at once per socket). */
  dirty: boolean;
  running: boolean;
}

/**
 * Issue 16: supervisors' monitor sockets on this node, by conversation. A change to a conversation
 * (committed here, or announced by another node) makes each of its monitors re-read the view from
 * the database — the truth, as the agent event log is for desktops — so a lost notice costs
 * freshness until the next change, never a wrong picture. Refreshes of one socket never overlap.
 */
export class MonitorHub {
  private readonly byConversation = new Map<string, Set<Monitor>>();
  private loader: MonitorLoader = () => Promise.resolve(undefined);

  constructor(private readonly logger: Logger) {}

  /** Set once the context exists (the loader reads through services). */
  setLoader(loader: MonitorLoader): void {
    this.loader = loader;
  }

  /** Takes over an authenticated supervisor's socket; `onClose` runs when it goes. */
  attach(socket: WebSocket, supervisorId: string, conversationId: string, onClose: () => void): void {
    const monitor: Monitor = { socket, supervisorId, conversationId, dirty: false, running: false };
    let set = this.byConversation.get(conversationId);
    if (!set) {
      set = new Set();
      this.byConversation.set(conversationId, set);
    }
    set.add(monitor);
    socket.on('close', () => {
      const current = this.byConversation.get(conversationId);
      current?.delete(monitor);
      if (current?.size === 0) this.byConversation.delete(conversationId);
      onClose();
    });
    this.refresh(monitor);
  }

  /** These conversations changed: each of their monitors here is sent a fresh view. */
  changed(conversationIds: Iterable<string>): void {
    for (const id of conversationIds)
      for (const monitor of this.byConversation.get(id) ?? []) this.refresh(monitor);
  }

  /** How many monitor sockets this node holds for a conversation. */
  count(conversationId: string): number {
    return this.byConversation.get(conversationId)?.size ?? 0;
  }

  closeAll(): void {
    for (const set of this.byConversation.values())
      for (const m of set) m.socket.close(1001, 'server stopping');
    this.byConversation.clear();
  }

  private refresh(monitor: Monitor): void {
    if (monitor.running) {
      monitor.dirty = true;
      return;
    }
    monitor.running = true;
    void this.run(monitor);
  }

  private async run(monitor: Monitor): Promise<void> {
    try {
      do {
        monitor.dirty = false;
        const view = await this.loader(monitor.supervisorId, monitor.conversationId);
        const frame: MonitorFrame = view
          ? { type: 'monitor', view }
          : { type: 'ended', conversationId: monitor.conversationId };
        if (monitor.socket.readyState !== monitor.socket.OPEN) return;
        monitor.socket.send(JSON.stringify(frame));
        if (!view) return;
      } while (monitor.dirty);
    } catch (err) {
      this.logger.error({ err, conversationId: monitor.conversationId }, 'monitor refresh failed');
      monitor.socket.close(1011, 'monitor refresh failed');
    } finally {
      monitor.running = false;
    }
  }
}
