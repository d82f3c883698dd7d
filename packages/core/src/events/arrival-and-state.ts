/**
 * Conversations arriving and waiting too long (overflow), and agents' state and presence:
 * Available/Idle, disconnect, reconnect and the end of the disconnection grace.
 */
import type { AgentState, Conversation } from '../model.ts';
import { armMaxWait, graceTimerKey, preferenceTimerKey } from '../timers.ts';
import { withoutPreference } from '../conversation.ts';
import type { EventOf, Rejection, RoutingEffect, RoutingEvent } from '../types.ts';
import type { Draft } from '../world.ts';
import { dropGuest } from './collaboration.ts';
import { rescindOffer } from './offers.ts';

/** `conversation.arrived`: a new conversation waits in its queue; a repeated arrival is ignored. */
export function onConversationArrived(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conversation.arrived'>,
  now: number,
): undefined {
  if (d.conversations.get(event.conversationId)) return undefined;
  const conversation: Conversation = {
    id: event.conversationId,
    queueId: event.queueId,
    receivedAt: event.receivedAt,
    offerCount: 0,
    lapsedAgentIds: [],
    phase: { kind: 'queued' },
    ...(event.windowClosesAt === undefined ? {} : { windowClosesAt: event.windowClosesAt }),
  };
  const sticky = stickyFor(d, event, now);
  d.putConversation(sticky ? { ...conversation, ...sticky } : conversation);
  effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
  armMaxWait(d, effects, conversation, now);
  if (sticky)
    effects.push({
      kind: 'timerArmed',
      timer: {
        key: preferenceTimerKey(conversation.id),
        dueAt: sticky.preferredUntil,
        event: { type: 'conversation.preferenceEnded', conversationId: conversation.id },
      },
    });
  return undefined;
}

/** The reservation for the customer's last agent, if the queue keeps one and they are a member. */
function stickyFor(
  d: Draft,
  event: EventOf<'conversation.arrived'>,
  now: number,
): { preferredAgentId: string; preferredUntil: number } | undefined {
  const stickyAgentMs = d.queues[event.queueId]?.stickyAgentMs;
  if (stickyAgentMs === undefined || stickyAgentMs <= 0 || event.lastAgentId === undefined) return undefined;
  if (!d.agents.get(event.lastAgentId)?.queueIds.includes(event.queueId)) return undefined;
  return { preferredAgentId: event.lastAgentId, preferredUntil: now + stickyAgentMs };
}

/** `conversation.preferenceEnded`: a sticky conversation still waiting is open to every member now. */
export function onPreferenceEnded(d: Draft, event: EventOf<'conversation.preferenceEnded'>): undefined {
  const conversation = d.conversations.get(event.conversationId);
  if (conversation?.preferredAgentId === undefined) return undefined;
  d.putConversation(withoutPreference(conversation));
  // Its place in the queue did not change, so nothing marked the queue: route it again.
  if (conversation.phase.kind === 'queued') d.touchedQueues.add(conversation.queueId);
  return undefined;
}

/**
 * `conversation.customerWrote`: the reply window moves to the later close (messages may be
 * delivered out of order). Only ordering reads it, so no effect: nothing for a desktop to show.
 */
export function onCustomerWrote(d: Draft, event: EventOf<'conversation.customerWrote'>): undefined {
  const conversation = d.conversations.get(event.conversationId);
  if (!conversation || conversation.phase.kind === 'closed') return undefined;
  if (conversation.windowClosesAt !== undefined && conversation.windowClosesAt >= event.windowClosesAt)
    return undefined;
  d.putConversation({ ...conversation, windowClosesAt: event.windowClosesAt });
  return undefined;
}

/** `agent.stateRequested`: the agent (or a supervisor) sets them Available or Idle. */
export function onAgentStateRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'agent.stateRequested'>,
  now: number,
): Rejection | undefined {
  const agent = d.agents.get(event.agentId);
  if (!agent) return 'AGENT_NOT_FOUND';
  const next: AgentState =
    event.to.kind === 'available'
      ? { kind: 'available', since: now }
      : { kind: 'idle', idleCodeId: event.to.idleCodeId, since: now };
  if (sameState(agent.state, next)) return undefined;
  d.putAgent({ ...agent, state: next });
  effects.push({ kind: 'agentStateChanged', agentId: agent.id });
  return undefined;
}

/**
 * `agent.disconnected`: pending offers to the agent are withdrawn; what they own or joined stays
 * theirs for the grace.
 */
