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
  /** Issue 16: these conversations changed; the supervisors monitoring them here get a new view. */
  conversationsChanged(conversationIds: ReadonlySet<string>): void;
  /** Issue 16: closes the agent's desktops on this node (a supervisor signed them out). */
  closeDesktops(agentId: string): void;
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
    const outgoing = new Outgoing(tx, now);
    out = outgoing;
    const value = await work(tx, outgoing, now);
    await outgoing.flush();
    return value;
  });
  if (out && out.pushes.length > 0) {
    ctx.hub.deliver(out.pushes);
    ctx.bus.announce(latestSeqs(out.pushes));
  }
  if (out) {
    for (const line of out.logs) ctx.logger.info(line.fields, line.message);
    if (out.outboxQueued) ctx.kickOutbox();
  }
  const touched = out ? touchedConversations(out) : new Set<string>();
  if (touched.size > 0) {
    ctx.hub.conversationsChanged(touched);
    // Monitors on other nodes: the notice says only "look again"; the database stays the truth.
    ctx.bus.announce(new Map([...touched].map((id) => [conversationNoticeKey(id), now])));
  }
  return result;
}

/**
 * Issue 16 (ADR 23): the key of a "conversation changed" notice on the bus, beside agents' seq
 * notices. Agent ids never contain ':', so the two never collide.
 */
export const CONVERSATION_NOTICE_PREFIX = 'conversation:';

/** Issue 16: the bus notice that a supervisor signed an agent out (their desktops close everywhere). */
export const SIGN_OUT_NOTICE_PREFIX = 'signout:';

export function conversationNoticeKey(conversationId: string): string {
  return `${CONVERSATION_NOTICE_PREFIX}${conversationId}`;
}

/** The conversations a transaction changed: those it touched and those its agent events are about. */
function touchedConversations(out: Outgoing): Set<string> {
  const ids = new Set(out.touched);
  for (const { event } of out.pushes) {
    switch (event.type) {
      case 'conversation.upserted':
        ids.add(event.conversation.id);
        break;
      case 'conversation.removed':
      case 'conversation.monitoring':
      case 'conversation.labels':
        ids.add(event.conversationId);
        break;
      case 'message.upserted':
        ids.add(event.message.conversationId);
        break;
      // A mention tells an agent; the conversation itself did not change.
      case 'agent.updated':
      case 'offer.added':
      case 'offer.removed':
      case 'note.mentioned':
        break;
    }
  }
  return ids;
}

/** Each agent's highest seq among `pushes`: what other nodes are told to catch up to. */
function latestSeqs(pushes: readonly Push[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const { agentId, seq } of pushes) latest.set(agentId, Math.max(seq, latest.get(agentId) ?? 0));
  return latest;
}
