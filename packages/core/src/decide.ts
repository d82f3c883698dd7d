import {
  agentLoad,
  offerIdFor,
  type Agent,
  type AgentId,
  type AgentState,
  type Conversation,
  type ConversationId,
  type Offer,
  type OfferId,
  type QueueId,
  type RoutingState,
} from './model.ts';
import { strategies, type Candidate } from './strategies.ts';

/** What can happen to the routing world: commands from agents, arrivals, and timers firing. */
export type RoutingEvent =
  | {
      readonly type: 'conversation.arrived';
      readonly conversationId: ConversationId;
      readonly queueId: QueueId;
      readonly receivedAt: number;
    }
  | {
      readonly type: 'agent.stateRequested';
      readonly agentId: AgentId;
      readonly to: { readonly kind: 'available' } | { readonly kind: 'idle'; readonly idleCodeId: string };
    }
  | { readonly type: 'offer.acceptRequested'; readonly agentId: AgentId; readonly offerId: OfferId }
  | { readonly type: 'offer.deadlinePassed'; readonly offerId: OfferId }
  | { readonly type: 'conversation.endRequested'; readonly agentId: AgentId; readonly conversationId: ConversationId }
  | {
      readonly type: 'wrapUp.submitted';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly reasonId: string;
    };

/** A due-time row the shell stores; when due it feeds `event` back into `decide`. */
export interface Timer {
  readonly key: string;
  readonly dueAt: number;
  readonly event: RoutingEvent;
}

/** What the shell must carry out after committing the new state. */
export type RoutingEffect =
  | { readonly kind: 'offerMade'; readonly offer: Offer }
  | { readonly kind: 'offerEnded'; readonly offer: Offer }
  | { readonly kind: 'agentStateChanged'; readonly agentId: AgentId }
  | { readonly kind: 'conversationChanged'; readonly conversationId: ConversationId }
  | { readonly kind: 'timerArmed'; readonly timer: Timer }
  | { readonly kind: 'timerCancelled'; readonly key: string };

/** Why a command was refused; the shell maps each to an error code. */
export type Rejection =
  | 'AGENT_NOT_FOUND'
  | 'OFFER_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND'
  | 'NOT_OFFER_RECIPIENT'
  | 'OFFER_NOT_PENDING'
  | 'NOT_CONVERSATION_OWNER'
  | 'CONVERSATION_NOT_ACTIVE'
  | 'CONVERSATION_NOT_IN_WRAP_UP';

export type Decision =
  | { readonly kind: 'accepted'; readonly state: RoutingState; readonly effects: readonly RoutingEffect[] }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

/** The timer key of an offer's deadline. */
export function offerTimerKey(offerId: OfferId): string {
  return `offer:${offerId}`;
}

/**
 * The routing core: given the world, one event and the time, the next world and what to do.
 * After every accepted event, waiting conversations are offered to whoever can take them.
 */
export function decide(state: RoutingState, event: RoutingEvent, now: number): Decision {
  const step = apply(state, event, now);
  if (step.kind === 'rejected') return step;
  const routed = routeWaiting(step.state, now);
  return { kind: 'accepted', state: routed.state, effects: [...step.effects, ...routed.effects] };
}

