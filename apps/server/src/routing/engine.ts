import { randomUUID } from 'node:crypto';
import {
  decide,
  type Conversation,
  type Decision,
  type RoutingEffect,
  type RoutingEvent,
  type RoutingState,
} from '@parlo/core';
import type { AgentEvent } from '@parlo/protocol';
import type { ConversationDetails, StoreTx } from '../store/index.ts';
import { Presenter, toAgentView } from '../views/index.ts';

/** An agent event stored in the log with its seq, to be pushed after the transaction commits. */
export interface Push {
  readonly agentId: string;
  readonly seq: number;
  readonly event: AgentEvent;
}

/** Collects the pushes of one transaction; the caller hands them to the realtime hub after commit. */
export class Outgoing {
  readonly pushes: Push[] = [];
  private presenting: Promise<Presenter> | undefined;

  constructor(
    private readonly tx: StoreTx,
    readonly now: number,
  ) {}

  /** How this transaction presents customer data to agents (masking), read once. */
  presenter(): Promise<Presenter> {
    this.presenting ??= Presenter.load(this.tx);
    return this.presenting;
  }

  /** Appends to the agent's event log (same transaction) and queues the push. */
  async emit(agentId: string, event: AgentEvent): Promise<void> {
    const seq = await this.tx.appendAgentEvent(agentId, event, this.now);
    this.pushes.push({ agentId, seq, event });
  }
}

/**
 * The shell around the routing core: load the world, decide, save what changed, arm timers and
 * log the agent events — all in the caller's transaction.
 */
export async function decideAndApply(
  tx: StoreTx,
  out: Outgoing,
  event: RoutingEvent,
  now: number,
): Promise<Decision> {
  const before = await tx.loadRoutingState();
  const decision = decide(before, event, now);
  if (decision.kind === 'rejected') return decision;
  await tx.saveRoutingChanges(before, decision.state);
  await carryOut(tx, out, before, decision.state, decision.effects);
  return decision;
}

async function carryOut(
  tx: StoreTx,
  out: Outgoing,
  before: RoutingState,
  after: RoutingState,
  effects: readonly RoutingEffect[],
): Promise<void> {
  const touchedAgents = new Set<string>();
  const conversationIds = new Set<string>();
  for (const effect of effects) {
    switch (effect.kind) {
      case 'offerMade':
      case 'offerEnded':
        conversationIds.add(effect.offer.conversationId);
        touchedAgents.add(effect.offer.agentId);
        break;
      case 'conversationChanged':
        conversationIds.add(effect.conversationId);
        break;
      case 'agentStateChanged':
        touchedAgents.add(effect.agentId);
        break;
      case 'conversationRequeued':
      case 'conversationOverflowed':
      case 'timerArmed':
      case 'timerCancelled':
        break;
    }
  }
  const details = await detailsById(tx, [...conversationIds]);

  for (const effect of effects) {
    switch (effect.kind) {
      case 'timerArmed':
        await tx.armTimer({ key: effect.timer.key, dueAt: effect.timer.dueAt, event: effect.timer.event });
        break;
      case 'timerCancelled':
        await tx.cancelTimer(effect.key);
        break;
      case 'offerMade': {
        const d = details.get(effect.offer.conversationId);
        if (d)
          await out.emit(effect.offer.agentId, {
            type: 'offer.added',
            offer: (await out.presenter()).offer(effect.offer, d),
          });
        break;
      }
      case 'offerEnded':
        await out.emit(effect.offer.agentId, {
          type: 'offer.removed',
          offerId: effect.offer.id,
          reason: effect.offer.status.kind === 'pending' ? 'rescinded' : effect.offer.status.kind,
        });
        break;
      case 'conversationChanged': {
        const previous = before.conversations[effect.conversationId];
        const current = after.conversations[effect.conversationId];
        const d = details.get(effect.conversationId);
        if (current && d) await emitConversation(out, previous, current, d, touchedAgents);
        break;
      }
      case 'agentStateChanged':
        break;
      case 'conversationRequeued': {
        const agent = await tx.findUserById(effect.agentId);
        await addSystemNote(
          tx,
          out,
          effect.conversationId,
          `${agent?.displayName ?? 'The agent'} disconnected; the conversation went back to the queue`,
        );
        break;
      }
      case 'conversationOverflowed': {
        const queues = await tx.listQueues();
        const target = queues.find((q) => q.id === effect.toQueueId)?.name ?? effect.toQueueId;
        await addSystemNote(tx, out, effect.conversationId, `Waited too long; moved to the queue ${target}`);
        break;
      }
    }
  }

  for (const agentId of touchedAgents) {
    const agent = after.agents[agentId];
    const user = agent ? await tx.findUserById(agentId) : undefined;
    if (agent && user)
      await out.emit(agentId, { type: 'agent.updated', agent: toAgentView(agent, user, after) });
  }
}

/** Tells the holder of a conversation what became of it; its load changed, so its agent view too. */
async function emitConversation(
  out: Outgoing,
  previous: Conversation | undefined,
  current: Conversation,
  details: ConversationDetails,
  touchedAgents: Set<string>,
): Promise<void> {
  const view = (await out.presenter()).conversation(current, details);
  const phase = current.phase;
  if (view && (phase.kind === 'active' || phase.kind === 'wrapUp')) {
    touchedAgents.add(phase.ownerId);
    await out.emit(phase.ownerId, { type: 'conversation.upserted', conversation: view });
    return;
  }
  if (phase.kind === 'closed' && phase.ownerId !== null) {
    touchedAgents.add(phase.ownerId);
    await out.emit(phase.ownerId, { type: 'conversation.removed', conversationId: current.id });
    return;
  }
  const prevPhase = previous?.phase;
  if (prevPhase && (prevPhase.kind === 'active' || prevPhase.kind === 'wrapUp')) {
    touchedAgents.add(prevPhase.ownerId);
    await out.emit(prevPhase.ownerId, { type: 'conversation.removed', conversationId: current.id });
  }
}

/** A system note in the conversation's history: whoever holds it next reads why it moved. */
async function addSystemNote(
  tx: StoreTx,
  out: Outgoing,
  conversationId: string,
  text: string,
): Promise<void> {
  await tx.insertSystemMessage({
    id: `msg_${randomUUID()}`,
    conversationId,
    direction: 'system',
    wamid: null,
    kind: 'system',
    text,
    authorName: '',
    authorUserId: null,
    sentAt: out.now,
    createdAt: out.now,
    status: null,
    failureReason: null,
    clientMessageId: null,
  });
}

export async function detailsById(
  tx: StoreTx,
  ids: readonly string[],
): Promise<Map<string, ConversationDetails>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.getConversationDetails(ids);
  return new Map(rows.map((row) => [row.id, row]));
}