export function onAgentDisconnected(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'agent.disconnected'>,
  now: number,
): Rejection | undefined {
  const agent = d.agents.get(event.agentId);
  if (!agent) return 'AGENT_NOT_FOUND';
  if (agent.disconnectedAt !== undefined) return undefined;
  d.putAgent({ ...agent, disconnectedAt: now });
  effects.push({ kind: 'agentStateChanged', agentId: agent.id });
  let owns = false;
  for (const id of d.held.get(agent.id) ?? []) {
    const conversation = d.conversations.get(id);
    const phase = conversation?.phase;
    if (phase?.kind === 'offered' && phase.agentId === agent.id) rescindOffer(d, effects, phase.offerId, now);
    else if (phase?.kind === 'active') {
      const guest = phase.guest;
      // An owner or a joined guest keeps the conversation for the grace; an ask is withdrawn.
      if (phase.ownerId === agent.id || (guest?.kind === 'joined' && guest.agentId === agent.id)) owns = true;
      else if (guest?.kind === 'requested' && guest.agentId === agent.id)
        rescindOffer(d, effects, guest.offerId, now);
    }
  }
  if (owns) {
    const grace: RoutingEvent = {
      type: 'agent.disconnectGraceEnded',
      agentId: agent.id,
      disconnectedAt: now,
    };
    effects.push({
      kind: 'timerArmed',
      timer: { key: graceTimerKey(agent.id), dueAt: now + event.graceMs, event: grace },
    });
  }
  return undefined;
}

/** `agent.reconnected`: the agent is back within the grace and keeps their conversations. */
export function onAgentReconnected(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'agent.reconnected'>,
): Rejection | undefined {
  const agent = d.agents.get(event.agentId);
  if (!agent) return 'AGENT_NOT_FOUND';
  if (agent.disconnectedAt === undefined) return undefined;
  const { disconnectedAt: _gone, ...connected } = agent;
  d.putAgent(connected);
  effects.push(
    { kind: 'agentStateChanged', agentId: agent.id },
    { kind: 'timerCancelled', key: graceTimerKey(agent.id) },
  );
  return undefined;
}

/**
 * `agent.disconnectGraceEnded`: an agent still away loses their conversations: the owner's go back
 * to the queue, a guest leaves the conference.
 */
export function onDisconnectGraceEnded(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'agent.disconnectGraceEnded'>,
  now: number,
): undefined {
  const agent = d.agents.get(event.agentId);
  // Reconnected (or disconnected again since): this grace is void.
  if (agent?.disconnectedAt !== event.disconnectedAt) return undefined;
  for (const id of d.held.get(agent.id) ?? []) {
    const phase = d.conversations.get(id)?.phase;
    if (phase?.kind !== 'active') continue;
    if (phase.ownerId !== agent.id) {
      // A guest who stayed away leaves the conference and wraps up; the owner goes on.
      if (phase.guest?.kind === 'joined' && phase.guest.agentId === agent.id) dropGuest(d, effects, id, now);
      continue;
    }
    // The guest leaves with the owner; the customer waits for the next agent.
    dropGuest(d, effects, id, now);
    const conversation = d.conversations.get(id);
    if (!conversation) continue;
    const requeued: Conversation = { ...conversation, phase: { kind: 'queued' } };
    d.putConversation(requeued);
    effects.push(
      { kind: 'conversationChanged', conversationId: id },
      {
        kind: 'conversationRequeued',
        conversationId: id,
        agentId: agent.id,
        reason: 'ownerDisconnected',
      },
    );
    armMaxWait(d, effects, requeued, now);
  }
  return undefined;
}

/** `conversation.maxWaitPassed`: a conversation still waiting moves to its queue's overflow queue. */
export function onMaxWaitPassed(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conversation.maxWaitPassed'>,
  now: number,
): undefined {
  const conversation = d.conversations.get(event.conversationId);
  if (conversation?.phase.kind !== 'queued' || conversation.queueId !== event.queueId) return undefined;
  const toQueueId = d.queues[conversation.queueId]?.overflowQueueId;
  if (toQueueId === undefined || toQueueId === null || !d.queues[toQueueId]) return undefined;
  const moved: Conversation = { ...conversation, queueId: toQueueId };
  d.putConversation(moved);
  effects.push(
    { kind: 'conversationChanged', conversationId: moved.id },
    {
      kind: 'conversationOverflowed',
      conversationId: moved.id,
      fromQueueId: conversation.queueId,
      toQueueId,
    },
  );
  armMaxWait(d, effects, moved, now);
  return undefined;
}

/** Whether two agent states are the same (an Idle state with its idle code). */
function sameState(a: AgentState, b: AgentState): boolean {
  switch (a.kind) {
    case 'available':
    case 'rona':
      return a.kind === b.kind;
    case 'idle':
      return b.kind === 'idle' && b.idleCodeId === a.idleCodeId;
  }
}