function apply(state: RoutingState, event: RoutingEvent, now: number): Decision {
  switch (event.type) {
    case 'conversation.arrived': {
      if (state.conversations[event.conversationId]) return accepted(state, []);
      const conversation: Conversation = {
        id: event.conversationId,
        queueId: event.queueId,
        receivedAt: event.receivedAt,
        offerCount: 0,
        lapsedAgentIds: [],
        phase: { kind: 'queued' },
      };
      return accepted(withConversation(state, conversation), [
        { kind: 'conversationChanged', conversationId: conversation.id },
      ]);
    }
    case 'agent.stateRequested': {
      const agent = state.agents[event.agentId];
      if (!agent) return rejected('AGENT_NOT_FOUND');
      const next: AgentState =
        event.to.kind === 'available'
          ? { kind: 'available', since: now }
          : { kind: 'idle', idleCodeId: event.to.idleCodeId, since: now };
      if (sameState(agent.state, next)) return accepted(state, []);
      return accepted(withAgent(state, { ...agent, state: next }), [
        { kind: 'agentStateChanged', agentId: agent.id },
      ]);
    }
    case 'offer.acceptRequested': {
      const offer = state.offers[event.offerId];
      if (!offer) return rejected('OFFER_NOT_FOUND');
      if (offer.agentId !== event.agentId) return rejected('NOT_OFFER_RECIPIENT');
      if (offer.status.kind !== 'pending') return rejected('OFFER_NOT_PENDING');
      const conversation = state.conversations[offer.conversationId];
      if (!conversation) return rejected('CONVERSATION_NOT_FOUND');
      const ended: Offer = { ...offer, status: { kind: 'accepted', at: now } };
      const active: Conversation = {
        ...conversation,
        phase: { kind: 'active', ownerId: offer.agentId, acceptedAt: now },
      };
      return accepted(withConversation(withOffer(state, ended), active), [
        { kind: 'offerEnded', offer: ended },
        { kind: 'timerCancelled', key: offerTimerKey(offer.id) },
        { kind: 'conversationChanged', conversationId: conversation.id },
      ]);
    }
    case 'offer.deadlinePassed':
      return lapseOffer(state, event.offerId, now);
    case 'conversation.endRequested': {
      const conversation = state.conversations[event.conversationId];
      if (!conversation) return rejected('CONVERSATION_NOT_FOUND');
      const phase = conversation.phase;
      if (phase.kind !== 'active') {
        return rejected(ownerOf(conversation) === event.agentId ? 'CONVERSATION_NOT_ACTIVE' : 'NOT_CONVERSATION_OWNER');
      }
      if (phase.ownerId !== event.agentId) return rejected('NOT_CONVERSATION_OWNER');
      const wrapping: Conversation = {
        ...conversation,
        phase: { kind: 'wrapUp', ownerId: phase.ownerId, acceptedAt: phase.acceptedAt, endedAt: now },
      };
      return accepted(withConversation(state, wrapping), [
        { kind: 'conversationChanged', conversationId: conversation.id },
      ]);
    }
    case 'wrapUp.submitted': {
      const conversation = state.conversations[event.conversationId];
      if (!conversation) return rejected('CONVERSATION_NOT_FOUND');
      const phase = conversation.phase;
      if (phase.kind !== 'wrapUp') {
        return rejected(
          ownerOf(conversation) === event.agentId ? 'CONVERSATION_NOT_IN_WRAP_UP' : 'NOT_CONVERSATION_OWNER',
        );
      }
      if (phase.ownerId !== event.agentId) return rejected('NOT_CONVERSATION_OWNER');
      const closed: Conversation = {
        ...conversation,
        phase: { kind: 'closed', ownerId: phase.ownerId, closedAt: now, wrapUpReasonId: event.reasonId },
      };
      return accepted(withConversation(state, closed), [
        { kind: 'conversationChanged', conversationId: conversation.id },
      ]);
    }
  }
}

/**
 * S-4: an offer not accepted in time puts the agent in RONA and sends the conversation back to
 * the head of its queue: it keeps its arrival time, so it keeps its place.
 */
function lapseOffer(state: RoutingState, offerId: OfferId, now: number): Decision {
  const offer = state.offers[offerId];
  // A deadline that fires after the offer ended (accepted, or already lapsed before a restart) is a no-op.
  if (!offer || offer.status.kind !== 'pending') return accepted(state, []);
  const lapsed: Offer = { ...offer, status: { kind: 'lapsed', at: now } };
  let next = withOffer(state, lapsed);
  const effects: RoutingEffect[] = [{ kind: 'offerEnded', offer: lapsed }];
  const agent = state.agents[offer.agentId];
  if (agent && agent.state.kind !== 'rona') {
    next = withAgent(next, { ...agent, state: { kind: 'rona', since: now } });
    effects.push({ kind: 'agentStateChanged', agentId: agent.id });
  }
  const conversation = state.conversations[offer.conversationId];
  if (conversation && conversation.phase.kind === 'offered' && conversation.phase.offerId === offerId) {
    next = withConversation(next, {
      ...conversation,
      lapsedAgentIds: conversation.lapsedAgentIds.includes(offer.agentId)
        ? conversation.lapsedAgentIds
        : [...conversation.lapsedAgentIds, offer.agentId],
      phase: { kind: 'queued' },
    });
    effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
  }
  return accepted(next, effects);
}

