import type { AgentId, Conversation, DepartedParticipant, QueueId } from './model.ts';

/**
 * Who takes part in a conversation, and so whose capacity counts it: the recipient of its pending
 * offer or its owner (until the owner's wrap-up), a guest asked or joined, and departed agents
 * until their own wrap-up. An agent appears at most once (the core never asks a participant to
 * join again, nor routes a conversation to one of its departed agents).
 */
export function holdersOf(conversation: Conversation | undefined): readonly AgentId[] {
  if (!conversation) return [];
  const holders: AgentId[] = [];
  const phase = conversation.phase;
  switch (phase.kind) {
    case 'offered':
      holders.push(phase.agentId);
      break;
    case 'active':
      holders.push(phase.ownerId);
      if (phase.guest) holders.push(phase.guest.agentId);
      break;
    case 'wrapUp':
      holders.push(phase.ownerId);
      break;
    case 'queued':
    case 'closed':
      break;
  }
  for (const departed of conversation.departed ?? []) holders.push(departed.agentId);
  return holders;
}

/** The departed participant entry of `agentId`, if they left this conversation owing a wrap-up. */
export function departedOf(conversation: Conversation, agentId: AgentId): DepartedParticipant | undefined {
  return conversation.departed?.find((d) => d.agentId === agentId);
}

/**
 * Far enough before any real instant that a conversation put back at the head of its queue waits
 * ahead of all others, while those marked keep their arrival order among themselves.
 */
const HEAD_OFFSET = 1e14;

/** The conversation's place in its queue's FIFO: its arrival time, or ahead of everyone (S-17). */
export function waitAt(conversation: Conversation): number {
  return conversation.atHead === true ? conversation.receivedAt - HEAD_OFFSET : conversation.receivedAt;
}

/**
 * The queue whose wrap-up reasons apply to `agentId`'s wrap-up: the one they worked it in (a
 * transferring agent's queue, not the one the conversation went on to).
 */
export function wrapUpQueueOf(conversation: Conversation | undefined, agentId: AgentId): QueueId | undefined {
  return (conversation && departedOf(conversation, agentId))?.queueId ?? conversation?.queueId;
}
