import { lookup } from '@parlo/core';
import { ApiError } from '@parlo/protocol';
import type { ConversationDetails, StoreTx, UserRow } from '../store/index.ts';

/** How `user` takes part in a live conversation. */
export type Participation = 'owner' | 'guest';

/**
 * The conversation and how `user` takes part in it: its owner (active or in wrap-up) or the joined
 * guest of its conference (S-20). 404 if there is no such conversation, 403 for anyone else.
 */
export async function participation(
  tx: StoreTx,
  user: UserRow,
  conversationId: string,
): Promise<{ details: ConversationDetails; role: Participation }> {
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  const live = details.phaseKind === 'active' || details.phaseKind === 'wrapUp';
  if (live && details.agentId === user.id) return { details, role: 'owner' };
  if (details.phaseKind === 'active') {
    const state = await tx.routing.read();
    const phase = lookup(state).conversation(conversationId)?.phase;
    if (phase?.kind === 'active' && phase.guest?.kind === 'joined' && phase.guest.agentId === user.id) {
      return { details, role: 'guest' };
    }
  }
  throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
}

/** Who sees the conversation's messages live: its owner and a joined guest. */
export async function watchersOf(tx: StoreTx, details: ConversationDetails): Promise<string[]> {
  const state = await tx.routing.read();
  const phase = lookup(state).conversation(details.id)?.phase;
  if (phase?.kind === 'active') {
    return phase.guest?.kind === 'joined' ? [phase.ownerId, phase.guest.agentId] : [phase.ownerId];
  }
  return details.agentId === null ? [] : [details.agentId];
}
