/** Who a conversation belongs to, and the checks and reshaping several event families share. */
import type { AgentId, Conversation, ConversationId } from './model.ts';
import type { Rejection } from './types.ts';
import { holderOf, type Draft } from './world.ts';

/** The agent a conversation belongs to or is offered to, if any. */
export function ownerOf(conversation: Conversation): AgentId | null {
  return holderOf(conversation) ?? ownerOfClosed(conversation);
}

function ownerOfClosed(conversation: Conversation): AgentId | null {
  return conversation.phase.kind === 'closed' ? conversation.phase.ownerId : null;
}

/** The conversation, if `agentId` owns it and it is active; the rejection otherwise. */
export function ownedActive(
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

/** The conversation without its head-of-queue mark (it matters only while it waits). */
export function withoutHeadMark(conversation: Conversation): Conversation {
  if (conversation.atHead === undefined) return conversation;
  const { atHead: _head, ...rest } = conversation;
  return rest;
}

/** The conversation without its sticky-agent reservation (offered, or its time is up). */
export function withoutPreference(conversation: Conversation): Conversation {
  if (conversation.preferredAgentId === undefined && conversation.preferredUntil === undefined)
    return conversation;
  const { preferredAgentId: _agent, preferredUntil: _until, ...rest } = conversation;
  return rest;
}
