import {
  offerIdFor,
  type Agent,
  type AgentId,
  type AgentState,
  type CollaborationTarget,
  type Conversation,
  type ConversationId,
  type DepartedParticipant,
  type Offer,
  type OfferId,
  type OfferPurpose,
  type QueueId,
  type RoutingState,
  type TransferNotAcceptedPolicy,
} from './model.ts';
import { departedOf, holdersOf } from './participants.ts';
import { strategies, type Candidate } from './strategies.ts';
import {
  Draft,
  heldBy,
  holderOf,
  isFree,
  stateOfWorld,
  worldOf,
  type RoutingChanges,
  type World,
} from './world.ts';

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
  /** The recipient turns the offer down; like a lapse, the agent goes to RONA (S-17). */
  | { readonly type: 'offer.declineRequested'; readonly agentId: AgentId; readonly offerId: OfferId }
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
  /**
   * Timer: the queue's auto wrap-up delay passed. With `agentId`: the wrap-up of that departed
   * participant; without: the owner's.
   */
  | {
      readonly type: 'wrapUp.deadlinePassed';
      readonly conversationId: ConversationId;
      readonly agentId?: AgentId;
    }
  /**
   * S-14..S-18: the owner hands the conversation to a queue or an agent and wraps up at once.
   * `notAcceptedPolicy` is the admin setting at this moment: what a lapsed transfer offer does.
   */
  | {
      readonly type: 'transfer.requested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly target: CollaborationTarget;
      readonly notAcceptedPolicy: TransferNotAcceptedPolicy;
    }
  /** S-19: the owner asks a queue (its strategy picks) or an agent to join as a guest. */
  | {
      readonly type: 'conference.requested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
      readonly target: CollaborationTarget;
    }
  /** S-21: the owner ends the conference (or withdraws the request); the guest wraps up. */
  | {
      readonly type: 'conference.endRequested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
    }
  /** S-22: the guest leaves; the owner goes on with the customer. */
  | {
      readonly type: 'conference.exitRequested';
      readonly agentId: AgentId;
      readonly conversationId: ConversationId;
    }
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
    }
  /** The owner transferred it (S-14): the shell adds a system note for whoever takes it next. */
  | {
      readonly kind: 'conversationTransferred';
      readonly conversationId: ConversationId;
      readonly fromAgentId: AgentId;
      readonly target: CollaborationTarget;
    }
  /** A transfer offer was not accepted (S-17): what the policy made of the conversation. */
  | {
      readonly kind: 'transferNotAccepted';
      readonly conversationId: ConversationId;
      readonly agentId: AgentId;
      readonly outcome: 'returnedToQueue' | 'ended';
    }
  /** S-20: the guest joined; the shell adds "<agent> joined the chat", seen by both. */
  | {
      readonly kind: 'conferenceJoined';
      readonly conversationId: ConversationId;
      readonly ownerId: AgentId;
      readonly guestId: AgentId;
    }
  /**
   * A conference request ended without a guest: lapsed (the asked agent is in RONA) or withdrawn
   * (the asked agent went away, or the owner ended the request). The owner is told.
   */
  | {
      readonly kind: 'conferenceRequestDropped';
      readonly conversationId: ConversationId;
      readonly ownerId: AgentId;
      readonly agentId: AgentId;
      readonly reason: 'lapsed' | 'declined' | 'withdrawn';
    }
  /** The guest left (S-21, S-22, or the conversation ended or went back to the queue): they wrap up. */
  | { readonly kind: 'guestLeft'; readonly conversationId: ConversationId; readonly agentId: AgentId }
  /** A departed participant's wrap-up is done (by hand or automatically): the shell records it. */
  | {
      readonly kind: 'participantWrappedUp';
      readonly conversationId: ConversationId;
      readonly participant: DepartedParticipant;
      readonly reasonId: string | null;
      readonly at: number;
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
  | 'CONVERSATION_NOT_IN_WRAP_UP'
  /** The queue does not exist, or the agent is not Available with spare capacity (or takes part already). */
  | 'TRANSFER_TARGET_UNAVAILABLE'
  /** A conference is requested or joined: one guest at a time, and no transfer meanwhile. */
  | 'CONFERENCE_ALREADY_OPEN'
  | 'NO_CONFERENCE'
  | 'NOT_CONFERENCE_GUEST';

export type Decision =
  | {
      readonly kind: 'accepted';
      readonly state: RoutingState;
      readonly effects: readonly RoutingEffect[];
      /** The records this decision changed: all the shell has to write (O(changes), not a diff). */
      readonly changes: RoutingChanges;
    }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

/** The timer key of an offer's deadline. */
export function offerTimerKey(offerId: OfferId): string {
  return `offer:${offerId}`;
}

/** The timer key of an agent's disconnection grace. */
export function graceTimerKey(agentId: AgentId): string {
  return `grace:${agentId}`;
}

/** The timer key of a conversation's automatic wrap-up: the owner's, or a departed participant's. */
export function wrapUpTimerKey(conversationId: ConversationId, agentId?: AgentId): string {
  return agentId === undefined ? `wrapUp:${conversationId}` : `wrapUp:${conversationId}:${agentId}`;
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
): { state: RoutingState; effects: readonly RoutingEffect[]; changes: RoutingChanges } {
  const { world } = worldOf(state);
  const draft = new Draft(world);
  const effects: RoutingEffect[] = [];
  route(draft, effects, Object.keys(world.queues), now);
  const { state: next, changes } = finish(state, world, draft, effects);
  return { state: next, effects, changes };
}

/** Whether the agent may sign out: no pending offer, no open conversation, no wrap-up still owed (S-18, S-23). */
export function canSignOut(state: RoutingState, agentId: AgentId): boolean {
  return heldBy(state, agentId).length === 0;
}

function finish(
  state: RoutingState,
  world: World,
  draft: Draft,
  effects: RoutingEffect[],
): { kind: 'accepted'; state: RoutingState; effects: readonly RoutingEffect[]; changes: RoutingChanges } {
  const next = draft.world();
  return {
    kind: 'accepted',
    state: next === world ? state : stateOfWorld(next, state),
    effects,
    changes: draft.changes(),
  };
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
      const phase = conversation.phase;
      if (offer.purpose?.kind === 'conference') {
        // S-20: the asked agent joins as the guest; both see "<agent> joined the chat".
        if (phase.kind !== 'active' || phase.guest?.kind !== 'requested' || phase.guest.offerId !== offer.id)
          return 'OFFER_NOT_PENDING';
        d.putOffer(ended);
        d.putConversation({
          ...conversation,
          phase: { ...phase, guest: { kind: 'joined', agentId: offer.agentId, joinedAt: now } },
        });
        effects.push(
          { kind: 'offerEnded', offer: ended },
          { kind: 'timerCancelled', key: offerTimerKey(offer.id) },
          { kind: 'conversationChanged', conversationId: conversation.id },
          {
            kind: 'conferenceJoined',
            conversationId: conversation.id,
            ownerId: phase.ownerId,
            guestId: offer.agentId,
          },
        );
        return undefined;
      }
      d.putOffer(ended);
      d.putConversation({
        ...withoutHeadMark(conversation),
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
      lapseOffer(d, effects, event.offerId, now, 'lapsed');
      return undefined;
    case 'offer.declineRequested': {
      const offer = d.offers.get(event.offerId);
      if (!offer) return 'OFFER_NOT_FOUND';
      if (offer.agentId !== event.agentId) return 'NOT_OFFER_RECIPIENT';
      if (offer.status.kind !== 'pending') return 'OFFER_NOT_PENDING';
      lapseOffer(d, effects, offer.id, now, 'declined');
      effects.push({ kind: 'timerCancelled', key: offerTimerKey(offer.id) });
      return undefined;
    }
    case 'conversation.endRequested': {
      const found = ownedActive(d, event.agentId, event.conversationId);
      if (typeof found === 'string') return found;
      // Ended during a conference: the guest leaves too and wraps up (a pending request is withdrawn).
      dropGuest(d, effects, event.conversationId, now);
      const conversation = d.conversations.get(event.conversationId) ?? found.conversation;
      const phase = found.phase;
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
      const departed = departedOf(conversation, event.agentId);
      if (departed) {
        // A participant who left (transferred, or the guest) completes their own wrap-up only.
        completeDeparted(d, effects, conversation, departed, event.reasonId, now);
        if (d.queues[departed.queueId]?.autoWrapUpMs !== undefined) {
          effects.push({ kind: 'timerCancelled', key: wrapUpTimerKey(conversation.id, departed.agentId) });
        }
        return undefined;
      }
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
      if (event.agentId !== undefined) {
        const departed = conversation ? departedOf(conversation, event.agentId) : undefined;
        // Wrapped up by hand before the timer fired: nothing to do.
        if (!conversation || !departed) return undefined;
        const reasonId = d.queues[departed.queueId]?.defaultWrapUpReasonId ?? null;
        completeDeparted(d, effects, conversation, departed, reasonId, now);
        return undefined;
      }
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
        if (phase?.kind === 'offered' && phase.agentId === agent.id)
          rescindOffer(d, effects, phase.offerId, now);
        else if (phase?.kind === 'active') {
          const guest = phase.guest;
          // An owner or a joined guest keeps the conversation for the grace; an ask is withdrawn.
          if (phase.ownerId === agent.id || (guest?.kind === 'joined' && guest.agentId === agent.id))
            owns = true;
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
        const phase = d.conversations.get(id)?.phase;
        if (phase?.kind !== 'active') continue;
        if (phase.ownerId !== agent.id) {
          // A guest who stayed away leaves the conference and wraps up; the owner goes on.
          if (phase.guest?.kind === 'joined' && phase.guest.agentId === agent.id)
            dropGuest(d, effects, id, now);
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
    case 'transfer.requested': {
      const found = ownedActive(d, event.agentId, event.conversationId);
      if (typeof found === 'string') return found;
      const { conversation, phase } = found;
      if (phase.guest) return 'CONFERENCE_ALREADY_OPEN';
      const target = event.target;
      // S-18: the owner leaves at once and wraps up, whatever becomes of the transfer.
      const owner: DepartedParticipant = {
        agentId: phase.ownerId,
        role: 'owner',
        queueId: conversation.queueId,
        acceptedAt: phase.acceptedAt,
        endedAt: now,
      };
      const left: Conversation = {
        ...withoutHeadMark(conversation),
        departed: [...(conversation.departed ?? []), owner],
      };
      if (target.kind === 'queue') {
        if (!d.queues[target.queueId]) return 'TRANSFER_TARGET_UNAVAILABLE';
        // It waits in the new queue with its original arrival time (FIFO by receivedAt).
        const requeued: Conversation = {
          ...left,
          queueId: target.queueId,
          lapsedAgentIds: [],
          phase: { kind: 'queued' },
        };
        d.putConversation(requeued);
        armMaxWait(d, effects, requeued, now);
      } else {
        const agent = d.agents.get(target.agentId);
        if (!agent || !canJoin(d, agent, conversation)) return 'TRANSFER_TARGET_UNAVAILABLE';
        const made = makeOffer(
          d,
          effects,
          conversation,
          agent,
          d.queues[conversation.queueId]?.offerTimeoutMs ?? DEFAULT_OFFER_TIMEOUT_MS,
          { kind: 'transfer', fromAgentId: phase.ownerId, notAcceptedPolicy: event.notAcceptedPolicy },
          now,
        );
        d.putConversation({
          ...left,
          offerCount: conversation.offerCount + 1,
          phase: { kind: 'offered', offerId: made.id, agentId: agent.id },
        });
      }
      effects.push(
        { kind: 'conversationChanged', conversationId: conversation.id },
        {
          kind: 'conversationTransferred',
          conversationId: conversation.id,
          fromAgentId: phase.ownerId,
          target,
        },
      );
      armParticipantWrapUp(d, effects, conversation.id, owner, now);
      return undefined;
    }
    case 'conference.requested': {
      const found = ownedActive(d, event.agentId, event.conversationId);
      if (typeof found === 'string') return found;
      const { conversation, phase } = found;
      if (phase.guest) return 'CONFERENCE_ALREADY_OPEN';
      const target = event.target;
      let agent: Agent | undefined;
      let timeoutMs: number;
      if (target.kind === 'queue') {
        // The queue's strategy picks among its free members who are not in the conversation yet.
        const queue = d.queues[target.queueId];
        if (!queue) return 'TRANSFER_TARGET_UNAVAILABLE';
        agent = strategies[queue.strategy](freeMembers(d, queue.id, conversation))?.agent;
        timeoutMs = queue.offerTimeoutMs;
      } else {
        const asked = d.agents.get(target.agentId);
        agent = asked && canJoin(d, asked, conversation) ? asked : undefined;
        timeoutMs = d.queues[conversation.queueId]?.offerTimeoutMs ?? DEFAULT_OFFER_TIMEOUT_MS;
      }
      if (!agent) return 'TRANSFER_TARGET_UNAVAILABLE';
      const made = makeOffer(
        d,
        effects,
        conversation,
        agent,
        timeoutMs,
        { kind: 'conference', fromAgentId: phase.ownerId },
        now,
      );
      d.putConversation({
        ...conversation,
        offerCount: conversation.offerCount + 1,
        phase: { ...phase, guest: { kind: 'requested', agentId: agent.id, offerId: made.id } },
      });
      effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
      return undefined;
    }
    case 'conference.endRequested': {
      const found = ownedActive(d, event.agentId, event.conversationId);
      if (typeof found === 'string') return found;
      if (!found.phase.guest) return 'NO_CONFERENCE';
      dropGuest(d, effects, event.conversationId, now);
      return undefined;
    }
    case 'conference.exitRequested': {
      const conversation = d.conversations.get(event.conversationId);
      if (!conversation) return 'CONVERSATION_NOT_FOUND';
      const phase = conversation.phase;
      if (phase.kind !== 'active' || phase.guest?.kind !== 'joined' || phase.guest.agentId !== event.agentId)
        return 'NOT_CONFERENCE_GUEST';
      dropGuest(d, effects, event.conversationId, now);
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
function lapseOffer(
  d: Draft,
  effects: RoutingEffect[],
  offerId: OfferId,
  now: number,
  how: 'lapsed' | 'declined',
): void {
  const offer = d.offers.get(offerId);
  // A deadline that fires after the offer ended (accepted, or already lapsed before a restart) is a no-op.
  if (!offer || offer.status.kind !== 'pending') return;
  const lapsed: Offer = { ...offer, status: { kind: how, at: now } };
  d.putOffer(lapsed);
  effects.push({ kind: 'offerEnded', offer: lapsed });
  const agent = d.agents.get(offer.agentId);
  if (agent && agent.state.kind !== 'rona') {
    d.putAgent({ ...agent, state: { kind: 'rona', since: now } });
    effects.push({ kind: 'agentStateChanged', agentId: agent.id });
  }
  const conversation = d.conversations.get(offer.conversationId);
  const phase = conversation?.phase;
  if (!conversation || !phase) return;
  if (phase.kind === 'active' && phase.guest?.kind === 'requested' && phase.guest.offerId === offerId) {
    // A conference request nobody answered: dropped, the owner is told, the conversation goes on.
    const { guest: _asked, ...alone } = phase;
    d.putConversation({ ...conversation, phase: alone });
    effects.push(
      { kind: 'conversationChanged', conversationId: conversation.id },
      {
        kind: 'conferenceRequestDropped',
        conversationId: conversation.id,
        ownerId: phase.ownerId,
        agentId: offer.agentId,
        reason: how,
      },
    );
    return;
  }
  if (phase.kind !== 'offered' || phase.offerId !== offerId) return;
  const lapsedAgentIds = conversation.lapsedAgentIds.includes(offer.agentId)
    ? conversation.lapsedAgentIds
    : [...conversation.lapsedAgentIds, offer.agentId];
  if (offer.purpose?.kind === 'transfer') {
    // S-17: the transfer request is dropped; the admin policy says what becomes of the customer.
    if (offer.purpose.notAcceptedPolicy === 'endConversation') {
      d.putConversation({
        ...withoutHeadMark(conversation),
        lapsedAgentIds,
        phase: { kind: 'closed', ownerId: null, closedAt: now, wrapUpReasonId: null },
      });
      effects.push(
        { kind: 'conversationChanged', conversationId: conversation.id },
        {
          kind: 'transferNotAccepted',
          conversationId: conversation.id,
          agentId: offer.agentId,
          outcome: 'ended',
        },
      );
      return;
    }
    const requeued: Conversation = {
      ...conversation,
      lapsedAgentIds,
      atHead: true,
      phase: { kind: 'queued' },
    };
    d.putConversation(requeued);
    effects.push(
      { kind: 'conversationChanged', conversationId: conversation.id },
      {
        kind: 'transferNotAccepted',
        conversationId: conversation.id,
        agentId: offer.agentId,
        outcome: 'returnedToQueue',
      },
    );
    armMaxWait(d, effects, requeued, now);
    return;
  }
  const requeued: Conversation = { ...conversation, lapsedAgentIds, phase: { kind: 'queued' } };
  d.putConversation(requeued);
  effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
  armMaxWait(d, effects, requeued, now);
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
  const phase = conversation?.phase;
  if (!conversation || !phase) return;
  if (phase.kind === 'active' && phase.guest?.kind === 'requested' && phase.guest.offerId === offerId) {
    const { guest: _asked, ...alone } = phase;
    d.putConversation({ ...conversation, phase: alone });
    effects.push(
      { kind: 'conversationChanged', conversationId: conversation.id },
      {
        kind: 'conferenceRequestDropped',
        conversationId: conversation.id,
        ownerId: phase.ownerId,
        agentId: offer.agentId,
        reason: 'withdrawn',
      },
    );
    return;
  }
  if (phase.kind === 'offered' && phase.offerId === offerId) {
    // A transfer whose target went away goes back to the head of its queue: a customer is never lost.
    const requeued: Conversation =
      offer.purpose?.kind === 'transfer'
        ? { ...conversation, atHead: true, phase: { kind: 'queued' } }
        : { ...conversation, phase: { kind: 'queued' } };
    d.putConversation(requeued);
    effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
    armMaxWait(d, effects, requeued, now);
  }
}

/** The conversation, if `agentId` owns it and it is active; the rejection otherwise. */
function ownedActive(
  d: Draft,
  agentId: AgentId,
  conversationId: ConversationId,
): Rejection | { conversation: Conversation; phase: Extract<Conversation['phase'], { kind: 'active' }> } {
  const conversation = d.conversations.get(conversationId);
  if (!conversation) return 'CONVERSATION_NOT_FOUND';
  const phase = conversation.phase;
  if (phase.kind !== 'active') {
    return ownerOf(conversation) === agentId ? 'CONVERSATION_NOT_ACTIVE' : 'NOT_CONVERSATION_OWNER';
  }
  if (phase.ownerId !== agentId) return 'NOT_CONVERSATION_OWNER';
  return { conversation, phase };
}

/**
 * Takes the guest out of an active conversation: a pending request is withdrawn (its offer
 * rescinded, the owner told), a joined guest departs and owes a wrap-up (S-21..S-23).
 */
function dropGuest(d: Draft, effects: RoutingEffect[], conversationId: ConversationId, now: number): void {
  const conversation = d.conversations.get(conversationId);
  const phase = conversation?.phase;
  if (!conversation || phase?.kind !== 'active' || !phase.guest) return;
  const guest = phase.guest;
  if (guest.kind === 'requested') {
    rescindOffer(d, effects, guest.offerId, now);
    return;
  }
  const { guest: _joined, ...alone } = phase;
  const departed: DepartedParticipant = {
    agentId: guest.agentId,
    role: 'guest',
    queueId: conversation.queueId,
    acceptedAt: guest.joinedAt,
    endedAt: now,
  };
  d.putConversation({
    ...conversation,
    phase: alone,
    departed: [...(conversation.departed ?? []), departed],
  });
  effects.push(
    { kind: 'conversationChanged', conversationId },
    { kind: 'guestLeft', conversationId, agentId: guest.agentId },
  );
  armParticipantWrapUp(d, effects, conversationId, departed, now);
}

/** Arms a departed participant's auto wrap-up, if the queue has one. */
function armParticipantWrapUp(
  d: Draft,
  effects: RoutingEffect[],
  conversationId: ConversationId,
  departed: DepartedParticipant,
  now: number,
): void {
  const autoWrapUpMs = d.queues[departed.queueId]?.autoWrapUpMs;
  if (autoWrapUpMs === undefined) return;
  const event: RoutingEvent = { type: 'wrapUp.deadlinePassed', conversationId, agentId: departed.agentId };
  effects.push({
    kind: 'timerArmed',
    timer: { key: wrapUpTimerKey(conversationId, departed.agentId), dueAt: now + autoWrapUpMs, event },
  });
}

/** A departed participant's wrap-up is done: they are out of the conversation and its load. */
function completeDeparted(
  d: Draft,
  effects: RoutingEffect[],
  conversation: Conversation,
  departed: DepartedParticipant,
  reasonId: string | null,
  now: number,
): void {
  const rest = (conversation.departed ?? []).filter((p) => p.agentId !== departed.agentId);
  const { departed: _all, ...without } = conversation;
  d.putConversation(rest.length > 0 ? { ...without, departed: rest } : without);
  effects.push(
    { kind: 'conversationChanged', conversationId: conversation.id },
    {
      kind: 'participantWrappedUp',
      conversationId: conversation.id,
      participant: departed,
      reasonId,
      at: now,
    },
  );
}

/** The conversation without its head-of-queue mark (it matters only while it waits). */
function withoutHeadMark(conversation: Conversation): Conversation {
  if (conversation.atHead === undefined) return conversation;
  const { atHead: _head, ...rest } = conversation;
  return rest;
}

/** Whether an agent may be asked to take a conversation now: free, and not in it already. */
function canJoin(d: Draft, agent: Agent, conversation: Conversation): boolean {
  return !holdersOf(conversation).includes(agent.id) && isFree(agent, d.load(agent.id));
}

/** Used when a conversation's queue is gone from the world (an offer needs some deadline). */
const DEFAULT_OFFER_TIMEOUT_MS = 30_000;

/**
 * Offers waiting conversations of the given queues while some queue has both a waiting
 * conversation and a free member: each time the head that comes first in (queue priority,
 * arrival, id) goes to the agent its queue's strategy picks, preferring agents who have not let
 * it lapse. A queue whose head finds no agent has none for the rest either (same members), except
 * when its only free members left that conversation (they are never offered it back while they
 * owe its wrap-up): then the next conversation in the queue is tried.
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
      const queue = d.queues[queueId];
      const waiting = d.waiting.get(queueId);
      if (!queue || !waiting || waiting.length === 0) continue;
      if (bestQueue !== undefined && queue.priority > bestPriority) continue;
      const members = freeMembers(d, queueId);
      if (members.length === 0) continue;
      for (const entry of waiting) {
        if (
          bestQueue !== undefined &&
          queue.priority === bestPriority &&
          (entry.at > bestAt || (entry.at === bestAt && entry.id > bestId))
        ) {
          break; // the rest of this queue comes later still
        }
        const inIt = holdersOf(d.conversations.get(entry.id));
        const candidates = inIt.length === 0 ? members : members.filter((c) => !inIt.includes(c.agent.id));
        if (candidates.length === 0) continue;
        bestQueue = queueId;
        bestCandidates = candidates;
        bestPriority = queue.priority;
        bestAt = entry.at;
        bestId = entry.id;
        break;
      }
    }
    if (bestQueue === undefined) return;
    offer(d, effects, bestQueue, bestId, bestCandidates, now);
    if (d.free.length === 0) return;
  }
}

/** Free members of the queue, except agents already in `conversation` (e.g. who transferred it away). */
function freeMembers(d: Draft, queueId: QueueId, conversation?: Conversation): Candidate[] {
  const inIt = conversation ? holdersOf(conversation) : [];
  const candidates: Candidate[] = [];
  for (const agentId of d.free) {
    const agent = d.agents.get(agentId);
    if (agent?.queueIds.includes(queueId) && !inIt.includes(agentId))
      candidates.push({ agent, load: d.load(agentId) });
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
  const made = makeOffer(d, effects, conversation, agent, queue.offerTimeoutMs, undefined, now);
  d.putConversation({
    ...conversation,
    offerCount: conversation.offerCount + 1,
    phase: { kind: 'offered', offerId: made.id, agentId: agent.id },
  });
  effects.push({ kind: 'conversationChanged', conversationId: conversation.id });
  if (
    queue.maxWaitMs !== undefined &&
    queue.overflowQueueId !== undefined &&
    queue.overflowQueueId !== null
  ) {
    effects.push({ kind: 'timerCancelled', key: maxWaitTimerKey(conversation.id) });
  }
}

/**
 * Makes the conversation's next offer to `agent` (numbered from `offerCount`; the caller bumps it
 * and sets the conversation's phase) with its deadline timer.
 */
function makeOffer(
  d: Draft,
  effects: RoutingEffect[],
  conversation: Conversation,
  agent: Agent,
  timeoutMs: number,
  purpose: OfferPurpose | undefined,
  now: number,
): Offer {
  const made: Offer = {
    id: offerIdFor(conversation.id, conversation.offerCount + 1),
    conversationId: conversation.id,
    agentId: agent.id,
    createdAt: now,
    expiresAt: now + timeoutMs,
    status: { kind: 'pending' },
    ...(purpose === undefined ? {} : { purpose }),
  };
  d.putOffer(made);
  d.putAgent({ ...agent, lastOfferedAt: now });
  effects.push(
    { kind: 'offerMade', offer: made },
    {
      kind: 'timerArmed',
      timer: {
        key: offerTimerKey(made.id),
        dueAt: made.expiresAt,
        event: { type: 'offer.deadlinePassed', offerId: made.id },
      },
    },
  );
  return made;
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
