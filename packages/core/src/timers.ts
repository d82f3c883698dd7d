/** Timer keys, and the helpers that arm the timers several event families share. */
import type { AgentId, Conversation, ConversationId, DepartedParticipant, OfferId } from './model.ts';
import type { RoutingEffect, RoutingEvent } from './types.ts';
import type { Draft } from './world.ts';

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

/** The timer key of a sticky conversation's time reserved for its last agent. */
export function preferenceTimerKey(conversationId: ConversationId): string {
  return `preference:${conversationId}`;
}

/** Arms the queue's max-wait timer for a conversation that starts waiting in it. */
export function armMaxWait(
  d: Draft,
  effects: RoutingEffect[],
  conversation: Conversation,
  now: number,
): void {
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

/** Arms a departed participant's auto wrap-up, if the queue has one. */
export function armParticipantWrapUp(
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
