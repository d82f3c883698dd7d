/** Ending a conversation and its wrap-ups: the owner's, and each departed participant's. */
import type { AgentId, Conversation, DepartedParticipant } from '../model.ts';
import { ownedActive, ownerOf } from '../conversation.ts';
import { departedOf } from '../participants.ts';
import { wrapUpTimerKey } from '../timers.ts';
import type { EventOf, Rejection, RoutingEffect, RoutingEvent } from '../types.ts';
import type { Draft } from '../world.ts';
import { dropGuest } from './collaboration.ts';

/**
 * `conversation.endRequested`: the owner ends the conversation and wraps up, with the queue's
 * auto wrap-up timer armed if it has one.
 */
export function onConversationEndRequested(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'conversation.endRequested'>,
  now: number,
): Rejection | undefined {
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

/** `wrapUp.submitted`: the owner closes the conversation, or a departed participant their own wrap-up. */
export function onWrapUpSubmitted(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'wrapUp.submitted'>,
  now: number,
): Rejection | undefined {
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
    return ownerOf(conversation) === event.agentId ? 'CONVERSATION_NOT_IN_WRAP_UP' : 'NOT_CONVERSATION_OWNER';
  }
  if (phase.ownerId !== event.agentId) return 'NOT_CONVERSATION_OWNER';
  closeWrapUp(d, effects, conversation, phase.ownerId, event.reasonId, now);
  if (d.queues[conversation.queueId]?.autoWrapUpMs !== undefined) {
    effects.push({ kind: 'timerCancelled', key: wrapUpTimerKey(conversation.id) });
  }
  return undefined;
}

/** `wrapUp.deadlinePassed`: a wrap-up still owed is done with the queue's default reason. */
export function onWrapUpDeadlinePassed(
  d: Draft,
  effects: RoutingEffect[],
  event: EventOf<'wrapUp.deadlinePassed'>,
  now: number,
): undefined {
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

/** The owner's wrap-up is done: the conversation is closed with `reasonId`. */
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
