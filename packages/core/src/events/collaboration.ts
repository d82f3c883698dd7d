/** Collaboration on an active conversation: transfer (S-14..S-18) and conference (S-19..S-22). */
import type { Agent, Conversation, ConversationId, DepartedParticipant } from '../model.ts';
import { ownedActive, withoutHeadMark } from '../conversation.ts';
import { holdersOf } from '../participants.ts';
import { freeMembers, makeOffer } from '../routing.ts';
import { strategies } from '../strategies.ts';
import { armMaxWait, armParticipantWrapUp } from '../timers.ts';
import type { EventOf, Rejection, RoutingEffect } from '../types.ts';
import { isFree, type Draft } from '../world.ts';
import { rescindOffer } from './offers.ts';

/**
 * `transfer.requested`: the owner leaves at once (and owes a wrap-up); the conversation waits in
 * the target queue, or is offered to the target agent.
 */
export function onTransferRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'transfer.requested'>,
  now: number,
): Rejection | undefined {
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

/**
 * `conference.requested`: the conversation is offered to a guest, picked by the target queue's
 * strategy or named by the owner.
 */
export function onConferenceRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conference.requested'>,
  now: number,
): Rejection | undefined {
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

/** `conference.endRequested`: the owner ends the conference or withdraws the request. */
export function onConferenceEndRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conference.endRequested'>,
  now: number,
): Rejection | undefined {
  const found = ownedActive(d, event.agentId, event.conversationId);
  if (typeof found === 'string') return found;
  if (!found.phase.guest) return 'NO_CONFERENCE';
  dropGuest(d, effects, event.conversationId, now);
  return undefined;
}

/** `conference.exitRequested`: the guest leaves; the owner goes on with the customer. */
export function onConferenceExitRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conference.exitRequested'>,
  now: number,
): Rejection | undefined {
  const conversation = d.conversations.get(event.conversationId);
  if (!conversation) return 'CONVERSATION_NOT_FOUND';
  const phase = conversation.phase;
  if (phase.kind !== 'active' || phase.guest?.kind !== 'joined' || phase.guest.agentId !== event.agentId)
    return 'NOT_CONFERENCE_GUEST';
  dropGuest(d, effects, event.conversationId, now);
  return undefined;
}

/**
 * Takes the guest out of an active conversation: a pending request is withdrawn (its offer
 * rescinded, the owner told), a joined guest departs and owes a wrap-up (S-21..S-23).
 */
export function dropGuest(
  d: Draft,
  effects: RoutingEffect[],
  conversationId: ConversationId,
  now: number,
): void {
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

/** Whether an agent may be asked to take a conversation now: free, and not in it already. */
function canJoin(d: Draft, agent: Agent, conversation: Conversation): boolean {
  return !holdersOf(conversation).includes(agent.id) && isFree(agent, d.load(agent.id));
}

/** Used when a conversation's queue is gone from the world (an offer needs some deadline). */
const DEFAULT_OFFER_TIMEOUT_MS = 30_000;
