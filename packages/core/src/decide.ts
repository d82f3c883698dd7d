import {
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
import { Draft, heldBy, holderOf, stateOfWorld, worldOf, type World } from './world.ts';

/** Who asked for an agent-state change: the agent (default) or a supervisor on their behalf. */
export type StateChangeActor =
  { readonly kind: 'agent' } | { readonly kind: 'supervisor'; readonly supervisorId: string };

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
      /** Absent: the agent. Only a person (agent or supervisor) ever leaves RONA (S-4). */
      readonly by?: StateChangeActor;
    }
  | { readonly type: 'offer.acceptRequested'; readonly agentId: AgentId; readonly offerId: OfferId }
  | { readonly type: 'offer.deadlinePassed'; readonly offerId: OfferId }
  | {
      readonly type: 'conversation.endRequested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
    }
  | {
      readonly type: 'wrapUp.submitted';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly reasonId: string;
    }
  /** The shell saw the agent's last desktop go; its open conversations stay theirs for `graceMs`. */
  | { readonly type: 'agent.disconnected'; readonly agentId: AgentId; readonly graceMs: number }
  | { readonly type: 'agent.reconnected'; readonly agentId: AgentId }
  /** Timer: the grace of a disconnection that began at `disconnectedAt` is over. */
  | {
      readonly type: 'agent.disconnectGraceEnded';
      readonly agentId: AgentId;
      readonly disconnectedAt: number;
    }
  /** Timer: the queue's auto wrap-up delay passed. */
  | { readonly type: 'wrapUp.deadlinePassed'; readonly conversationId: ConversationId }
  /** Timer: the conversation waited `maxWaitMs` in `queueId` without being offered. */
  | {
      readonly type: 'conversation.maxWaitPassed';
      readonly conversationId: ConversationId;
      readonly queueId: QueueId;
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
  | { readonly kind: 'timerCancelled'; readonly key: string }
  /** The conversation went back to its queue from its owner: the shell adds a system note. */
  | {
      readonly kind: 'conversationRequeued';
      readonly conversationId: ConversationId;
      readonly agentId: AgentId;
      readonly reason: 'ownerDisconnected';
    }
  /** The conversation waited too long and moved to the overflow queue: the shell adds a system note. */
  | {
      readonly kind: 'conversationOverflowed';
      readonly conversationId: ConversationId;
      readonly fromQueueId: QueueId;
      readonly toQueueId: QueueId;
    };

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

/** The timer key of an agent's disconnection grace. */
export function graceTimerKey(agentId: AgentId): string {
  return `grace:${agentId}`;
}

/** The timer key of a conversation's automatic wrap-up. */
export function wrapUpTimerKey(conversationId: ConversationId): string {
  return `wrapUp:${conversationId}`;
}

/** The timer key of a conversation's maximum wait in its queue. */
export function maxWaitTimerKey(conversationId: ConversationId): string {
  return `maxWait:${conversationId}`;
}

/**
 * The routing core: given the world, one event and the time, the next world and what to do.
 * After every accepted event, waiting conversations are offered to whoever can take them.
 *
 * Incremental: only queues where the event made a conversation wait or a member free are routed
 * again, which is enough because every state `decide` returns is work-conserving (no waiting
 * conversation has a free member in its queue). A state that did not come from `decide` (loaded
 * from rows, or through JSON) is indexed once and every queue is routed.
 *
 * The returned state's records are the input's objects where unchanged (compare by identity).
 */
export function decide(state: RoutingState, event: RoutingEvent, now: number): Decision {
  const { world, built } = worldOf(state);
  const draft = new Draft(world);
  const effects: RoutingEffect[] = [];
  const rejection = apply(draft, effects, event, now);
  if (rejection !== undefined) return { kind: 'rejected', rejection };
  route(draft, effects, built ? Object.keys(world.queues) : [...draft.touchedQueues], now);
  return finish(state, world, draft, effects);
}

/**
 * Offers every waiting conversation, in order of (queue priority, arrival), to the agent its
 * queue's strategy picks among Available, connected members with spare capacity (S-3).
 */
export function routeWaiting(
  state: RoutingState,
  now: number,
): { state: RoutingState; effects: RoutingEffect[] } {
  const { world } = worldOf(state);
  const draft = new Draft(world);
  const effects: RoutingEffect[] = [];
  route(draft, effects, Object.keys(world.queues), now);
  const decision = finish(state, world, draft, effects);
  return { state: decision.state, effects };
}

/** Whether the agent may sign out: no pending offer and no open (active or wrap-up) conversation. */
export function canSignOut(state: RoutingState, agentId: AgentId): boolean {
  return heldBy(state, agentId).length === 0;
}

function finish(
  state: RoutingState,
  world: World,
  draft: Draft,
  effects: RoutingEffect[],
): { kind: 'accepted'; state: RoutingState; effects: readonly RoutingEffect[] } {
  const next = draft.world();
  return { kind: 'accepted', state: next === world ? state : stateOfWorld(next, state), effects };
}

/** Applies one event to the draft; returns why it was refused, if it was. */
function apply(d: Draft, effects: RoutingEffect[], event: RoutingEvent, now: number): Rejection | undefined {
  switch (event.type) {
    case 'conversation.arrived': {
      if (d.conversations.get(event.conversationId)) return undefined;
      const conversation: Conversation = {
        id: event.conversationId,
        queueId: event.queueId,
        receivedAt: event.receivedAt,
        offerCount: 0,
        lapsedAgentIds: [],
        phase: { kind: 'queued' },
      };
      d.putConversation(conversation);
      effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
      armMaxWait(d, effects, conversation, now);
      return undefined;
    }
    case 'agent.stateRequested': {
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
    case 'offer.acceptRequested': {
      const offer = d.offers.get(event.offerId);
      if (!offer) return 'OFFER_NOT_FOUND';
      if (offer.agentId !== event.agentId) return 'NOT_OFFER_RECIPIENT';
      if (offer.status.kind !== 'pending') return 'OFFER_NOT_PENDING';
      const conversation = d.conversations.get(offer.conversationId);
      if (!conversation) return 'CONVERSATION_NOT_FOUND';
      const ended: Offer = { ...offer, status: { kind: 'accepted', at: now } };
      d.putOffer(ended);
      d.putConversation({
        ...conversation,
        phase: { kind: 'active', ownerId: offer.agentId, acceptedAt: now },
      });
      effects.push(
        { kind: 'offerEnded', offer: ended },
        { kind: 'timerCancelled', key: offerTimerKey(offer.id) },
        { kind: 'conversationChanged', conversationId: conversation.id },
      );
      return undefined;
    }
    case 'offer.deadlinePassed':
      lapseOffer(d, effects, event.offerId, now);
      return undefined;
    case 'conversation.endRequested': {
      const conversation = d.conversations.get(event.conversationId);
      if (!conversation) return 'CONVERSATION_NOT_FOUND';
      const phase = conversation.phase;
      if (phase.kind !== 'active') {
        return ownerOf(conversation) === event.agentId ? 'CONVERSATION_NOT_ACTIVE' : 'NOT_CONVERSATION_OWNER';
      }
      if (phase.ownerId !== event.agentId) return 'NOT_CONVERSATION_OWNER';
      d.putConversation({
        ...conversation,
        phase: { kind: 'wrapUp', ownerId: phase.ownerId, acceptedAt: phase.acceptedAt, endedAt: now },
      });
      effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
      const autoWrapUpMs = d.queues[conversation.queueId]?.autoWrapUpMs;
      if (autoWrapUpMs !== undefined) {
        const event: RoutingEvent = { type: 'wrapUp.deadlinePassed', conversationId: conversation.id };
        effects.push({
          kind: 'timerArmed',
          timer: { key: wrapUpTimerKey(conversation.id), dueAt: now + autoWrapUpMs, event },
        });
      }
      return undefined;
    }
    case 'wrapUp.submitted': {
      const conversation = d.conversations.get(event.conversationId);
      if (!conversation) return 'CONVERSATION_NOT_FOUND';
      const phase = conversation.phase;
      if (phase.kind !== 'wrapUp') {
        return ownerOf(conversation) === event.agentId
          ? 'CONVERSATION_NOT_IN_WRAP_UP'
          : 'NOT_CONVERSATION_OWNER';
      }
      if (phase.ownerId !== event.agentId) return 'NOT_CONVERSATION_OWNER';
      closeWrapUp(d, effects, conversation, phase.ownerId, event.reasonId, now);
      if (d.queues[conversation.queueId]?.autoWrapUpMs !== undefined) {
        effects.push({ kind: 'timerCancelled', key: wrapUpTimerKey(conversation.id) });
      }
      return undefined;
    }
    case 'wrapUp.deadlinePassed': {
      const conversation = d.conversations.get(event.conversationId);
      // Wrapped up by hand before the timer fired: nothing to do.
      if (conversation?.phase.kind !== 'wrapUp') return undefined;
      const reasonId = d.queues[conversation.queueId]?.defaultWrapUpReasonId ?? null;
      closeWrapUp(d, effects, conversation, conversation.phase.ownerId, reasonId, now);
      return undefined;
    }
    case 'agent.disconnected': {
      const agent = d.agents.get(event.agentId);
      if (!agent) return 'AGENT_NOT_FOUND';
      if (agent.disconnectedAt !== undefined) return undefined;
      d.putAgent({ ...agent, disconnectedAt: now });
      effects.push({ kind: 'agentStateChanged', agentId: agent.id });
      let owns = false;
      for (const id of d.held.get(agent.id) ?? []) {
        const conversation = d.conversations.get(id);
        const phase = conversation?.phase;
        if (phase?.kind === 'offered') rescindOffer(d, effects, phase.offerId, now);
        else if (phase?.kind === 'active') owns = true;
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
    case 'agent.reconnected': {
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
    case 'agent.disconnectGraceEnded': {
      const agent = d.agents.get(event.agentId);
      // Reconnected (or disconnected again since): this grace is void.
      if (agent?.disconnectedAt !== event.disconnectedAt) return undefined;
      for (const id of d.held.get(agent.id) ?? []) {
        const conversation = d.conversations.get(id);
        if (conversation?.phase.kind !== 'active') continue;
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
    case 'conversation.maxWaitPassed': {
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
  }
}

function closeWrapUp(
  d: Draft,
  effects: RoutingEffect[],
  conversation: Conversation,
  ownerId: AgentId,
  reasonId: string | null,
  now: number,
): void {
  d.putConversation({
    ...conversation,
    phase: { kind: 'closed', ownerId, closedAt: now, wrapUpReasonId: reasonId },
  });
  effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
}

/** Arms the queue's max-wait timer for a conversation that starts waiting in it. */
function armMaxWait(d: Draft, effects: RoutingEffect[], conversation: Conversation, now: number): void {
  const queue = d.queues[conversation.queueId];
  if (queue?.maxWaitMs === undefined || queue.overflowQueueId === undefined || queue.overflowQueueId === null)
    return;
  const event: RoutingEvent = {
    type: 'conversation.maxWaitPassed',
    conversationId: conversation.id,
    queueId: queue.id,
  };
  effects.push({
    kind: 'timerArmed',
    timer: { key: maxWaitTimerKey(conversation.id), dueAt: now + queue.maxWaitMs, event },
  });
}

/**
 * S-4: an offer not accepted in time puts the agent in RONA and sends the conversation back to
 * the head of its queue: it keeps its arrival time, so it keeps its place.
 */
function lapseOffer(d: Draft, effects: RoutingEffect[], offerId: OfferId, now: number): void {
  const offer = d.offers.get(offerId);
  // A deadline that fires after the offer ended (accepted, or already lapsed before a restart) is a no-op.
  if (!offer || offer.status.kind !== 'pending') return;
  const lapsed: Offer = { ...offer, status: { kind: 'lapsed', at: now } };
  d.putOffer(lapsed);
  effects.push({ kind: 'offerEnded', offer: lapsed });
  const agent = d.agents.get(offer.agentId);
  if (agent && agent.state.kind !== 'rona') {
    d.putAgent({ ...agent, state: { kind: 'rona', since: now } });
    effects.push({ kind: 'agentStateChanged', agentId: agent.id });
  }
  const conversation = d.conversations.get(offer.conversationId);
  if (conversation?.phase.kind === 'offered' && conversation.phase.offerId === offerId) {
    const requeued: Conversation = {
      ...conversation,
      lapsedAgentIds: conversation.lapsedAgentIds.includes(offer.agentId)
        ? conversation.lapsedAgentIds
        : [...conversation.lapsedAgentIds, offer.agentId],
      phase: { kind: 'queued' },
    };
    d.putConversation(requeued);
    effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
    armMaxWait(d, effects, requeued, now);
  }
}

/** Withdraws a pending offer (its agent went away): the conversation waits again, in its place. */
function rescindOffer(d: Draft, effects: RoutingEffect[], offerId: OfferId, now: number): void {
  const offer = d.offers.get(offerId);
  if (!offer || offer.status.kind !== 'pending') return;
  const rescinded: Offer = { ...offer, status: { kind: 'rescinded', at: now } };
  d.putOffer(rescinded);
  effects.push(
    { kind: 'offerEnded', offer: rescinded },
    { kind: 'timerCancelled', key: offerTimerKey(offerId) },
  );
  const conversation = d.conversations.get(offer.conversationId);
  if (conversation?.phase.kind === 'offered' && conversation.phase.offerId === offerId) {
    const requeued: Conversation = { ...conversation, phase: { kind: 'queued' } };
    d.putConversation(requeued);
    effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
    armMaxWait(d, effects, requeued, now);
  }
}

/**
 * Offers waiting conversations of the given queues while some queue has both a waiting
 * conversation and a free member: each time the head that comes first in (queue priority,
 * arrival, id) goes to the agent its queue's strategy picks, preferring agents who have not let
 * it lapse. A queue whose head finds no agent has none for the rest either (same members).
 */
function route(d: Draft, effects: RoutingEffect[], queueIds: readonly QueueId[], now: number): void {
  if (queueIds.length === 0 || d.free.length === 0) return;
  const live = queueIds.filter((id) => d.queues[id] !== undefined && (d.waiting.get(id)?.length ?? 0) > 0);
  for (;;) {
    let bestQueue: QueueId | undefined;
    let bestCandidates: Candidate[] = [];
    let bestPriority = 0;
    let bestAt = 0;
    let bestId = '';
    for (const queueId of live) {
      const head = d.waiting.get(queueId)?.[0];
      const queue = d.queues[queueId];
      if (!head || !queue) continue;
      if (
        bestQueue !== undefined &&
        (queue.priority > bestPriority ||
          (queue.priority === bestPriority && (head.at > bestAt || (head.at === bestAt && head.id > bestId))))
      ) {
        continue;
      }
      const candidates = freeMembers(d, queueId);
      if (candidates.length === 0) continue;
      bestQueue = queueId;
      bestCandidates = candidates;
      bestPriority = queue.priority;
      bestAt = head.at;
      bestId = head.id;
    }
    if (bestQueue === undefined) return;
    offer(d, effects, bestQueue, bestId, bestCandidates, now);
    if (d.free.length === 0) return;
  }
}

function freeMembers(d: Draft, queueId: QueueId): Candidate[] {
  const candidates: Candidate[] = [];
  for (const agentId of d.free) {
    const agent = d.agents.get(agentId);
    if (agent?.queueIds.includes(queueId)) candidates.push({ agent, load: d.load(agentId) });
  }
  return candidates;
}

function offer(
  d: Draft,
  effects: RoutingEffect[],
  queueId: QueueId,
  conversationId: ConversationId,
  members: readonly Candidate[],
  now: number,
): void {
  const queue = d.queues[queueId];
  const conversation = d.conversations.get(conversationId);
  if (!queue || !conversation) throw new Error(`route: ${conversationId} is not in the index`);
  const lapsed = conversation.lapsedAgentIds;
  const fresh = lapsed.length === 0 ? members : members.filter((c) => !lapsed.includes(c.agent.id));
  const chosen = strategies[queue.strategy](fresh.length > 0 ? fresh : members);
  if (!chosen) throw new Error(`route: strategy ${queue.strategy} chose nobody`);
  const agent: Agent = chosen.agent;
  const attempt = conversation.offerCount + 1;
  const made: Offer = {
    id: offerIdFor(conversation.id, attempt),
    conversationId: conversation.id,
    agentId: agent.id,
    createdAt: now,
    expiresAt: now + queue.offerTimeoutMs,
    status: { kind: 'pending' },
  };
  d.putOffer(made);
  d.putConversation({
    ...conversation,
    offerCount: attempt,
    phase: { kind: 'offered', offerId: made.id, agentId: agent.id },
  });
  d.putAgent({ ...agent, lastOfferedAt: now });
  effects.push(
    { kind: 'offerMade', offer: made },
    { kind: 'conversationChanged', conversationId: conversation.id },
    {
      kind: 'timerArmed',
      timer: {
        key: offerTimerKey(made.id),
        dueAt: made.expiresAt,
        event: { type: 'offer.deadlinePassed', offerId: made.id },
      },
    },
  );
  if (
    queue.maxWaitMs !== undefined &&
    queue.overflowQueueId !== undefined &&
    queue.overflowQueueId !== null
  ) {
    effects.push({ kind: 'timerCancelled', key: maxWaitTimerKey(conversation.id) });
  }
}

/** The agent a conversation belongs to or is offered to, if any. */
export function ownerOf(conversation: Conversation): AgentId | null {
  return holderOf(conversation) ?? ownerOfClosed(conversation);
}

function ownerOfClosed(conversation: Conversation): AgentId | null {
  return conversation.phase.kind === 'closed' ? conversation.phase.ownerId : null;
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