/**
 * Offers every waiting conversation, in order of (queue priority, arrival), to the agent its
 * queue's strategy picks among Available members with spare capacity (S-3).
 */
export function routeWaiting(
  state: RoutingState,
  now: number,
): { state: RoutingState; effects: RoutingEffect[] } {
  const waiting = Object.values(state.conversations).filter((c) => c.phase.kind === 'queued');
  if (waiting.length === 0) return { state, effects: [] };

  const loads = new Map<AgentId, number>();
  const free: Agent[] = [];
  for (const agent of Object.values(state.agents)) {
    if (agent.state.kind !== 'available') continue;
    const load = agentLoad(state, agent.id);
    if (load >= agent.capacity) continue;
    loads.set(agent.id, load);
    free.push(agent);
  }
  if (free.length === 0) return { state, effects: [] };

  waiting.sort((a, b) => {
    const pa = state.queues[a.queueId]?.priority ?? Number.MAX_SAFE_INTEGER;
    const pb = state.queues[b.queueId]?.priority ?? Number.MAX_SAFE_INTEGER;
    return pa - pb || a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  let next = state;
  const effects: RoutingEffect[] = [];
  for (const conversation of waiting) {
    const queue = state.queues[conversation.queueId];
    if (!queue) continue;
    const members: Candidate[] = [];
    for (const agent of free) {
      const current = next.agents[agent.id] ?? agent;
      const load = loads.get(agent.id) ?? 0;
      if (load < current.capacity && current.queueIds.includes(queue.id)) members.push({ agent: current, load });
    }
    const fresh = members.filter((c) => !conversation.lapsedAgentIds.includes(c.agent.id));
    const chosen = strategies[queue.strategy](fresh.length > 0 ? fresh : members);
    if (!chosen) continue;

    const attempt = conversation.offerCount + 1;
    const offer: Offer = {
      id: offerIdFor(conversation.id, attempt),
      conversationId: conversation.id,
      agentId: chosen.agent.id,
      createdAt: now,
      expiresAt: now + queue.offerTimeoutMs,
      status: { kind: 'pending' },
    };
    next = withOffer(next, offer);
    next = withConversation(next, {
      ...conversation,
      offerCount: attempt,
      phase: { kind: 'offered', offerId: offer.id, agentId: chosen.agent.id },
    });
    next = withAgent(next, { ...chosen.agent, lastOfferedAt: now });
    loads.set(chosen.agent.id, chosen.load + 1);
    effects.push(
      { kind: 'offerMade', offer },
      { kind: 'conversationChanged', conversationId: conversation.id },
      {
        kind: 'timerArmed',
        timer: { key: offerTimerKey(offer.id), dueAt: offer.expiresAt, event: { type: 'offer.deadlinePassed', offerId: offer.id } },
      },
    );
  }
  return { state: next, effects };
}

/** The agent a conversation belongs to or is offered to, if any. */
export function ownerOf(conversation: Conversation): AgentId | null {
  const phase = conversation.phase;
  switch (phase.kind) {
    case 'queued':
      return null;
    case 'offered':
      return phase.agentId;
    case 'active':
    case 'wrapUp':
    case 'closed':
      return phase.ownerId;
  }
}

function sameState(a: AgentState, b: AgentState): boolean {
  switch (a.kind) {
    case 'available':
    case 'rona':
      return a.kind === b.kind;
    case 'idle':
      return b.kind === 'idle' && b.idleCodeId === a.idleCodeId;
  }
}

function accepted(state: RoutingState, effects: RoutingEffect[]): Decision {
  return { kind: 'accepted', state, effects };
}

function rejected(rejection: Rejection): Decision {
  return { kind: 'rejected', rejection };
}

function withAgent(state: RoutingState, agent: Agent): RoutingState {
  return { ...state, agents: { ...state.agents, [agent.id]: agent } };
}

function withConversation(state: RoutingState, conversation: Conversation): RoutingState {
  return { ...state, conversations: { ...state.conversations, [conversation.id]: conversation } };
}

function withOffer(state: RoutingState, offer: Offer): RoutingState {
  return { ...state, offers: { ...state.offers, [offer.id]: offer } };
}
