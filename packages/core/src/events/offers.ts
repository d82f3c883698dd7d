/** The offer events (accept, decline, deadline) and how an offer ends without being accepted. */
import type { Conversation, Offer, OfferId } from '../model.ts';
import { withoutHeadMark } from '../conversation.ts';
import { armMaxWait, maxWaitTimerKey, offerTimerKey } from '../timers.ts';
import type { EventOf, Rejection, RoutingEffect } from '../types.ts';
import type { Draft } from '../world.ts';

/**
 * `offer.acceptRequested`: the recipient takes the conversation, as its owner, or as the guest of
 * a conference (S-20).
 */
export function onOfferAcceptRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'offer.acceptRequested'>,
  now: number,
): Rejection | undefined {
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

/** `offer.deadlinePassed`: an offer nobody accepted in time lapses (S-4). */
export function onOfferDeadlinePassed(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'offer.deadlinePassed'>,
  now: number,
): undefined {
  lapseOffer(d, effects, event.offerId, now, 'lapsed');
  return undefined;
}

/** `offer.declineRequested`: the recipient turns the offer down; like a lapse (S-17). */
export function onOfferDeclineRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'offer.declineRequested'>,
  now: number,
): Rejection | undefined {
  const offer = d.offers.get(event.offerId);
  if (!offer) return 'OFFER_NOT_FOUND';
  if (offer.agentId !== event.agentId) return 'NOT_OFFER_RECIPIENT';
  if (offer.status.kind !== 'pending') return 'OFFER_NOT_PENDING';
  lapseOffer(d, effects, offer.id, now, 'declined');
  effects.push({ kind: 'timerCancelled', key: offerTimerKey(offer.id) });
  return undefined;
}

/**
 * S-4: an offer not accepted in time puts the agent in RONA and sends the conversation back to
 * the head of its queue: it keeps its arrival time, so it keeps its place.
 */
export function lapseOffer(
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
export function rescindOffer(d: Draft, effects: RoutingEffect[], offerId: OfferId, now: number): void {
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

/**
 * `conversation.withdrawn` (S-7): a conversation nobody accepted, whose number or queue was
 * deleted, closes unanswered; its pending offer is rescinded first (the agent's popover goes).
 */
export function onConversationWithdrawn(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conversation.withdrawn'>,
  now: number,
): undefined {
  const conversation = d.conversations.get(event.conversationId);
  const phase = conversation?.phase;
  if (!conversation || (phase?.kind !== 'queued' && phase?.kind !== 'offered')) return undefined;
  if (phase.kind === 'offered') rescindOffer(d, effects, phase.offerId, now);
  const current = d.conversations.get(conversation.id) ?? conversation;
  d.putConversation({
    ...withoutHeadMark(current),
    phase: { kind: 'closed', ownerId: null, closedAt: now, wrapUpReasonId: null },
  });
  effects.push(
    { kind: 'conversationChanged', conversationId: conversation.id },
    { kind: 'timerCancelled', key: maxWaitTimerKey(conversation.id) },
  );
  return undefined;
}
